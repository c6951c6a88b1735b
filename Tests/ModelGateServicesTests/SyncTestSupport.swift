import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateTransport
import Synchronization
import ModelGateTestKit
import Testing

/// What the tests against the real MLflow server share; the server is `PeerEnvironment`'s (unset: skipped).
enum SyncPeer {
    static let isAvailable = PeerEnvironment.available(.mlflow, for: "SyncServiceRealServerTests")

    /// One libcurl transport for every test; loopback only, so no proxy from the environment.
    static let curl = CurlTransport(options: TransportOptions(proxy: .none))

    /// Few, quick retries: a dead server fails the sync in milliseconds, not after 5 attempts with backoff.
    static let quickRetries = RetryPolicy(maxAttempts: 2, base: .milliseconds(20), cap: .milliseconds(50))
}

/// Hides the models of other tests sharing the server, so a test can count exactly.
///
/// Everything else is the real adapter: each call pages through the whole server (the MLflow listing reads
/// every model, a page of `pageSize` at a time); only snapshots and model errors of other models are dropped.
struct OwnModels: RegistryAdapter {
    let inner: MLflowAdapter
    /// Every model of the test starts with it.
    let prefix: String
    /// Called with each page as the server returned it, before filtering (to act on the server mid-listing).
    var afterPage: (@Sendable (ListingPage) async throws -> Void)? = nil

    var registry: String { inner.registry }
    var kind: RegistryKind { inner.kind }
    var capabilities: RegistryCapabilities { inner.capabilities }

    func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        var page = try await inner.listSnapshots(cursor: cursor, since: since)
        try await afterPage?(page)
        page.snapshots.removeAll { !$0.model.name.hasPrefix(prefix) }
        page.errors.removeAll { error in error.model.map { !$0.hasPrefix(prefix) } ?? false }
        return page
    }

    func version(model: String, version: String) async throws -> ModelVersion? {
        try await inner.version(model: model, version: version)
    }
    func model(name: String) async throws -> RegistryModel? { try await inner.model(name: name) }
    func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        try await inner.createModel(name: name, description: description, tags: tags)
    }
    func createVersion(_ new: NewVersion) async throws -> ModelVersion { try await inner.createVersion(new) }
    func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        try await inner.setVersionTags(model: model, version: version, tags: tags)
    }
    func deleteVersionTag(model: String, version: String, key: String) async throws {
        try await inner.deleteVersionTag(model: model, version: version, key: key)
    }
    func setAlias(model: String, alias: String, version: String) async throws {
        try await inner.setAlias(model: model, alias: alias, version: version)
    }
    func deleteAlias(model: String, alias: String) async throws { try await inner.deleteAlias(model: model, alias: alias) }
    func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        try await inner.setLifecycle(model: model, version: version, lifecycle: lifecycle)
    }
}

/// One test's world: its own in-memory catalog, a registry name, a model-name prefix, and an adapter to the
/// real server (used directly to change the server, and through `OwnModels` to sync).
struct SyncHarness {
    let registry: String
    let id: String
    let prefix: String
    let catalog: CatalogDatabase
    let stats: TransportStats
    /// Talks to the server directly (writes, and what the server holds now).
    let mlflow: MLflowAdapter
    let limits: SyncLimits

    init(registry: String = "mlflow-sync", baseURL: String? = nil, pageSize: Int = 2, limits: SyncLimits = SyncLimits()) throws {
        self.registry = registry
        id = PeerEnvironment.uniqueID()
        // Names grow with time and sort after every other test's ("mg-…"): a model created here lands behind the
        // cursor of any listing running at the same time, so it never shifts MLflow's offset pages under it.
        prefix = "zz-svc-\(Timestamp.milliseconds(Date()))-\(id)-"
        catalog = try CatalogDatabase.inMemory()
        stats = TransportStats()
        let url = try baseURL ?? #require(PeerEnvironment.mlflowURL)
        mlflow = Self.adapter(registry: registry, baseURL: url, pageSize: pageSize, stats: stats)
        self.limits = limits
    }

    static func adapter(registry: String, baseURL: String, pageSize: Int, stats: TransportStats) -> MLflowAdapter {
        let transport = TransportStack.make(base: SyncPeer.curl, retryPolicy: SyncPeer.quickRetries, stats: stats)
        return MLflowAdapter(registry: registry, baseURL: baseURL, transport: transport, pageSize: pageSize)
    }

    func name(_ suffix: String) -> String { prefix + suffix }

    /// A sync target over this test's models only, counting requests on `stats`.
    func target(
        _ adapter: MLflowAdapter? = nil, stats: TransportStats? = nil,
        afterPage: (@Sendable (ListingPage) async throws -> Void)? = nil
    ) -> SyncTarget {
        let counted = stats ?? self.stats
        return SyncTarget(
            adapter: OwnModels(inner: adapter ?? mlflow, prefix: prefix, afterPage: afterPage),
            endpoint: (adapter ?? mlflow).client.baseURL,
            counters: {
                let snapshot = counted.snapshot
                return (snapshot.requests, snapshot.retries)
            })
    }

    func service() -> SyncService { SyncService(catalog: catalog, limits: limits) }

    /// One sync of this test's models.
    func sync(tombstoneAfterMisses: Int = 2) async -> RegistrySyncReport {
        await service().sync(target(), options: SyncOptions(tombstoneAfterMisses: tombstoneAfterMisses))
    }

    // MARK: Server side

    /// Creates a model with `count` versions (`s3://bucket/<id>/<model>/<n>`, description `v<n>`).
    @discardableResult
    func seed(_ suffix: String, versions count: Int, tags: [String: String] = [:]) async throws -> String {
        let model = name(suffix)
        _ = try await mlflow.createModel(name: model, description: "model \(suffix)", tags: tags)
        for index in stride(from: 1, through: count, by: 1) {
            _ = try await mlflow.createVersion(
                NewVersion(model: model, description: "v\(index)", sourceURI: "s3://bucket/\(id)/\(suffix)/\(index)"))
        }
        return model
    }

    /// An experiment and a run with a git commit tag, a training dataset and a metric; returns the run id.
    func seedRun(sha: String) async throws -> String {
        let client = mlflow.client
        let now = Timestamp.milliseconds(Date())
        let experiment = try await client.call(.POST, "experiments/create", body: ["name": .string("svc-exp-\(id)")])
        let experimentID = try #require(experiment["experiment_id"]?.stringValue)
        let run = try await client.call(
            .POST, "runs/create",
            body: [
                "experiment_id": .string(experimentID), "run_name": "train", "start_time": .int(now),
                "tags": [["key": "mlflow.source.git.commit", "value": .string(sha)]],
            ])
        let runID = try #require(run["run"]?["info"]?["run_id"]?.stringValue)
        _ = try await client.call(
            .POST, "runs/log-inputs",
            body: [
                "run_id": .string(runID),
                "datasets": [
                    [
                        "tags": [["key": "mlflow.data.context", "value": "training"]],
                        "dataset": [
                            "name": .string("iris-\(id)"), "digest": "d41d8cd9", "source_type": "local",
                            "source": #"{"uri":"/data/iris.csv"}"#,
                        ],
                    ]
                ],
            ])
        _ = try await client.call(
            .POST, "runs/log-metric",
            body: ["run_id": .string(runID), "key": "accuracy", "value": 0.93, "timestamp": .int(now), "step": 0])
        return runID
    }

    /// `DELETE model-versions/delete` (JSON body, as MLflow wants it).
    func deleteVersion(_ model: String, _ version: String) async throws {
        _ = try await mlflow.client.call(
            .DELETE, "model-versions/delete", body: ["name": .string(model), "version": .string(version)])
    }

    /// The version strings the server holds for `model` now, read directly (not through sync).
    func serverVersions(_ model: String) async throws -> [String] {
        try await mlflow.client.allModelVersions(name: model, pageSize: 100)
            .compactMap { $0["version"]?.stringValue }
            .sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
    }

    // MARK: Catalog side

    /// Every live version of this test's registry in the catalog (the catalog holds only this test's models).
    func catalogVersions(includeDeleted: Bool = false) async throws -> [ModelVersion] {
        try await catalog.versions(VersionQuery(registry: registry, includeDeleted: includeDeleted)).items
    }

    /// The version strings of `model` in the catalog, in catalog order (numeric-aware).
    func catalogVersions(of model: String, includeDeleted: Bool = false) async throws -> [String] {
        try await catalog.versions(VersionQuery(registry: registry, model: model, includeDeleted: includeDeleted))
            .items.map(\.version)
    }

    func history(_ model: String, alias: String? = nil) async throws -> [ChangeEntry] {
        try await catalog.history(registry: registry, model: model, alias: alias)
    }

    /// The change log of all of `models`, by id.
    func changeLog(_ models: [String]) async throws -> [ChangeEntry] {
        var all: [ChangeEntry] = []
        for model in models { all += try await history(model) }
        return all.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }
}

extension RegistrySyncReport {
    /// One line for a failed expectation.
    var summary: String {
        "\(registry): \(status.rawValue) complete=\(complete) created=\(created) updated=\(updated) "
            + "deleted=\(deleted) unchanged=\(unchanged) pages=\(pages) requests=\(requests) errors=\(errors.map(\.message))"
    }
}

/// Fires once.
final class Once: Sendable {
    private let fired = Atomic<Bool>(false)
    /// True for the first caller only.
    func claim() -> Bool { fired.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged }
    var hasFired: Bool { fired.load(ordering: .relaxed) }
}
