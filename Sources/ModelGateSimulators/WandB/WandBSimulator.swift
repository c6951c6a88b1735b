import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import NIOCore
import Synchronization

/// A local stand-in for the W&B GraphQL API (`POST {url}/graphql`) as far as the Registry needs it, per
/// `shared/specs/wandb/graphql/`: `FetchOrgInfoFromEntity`, `RegistryCollections`, `RegistryVersions`,
/// `ArtifactMembershipByName`, `ArtifactCreatedBy`, `LinkArtifact`, `AddAliases`, `DeleteAliases`,
/// `UpdateArtifact`. Operations are recognised by name (`operationName`, else the name in the query text)
/// and checked to select the documented root field; the answers have the documented shapes. It is not a
/// GraphQL engine: the selection sets of the spec's queries are answered whatever the query asks.
///
/// Every request needs `Authorization: Basic base64("api:" + key)` with a key of `apiKeys` (else 401).
/// Resolver errors (bad input, unknown operation) are GraphQL `errors` with HTTP 200. Faults of `faults` are
/// injected in front of `/graphql`; a throttled request gets 429 with `RateLimit-Remaining: 0` and
/// `RateLimit-Reset` (seconds), as W&B sends them. See `Sources/ModelGateSimulators/WandB/README.md`.
public final class WandBSimulator: Sendable {
    struct State: Sendable {
        var projects: [String: WandBProjectRecord] = [:]
        var collections: [String: WandBCollectionRecord] = [:]
        var artifacts: [String: WandBArtifactRecord] = [:]
        var nextID = 1000
        var lastMillis: Int64 = 0
        var requests: [String] = []
    }

    /// The entity the configuration names (the organization's entity).
    public let entity: String
    /// The organization's name, which the registry queries take (it differs from the entity on purpose).
    public let organization: String
    /// The project that seeded source artifacts are logged to.
    public let sourceProject: String
    public let faults: FaultInjector
    public let defaultPageSize: Int
    public let maxPageSize: Int
    let keys: Mutex<Set<String>>
    let state = Mutex(State())
    let clock: @Sendable () -> Date

    public init(
        entity: String = "acme", organization: String = "acme-org", sourceProject: String = "training",
        apiKeys: Set<String>, faults: FaultInjector = FaultInjector(), defaultPageSize: Int = 50,
        maxPageSize: Int = 1000, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.entity = entity
        self.organization = organization
        self.sourceProject = sourceProject
        self.keys = Mutex(apiKeys)
        self.faults = faults
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.clock = now
        state.withLock { state in
            _ = Self.project(&state, entity: entity, name: sourceProject)
        }
    }

    /// Keys accepted from now on (to revoke a key mid-test).
    public var apiKeys: Set<String> {
        get { keys.withLock { $0 } }
        set { keys.withLock { $0 = newValue } }
    }

    /// The operation name of every request that passed auth, in order.
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// `wandb-registry-<registry>`.
    public static func registryProject(_ registry: String) -> String { "wandb-registry-" + registry }

    // MARK: - Seeding

    /// Creates the registry project `wandb-registry-<registry>` in the organization's entity (idempotent).
    public func createRegistry(_ registry: String) {
        state.withLock { state in
            _ = Self.project(&state, entity: entity, name: Self.registryProject(registry))
        }
    }

    /// Stores `collection` in registry `registry` (created if needed): each version is an artifact logged to
    /// `sourceProject` (sequence of the same name) and linked as v0, v1, … The last version gets `latest`
    /// unless a seeded version names it. Replaces nothing: seed a name once. Returns the artifact ids in order.
    @discardableResult
    public func seed(_ collection: WandBSeedCollection, registry: String) -> [String] {
        state.withLock { state in
            let registryKey = Self.project(&state, entity: entity, name: Self.registryProject(registry))
            let sourceKey = Self.project(&state, entity: entity, name: sourceProject)
            let created = collection.createdAt ?? Self.stamp(&state, clock)
            let portfolioID = Self.collection(
                &state, name: collection.name, kind: .portfolio, projectKey: registryKey, type: collection.artifactType,
                created: created)
            state.collections[portfolioID]?.description = collection.description
            state.collections[portfolioID]?.tags = collection.tags
            let sequenceID = Self.collection(
                &state, name: collection.name, kind: .sequence, projectKey: sourceKey, type: collection.artifactType,
                created: created)
            var ids: [String] = []
            let namesLatest = collection.versions.contains { $0.aliases.contains("latest") }
            for (offset, version) in collection.versions.enumerated() {
                let logged = version.artifactCreatedAt ?? Self.stamp(&state, clock)
                let artifactID = Self.logArtifact(
                    &state, sequenceID: sequenceID, description: version.description, metadata: version.metadata,
                    tags: version.tags, createdBy: version.createdBy, createdAt: logged, digest: version.digest,
                    size: version.size)
                var aliases = version.aliases
                if !namesLatest, offset == collection.versions.count - 1 { aliases.append("latest") }
                Self.link(&state, artifactID: artifactID, collectionID: portfolioID, aliases: aliases,
                          at: version.linkedAt ?? logged, moveLatest: false)
                ids.append(artifactID)
            }
            if let last = state.collections[portfolioID]?.memberships.map(\.createdAt).max(), last > created {
                state.collections[portfolioID]?.updatedAt = last
            }
            return ids
        }
    }

    /// Seeds from normalized data: `model.name` is the collection, `description`, `tags` keys → collection
    /// tags; each version's `description`, `tags` keys → artifact tags, `metrics` → metadata, `aliases`,
    /// `run.id` → the run that logged it, `createdAt` → linked at. Versions are renumbered v0, v1, … in order.
    @discardableResult
    public func seed(model: RegistryModel, versions: [ModelVersion], registry: String) -> [String] {
        seed(
            WandBSeedCollection(
                name: model.name, description: model.description, tags: model.tags.keys.sorted(), createdAt: model.createdAt,
                versions: versions.map { version in
                    WandBSeedVersion(
                        description: version.description, metadata: version.metrics.mapValues { .double($0) },
                        tags: version.tags.keys.sorted(), aliases: version.aliases,
                        createdBy: version.run?.id.map { WandBSeedRun(name: $0, project: sourceProject) },
                        artifactCreatedAt: version.createdAt, linkedAt: version.createdAt)
                }),
            registry: registry)
    }

    /// Logs an artifact to `project` (sequence `name`, next index) without linking it anywhere; returns its id.
    @discardableResult
    public func logArtifact(
        project: String, name: String, type: String = "model", description: String? = nil, metadata: [String: JSONValue] = [:],
        tags: [String] = [], createdBy: WandBSeedRun? = nil
    ) -> String {
        state.withLock { state in
            let key = Self.project(&state, entity: entity, name: project)
            let now = Self.stamp(&state, clock)
            let sequenceID = Self.collection(&state, name: name, kind: .sequence, projectKey: key, type: type, created: now)
            return Self.logArtifact(
                &state, sequenceID: sequenceID, description: description, metadata: metadata, tags: tags,
                createdBy: createdBy, createdAt: now, digest: nil, size: 2048)
        }
    }

    // MARK: - Inspection

    /// The registry's collections (PORTFOLIO) by name, in creation order.
    public func collectionNames(registry: String) -> [String] {
        state.withLock { state in
            let key = "\(entity)/\(Self.registryProject(registry))"
            return (state.projects[key]?.collections ?? []).compactMap { state.collections[$0] }
                .filter { $0.kind == .portfolio }.map(\.name)
        }
    }

    /// Every membership of a registry collection as `RegistryVersions` shows it (aliases included).
    public func membershipsJSON(registry: String, collection: String) -> [JSONValue] {
        state.withLock { state in
            let key = "\(entity)/\(Self.registryProject(registry))"
            guard let id = Self.collectionID(state, projectKey: key, name: collection),
                let record = state.collections[id]
            else { return [] }
            return record.memberships.map { Self.membershipView(state, record, $0, includeAliases: false) }
        }
    }

    /// The run that logged an artifact, if any.
    public func createdBy(artifactID: String) -> WandBSeedRun? {
        state.withLock { $0.artifacts[artifactID]?.createdBy }
    }

    // MARK: - Routes

    /// Adds `POST /graphql`, with W&B-style fault injection in front of it.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.group("graphql").add(middleware: FaultMiddleware<Context>(faults, answers: .wandB)).post { request, _ -> Response in
            try await self.respond(to: request)
        }
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
        let (status, json) = handle(body: body, authorization: request.headers[.authorization])
        var headers: HTTPFields = [:]
        if status == 401 { headers[.wwwAuthenticate] = "Basic realm=\"W&B\"" }
        return SimulatorJSON.response(status: status, value: json, headers: headers)
    }

    /// The whole API as a function of the request body and `Authorization`: `(status, JSON body)`.
    func handle(body: [UInt8], authorization: String?) -> (Int, JSONValue) {
        guard authorized(authorization) else {
            return (401, ["errors": [["message": "user is not logged in"]]])
        }
        guard let json = try? JSONValue.parse(Data(body)), let query = json["query"]?.stringValue else {
            return (400, ["errors": [["message": "Must provide query string."]]])
        }
        let variables = json["variables"]?.objectValue ?? [:]
        let name = json["operationName"]?.stringValue ?? Self.operationName(query) ?? ""
        state.withLock { $0.requests.append(name) }
        do {
            let data = try execute(operation: name, query: query, variables: variables)
            return (200, ["data": data])
        } catch {
            if error.status != 200 { return (error.status, ["errors": [["message": .string(error.message)]]]) }
            return (
                200,
                [
                    "errors": [["message": .string(error.message), "path": [.string(name)]]],
                    "data": .null,
                ]
            )
        }
    }

    func authorized(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6))),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("api:")
        else { return false }
        let key = String(text.dropFirst(4))
        return keys.withLock { $0.contains(key) }
    }

    /// `query Name(` / `mutation Name(` in the query text (comments skipped).
    static func operationName(_ query: String) -> String? {
        for line in query.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#") else { continue }
            for keyword in ["query ", "mutation "] where trimmed.hasPrefix(keyword) {
                let rest = trimmed.dropFirst(keyword.count)
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                return name.isEmpty ? nil : String(name)
            }
        }
        return nil
    }

    // MARK: - Shared helpers

    static func stamp(_ state: inout State, _ clock: @Sendable () -> Date) -> Date {
        let millis = max(Timestamp.milliseconds(clock()), state.lastMillis + 1)
        state.lastMillis = millis
        return Timestamp.date(milliseconds: millis)
    }

    static func newID(_ state: inout State, _ kind: String) -> String {
        state.nextID += 1
        return Data("\(kind):\(state.nextID)".utf8).base64EncodedString()
    }

    /// The key of project `entity/name`, created if needed.
    static func project(_ state: inout State, entity: String, name: String) -> String {
        let key = "\(entity)/\(name)"
        if state.projects[key] == nil {
            let id = newID(&state, "Project")
            state.projects[key] = WandBProjectRecord(id: id, internalID: state.nextID, name: name, entity: entity)
        }
        return key
    }

    static func collectionID(_ state: State, projectKey: String, name: String) -> String? {
        state.projects[projectKey]?.collections.first { state.collections[$0]?.name == name }
    }

    /// The id of collection `name` in the project, created if needed.
    static func collection(
        _ state: inout State, name: String, kind: WandBCollectionRecord.Kind, projectKey: String, type: String,
        created: Date
    ) -> String {
        if let id = collectionID(state, projectKey: projectKey, name: name) { return id }
        let id = newID(&state, kind == .portfolio ? "ArtifactPortfolio" : "ArtifactSequence")
        state.collections[id] = WandBCollectionRecord(
            id: id, name: name, kind: kind, projectKey: projectKey, description: nil, tags: [], artifactType: type,
            createdAt: created, updatedAt: created)
        state.projects[projectKey]?.collections.append(id)
        return id
    }

    static func logArtifact(
        _ state: inout State, sequenceID: String, description: String?, metadata: [String: JSONValue], tags: [String],
        createdBy: WandBSeedRun?, createdAt: Date, digest: String?, size: Int64
    ) -> String {
        let id = newID(&state, "Artifact")
        let index = state.collections[sequenceID]?.nextIndex ?? 0
        state.artifacts[id] = WandBArtifactRecord(
            id: id, sequenceID: sequenceID, versionIndex: index,
            artifactType: state.collections[sequenceID]?.artifactType ?? "model", description: description,
            metadata: metadata, tags: tags, state: "COMMITTED", size: size,
            digest: digest ?? String(format: "%032x", state.nextID), createdAt: createdAt, updatedAt: createdAt,
            createdBy: createdBy)
        link(&state, artifactID: id, collectionID: sequenceID, aliases: ["latest"], at: createdAt, moveLatest: true)
        return id
    }

    /// Adds a membership of `artifactID` to the collection (or returns the existing one) and gives it `aliases`
    /// (each alias is unique in a collection: it is taken from any other member). With `moveLatest`, a new
    /// membership takes `latest`.
    @discardableResult
    static func link(
        _ state: inout State, artifactID: String, collectionID: String, aliases: [String], at date: Date,
        moveLatest: Bool
    ) -> Int {
        guard var record = state.collections[collectionID] else { return -1 }
        var wanted = aliases
        let index: Int
        if let existing = record.memberships.firstIndex(where: { $0.artifactID == artifactID }) {
            index = existing
        } else {
            if moveLatest, !wanted.contains("latest") { wanted.append("latest") }
            record.memberships.append(
                WandBMembershipRecord(
                    id: newID(&state, "ArtifactCollectionMembership"), versionIndex: record.nextIndex, createdAt: date,
                    aliases: [], artifactID: artifactID))
            record.nextIndex += 1
            record.updatedAt = max(record.updatedAt, date)
            index = record.memberships.count - 1
        }
        for alias in wanted {
            for other in record.memberships.indices where other != index {
                record.memberships[other].aliases.removeAll { $0 == alias }
            }
            if !record.memberships[index].aliases.contains(alias) { record.memberships[index].aliases.append(alias) }
        }
        state.collections[collectionID] = record
        return record.memberships[index].versionIndex
    }
}

extension FaultAnswers {
    /// W&B's answers: throttling is 429 with `RateLimit-Remaining: 0` and `RateLimit-Reset` (no
    /// `Retry-After`), errors are GraphQL `errors`.
    public static let wandB = FaultAnswers(
        throttled: { plan in
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("RateLimit-Remaining")!] = "0"
            headers[HTTPField.Name("RateLimit-Reset")!] = String(plan.retryAfterSeconds)
            return SimulatorJSON.response(
                status: 429, ["errors": [["message": "rate limit exceeded (simulated)"]]], headers: headers)
        },
        unavailable: { SimulatorJSON.response(status: 503, ["errors": [["message": "service unavailable (simulated)"]]]) })
}
