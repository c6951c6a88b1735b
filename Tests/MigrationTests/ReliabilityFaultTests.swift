import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServices
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTransport
import Testing

/// The reliability suite's faults part (`make reliability` runs it bigger, with RELIABILITY_FULL=1): every
/// simulated registry answers 20% of its requests with a 429 (Retry-After), a 503, a reset connection or a
/// truncated body, and the catalog still ends equal to the seeded truth.
@Suite("Reliability: faults")
struct ReliabilityFaultTests {
    static var full: Bool { ProcessInfo.processInfo.environment["RELIABILITY_FULL"] == "1" }
    /// The simulated registries as MigrationWorld names them (the real MLflow server and moto are "mlflow" and "sm").
    static let simulated = ["vertex", "azureml", "gitlab", "wandb", "mlflow-sim", "sagemaker"]

    /// Seeds `models` models of `versions` versions into each simulated registry; returns how many versions each holds.
    static func seed(_ cloud: SimulatedCloud, models: Int, versions: Int) -> [String: Int] {
        let scope = AzureMLScope.workspace(
            subscription: SimulatedCloud.subscription, resourceGroup: SimulatedCloud.resourceGroup,
            workspace: SimulatedCloud.workspace)
        for m in 0..<models {
            let name = "model-\(m)"
            func version(_ registry: String, _ kind: RegistryKind, _ v: String, _ uri: String) -> ModelVersion {
                ModelVersion(
                    registry: registry, kind: kind, model: name, version: v, description: "\(name) \(v)",
                    tags: ["team": "t\(m % 3)"], sourceURI: uri)
            }
            cloud.vertex.seed(
                model: RegistryModel(registry: "vertex", kind: .vertex, name: name),
                versions: (1...versions).map { version("vertex", .vertex, "\($0)", "gs://b/\(name)/\($0)") })
            cloud.azure.seed(scope, versions: (1...versions).map { version("azureml", .azureml, "\($0)", "https://b/\(name)/\($0)") })
            cloud.gitLab.seed(
                GitLabSeedModel(name: name, versions: (1...versions).map { GitLabSeedVersion(version: "\($0).0.0", tags: ["team": "t\(m % 3)"]) }))
            cloud.wandb.seed(
                model: RegistryModel(registry: "wandb", kind: .wandb, name: name),
                versions: (0..<versions).map { version("wandb", .wandb, "v\($0)", "") }, registry: SimulatedCloud.wandbRegistry)
            cloud.mlflow.seed(versions: (1...versions).map { version("mlflow-sim", .mlflow, "\($0)", "s3://b/\(name)/\($0)") })
            cloud.sageMaker.seed(versions: (1...versions).map { version("sagemaker", .sagemaker, "\($0)", "s3://b/\(name)/\($0)") })
        }
        return Dictionary(uniqueKeysWithValues: simulated.map { ($0, models * versions) })
    }

    static func injectors(_ cloud: SimulatedCloud) -> [String: FaultInjector] {
        [
            "vertex": cloud.vertex.faults, "azureml": cloud.azure.faults, "gitlab": cloud.gitLab.faults,
            "wandb": cloud.wandb.faults, "mlflow-sim": cloud.mlflow.faults, "sagemaker": cloud.sageMaker.faults,
        ]
    }

    /// Every version of `registry` in `catalog` as a user compares them (everything but the fetch times).
    static func normalized(_ catalog: CatalogDatabase, _ registry: String) async throws -> [String] {
        try await catalog.versions(VersionQuery(registry: registry, includeDeleted: true)).items.map { v in
            var v = v
            v.raw = nil
            v.updatedAt = nil
            return String(decoding: try JSONEncoder.sorted.encode(v), as: UTF8.self)
        }.sorted()
    }

    @Test func everyAdapterConvergesThroughTwentyPercentFaults() async throws {
        try await MigrationWorld.with { world in
            let sizes = Self.seed(world.cloud, models: Self.full ? 40 : 6, versions: Self.full ? 5 : 3)
            // The truth: what a sync sees without faults.
            let truth = try CatalogDatabase.inMemory()
            try await world.sync(Self.simulated, into: truth)
            for (i, injector) in Self.injectors(world.cloud).sorted(by: { $0.key < $1.key }).map(\.value).enumerated() {
                injector.plan = .mixed(0.2, seed: UInt64(17 + i))
            }
            let faulted = try CatalogDatabase.inMemory()
            let targets = try Self.simulated.map { name in
                let connection = try world.connector.connect(try #require(world.config.registry(named: name)))
                let stats = connection.stats
                return SyncTarget(
                    adapter: try connection.requireAdapter(),
                    counters: { (stats.snapshot.requests, stats.snapshot.retries) })
            }
            let report = await SyncService(catalog: faulted).run(targets, options: SyncOptions(full: true))
            for registry in report.registries {
                #expect(registry.status == .ok, "\(registry.registry): \(registry.errors)")
                #expect(registry.created == sizes[registry.registry], "\(registry.registry)")
                #expect(registry.retries > 0, "\(registry.registry): the faults cost retries, and the report says so")
                let injected = Self.injectors(world.cloud)[registry.registry]?.injected.values.reduce(0, +) ?? 0
                #expect(injected > 0, "\(registry.registry): faults were injected")
                #expect(try await Self.normalized(faulted, registry.registry) == Self.normalized(truth, registry.registry),
                    "\(registry.registry): the faulted sync ends equal to the truth")
            }
            let integrity = try await faulted.integrityCheck()
            #expect(integrity == ["ok"])
        }
    }

    @Test func aRegistryThatStaysDownIsReportedAndTheOthersCommit() async throws {
        try await MigrationWorld.with { world in
            let sizes = Self.seed(world.cloud, models: 3, versions: 2)
            world.cloud.gitLab.faults.plan = FaultPlan(unavailable: 1.0, seed: 5)
            let catalog = try CatalogDatabase.inMemory()
            let targets = try Self.simulated.map { SyncTarget(adapter: try world.adapter($0)) }
            let report = await SyncService(catalog: catalog).run(targets, options: SyncOptions(full: true))
            #expect(!report.ok)
            for registry in report.registries {
                if registry.registry == "gitlab" {
                    #expect(registry.status == .failed)
                    #expect(registry.errors.first?.message.contains("503") == true, "\(registry.errors)")
                } else {
                    #expect(registry.status == .ok, "\(registry.registry): \(registry.errors)")
                    #expect(registry.created == sizes[registry.registry])
                }
            }
            #expect(try await catalog.versions(VersionQuery(registry: "gitlab")).items.isEmpty)
            #expect(try await catalog.registry(named: "gitlab")?.lastSyncStatus == "failed")
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
