import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices
import ModelGateTransport
import Synchronization

/// `modelgate sync [REGISTRY...] [--full]`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pull registries into the catalog (incremental where possible unless --full).",
        discussion: """
            A failing registry does not stop the others; the exit code is 1 if any failed. A registry that another \
            sync (another `modelgate sync`, or `serve`) is syncing is reported busy, naming that sync; with --wait \
            this one waits for it instead.
            """)

    @Argument(help: "Registries to sync (default: all configured).") var registries: [String] = []
    @Flag(help: "List everything, ignoring watermarks; only complete listings tombstone deleted versions.")
    var full = false
    @Flag(help: "When another sync holds a registry, wait until it is done (progress on stderr) instead of failing it as busy.")
    var wait = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var failed = false
        try await reportingErrors {
            let context = try CommandContext(global)
            let config = try context.requireConfig()
            // Unknown names are a config error; an unset ${VAR} fails only the registry that uses it.
            var selected: [RegistryConfig] = []
            for name in registries where config.registry(named: name) == nil { _ = try config.registries(named: [name]) }
            selected = registries.isEmpty ? config.registries : registries.compactMap { config.registry(named: $0) }
            if selected.isEmpty { throw CLIError("no registries configured in \(config.file)") }
            let catalog = try context.openCatalog()
            let connector = context.connector()
            let options = SyncOptions(
                full: full, concurrency: config.sync.concurrency,
                tombstoneAfterMisses: config.sync.tombstoneAfterMisses, fullEvery: config.sync.fullEvery, waitForLease: wait)
            let progress = SyncProgressPrinter(
                interactive: Console.stderrIsTerminal && !global.quiet, quiet: global.quiet)
            // A registry that cannot even be set up fails alone; the others still sync. The summary keeps the
            // config's order.
            let outcome = try await SyncOrchestrator(
                catalog: catalog, holder: SyncService.holder("modelgate sync"), tagOwners: config.conflicts.tagOwners
            ).run(selected.map(connector.syncRegistry), options: options, progress: progress)
            let report = outcome.report
            failed = !report.ok
            if let error = outcome.conflictError { throw error }
            let opened = outcome.conflictsOpened
            if !opened.isEmpty, !global.quiet {
                Console.err("\(opened.count) new conflict(s) between copies: see `modelgate conflicts list`")
            }
            if global.json {
                try Console.json(report)
            } else {
                var table = TextTable(
                    "REGISTRY", "KIND", "STATUS", "CREATED", "UPDATED", "DELETED", "UNCHANGED", "ERRORS", "REQUESTS",
                    "SECONDS")
                for r in report.registries {
                    table.add(
                        r.registry, r.kind.rawValue,
                        r.status == .ok ? (r.complete ? "ok" : "ok (partial)") : (r.busy == nil ? "failed" : "busy"),
                        String(r.created), String(r.updated), String(r.deleted), String(r.unchanged),
                        String(r.errors.count), String(r.requests), String(format: "%.2f", r.seconds))
                }
                Console.out(table.render())
                // Per-object errors (and a failed registry's error) on stderr; --quiet leaves them to the summary.
                // A busy registry's line was printed as it finished.
                for r in report.registries where !r.errors.isEmpty && !global.quiet && r.busy == nil {
                    for e in r.errors.prefix(20) {
                        let object = [e.model, e.version].compactMap { $0 }.joined(separator: "@")
                        let message = SyncProgressPrinter.withoutRegistry(e.message, r.registry)
                        Console.err("\(r.registry)\(object.isEmpty ? "" : ":" + object): \(message)")
                    }
                    if r.errors.count > 20 { Console.err("\(r.registry): … and \(r.errors.count - 20) more errors") }
                }
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// Sync progress on stderr: a live line per registry on a terminal, one summary line each otherwise.
final class SyncProgressPrinter: SyncProgressObserver {
    let interactive: Bool
    let quiet: Bool
    private let lock = Mutex(())

    init(interactive: Bool, quiet: Bool) {
        self.interactive = interactive
        self.quiet = quiet
    }

    func registryStarted(_ registry: String, full: Bool) {
        guard interactive else { return }
        lock.withLock { _ in Console.err("\(registry): \(full ? "full" : "incremental") sync started") }
    }

    func pageCommitted(_ registry: String, pages: Int, versions: Int, elapsed: Double) {
        guard interactive else { return }
        let rate = elapsed > 0 ? Double(versions) / elapsed : 0
        lock.withLock { _ in
            FileHandle.standardError.write(
                Data("\r\(registry): \(pages) pages, \(versions) versions, \(Int(rate)) versions/s\u{1B}[K".utf8))
        }
    }

    func registryWaiting(_ registry: String, for lease: SyncLease) {
        guard !quiet else { return }
        let line =
            "\(registry): waiting: \(lease.holder) has been syncing it since \(Timestamp.format(lease.acquiredAt)) "
            + "(lease until \(Timestamp.format(lease.expiresAt)) unless renewed)"
        lock.withLock { _ in Console.err((interactive ? "\r\u{1B}[K" : "") + line) }
    }

    func registryFinished(_ r: RegistrySyncReport) {
        guard !quiet else { return }
        let line =
            r.busy != nil
            ? "\(r.registry): \(Self.withoutRegistry(r.errors.last?.message ?? "busy", r.registry))"
            : r.status == .ok
            ? "\(r.registry): ok\(r.complete ? "" : " (partial listing)"): \(r.created) created, \(r.updated) updated, "
                + "\(r.deleted) deleted, \(r.unchanged) unchanged, \(r.errors.count) errors, \(r.requests) requests "
                + "(\(r.retries) retries) in \(String(format: "%.2f", r.seconds)) s"
            : "\(r.registry): failed after \(r.requests) requests: \(Self.withoutRegistry(r.errors.last?.message ?? "unknown error", r.registry))"
        lock.withLock { _ in Console.err((interactive ? "\r\u{1B}[K" : "") + line) }
    }

    /// A RegistryError's text starts with its registry; the line already does.
    static func withoutRegistry(_ message: String, _ registry: String) -> String {
        message.hasPrefix("\(registry): ") ? String(message.dropFirst(registry.count + 2)) : message
    }
}
