import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateConfig
import ModelGateRegistries
import ModelGateCore
import ModelGateServices

/// `modelgate conflicts [list | show ID | resolve ID ...]` (DESIGN §4, §5).
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Detected conflicts between registries and their resolution.",
        subcommands: [ConflictsListCommand.self, ConflictsShowCommand.self, ConflictsResolveCommand.self],
        defaultSubcommand: ConflictsListCommand.self)
}

struct ConflictsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Conflicts, open ones by default.")
    @Flag(help: "Resolved conflicts too.") var all = false
    @Option(help: "Only this registry's.") var registry: String?
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            var conflicts = try await catalog.conflicts(status: all ? nil : .open)
            if let registry { conflicts = conflicts.filter { $0.registry == registry || $0.values[registry] != nil } }
            if global.json { return try Console.json(conflicts) }
            if conflicts.isEmpty {
                Console.out(all ? "No conflicts." : "No open conflicts.")
                return
            }
            var table = TextTable("ID", "KIND", "STATUS", "OBJECT", "FIELD", "VALUES")
            for c in conflicts {
                table.add(
                    String(c.id ?? 0), c.kind, c.status.rawValue, ConflictText.object(c), c.field ?? "-",
                    ConflictText.values(c))
            }
            Console.out(table.render())
        }
    }
}

struct ConflictsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One conflict with every value.")
    @Argument(help: "The conflict id.") var id: Int64
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            guard let conflict = try await catalog.conflict(id: id) else {
                throw CLIError("no conflict with id \(id) (see `modelgate conflicts list --all`)")
            }
            if global.json { return try Console.json(conflict) }
            var lines = [
                "Conflict \(id): \(conflict.kind) on \(ConflictText.object(conflict))\(conflict.field.map { " (\($0))" } ?? "")",
                "Status: \(conflict.status.rawValue)\(conflict.resolution.map { " — \($0)" } ?? "")",
                "Opened: \(Timestamp.format(conflict.createdAt))  updated: \(Timestamp.format(conflict.updatedAt))",
                "Values:",
            ]
            for (registry, value) in conflict.values.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(registry): \(value.stringValue ?? value.jsonString())")
            }
            if conflict.status == .open {
                lines.append(
                    "Resolve: modelgate conflicts resolve \(id) --take REGISTRY | --keep-target"
                        + (["tag", "lifecycle"].contains(conflict.kind) ? " | --value V" : ""))
            }
            Console.out(lines.joined(separator: "\n"))
        }
    }
}

struct ConflictsResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Decide a conflict; any write goes through the migration apply path and the change log.")
    @Argument(help: "The conflict id.") var id: Int64
    @Option(help: "The registry whose value wins (written to the other side).") var take: String?
    @Flag(help: "Leave the copy's side as it is; nothing is written.") var keepTarget = false
    @Option(help: "Write this value to both sides (tag value, or a lifecycle name).") var value: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let given = [take != nil, keepTarget, value != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give one of --take REGISTRY, --keep-target, --value V") }
    }

    /// The explicit choice, else the `conflicts.source_of_truth` registry of the conflict's model (or its source's).
    func choice(for conflict: CatalogConflict?, catalog: CatalogDatabase, config: ModelGateConfig?) async throws
        -> ConflictChoice
    {
        if let take { return .take(take) }
        if let value { return .value(value) }
        if keepTarget { return .keepTarget }
        if let conflict, let truth = config?.conflicts.sourceOfTruth, !truth.isEmpty {
            var names = [conflict.model]
            if let version = conflict.version,
                let entry = try await catalog.versionMap(
                    target: VersionRef(registry: conflict.registry, model: conflict.model, version: version))
            {
                names.append(entry.source.model)
            }
            for name in names {
                if let registry = truth[name], conflict.values[registry] != nil { return .take(registry) }
            }
        }
        throw ValidationError(
            "give one of --take REGISTRY, --keep-target, --value V (or name the model's registry under "
                + "conflicts.source_of_truth in the config)")
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global)
            let catalog = try context.openCatalog()
            let config = context.config
            let choice = try await choice(for: try await catalog.conflict(id: id), catalog: catalog, config: config)
            let connector = context.connector()
            let resolver = ConflictResolver(catalog: catalog) { name in
                guard let config else {
                    throw CLIError("writing to '\(name)' needs the config that names it: pass --config PATH")
                }
                let selected = try config.registries(named: [name])
                return try connector.connect(selected[0]).requireAdapter()
            }
            let done = try await resolver.resolve(id: id, choice)
            if global.json { return try Console.json(done) }
            for write in done.writes {
                for applied in write.applied {
                    Console.out("\(write.to): " + MigrationApplier.describe(applied.action, targetVersion: applied.targetVersion))
                }
            }
            Console.out("Conflict \(id) resolved: \(done.resolution).")
        }
    }
}

enum ConflictText {
    static func object(_ c: CatalogConflict) -> String {
        "\(c.registry):\(c.model)" + (c.version.map { "@\($0)" } ?? "")
    }

    static func values(_ c: CatalogConflict) -> String {
        c.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonString())" }
            .joined(separator: " ")
    }
}
