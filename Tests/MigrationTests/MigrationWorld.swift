import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices
import ModelGateSimulators
import ModelGateTransport
import ModelGateTestKit
import Testing

/// Six registries configured the way a user configures them: the real MLflow server and moto (when running) and
/// the simulated Vertex AI, Azure ML, GitLab and W&B, all reached through the config file, the connector and the
/// credentials code of a real deployment.
final class MigrationWorld: Sendable {
    static let sageMakerImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"
    static let vertexImage = "us-docker.pkg.dev/demo-project/serve/sklearn:1"

    let cloud: SimulatedCloud
    let config: ModelGateConfig
    let connector: RegistryConnector
    let directory: URL

    private init(cloud: SimulatedCloud, config: ModelGateConfig, connector: RegistryConnector, directory: URL) {
        self.cloud = cloud
        self.config = config
        self.connector = connector
        self.directory = directory
    }

    static func start() async throws -> MigrationWorld {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-migration-\(UUID().uuidString)")
        let cloud = try await SimulatedCloud.start(directory: directory)
        var yaml = "registries:\n"
        if let url = PeerEnvironment.mlflowURL {
            yaml += """
                  - name: mlflow
                    kind: mlflow
                    url: \(url)
                    retry: {max_attempts: 3, base: 10ms, cap: 50ms}

                """
        }
        if let url = PeerEnvironment.motoURL {
            yaml += """
                  - name: sm
                    kind: sagemaker
                    region: us-east-1
                    endpoint: \(url)
                    auth: {type: aws, access_key_id: "${MG_KEY}", secret_access_key: "${MG_SECRET}"}
                    retry: {max_attempts: 3, base: 10ms, cap: 50ms}

                """
        }
        // The real MLflow server is "mlflow" here; the simulated one gets another name.
        var names = SimulatedCloud.Names()
        names.mlflow = "mlflow-sim"
        yaml += cloud.registriesYAML(names: names)
        // `sm` exists only with moto running; naming it otherwise is a config error.
        let smImage = PeerEnvironment.motoURL != nil ? "sm: \"\(sageMakerImage)\", " : ""
        yaml += """
            conflicts:
              serving_image: {\(smImage)vertex: "\(vertexImage)"}

            """
        var environment = cloud.environment
        environment["MG_KEY"] = PeerEnvironment.awsAccessKeyID ?? ""
        environment["MG_SECRET"] = PeerEnvironment.awsSecretAccessKey ?? ""
        let config = try ModelGateConfig.parse(yaml: yaml, environment: environment)
        let connector = RegistryConnector(
            environment: environment, homeDirectory: nil, servingImages: config.conflicts.servingImage)
        return MigrationWorld(cloud: cloud, config: config, connector: connector, directory: directory)
    }

    /// Runs `body` in a fresh world and awaits its teardown after a return and after a throw alike.
    static func with<T>(_ body: (MigrationWorld) async throws -> T) async throws -> T {
        try await withStopping(try await start(), stop: { await $0.stop() }, body)
    }

    func stop() async {
        await cloud.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func adapter(_ name: String) throws -> any RegistryAdapter {
        try connector.connect(try #require(config.registry(named: name))).requireAdapter()
    }

    /// Plans `from` → `to` (live registries), applies it, and returns the plan and the result.
    @discardableResult
    func migrate(
        _ from: String, model: String, to: String, options: MigrationOptions = MigrationOptions(),
        catalog: CatalogDatabase? = nil
    ) async throws -> (plan: MigrationPlan, result: MigrationResult) {
        let plan = try await planner(from, to, options).plan(model: model)
        let result = try await MigrationApplier(target: try adapter(to), catalog: catalog).apply(plan)
        #expect(result.ok, "\(result.failure ?? "")")
        return (plan, result)
    }

    func planner(_ from: String, _ to: String, _ options: MigrationOptions = MigrationOptions()) throws -> MigrationPlanner {
        MigrationPlanner(source: AdapterSource(try adapter(from)), target: try adapter(to), options: options)
    }

    /// Syncs the named registries (full listings) into `catalog`.
    func sync(_ names: [String], into catalog: CatalogDatabase) async throws {
        let targets = try names.map { SyncTarget(adapter: try adapter($0)) }
        let report = await SyncService(catalog: catalog).run(targets, options: SyncOptions(full: true))
        for registry in report.registries { #expect(registry.status == .ok, "\(registry.registry): \(registry.errors)") }
    }

    /// What a user compares between two copies: everything but the numbers and times each registry invents.
    static func essentials(_ versions: [ModelVersion], adapter: any RegistryAdapter) -> [String] {
        versions.filter { !$0.deleted }.map { v in
            let tags = v.tags.filter { !Provenance.isProvenanceKey($0.key) }.sorted { $0.key < $1.key }
            return "from=\(adapter.provenance(of: v)?.source ?? "-") src=\(v.sourceURI ?? "-") "
                + "life=\(v.lifecycleRaw ?? "-") aliases=\(v.aliases.sorted()) tags=\(tags.map { "\($0.key)=\($0.value)" })"
        }.sorted()
    }
}
