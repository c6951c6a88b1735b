import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

/// `modelgate export --out PATH [--registry R] [--model M]`: a portable bundle (DESIGN §6).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a portable bundle of the catalog (or of one registry or model) into a new directory.",
        discussion: """
            The bundle holds manifest.json (format version, counts, failures, SHA-256 of every file) and \
            registries.jsonl, models.jsonl, versions.jsonl, lineage.jsonl and changes.jsonl: one normalized JSON \
            object a line, with the native `raw`; deleted versions are included with "deleted": true. \
            --out must not exist or be an empty directory. An object that cannot be exported is listed in the \
            manifest's failures and on stderr, and the exit code is 1.
            """)

    @Option(help: "The bundle directory to create (must not exist, or be empty).") var out: String
    @Option(help: "Only this registry.") var registry: String?
    @Option(help: "Only models of this name (with --registry, only that registry's).") var model: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a directory path") }
    }

    func run() async throws {
        var failed = false
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            let exporter = BundleExporter(catalog: catalog, tool: "modelgate \(ModelGate.configuration.version)")
            let result = try await exporter.export(
                to: URL(fileURLWithPath: out), registry: registry, model: model)
            let manifest = result.manifest
            failed = !manifest.failures.isEmpty
            if global.json {
                try Console.json(manifest)
            } else {
                var table = TextTable("FILE", "OBJECTS", "SHA-256")
                let counts: [String: Int] = [
                    BundleManifest.registriesFile: manifest.sources.count, BundleManifest.modelsFile: manifest.counts.models,
                    BundleManifest.versionsFile: manifest.counts.versions,
                    BundleManifest.lineageFile: manifest.counts.lineage,
                    BundleManifest.changesFile: manifest.counts.changes,
                ]
                for file in BundleManifest.dataFiles {
                    table.add(file, String(counts[file] ?? 0), manifest.files[file].orDash)
                }
                Console.out("bundle: \(result.directory.path)")
                Console.out(
                    "registries: \(manifest.sources.joined(separator: ", ")); \(manifest.counts.models) models, "
                        + "\(manifest.counts.versions) versions, \(manifest.counts.lineage) lineage edges, "
                        + "\(manifest.counts.changes) changes; \(manifest.failures.count) failures")
                Console.out(table.render())
            }
            for failure in manifest.failures {
                let object = [failure.model, failure.version].compactMap { $0 }.joined(separator: "@")
                Console.err("export failed: \(failure.registry)\(object.isEmpty ? "" : ":" + object): \(failure.message)")
            }
            if failed, !global.quiet {
                Console.err(
                    "error: \(manifest.failures.count) objects could not be exported; the bundle at "
                        + "\(result.directory.path) lists them in manifest.json failures")
            }
        }
        if failed { throw ExitCode.failure }
    }
}
