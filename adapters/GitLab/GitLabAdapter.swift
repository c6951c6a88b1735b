import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

/// The GitLab Model Registry adapter, over GitLab's MLflow-compatible API
/// (`/api/v4/projects/:id/ml/mlflow/api/2.0/mlflow/`), reusing `MLflowClient` for the wire format.
///
/// Read side: `listSnapshots` pages over `registered-models/search` (keyset `page_token`); GitLab's
/// `latest_versions` holds **every** version of a model, so a model's versions come with it (GitLab has no
/// `model-versions/search`); a search item without `latest_versions` is re-read with `registered-models/get`.
/// The normalized `version` is the SemVer (`aliases[0]`); GitLab's internal id stays in `raw.version`.
/// Write side: create a model, create a version with a chosen SemVer (the `gitlab.version` tag), update
/// descriptions. GitLab's API has no tag, alias or stage writes: those calls throw a clear `invalidRequest`.
/// See `adapters/GitLab/README.md`.
public struct GitLabAdapter: RegistryAdapter {
    /// Models per `registered-models/search` page when none is configured.
    public static let defaultPageSize = 100
    /// GitLab caps `max_results` at 1000.
    public static let maxPageSize = 1000

    public let registry: String
    public var kind: RegistryKind { .gitlab }
    /// Client-chosen SemVer versions; no aliases, stages, or tag writes; versions can disappear (UI deletes).
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: true, aliases: false, lifecycle: false, versionTags: false, modelTags: false,
            deletes: true, incrementalListing: false)
    }

    /// The MLflow client pointed at the project's MLflow mount.
    public let client: MLflowClient
    /// The project id or full path, as configured.
    public let project: String
    public let pageSize: Int
    public let concurrency: Int
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - baseURL: the GitLab instance (`url:`), e.g. `https://gitlab.example.com`.
    ///   - project: the numeric project id or its full path (`group/project`, URL-encoded here).
    ///   - transport: the composed transport (token header, retries already applied).
    ///   - pageSize: the configured `page_size` (1…1000), default 100.
    public init(
        registry: String, baseURL: String, project: String, transport: any HTTPTransport, pageSize: Int? = nil,
        concurrency: Int = 4, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.project = project
        self.client = MLflowClient(
            registry: registry, baseURL: baseURL, apiBasePath: Self.apiBasePath(project: project), transport: transport)
        self.pageSize = min(max(pageSize ?? Self.defaultPageSize, 1), Self.maxPageSize)
        self.concurrency = max(concurrency, 1)
        self.now = now
    }

    /// `/api/v4/projects/<id or URL-encoded path>/ml/mlflow/api/2.0/mlflow`.
    public static func apiBasePath(project: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        let encoded = project.addingPercentEncoding(withAllowedCharacters: allowed) ?? project
        return "/api/v4/projects/\(encoded)/ml/mlflow/api/2.0/mlflow"
    }

    // MARK: - Read side

    /// `model-versions/get` with the SemVer; nil on 404.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        let wire: MLflowModelVersion
        do {
            wire = try await client.getModelVersion(name: model, version: version)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        return try mapped(wire, operation: "GET \(client.apiBasePath)/model-versions/get")
    }

    /// `registered-models/get`; nil on 404.
    public func model(name: String) async throws -> RegistryModel? {
        do {
            return GitLabMapping.model(try await client.getRegisteredModel(name: name), registry: registry)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
    }

    /// Every version of a model (from `registered-models/get`'s `latest_versions`), ordered by SemVer.
    public func versions(model: String) async throws -> [ModelVersion] {
        let json = try await client.call(.GET, "registered-models/get", query: [("name", model)])
        let (found, errors) = try self.versions(of: json["registered_model"] ?? .null)
        if let first = errors.first {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: "GET \(client.apiBasePath)/registered-models/get",
                message: first.message)
        }
        return found
    }

    /// `POST registered-models/get-latest-versions` (POST only on GitLab): the highest SemVer version.
    public func latestVersion(model: String) async throws -> ModelVersion? {
        let json = try await client.call(
            .POST, "registered-models/get-latest-versions", body: ["name": .string(model)], retrySafe: true)
        guard let item = json["model_versions"]?.arrayValue?.last else { return nil }
        return try mapped(item, operation: "POST \(client.apiBasePath)/registered-models/get-latest-versions")
    }

    func mapped(_ json: JSONValue, operation: String) throws -> ModelVersion {
        do {
            return try mapped(try MLflowModelVersion(json: json), operation: operation)
        } catch let error as MLflowDecodingError {
            throw RegistryError(code: .malformedPayload, registry: registry, operation: operation, message: "\(error)")
        }
    }

    func mapped(_ wire: MLflowModelVersion, operation: String) throws -> ModelVersion {
        do {
            return try GitLabMapping.version(wire, registry: registry)
        } catch {
            throw RegistryError(code: .malformedPayload, registry: registry, operation: operation, message: "\(error)")
        }
    }

    // MARK: - Write side

    /// `registered-models/create`. GitLab ignores model tags on create and cannot write them later, so
    /// non-empty `tags` are refused before anything is created.
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        let operation = "POST \(client.apiBasePath)/registered-models/create"
        guard tags.isEmpty else {
            throw unsupported(operation, "GitLab cannot store model tags (create ignores them and there is no set-tag); "
                + "create '\(name)' without tags")
        }
        let created = try await client.createRegisteredModel(name: name, description: description)
        return GitLabMapping.model(created, registry: registry)
    }

    /// `model-versions/create` with the SemVer in the `gitlab.version` tag (`new.version`; GitLab numbers the
    /// version itself when it is nil). The version must already be SemVer: map a source's version with
    /// `GitLabMapping.semVer(forSourceVersion:)`. Other tags are stored as version metadata. GitLab ignores
    /// `source` (the version's files go to its package) and `run_id`, so `sourceURI` and `runID` are not sent.
    /// `new.provenance` goes into the same call as the `modelgate.*` metadata (overriding source tags of those
    /// keys), so a copy never exists without it.
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let operation = "POST \(client.apiBasePath)/model-versions/create"
        var tags = new.tags
        if let provenance = new.provenance { tags.merge(provenance.tags) { _, written in written } }
        if let version = new.version {
            guard GitLabMapping.isSemVer(version) else {
                throw RegistryError(
                    code: .invalidRequest, registry: registry, operation: operation,
                    message: "GitLab versions must be SemVer (MAJOR.MINOR.PATCH), got '\(version)' for '\(new.model)'; "
                        + "'\(GitLabMapping.semVer(forSourceVersion: version))' is the mapped form")
            }
            if let tagged = tags[GitLabMapping.versionTag], tagged != version {
                throw RegistryError(
                    code: .invalidRequest, registry: registry, operation: operation,
                    message: "the '\(GitLabMapping.versionTag)' tag (\(tagged)) contradicts the requested version \(version)")
            }
            tags[GitLabMapping.versionTag] = version
        }
        let created = try await client.createModelVersion(
            name: new.model, source: "", description: new.description, tags: tags)
        return try mapped(created, operation: operation)
    }

    /// `model-versions/update` (GitLab requires the description).
    @discardableResult
    public func setVersionDescription(model: String, version: String, description: String) async throws -> ModelVersion {
        let updated = try await client.updateModelVersion(name: model, version: version, description: description)
        return try mapped(updated, operation: "PATCH \(client.apiBasePath)/model-versions/update")
    }

    /// `registered-models/update`.
    public func setModelDescription(name: String, description: String) async throws {
        _ = try await client.call(
            .PATCH, "registered-models/update", body: ["name": .string(name), "description": .string(description)],
            retrySafe: true)
    }

    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        throw unsupported(
            "POST \(client.apiBasePath)/model-versions/set-tag",
            "GitLab's MLflow API has no version tag writes (set-tag is not implemented); tags can only be given on create")
    }

    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        throw unsupported(
            "DELETE \(client.apiBasePath)/model-versions/delete-tag", "GitLab's MLflow API has no version tag deletes")
    }

    public func setAlias(model: String, alias: String, version: String) async throws {
        throw unsupported(
            "POST \(client.apiBasePath)/registered-models/alias",
            "GitLab has no aliases to write (its only alias is each version's SemVer)")
    }

    public func deleteAlias(model: String, alias: String) async throws {
        throw unsupported("DELETE \(client.apiBasePath)/registered-models/alias", "GitLab has no aliases to delete")
    }

    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        throw unsupported(
            "POST \(client.apiBasePath)/model-versions/transition-stage",
            "GitLab has no stages or approval (current_stage is always 'development')")
    }

    // MARK: - Migration

    /// The SemVer a copy of `sourceVersion` gets (DESIGN §5): SemVer kept, an integer `7` → `7.0.0`,
    /// anything else `0.0.0-<slug>` (`GitLabMapping.semVer(forSourceVersion:)`).
    public func targetVersion(forSourceVersion sourceVersion: String) -> String? {
        GitLabMapping.semVer(forSourceVersion: sourceVersion)
    }

    /// `registered-models/get` of one model (its `latest_versions` holds every version), mapped as the listing
    /// maps it; nil when the model does not exist.
    public func snapshot(model: String) async throws -> ModelSnapshot? {
        try await snapshot(for: .object(["name": .string(model)]), observedAt: now()).snapshotOrNil { error in
            RegistryError(
                code: .malformedPayload, registry: registry, operation: "GET \(client.apiBasePath)/registered-models/get",
                message: error.message)
        }
    }
}
