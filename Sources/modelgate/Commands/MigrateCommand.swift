import ArgumentParser
import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices

/// `modelgate migrate plan|apply`: copy models between registries, plan first (DESIGN §5).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy models between registries: plan, then apply.",
        discussion: """
            Reads the live state of both registries. A re-run finds earlier copies by ModelGate's provenance on the \
            target (modelgate.source, modelgate.copy_id), so applying twice changes nothing. Exit codes: 0 nothing \
            to do, 2 changes or conflicts (plan) or a refusal (apply), 1 error.
            """,
        subcommands: [MigratePlanCommand.self, MigrateApplyCommand.self])
}

/// How to copy: the options `migrate` and `import` share.
struct CopyFlags: ParsableArguments {
    @Option(help: "Target model name (single-model migrations).") var rename: String?
    @Flag(help: "Copy aliases: set where absent or already on the copy; else a conflict.") var copyAliases = false
    @Flag(help: "Map the source lifecycle onto the target's (production → Approved in SageMaker, …).")
    var carryLifecycle = false
    @Option(help: "Rewrite artifact URIs: FROM_PREFIX=TO_PREFIX (repeatable) where you replicated the files.")
    var artifactMap: [String] = []
    @Flag(help: "Take the source's side in tag and alias conflicts (moves aliases; logs old and new).") var force = false

    var anyGiven: Bool { rename != nil || copyAliases || carryLifecycle || !artifactMap.isEmpty || force }

    func options() throws -> MigrationOptions {
        let rewrites = try artifactMap.map { text in
            guard let rule = ArtifactRewrite(parsing: text) else {
                throw ValidationError("--artifact-map expects FROM_PREFIX=TO_PREFIX, got '\(text)'")
            }
            return rule
        }
        return MigrationOptions(
            rename: rename, copyAliases: copyAliases, carryLifecycle: carryLifecycle, artifactMap: rewrites, force: force)
    }
}

/// The flags `plan` takes and `apply` accepts instead of a plan file.
struct MigrationFlags: ParsableArguments {
    @Option(help: "REGISTRY[:MODEL[@VERSION]] to copy from.") var from: String?
    @Option(help: "The registry to copy into.") var to: String?
    @OptionGroup var copy: CopyFlags

    var anyGiven: Bool { from != nil || to != nil || copy.anyGiven }

    func options() throws -> MigrationOptions { try copy.options() }

    func endpoints() throws -> (from: VersionRef, to: String) {
        guard let from, let to else { throw ValidationError("--from REGISTRY[:MODEL[@VERSION]] and --to REGISTRY are required") }
        return (try parseSourceRef(from), to)
    }
}

/// `REGISTRY`, `REGISTRY:MODEL` or `REGISTRY:MODEL@VERSION`, as a usage error when malformed.
func parseSourceRef(_ text: String) throws -> VersionRef {
    do {
        return try VersionRef(parsing: text, requireModel: false)
    } catch {
        throw ValidationError(error.description)
    }
}

/// Builds planners from the config: the live source and target adapters, `conflicts.tag_owners`.
struct MigrationSetup {
    let context: CommandContext
    let config: ModelGateConfig
    let connector: RegistryConnector

    init(_ global: GlobalOptions) throws {
        context = try CommandContext(global)
        config = try context.requireConfig()
        connector = context.connector()
    }

    func adapter(_ name: String) throws -> any RegistryAdapter {
        let selected = try config.registries(named: [name])
        return try connector.connect(selected[0]).requireAdapter()
    }

    func planner(from: VersionRef, to: String, options: MigrationOptions) throws -> MigrationPlanner {
        MigrationPlanner(
            source: AdapterSource(try adapter(from.registry)), target: try adapter(to), options: options,
            tagOwners: config.conflicts.tagOwners)
    }
}

struct MigratePlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a migration would do: actions, conflicts and skips with their reasons.",
        discussion: "Exit 0 when there is nothing to do, 2 when there are changes or conflicts, 1 on error.")

    @OptionGroup var flags: MigrationFlags
    @Option(help: "Write the plan as JSON to this file (for `migrate apply PLAN.json`).") var out: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try flags.endpoints()
        _ = try flags.options()
    }

    func run() async throws {
        var changes = false
        try await reportingErrors {
            let setup = try MigrationSetup(global)
            let (from, to) = try flags.endpoints()
            let planner = try setup.planner(from: from, to: to, options: try flags.options())
            let plan = try await planner.plan(model: from.model.isEmpty ? nil : from.model, version: from.version)
            if let out {
                try Data((try Console.jsonText(plan) + "\n").utf8).write(to: URL(fileURLWithPath: out))
                if !global.quiet { Console.err("plan \(plan.id) written to \(out)") }
            }
            if global.json { try Console.json(plan) } else { Console.out(PlanText.render(plan)) }
            changes = !plan.isEmpty
        }
        if changes { throw ExitCode(2) }
    }
}

struct MigrateApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out a migration (a saved plan, or the same flags as plan).",
        discussion: """
            Plans again from the live registries first. With PLAN.json, refuses (exit 2) when the registries changed \
            in a way the plan did not foresee; what an interrupted apply left undone is foreseen, so running apply \
            again resumes. Refuses (exit 2) while conflicts remain: resolve them or plan with --force.
            """)

    @Argument(help: "A plan written by `migrate plan --out`.") var planFile: String?
    @OptionGroup var flags: MigrationFlags
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if planFile != nil, flags.anyGiven { throw ValidationError("give a PLAN.json or the plan flags, not both") }
        if planFile == nil { _ = try flags.endpoints() }
        _ = try flags.options()
    }

    func run() async throws {
        var exit: ExitCode?
        try await reportingErrors {
            let setup = try MigrationSetup(global)
            var saved: MigrationPlan?
            let from: VersionRef
            let to: String
            let options: MigrationOptions
            if let planFile {
                let plan = try loadPlan(planFile)
                saved = plan
                from = try VersionRef(parsing: plan.from, requireModel: false)
                to = plan.to
                options = plan.options
            } else {
                (from, to) = try flags.endpoints()
                options = try flags.options()
            }
            let planner = try setup.planner(from: from, to: to, options: options)
            let fresh = try await planner.plan(model: from.model.isEmpty ? nil : from.model, version: from.version)
            if let saved, let why = saved.staleness(comparedTo: fresh) {
                Console.err("error: the registries changed since plan \(saved.id) was made (\(why)); run `modelgate migrate plan` again")
                exit = ExitCode(2)
                return
            }
            if !fresh.conflicts.isEmpty {
                for conflict in fresh.conflicts { Console.err("conflict: \(conflict.message)") }
                Console.err(
                    "error: \(fresh.conflicts.count) conflict(s) left; nothing was written. Resolve them, or plan with --force")
                exit = ExitCode(2)
                return
            }
            var applier = MigrationApplier(target: planner.target, catalog: try setup.context.openCatalog())
            let quiet = global.quiet
            applier.progress = { line in if !quiet { Console.err(line) } }
            let result = try await applier.apply(fresh)
            if global.json {
                try Console.json(result)
            } else if result.applied.isEmpty, result.ok {
                Console.out("Nothing to do: \(to) already holds every copy (\(fresh.skips.count) skipped).")
            } else {
                Console.out("Applied \(result.applied.count) of \(fresh.actions.count) actions to \(to).")
                for skip in fresh.skips { Console.out("  - skipped \(skip.model)\(skip.version.map { "@\($0)" } ?? ""): \(skip.reason)") }
            }
            if let failure = result.failure {
                Console.err("error: \(failure); run `modelgate migrate apply` again to resume")
                exit = ExitCode.failure
            }
        }
        if let exit { throw exit }
    }

    func loadPlan(_ path: String) throws -> MigrationPlan {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("cannot read the plan \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(MigrationPlan.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw CLIError("\(path) is not a migration plan: \(context.debugDescription)")
        } catch {
            throw CLIError("\(path) is not a migration plan: \(error)")
        }
    }
}

/// The terminal form of a plan, like `terraform plan`.
enum PlanText {
    static func render(_ plan: MigrationPlan) -> String {
        var lines = ["Migration plan \(plan.id): \(plan.from) → \(plan.to)"]
        for (source, target) in plan.names.sorted(by: { $0.key < $1.key }) {
            let why = plan.options.rename != nil ? "--rename" : "\(plan.to)'s naming rules"
            lines.append("  name: \(source) → \(target) (\(why))")
        }
        for action in plan.actions { lines.append("  " + MigrationApplier.describe(action)) }
        if !plan.conflicts.isEmpty {
            lines.append("Conflicts:")
            for conflict in plan.conflicts { lines.append("  ! \(conflict.kind) \(conflict.field): \(conflict.message)") }
        }
        if !plan.skips.isEmpty {
            lines.append("Skipped:")
            for skip in plan.skips {
                lines.append("  - \(skip.model)\(skip.version.map { "@\($0)" } ?? ""): \(skip.reason)")
            }
        }
        let creates = plan.actions.filter { $0.op == .createModel || $0.op == .createVersion }.count
        let changes = plan.actions.count - creates
        if plan.isEmpty {
            lines.append("No changes: \(plan.to) already holds every copy\(plan.skips.isEmpty ? "" : " (\(plan.skips.count) skipped)").")
        } else {
            lines.append(
                "Plan: \(creates) to create, \(changes) to change, \(plan.conflicts.count) conflict(s), \(plan.skips.count) skipped.")
        }
        return lines.joined(separator: "\n")
    }
}
