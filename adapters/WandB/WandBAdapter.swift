import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import Synchronization

/// The Weights & Biases Registry adapter (GraphQL at `{url}/graphql`).
///
/// The configured `entity` is the organization's entity; the organization name the registry queries take is
/// resolved once with `FetchOrgInfoFromEntity`. Registry = project `wandb-registry-<registry>` of the
/// organization entity; model = collection (PORTFOLIO); version = membership `v<versionIndex>`.
/// Read side: `RegistryCollections` pages (Relay `first`/`after`), each collection with all its memberships
/// (`RegistryVersions`, every page) and each artifact's logging run (`ArtifactCreatedBy`). Write side:
/// `LinkArtifact` of an artifact already in W&B, `AddAliases`/`DeleteAliases`, `UpdateArtifact`
/// (description, tags). A new artifact (manifest and file upload) is refused as "needs upload".
/// See `adapters/WandB/README.md`.
public struct WandBAdapter: RegistryAdapter {
    public static let defaultBaseURL = "https://api.wandb.ai"
    /// Collections per page and memberships per page when none is configured.
    public static let defaultPageSize = 50

    public let registry: String
    public var kind: RegistryKind { .wandb }
    /// Server-numbered versions, aliases, version tags (names only); no stages, no collection-tag writes,
    /// no incremental listing.
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: false, aliases: true, lifecycle: false, versionTags: true, modelTags: false,
            deletes: true, incrementalListing: false, artifactSchemes: ["wandb-artifact"])
    }

    public let client: WandBClient
    /// The configured entity (the organization's entity).
    public let entity: String
    /// The W&B registry name (without `wandb-registry-`).
    public let registryName: String
    public let pageSize: Int
    public let concurrency: Int
    let organizationCache: OrganizationCache
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - registry: the configured registry name (ModelGate's).
    ///   - baseURL: the API host; nil for `https://api.wandb.ai`.
    ///   - entity: the organization's entity (config `entity`).
    ///   - registryName: the W&B registry (config `registry`), e.g. `model` for project `wandb-registry-model`.
    ///   - transport: the composed transport (Basic `api:<key>` and retries already applied).
    ///   - pageSize: the configured `page_size` (1…1000), default 50.
    public init(
        registry: String, baseURL: String? = nil, entity: String, registryName: String, transport: any HTTPTransport,
        pageSize: Int? = nil, concurrency: Int = 4, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.client = WandBClient(registry: registry, baseURL: baseURL, transport: transport)
        self.entity = entity
        var name = registryName
        if name.hasPrefix("wandb-registry-") { name.removeFirst("wandb-registry-".count) }
        self.registryName = name
        self.pageSize = min(max(pageSize ?? Self.defaultPageSize, 1), 1000)
        self.concurrency = max(concurrency, 1)
        self.organizationCache = OrganizationCache()
        self.now = now
    }

    /// `wandb-registry-<registry>`.
    public var registryProject: String { WandBMapping.registryProject(registryName) }

    /// `{"name": "wandb-registry-<registry>"}` as a JSONString.
    var registryFilter: JSONValue { .string(JSONValue.object(["name": .string(registryProject)]).jsonString()) }

    static func collectionFilter(_ name: String) -> JSONValue {
        .string(JSONValue.object(["name": .string(name)]).jsonString())
    }

    // MARK: - Organization

    /// The organization's name and its entity's name.
    public struct Organization: Sendable, Hashable {
        public var name: String
        public var entity: String
    }

    final class OrganizationCache: Sendable {
        let value = Mutex<Organization?>(nil)
    }

    /// Resolves (once) the organization of `entity` with `FetchOrgInfoFromEntity`: the entity's own
    /// organization, else the user's organization whose entity is `entity`.
    public func organization() async throws -> Organization {
        if let cached = organizationCache.value.withLock({ $0 }) { return cached }
        let data = try await client.execute("FetchOrgInfoFromEntity", variables: ["entity": .string(entity)])
        guard let node = data["entity"], !node.isNull else {
            throw RegistryError(
                code: .configuration, registry: registry, operation: "GraphQL FetchOrgInfoFromEntity",
                message: "W&B has no entity '\(entity)': set `entity:` to the organization's entity")
        }
        var candidates: [JSONValue] = []
        if let org = node["organization"], !org.isNull { candidates.append(org) }
        candidates += node["user"]?["organizations"]?.arrayValue ?? []
        let match = candidates.first { WandBMapping.string($0["orgEntity"], "name") == entity } ?? candidates.first
        guard let match, let name = WandBMapping.string(match, "name") else {
            throw RegistryError(
                code: .configuration, registry: registry, operation: "GraphQL FetchOrgInfoFromEntity",
                message: "the W&B entity '\(entity)' belongs to no organization; registries live in an organization's entity")
        }
        let resolved = Organization(name: name, entity: WandBMapping.string(match["orgEntity"], "name") ?? entity)
        organizationCache.value.withLock { $0 = resolved }
        return resolved
    }

    // MARK: - Reads

    /// One page of the registry's collections (raw nodes), or nil when the organization is not found.
    func collectionsPage(cursor: String?, perPage: Int, name: String? = nil) async throws -> WandBClient.Page {
        let org = try await organization()
        var variables: [String: JSONValue] = [
            "organization": .string(org.name), "registryFilter": registryFilter, "perPage": .int(Int64(perPage)),
        ]
        if let cursor { variables["cursor"] = .string(cursor) }
        if let name { variables["collectionFilter"] = Self.collectionFilter(name) }
        let data = try await client.execute("RegistryCollections", variables: variables)
        guard let page = try client.connection(
            data, ["organization", "orgEntity", "artifactCollections"], operation: "RegistryCollections")
        else { throw organizationMissing(org, operation: "RegistryCollections") }
        return page
    }

    func organizationMissing(_ org: Organization, operation: String) -> RegistryError {
        RegistryError(
            code: .notFound, registry: registry, operation: "GraphQL \(operation)",
            message: "W&B has no organization '\(org.name)' visible to this API key (resolved from entity '\(entity)')")
    }

    /// Every membership (raw `ArtifactMembershipFragment`) of collection `name` in the registry, all pages.
    public func memberships(collection name: String) async throws -> [JSONValue] {
        let org = try await organization()
        var all: [JSONValue] = []
        var seen: Set<String> = []
        var cursors: Set<String> = []
        var cursor: String?
        repeat {
            try Task.checkCancellation()
            var variables: [String: JSONValue] = [
                "organization": .string(org.name), "registryFilter": registryFilter,
                "collectionFilter": Self.collectionFilter(name), "perPage": .int(Int64(pageSize)),
            ]
            if let cursor { variables["cursor"] = .string(cursor) }
            let data = try await client.execute("RegistryVersions", variables: variables)
            guard let page = try client.connection(
                data, ["organization", "orgEntity", "artifactMemberships"], operation: "RegistryVersions")
            else { throw organizationMissing(org, operation: "RegistryVersions") }
            for node in page.nodes {
                let key = node["id"]?.stringValue ?? node["versionIndex"]?.jsonString() ?? UUID().uuidString
                if seen.insert(key).inserted { all.append(node) }
            }
            cursor = page.next
            if let cursor, !cursors.insert(cursor).inserted {
                throw RegistryError(
                    code: .malformedPayload, registry: registry, operation: "GraphQL RegistryVersions",
                    message: "the registry returned the same cursor twice")
            }
        } while cursor != nil
        return all
    }

    /// The run that logged artifact `id` (`RunInfoFragment`), or nil.
    public func createdBy(artifactID id: String) async throws -> JSONValue? {
        let data = try await client.execute("ArtifactCreatedBy", variables: ["id": .string(id)])
        guard let run = data["artifact"]?["createdBy"], !run.isNull, run["__typename"]?.stringValue != "User" else {
            return nil
        }
        return run
    }

    /// The raw membership `collection:spec` (spec `vN` or an alias) in `entity/project`, or nil.
    func membership(entity: String, project: String, name: String) async throws -> JSONValue? {
        let data = try await client.execute(
            "ArtifactMembershipByName",
            variables: ["entity": .string(entity), "project": .string(project), "name": .string(name)])
        guard let member = data["project"]?["artifactCollectionMembership"], !member.isNull else { return nil }
        return member
    }

    func mapVersion(_ json: JSONValue, model: String, run: JSONValue?, org: Organization) throws -> ModelVersion {
        do {
            return try WandBMapping.version(
                json, model: model, registry: registry, entity: org.entity, project: registryProject, run: run)
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: "GraphQL ArtifactMembershipByName",
                message: "\(error)")
        }
    }

    /// `ArtifactMembershipByName` with `<model>:<version>` (`vN` or an alias) in the registry; nil when absent.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        let org = try await organization()
        guard let json = try await membership(entity: org.entity, project: registryProject, name: "\(model):\(version)")
        else { return nil }
        var run: JSONValue?
        if let id = json["artifact"]?["id"]?.stringValue { run = try await createdBy(artifactID: id) }
        return try mapVersion(json, model: model, run: run, org: org)
    }

    /// `RegistryCollections` filtered by name; nil when the registry has no such collection.
    public func model(name: String) async throws -> RegistryModel? {
        let page = try await collectionsPage(cursor: nil, perPage: 1, name: name)
        guard let node = page.nodes.first(where: { $0["name"]?.stringValue == name }) else { return nil }
        do {
            return try WandBMapping.model(node, registry: registry)
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: "GraphQL RegistryCollections", message: "\(error)")
        }
    }

    // MARK: - Writes

    /// W&B creates a registry collection only by linking an artifact into it.
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        if try await model(name: name) != nil {
            throw RegistryError(
                code: .conflict, registry: registry, operation: "GraphQL LinkArtifact",
                message: "collection '\(name)' already exists in registry '\(registryProject)'")
        }
        throw unsupported(
            "GraphQL LinkArtifact",
            "W&B creates a registry collection only by linking an artifact into it; create the version of '\(name)' "
                + "from a wandb-artifact:// source instead")
    }

    /// Links the artifact named by `sourceURI` (`wandb-artifact://ENTITY/PROJECT/NAME:VERSION`, already in W&B)
    /// into collection `model` (`LinkArtifact`), then writes `description` and `tags` (`UpdateArtifact`: they
    /// belong to the artifact, so its source collection sees them too) and reads the version back.
    /// Anything else "needs upload", which ModelGate does not do.
    ///
    /// With `new.provenance`, the artifact's `metadata` gets the key `modelgate` (``provenanceMetadata(_:)``,
    /// merged into the metadata it has) in one `UpdateArtifact` together with `description` and `tags`, sent
    /// BEFORE the link: the version exists only once it carries its provenance. Metadata belongs to the
    /// artifact, so every membership of it (the source's too) shows the key; ``provenance(of:)`` tells them apart.
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let operation = "GraphQL LinkArtifact"
        let tagNames = try Self.tagNames(new.tags, registry: registry, operation: operation)
        guard let source = new.sourceURI, let parts = WandBMapping.parseArtifactURI(source) else {
            throw unsupported(
                operation,
                "needs upload: the source of the new version of '\(new.model)' "
                    + "(\(new.sourceURI.map { "'\($0)'" } ?? "none")) is not an artifact already in W&B; ModelGate links "
                    + "existing artifacts (wandb-artifact://ENTITY/PROJECT/NAME:VERSION) but does not upload manifests "
                    + "and files — log the artifact with the wandb SDK first")
        }
        guard let sourceMember = try await membership(entity: parts.entity, project: parts.project, name: parts.name),
            let artifactID = sourceMember["artifact"]?["id"]?.stringValue
        else {
            throw unsupported(
                operation,
                "needs upload: the artifact '\(source)' was not found in W&B; ModelGate does not upload artifacts")
        }
        var update: [String: JSONValue] = ["artifactID": .string(artifactID)]
        if let description = new.description { update["description"] = .string(description) }
        if !tagNames.isEmpty { update["tagsToAdd"] = .array(tagNames.map { ["tagName": .string($0)] }) }
        if let provenance = new.provenance {
            var metadata: [String: JSONValue] = [:]
            if let text = WandBMapping.string(sourceMember["artifact"], "metadata") {
                guard let object = (try? JSONValue.parse(Data(text.utf8)))?.objectValue else {
                    throw RegistryError(
                        code: .malformedPayload, registry: registry, operation: "GraphQL ArtifactMembershipByName",
                        message: "the metadata of artifact '\(source)' is not a JSON object, so provenance cannot be added")
                }
                metadata = object
            }
            metadata[Self.provenanceMetadataKey] = Self.provenanceMetadata(provenance)
            update["metadata"] = .string(JSONValue.object(metadata).jsonString())
            _ = try await client.execute("UpdateArtifact", variables: ["input": .object(update)])
        }
        let org = try await organization()
        let data = try await client.execute(
            "LinkArtifact",
            variables: [
                "input": [
                    "artifactID": .string(artifactID), "artifactPortfolioName": .string(new.model),
                    "entityName": .string(org.entity), "projectName": .string(registryProject), "aliases": [],
                ]
            ])
        guard let index = data["result"]?["versionIndex"]?.int64Value else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "LinkArtifact answered without a versionIndex")
        }
        if new.provenance == nil, update.count > 1 {
            _ = try await client.execute("UpdateArtifact", variables: ["input": .object(update)])
        }
        let version = WandBMapping.versionName(index)
        guard let created = try await self.version(model: new.model, version: version) else {
            throw RegistryError(
                code: .notFound, registry: registry, operation: operation,
                message: "\(new.model):\(version) was linked but cannot be read back")
        }
        return created
    }

    /// W&B tags are names without values: `{"name": ""}` is tag `name`; a non-empty value is refused.
    static func tagNames(_ tags: [String: String], registry: String, operation: String) throws -> [String] {
        if let (key, _) = tags.first(where: { !$0.value.isEmpty }) {
            throw RegistryError(
                code: .invalidRequest, registry: registry, operation: operation,
                message: "W&B tags are names without values; tag '\(key)' has a value (only {\"\(key)\": \"\"} can be written)")
        }
        return tags.keys.sorted()
    }

    /// The artifact id behind `model:version`; throws `notFound` when absent.
    func artifactID(model: String, version: String, operation: String) async throws -> String {
        let org = try await organization()
        guard let member = try await membership(entity: org.entity, project: registryProject, name: "\(model):\(version)"),
            let id = member["artifact"]?["id"]?.stringValue
        else {
            throw RegistryError(
                code: .notFound, registry: registry, operation: operation,
                message: "no version \(model):\(version) in registry '\(registryProject)'")
        }
        return id
    }

    /// `UpdateArtifact` with `tagsToAdd`.
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        let names = try Self.tagNames(tags, registry: registry, operation: "GraphQL UpdateArtifact")
        guard !names.isEmpty else { return }
        let id = try await artifactID(model: model, version: version, operation: "GraphQL UpdateArtifact")
        _ = try await client.execute(
            "UpdateArtifact",
            variables: ["input": ["artifactID": .string(id), "tagsToAdd": .array(names.map { ["tagName": .string($0)] })]])
    }

    /// `UpdateArtifact` with `tagsToDelete`.
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        let id = try await artifactID(model: model, version: version, operation: "GraphQL UpdateArtifact")
        _ = try await client.execute(
            "UpdateArtifact", variables: ["input": ["artifactID": .string(id), "tagsToDelete": [["tagName": .string(key)]]]])
    }

    /// `UpdateArtifact` with `description` (the artifact's, shared by every collection it is in).
    public func setVersionDescription(model: String, version: String, description: String) async throws {
        let id = try await artifactID(model: model, version: version, operation: "GraphQL UpdateArtifact")
        _ = try await client.execute(
            "UpdateArtifact", variables: ["input": ["artifactID": .string(id), "description": .string(description)]])
    }

    func aliasInput(_ alias: String, model: String, org: Organization) -> JSONValue {
        [
            "alias": .string(alias), "artifactCollectionName": .string(model), "entityName": .string(org.entity),
            "projectName": .string(registryProject),
        ]
    }

    /// `AddAliases` on the version's artifact in the collection (W&B moves the alias from any other version).
    public func setAlias(model: String, alias: String, version: String) async throws {
        let org = try await organization()
        let id = try await artifactID(model: model, version: version, operation: "GraphQL AddAliases")
        _ = try await client.execute(
            "AddAliases", variables: ["input": ["artifactID": .string(id), "aliases": [aliasInput(alias, model: model, org: org)]]])
    }

    /// `DeleteAliases` on the version holding `alias` (nothing to do when none holds it).
    public func deleteAlias(model: String, alias: String) async throws {
        let org = try await organization()
        guard let member = try await membership(entity: org.entity, project: registryProject, name: "\(model):\(alias)"),
            member["aliases"]?.arrayValue?.contains(where: { $0["alias"]?.stringValue == alias }) == true,
            let id = member["artifact"]?["id"]?.stringValue
        else { return }
        _ = try await client.execute(
            "DeleteAliases",
            variables: ["input": ["artifactID": .string(id), "aliases": [aliasInput(alias, model: model, org: org)]]])
    }

    /// W&B has no stages.
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        throw unsupported("setLifecycle", "W&B registry versions have no stage or approval status; use aliases or tags instead")
    }

    // MARK: - Migration

    /// The artifact metadata key holding ModelGate's provenance.
    public static let provenanceMetadataKey = "modelgate"

    /// `{"source": …, "source_version": …, "copy_id": …, "digest": …}` (`digest` only when known).
    public static func provenanceMetadata(_ provenance: Provenance) -> JSONValue {
        var object: [String: JSONValue] = [
            "source": .string(provenance.source), "source_version": .string(provenance.sourceVersion),
            "copy_id": .string(provenance.copyID),
        ]
        if let digest = provenance.digest { object["digest"] = .string(digest) }
        return .object(object)
    }

    /// Reads the `modelgate` key of the artifact's metadata in the version's raw membership. Because metadata is
    /// shared by every membership of the artifact, the provenance counts only for the membership it was written
    /// for: when its source parses, its copy id must be the one of a copy into this registry's collection
    /// `version.model`; otherwise nil.
    public func provenance(of version: ModelVersion) -> Provenance? {
        guard let text = WandBMapping.string(version.raw?["artifact"], "metadata"),
            let node = (try? JSONValue.parse(Data(text.utf8)))?[Self.provenanceMetadataKey],
            let source = node["source"]?.stringValue, let copyID = node["copy_id"]?.stringValue
        else { return nil }
        var tags = [Provenance.sourceKey: source, Provenance.copyIDKey: copyID]
        tags[Provenance.sourceVersionKey] = node["source_version"]?.stringValue
        tags[Provenance.digestKey] = node["digest"]?.stringValue
        guard let provenance = Provenance(tags: tags) else { return nil }
        if let ref = provenance.sourceRef,
            Provenance.copyID(source: ref, targetRegistry: registry, targetModel: version.model) != copyID
        {
            return nil
        }
        return provenance
    }

    /// A source that is not a `wandb-artifact://` URI "needs upload" (a blocker). W&B tags are names without
    /// values: a tag with a non-empty value, or whose name breaks W&B's tag rule (words of letters, digits, `-`
    /// and `_` separated by single spaces, at most 128 characters), is dropped with the reason.
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        var adjusted = new
        var dropped: [String: String] = [:]
        var kept: [String: String] = [:]
        for (key, value) in new.tags {
            if !value.isEmpty {
                dropped[key] = "W&B tags are names without values (the value '\(value.prefix(40))' cannot be kept)"
            } else if !Self.isValidTagName(key) {
                dropped[key] = "W&B tag names are words of letters, digits, - and _ separated by single spaces (at most 128)"
            } else {
                kept[key] = value
            }
        }
        adjusted.tags = kept
        var blocker: String?
        if new.sourceURI.flatMap(WandBMapping.parseArtifactURI) == nil {
            blocker = "needs upload: the source (\(new.sourceURI.map { "'\($0)'" } ?? "none")) is not an artifact already "
                + "in W&B (wandb-artifact://ENTITY/PROJECT/NAME:VERSION); ModelGate links existing artifacts but does "
                + "not upload manifests and files"
        }
        return PreparedVersion(version: adjusted, droppedTags: dropped, blocker: blocker)
    }

    /// W&B's tag rule: words of letters, digits, `-` and `_`, separated by single spaces, at most 128 characters.
    public static func isValidTagName(_ tag: String) -> Bool {
        guard !tag.isEmpty, tag.count <= 128 else { return false }
        return tag.split(separator: " ", omittingEmptySubsequences: false).allSatisfy { word in
            !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
    }
}
