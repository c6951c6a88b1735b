import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

extension LineageFormat: ExpressibleByArgument {}
extension LineageDirection: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// `modelgate lineage REGISTRY:MODEL[@VERSION] [--depth N] [--direction up|down|both] [--format …]`.
struct LineageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Show the lineage of a model version across registries: runs, datasets, commits, copies.",
        discussion: """
            Walks the catalog from the version: up to what it came from (training run, datasets, code commit, the \
            versions it was copied from, the whole chain), down to what came from it (its copies), or both. \
            Copies along migrated_from and same_as (equal artifact digest) do not count against --depth. \
            Formats: text (an indented tree), markdown, html (one self-contained file), json, openlineage \
            (OpenLineage 2-0-2 events, one JSON object a line), dot (Graphviz), mermaid. --output json means \
            --format json.
            """)

    @Argument(help: "REGISTRY:MODEL or REGISTRY:MODEL@VERSION.") var ref: String
    @Option(help: "Hops through runs, datasets, commits and models to walk (copies are free).") var depth = 5
    @Option(help: "up, down or both.") var direction: LineageDirection = .both
    @Option(help: "text, markdown, html, json, openlineage, dot or mermaid.") var format: LineageFormat?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try parseRef(ref)
        if depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() async throws {
        try await reportingErrors {
            let ref = try parseRef(ref)
            let catalog = try CommandContext(global).openCatalog()
            if let version = ref.version {
                guard try await catalog.version(registry: ref.registry, model: ref.model, version: version) != nil else {
                    throw CLIError("\(ref) is not in the catalog (run `modelgate sync \(ref.registry)`?)")
                }
            } else if try await catalog.model(registry: ref.registry, name: ref.model) == nil {
                throw CLIError("\(ref) is not in the catalog (run `modelgate sync \(ref.registry)`?)")
            }
            let graph = try await LineageGraph(catalog: catalog).neighbourhood(of: ref, depth: depth, direction: direction)
            let chosen = format ?? (global.json ? .json : .text)
            let text = try LineageRendering.render(graph, as: chosen)
            // Names come from registries: control characters escaped, except in JSON (item 13).
            FileHandle.standardOutput.write(Data((chosen == .json ? text : TerminalText.escape(text)).utf8))
        }
    }
}

/// `modelgate report [--format markdown|html|json] [--out FILE] [--alias-days N]`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a cross-registry report of the catalog: models, production versions, copies and gaps.",
        discussion: """
            Models per registry; which versions are in production, approved or champion where; copies across \
            registries with their chains; gaps worth acting on: production or approved versions with no training \
            run (here or up the copy chain), copies whose lifecycle disagrees with their source (compared where both \
            registries have a lifecycle), copies whose artifact digest differs, aliases moved in the last N days. \
            html is one self-contained file (inline CSS and SVG, no network), printable. --output json means \
            --format json.
            """)

    @Option(help: "markdown, html or json.") var format: ReportFormat?
    @Option(help: "Write the report to FILE instead of stdout.") var out: String?
    @Option(help: "How many days back to list alias moves.") var aliasDays = 7
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if aliasDays < 0 { throw ValidationError("--alias-days must be 0 or more") }
    }

    func run() async throws {
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            let report = try await CatalogReportBuilder(catalog: catalog).build(aliasDays: aliasDays)
            let chosen = format ?? (global.json ? .json : .markdown)
            let text = try CatalogReportRendering.render(report, as: chosen)
            if let out {
                let url = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
                if !global.quiet { Console.err("wrote \(out)") }
            } else {
                FileHandle.standardOutput.write(Data((chosen == .json ? text : TerminalText.escape(text)).utf8))
            }
        }
    }
}
