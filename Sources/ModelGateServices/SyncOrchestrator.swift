import Foundation
import ModelGateCatalog
import ModelGateCore

/// One registry a sync was asked for: what the catalog records about it, and how to connect to it.
///
/// The info is known without connecting (from the config), so a registry that cannot even be set up is still
/// reported and recorded under its own kind and endpoint.
public struct SyncRegistry: Sendable {
    /// Name, kind and endpoint, as the catalog records them.
    public var info: RegistryInfo
    /// Builds the registry's adapter and transport; throws when the registry cannot be set up (an unset
    /// `${VAR}`, a missing credential file), which fails this registry alone.
    public var connect: @Sendable () throws -> SyncTarget

    /// - Parameters: see the properties.
    public init(info: RegistryInfo, connect: @escaping @Sendable () throws -> SyncTarget) {
        self.info = info
        self.connect = connect
    }
}

/// What one orchestrated sync did: the summary, and the conflicts detection opened or why it could not run.
public struct SyncOutcome: Sendable {
    /// The registries in the order asked for.
    public var report: SyncReport
    /// Conflicts between copies opened by this sync.
    public var conflictsOpened: [CatalogConflict]
    /// Why conflict detection failed after the sync (the sync's own results stand); nil when it ran.
    public var conflictError: (any Error)?
}

/// The one sync sequence behind `modelgate sync`, `POST /api/v1/sync` and `modelgate demo`: connect each registry,
/// sync those that connected (``SyncService``), record the ones that could not connect as failed in the catalog,
/// then detect conflicts between copies in the registries that synced.
public struct SyncOrchestrator: Sendable {
    /// The catalog synced into.
    public let catalog: CatalogDatabase
    /// Who this process is in a lease row (``SyncService/holder(_:)``).
    public let holder: String
    /// `conflicts.tag_owners`.
    public let tagOwners: [String: String]
    /// The clock of failure records and conflict detection.
    public let now: @Sendable () -> Date

    /// - Parameters: see the properties.
    public init(
        catalog: CatalogDatabase, holder: String, tagOwners: [String: String] = [:],
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.catalog = catalog
        self.holder = holder
        self.tagOwners = tagOwners
        self.now = now
    }

    /// Syncs `registries`. A registry that fails to connect or to sync fails alone; the others commit.
    ///
    /// - Throws: only when the catalog cannot record a registry that failed to connect (nothing was synced then).
    public func run(
        _ registries: [SyncRegistry], options: SyncOptions, progress: any SyncProgressObserver = SilentSyncProgress()
    ) async throws -> SyncOutcome {
        var targets: [SyncTarget] = []
        var refused: [RegistrySyncReport] = []
        for registry in registries {
            do {
                targets.append(try registry.connect())
            } catch {
                refused.append(try await recordRefused(registry.info, error))
            }
        }
        let ran = await SyncService(catalog: catalog, holder: holder, now: now).run(targets, options: options, progress: progress)
        let byName = Dictionary((ran.registries + refused).map { ($0.registry, $0) }, uniquingKeysWith: { first, _ in first })
        let report = SyncReport(registries: registries.compactMap { byName[$0.info.name] })
        // Copies whose source and target now disagree (tags, aliases, lifecycle) become conflicts.
        let synced = report.registries.filter { $0.status == .ok }.map(\.registry)
        do {
            let opened = try await ConflictDetector(catalog: catalog, tagOwners: tagOwners).check(registries: synced, at: now())
            return SyncOutcome(report: report, conflictsOpened: opened, conflictError: nil)
        } catch {
            return SyncOutcome(report: report, conflictsOpened: [], conflictError: error)
        }
    }

    /// A registry that cannot even be set up: reported failed under its own kind, and recorded so in the catalog.
    func recordRefused(_ info: RegistryInfo, _ error: any Error) async throws -> RegistrySyncReport {
        let message = String(describing: error)
        var report = RegistrySyncReport(registry: info.name, kind: info.kind)
        report.status = .failed
        report.errors = [.init(model: nil, version: nil, message: message)]
        try await catalog.upsertRegistry(info)
        try await catalog.recordSyncResult(registry: info.name, at: now(), status: "failed", message: message)
        return report
    }
}
