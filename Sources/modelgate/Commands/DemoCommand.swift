import ArgumentParser
import Foundation
import Logging
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServer
import ModelGateServices
import ModelGateSimulators

/// `modelgate demo [--no-serve] [--port P]`: the embedded default. Simulators of all six registries start on free
/// loopback ports with a multi-cloud story; ModelGate copies the champion fraud detector into SageMaker and Vertex
/// with its own migrations, syncs everything, prints the catalog, a lineage report and a migration plan, then serves
/// the web page and API until Ctrl-C. The same config, connector, adapters and services a deployment uses.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run ModelGate against simulated MLflow, SageMaker, Vertex AI, Azure ML, GitLab and W&B.",
        discussion: """
            Everything lives in a temporary directory (the catalog too, unless --catalog is given), removed on exit. \
            Exit 0 when every step shown worked, whatever the plan contains.
            """)

    @Flag(help: "Exit after printing instead of serving.") var noServe = false
    @Option(help: "Port for the web page and API (default 8080; 0 picks a free one).") var port: Int = 8080
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        try await reportingErrors {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "modelgate-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let cloud = try await SimulatedCloud.start(directory: directory)
            do {
                try await runDemo(cloud: cloud, directory: directory)
            } catch {
                await cloud.stop()
                throw error
            }
            await cloud.stop()
        }
    }

    func step(_ text: String) { if !global.quiet { Console.err("==> \(text)") } }

    func runDemo(cloud: SimulatedCloud, directory: URL) async throws {
        step("Simulated registries (stand-ins for the six registries' APIs, not the page to open): \(cloud.host.baseURL)")
        DemoStory.seed(cloud)
        let catalogPath = global.catalog ?? directory.appendingPathComponent("catalog.sqlite").path
        let yaml = """
            catalog: \(catalogPath)
            registries:
            \(cloud.registriesYAML())
            conflicts:
              source_of_truth: {fraud-detector: mlflow}
              serving_image: {sagemaker: "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-serve:1", vertex: "europe-docker.pkg.dev/acme/serve/xgboost:1"}

            """
        let configPath = directory.appendingPathComponent("modelgate.yaml").path
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configPath)  // it holds tokens
        let config = try ModelGateConfig.load(path: configPath, environment: cloud.environment)
        var logger = Logger(label: "modelgate.transport")
        logger.logLevel = global.verbose ? .debug : .warning
        let connector = RegistryConnector(
            environment: cloud.environment, homeDirectory: nil, logger: logger, servingImages: config.conflicts.servingImage)
        func adapter(_ name: String) throws -> any RegistryAdapter {
            try connector.connect(try config.registries(named: [name])[0]).requireAdapter()
        }
        let catalog = try CatalogDatabase.open(path: catalogPath)

        // The champion goes to SageMaker for serving, and on to Vertex AI for a second region: ModelGate's migrations.
        let fraud = DemoStory.fraudDetector
        step("Copying mlflow:\(fraud)@3 (champion, Production) to SageMaker, carrying its lifecycle")
        try await migrate(
            MigrationPlanner(
                source: AdapterSource(try adapter("mlflow")), target: try adapter("sagemaker"),
                options: MigrationOptions(carryLifecycle: true)),
            model: fraud, version: "3", catalog: catalog)
        step(
            "Copying sagemaker:\(fraud) to Vertex AI (europe) with --artifact-map s3://acme-models/=gs://acme-models-eu/ "
                + "(the copy points at gs://; the demo assumes the files are already there and copies none)")
        try await migrate(
            MigrationPlanner(
                source: AdapterSource(try adapter("sagemaker")), target: try adapter("vertex"),
                options: MigrationOptions(artifactMap: [ArtifactRewrite(from: "s3://acme-models/", to: "gs://acme-models-eu/")])),
            model: fraud, version: nil, catalog: catalog)

        step("Syncing all six registries into the catalog")
        let outcome = try await SyncOrchestrator(
            catalog: catalog, holder: SyncService.holder("modelgate demo"), tagOwners: config.conflicts.tagOwners
        ).run(config.registries.map(connector.syncRegistry), options: SyncOptions(full: true))
        let report = outcome.report
        for registry in report.registries where registry.status != .ok {
            throw CLIError("the demo's sync of \(registry.registry) failed: \(registry.errors.first?.message ?? "?")")
        }
        if let error = outcome.conflictError { throw error }

        // 1. The one catalog view.
        let versions = try await catalog.versions(VersionQuery()).items
        var table = TextTable("REGISTRY", "MODEL", "VERSION", "LIFECYCLE", "ALIASES", "SOURCE")
        for v in versions {
            table.add(
                v.registry, v.model, v.version, v.lifecycleRaw.map { "\(v.lifecycle.rawValue) (\($0))" } ?? v.lifecycle.rawValue,
                v.aliases.joined(separator: ","), v.sourceURI ?? "-")
        }
        Console.out("# One catalog: \(versions.count) versions in \(report.registries.count) registries\n")
        Console.out(table.render())

        // 2. Lineage: where the Vertex copy came from, and the review report.
        if let copy = versions.first(where: { $0.registry == "vertex" && $0.model == fraud }) {
            let graph = try await LineageGraph(catalog: catalog).neighbourhood(of: copy.ref, depth: 5, direction: .up)
            Console.out("\n# Lineage of \(copy.ref)\n")
            Console.out(try LineageRendering.render(graph, as: .text))
        }
        let review = try await CatalogReportBuilder(catalog: catalog).build(aliasDays: 7)
        Console.out("\n" + (try CatalogReportRendering.render(review, as: .markdown)))

        // 3. What a migration of the challenger would do.
        let plan = try await MigrationPlanner(
            source: AdapterSource(try adapter("mlflow")), target: try adapter("sagemaker"),
            options: MigrationOptions(copyAliases: true, carryLifecycle: true)
        ).plan(model: fraud)
        Console.out("\n# modelgate migrate plan --from mlflow:\(fraud) --to sagemaker --copy-aliases --carry-lifecycle\n")
        Console.out(PlanText.render(plan))

        if noServe {
            step("Done (--no-serve). Config and catalog were in \(directory.path) and are removed now.")
            return
        }
        // The server's own "listening" info line would repeat the URL below among the demo's steps.
        var serverLogger = Logger(label: "modelgate.server")
        serverLogger.logLevel = global.verbose ? .debug : .warning
        let server = try GatewayServer(
            catalog: catalog, tokens: [], operations: ConfigOperations(config: config, environment: cloud.environment),
            logger: serverLogger)
        let quiet = global.quiet
        try await server.run(host: "127.0.0.1", port: port) { bound in
            if !quiet {
                Console.err("""
                    ==> ModelGate's web page: open http://127.0.0.1:\(bound)/  (API: /api/v1, MLflow API: /api/2.0/mlflow)
                        Try the CLI on it meanwhile: modelgate versions --config \(configPath)
                        Ctrl-C stops the demo.
                    """)
            }
        }
    }

    func migrate(_ planner: MigrationPlanner, model: String, version: String?, catalog: CatalogDatabase) async throws {
        let plan = try await planner.plan(model: model, version: version)
        if !plan.conflicts.isEmpty { throw CLIError("the demo's migration met a conflict: \(plan.conflicts[0].message)") }
        let result = try await MigrationApplier(target: planner.target, catalog: catalog).apply(plan)
        if let failure = result.failure { throw CLIError("the demo's migration failed: \(failure)") }
        for applied in result.applied where !global.quiet {
            Console.err("    " + MigrationApplier.describe(applied.action, targetVersion: applied.targetVersion))
        }
    }
}
