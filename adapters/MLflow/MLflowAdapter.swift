import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

/// The MLflow Model Registry adapter (REST API 2.0, tested against MLflow 3.17.2).
///
/// Read side: `listSnapshots` pages over registered models; each snapshot holds one model with all its
/// versions, the aliases from `registered-models/get`, and lineage (`version_of`, `produced_by`, and from
/// `runs/get`: `used` datasets and `built_from` commits). Every listing reads everything, so each full walk
/// is complete. Write side: models, versions, version tags, aliases and stages.
/// See `adapters/MLflow/README.md` for the field mapping.
public struct MLflowAdapter: RegistryAdapter {
    /// Registered models per `registered-models/search` page when no page size is configured (MLflow's default).
    public static let defaultModelPageSize = 100
    /// Versions per `model-versions/search` page when no page size is configured.
    public static let defaultVersionPageSize = 10_000

    /// The configured registry name.
    public let registry: String
    /// Always `.mlflow`.
    public var kind: RegistryKind { .mlflow }
    /// Server-numbered versions, aliases, stages, version and model tags, deletes; no incremental listing.
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: false, aliases: true, lifecycle: true, versionTags: true, modelTags: true,
            deletes: true, incrementalListing: false)
    }

    /// The low-level client this adapter uses (also for calls the protocol does not cover).
    public let client: MLflowClient
    /// `max_results` for `registered-models/search` (1…1000).
    public let modelPageSize: Int
    /// `max_results` for `model-versions/search` (1…200000).
    public let versionPageSize: Int
    /// How many models of a page are read at the same time.
    public let concurrency: Int
    let now: @Sendable () -> Date
    let runCache = RunCache()

    /// - Parameters:
    ///   - registry: the configured registry name.
    ///   - baseURL: the tracking server URL (`url:` in the config).
    ///   - apiBasePath: the REST mount path, default `/api/2.0/mlflow`.
    ///   - transport: the composed transport (authorization and retries already applied).
    ///   - pageSize: the configured `page_size`; capped at 1000 for models and 200000 for versions.
    ///     Nil uses 100 models and 10000 versions per page.
    ///   - concurrency: models of one page read in parallel (at least 1).
    ///   - now: the clock for `observed_at` of lineage edges.
    public init(
        registry: String, baseURL: String, apiBasePath: String = MLflowClient.defaultAPIBasePath,
        transport: any HTTPTransport, pageSize: Int? = nil, concurrency: Int = 4,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.client = MLflowClient(registry: registry, baseURL: baseURL, apiBasePath: apiBasePath, transport: transport)
        self.modelPageSize = min(max(pageSize ?? Self.defaultModelPageSize, 1), MLflowClient.maxRegisteredModelsPageSize)
        self.versionPageSize = min(max(pageSize ?? Self.defaultVersionPageSize, 1), MLflowClient.maxModelVersionsPageSize)
        self.concurrency = max(concurrency, 1)
        self.now = now
    }

    // MARK: - Read side

    /// `model-versions/get` (with its aliases) plus the run's latest metrics; nil when MLflow answers 404.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        let wire: MLflowModelVersion
        do {
            wire = try await client.getModelVersion(name: model, version: version)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        var metrics: [String: Double] = [:]
        if let runID = wire.runID {
            switch try await RunCache.lookup(runID, client: client) {
            case .found(let run): metrics = run.metrics
            case .unavailable: break  // a deleted or unreadable run does not hide the version
            }
        }
        return MLflowMapping.version(wire, registry: registry, aliases: wire.aliases, metrics: metrics)
    }

    /// `registered-models/get`; nil when MLflow answers 404.
    public func model(name: String) async throws -> RegistryModel? {
        do {
            return MLflowMapping.model(try await client.getRegisteredModel(name: name), registry: registry)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
    }

    // MARK: - Write side

    /// `registered-models/create`; an existing name throws `.conflict` (`RESOURCE_ALREADY_EXISTS`).
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        let created = try await client.createRegisteredModel(name: name, description: description, tags: tags)
        return MLflowMapping.model(created, registry: registry)
    }

    /// Creates a version; MLflow numbers it. `new.version` is ignored (`clientChosenVersions` is false).
    /// `new.provenance` goes into the same `model-versions/create` call as the `modelgate.*` version tags
    /// (overriding source tags of those keys), so a copy never exists without it.
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        guard let source = new.sourceURI, !source.isEmpty else {
            throw unsupported(
                client.operationName(.POST, "model-versions/create"),
                "MLflow needs a source URI for a new version of '\(new.model)'")
        }
        var tags = new.tags
        if let provenance = new.provenance { tags.merge(provenance.tags) { _, written in written } }
        let created = try await client.createModelVersion(
            name: new.model, source: source, runID: new.runID, description: new.description, tags: tags)
        return MLflowMapping.version(created, registry: registry, aliases: created.aliases, metrics: [:])
    }

    /// Sets each tag with its own `model-versions/set-tag` call, in key order.
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            try await client.setModelVersionTag(name: model, version: version, key: key, value: value)
        }
    }

    /// `model-versions/delete-tag`.
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        try await client.deleteModelVersionTag(name: model, version: version, key: key)
    }

    /// `POST registered-models/alias`; moves the alias if it pointed elsewhere (`latest`, `v<digits>` are reserved).
    public func setAlias(model: String, alias: String, version: String) async throws {
        try await client.setAlias(name: model, alias: alias, version: version)
    }

    /// `DELETE registered-models/alias`; succeeds also when the alias did not exist.
    public func deleteAlias(model: String, alias: String) async throws {
        try await client.deleteAlias(name: model, alias: alias)
    }

    /// Moves the version to the MLflow stage for `lifecycle` (see `MLflowMapping.stage(for:)`), without
    /// archiving other versions.
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        _ = try await client.transitionStage(
            name: model, version: version, stage: MLflowMapping.stage(for: lifecycle), archiveExistingVersions: false)
    }

    // MARK: - Migration

    /// MLflow takes any source URI but needs one: a version without it is blocked.
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        guard let source = new.sourceURI, !source.isEmpty else {
            return PreparedVersion(
                version: new, blocker: "MLflow needs a source URI for a new version and the source has none")
        }
        // The server refuses a local path unless it lies in the artifact directory of a run on this server
        // (INVALID_PARAMETER_VALUE "Invalid model version source"); a copy's run lives elsewhere.
        if source.hasPrefix("/") || source.hasPrefix("file:") {
            return PreparedVersion(
                version: new,
                blocker: "MLflow refuses the local path '\(source)' as the source of a new version (it must lie in a run "
                    + "of this server); copy the files and pass --artifact-map \(Self.pathPrefix(source))=s3://BUCKET/…")
        }
        if let scheme = Self.hostAddressedScheme(source) {
            return PreparedVersion(
                version: new,
                blocker: "MLflow 3 refuses '\(scheme)' sources that name another host unless the server allows the scheme "
                    + "(MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES); replicate the files and pass --artifact-map "
                    + "\(scheme)://…=s3://BUCKET/…")
        }
        return PreparedVersion(version: new, blocker: schemeBlocker(new))
    }

    /// Schemes whose URIs make the MLflow server connect to the host they name; MLflow 3 refuses them as model
    /// version sources by default (`mlflow/store/artifact/host_policy.py`). `mlflow-artifacts:/path` without a
    /// host is the server's own store and is fine.
    static let hostAddressedSchemes: Set<String> = [
        "ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss",
    ]

    static func hostAddressedScheme(_ source: String) -> String? {
        guard let colon = source.firstIndex(of: ":") else { return nil }
        let scheme = source[..<colon].lowercased()
        guard hostAddressedSchemes.contains(scheme) else { return nil }
        if scheme == "mlflow-artifacts", !source.dropFirst(scheme.count).hasPrefix("://") { return nil }
        return scheme
    }

    /// The first two path components of a local source, as a suggestion for `--artifact-map`.
    static func pathPrefix(_ source: String) -> String {
        let path = source.hasPrefix("file://") ? String(source.dropFirst(7)) : source
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).prefix(2)
        return "/" + parts.joined(separator: "/") + "/"
    }

    /// `registered-models/get` (with its aliases) plus `model-versions/search` filtered by the name, mapped as
    /// the listing maps them; nil when the model does not exist.
    public func snapshot(model: String) async throws -> ModelSnapshot? {
        try await snapshot(for: .object(["name": .string(model)]), observedAt: now()).snapshotOrNil { error in
            RegistryError(
                code: .malformedPayload, registry: registry, operation: client.operationName(.GET, "registered-models/get"),
                message: error.message)
        }
    }
}
