import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServices

/// `modelgate import PATH --to REGISTRY [--plan] [--from-registry NAME]` (DESIGN §4, §6).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a bundle (or an mlflow-export-import directory) to a registry; --plan only shows the plan.",
        discussion: """
            Every file's digest, every path and the format_version are verified before anything is written. Copies \
            carry ModelGate's provenance naming the bundle's original registry, so importing twice changes nothing. \
            Exit codes: 0 done or nothing to do, 2 changes or conflicts (--plan) or a refusal because of conflicts, \
            1 error.
            """)

    @Argument(help: "The bundle directory (or an mlflow-export-import export directory).") var path: String
    @Option(help: "The registry to import into.") var to: String
    @Flag(help: "Only show what importing would do.") var plan = false
    @Option(
        help: """
            The bundle registry to import (a bundle with several registries); for an mlflow-export-import directory, \
            the name its registry gets in provenance (default: mlflow-export).
            """)
    var fromRegistry: String?
    @Option(help: "Only this model.") var model: String?
    @OptionGroup var copy: CopyFlags
    @OptionGroup var global: GlobalOptions

    func options() throws -> MigrationOptions { try copy.options() }

    func validate() throws {
        _ = try options()
        if copy.rename != nil, model == nil { throw ValidationError("--rename needs --model") }
    }

    func run() async throws {
        var exit: ExitCode?
        try await reportingErrors {
            // Verify the whole bundle before touching the config's registries.
            let contents = try BundleReader.read(
                at: URL(fileURLWithPath: path), mlflowRegistryName: fromRegistry ?? "mlflow-export")
            let setup = try MigrationSetup(global)
            let target = try setup.adapter(to)
            let planner = ImportPlanner(
                contents: contents, target: target, options: try options(), tagOwners: setup.config.conflicts.tagOwners)
            let label = "bundle:\(path)" + (fromRegistry.map { "#\($0)" } ?? "")
            let planned = try await planner.plan(
                label: label, fromRegistry: contents.format == .mlflowExportImport ? nil : fromRegistry, model: model)
            if plan {
                if global.json { try Console.json(planned) } else { Console.out(PlanText.render(planned)) }
                if !planned.isEmpty { exit = ExitCode(2) }
                return
            }
            if !planned.conflicts.isEmpty {
                for conflict in planned.conflicts { Console.err("conflict: \(conflict.message)") }
                Console.err("error: \(planned.conflicts.count) conflict(s); nothing was written. Resolve them, or use --force / --from-registry")
                exit = ExitCode(2)
                return
            }
            var applier = MigrationApplier(target: target, catalog: try setup.context.openCatalog())
            applier.changeSource = .import
            let quiet = global.quiet
            applier.progress = { line in if !quiet { Console.err(line) } }
            let result = try await applier.apply(planned)
            if global.json {
                try Console.json(result)
            } else if result.applied.isEmpty, result.ok {
                Console.out("Nothing to do: \(to) already holds every version of the bundle (\(planned.skips.count) skipped).")
            } else {
                Console.out("Imported into \(to): \(result.applied.count) of \(planned.actions.count) actions applied.")
                for skip in planned.skips {
                    Console.out("  - skipped \(skip.model)\(skip.version.map { "@\($0)" } ?? ""): \(skip.reason)")
                }
            }
            if let failure = result.failure {
                Console.err("error: \(failure); run `modelgate import` again to resume")
                exit = ExitCode.failure
            }
        }
        if let exit { throw exit }
    }
}
