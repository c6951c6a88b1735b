import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore

/// One registry to sync: its adapter and, when the transport counts them, its request and retry counters.
public struct SyncTarget: Sendable {
    public var adapter: any RegistryAdapter
    public var endpoint: String?
    /// Requests and retries made so far through this registry's transport.
    public var counters: (@Sendable () -> (requests: Int, retries: Int))?

    public init(
        adapter: any RegistryAdapter, endpoint: String? = nil,
        counters: (@Sendable () -> (requests: Int, retries: Int))? = nil
    ) {
        self.adapter = adapter
        self.endpoint = endpoint
        self.counters = counters
    }
}

/// How a sync runs (`sync:` in the config, `--full` on the command line).
public struct SyncOptions: Sendable {
    /// List everything, ignoring watermarks.
    public var full: Bool
    /// Registries synced at once.
    public var concurrency: Int
    /// Complete listings that must miss a version before it is tombstoned.
    public var tombstoneAfterMisses: Int
    /// An incremental registry lists everything every Nth sync.
    public var fullEvery: Int
    /// When another sync holds a registry's lease: wait until it is free (true) or report the registry busy.
    public var waitForLease: Bool
    /// How long a registry's lease lasts unless renewed; the holder renews it every third of that while it syncs,
    /// so a crashed holder's lease can be taken over after at most this long.
    public var leaseDuration: Duration
    /// How often a waiting sync asks for the lease again.
    public var leasePollInterval: Duration

    public init(
        full: Bool = false, concurrency: Int = 4, tombstoneAfterMisses: Int = 2, fullEvery: Int = 24,
        waitForLease: Bool = false, leaseDuration: Duration = .seconds(60), leasePollInterval: Duration = .seconds(1)
    ) {
        self.full = full
        self.concurrency = max(1, concurrency)
        self.tombstoneAfterMisses = max(1, tombstoneAfterMisses)
        self.fullEvery = max(1, fullEvery)
        self.waitForLease = waitForLease
        self.leaseDuration = max(leaseDuration, .milliseconds(10))
        self.leasePollInterval = max(leasePollInterval, .milliseconds(10))
    }
}

/// Pulls registries into the catalog: one transaction per page, each registry isolated from the others.
///
/// A page is committed with its change-log rows or not at all, so a crash or kill at any point leaves a
/// consistent catalog, and the next sync converges. Only a complete listing (everything enumerated,
/// paging finished, no error) counts misses towards tombstones (DESIGN §5).
///
/// A registry is synced by one sync at a time, across processes sharing the catalog: each sync takes the
/// registry's lease row first (``CatalogDatabase/acquireLease(registry:holder:token:at:duration:host:pid:replacing:)``), renews it
/// while it runs, and gives it back at the end; a sync that finds it held reports the registry busy, or waits.
public struct SyncService: Sendable {
    public let catalog: CatalogDatabase
    public let now: @Sendable () -> Date
    public let limits: SyncLimits
    /// Who this process is in a lease row, for people: `modelgate sync on HOST (pid N)`.
    public let holder: String

    /// How far past now a watermark may go (a registry clock far ahead must not freeze incremental syncs).
    public static let watermarkSlack: Int64 = 300_000

    public init(
        catalog: CatalogDatabase, limits: SyncLimits = SyncLimits(), holder: String = SyncService.holder("modelgate"),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.catalog = catalog
        self.limits = limits
        self.holder = holder
        self.now = now
    }

    /// `PROGRAM on HOST (pid N)`: this process as a lease holder.
    public static func holder(_ program: String) -> String {
        "\(program) on \(ProcessInfo.processInfo.hostName) (pid \(ProcessInfo.processInfo.processIdentifier))"
    }

    /// Syncs every target, at most `options.concurrency` at once; never throws for a registry's failure:
    /// that registry is reported as failed and the others commit.
    public func run(
        _ targets: [SyncTarget], options: SyncOptions, progress: any SyncProgressObserver = SilentSyncProgress()
    ) async -> SyncReport {
        var reports: [String: RegistrySyncReport] = [:]
        await withTaskGroup(of: RegistrySyncReport.self) { group in
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let target = targets[next]
                next += 1
                group.addTask { await self.sync(target, options: options, progress: progress) }
            }
            for _ in 0..<min(options.concurrency, targets.count) { startNext() }
            for await report in group {
                reports[report.registry] = report
                startNext()
            }
        }
        return SyncReport(registries: targets.compactMap { reports[$0.adapter.registry] })
    }

    /// Syncs one registry. Errors end up in the report, never thrown.
    public func sync(
        _ target: SyncTarget, options: SyncOptions, progress: any SyncProgressObserver = SilentSyncProgress()
    ) async -> RegistrySyncReport {
        let adapter = target.adapter
        let started = ContinuousClock.now
        let before = target.counters?() ?? (requests: 0, retries: 0)
        var report = RegistrySyncReport(registry: adapter.registry, kind: adapter.kind)
        let lease = LeaseKeeper(
            catalog: catalog, registry: adapter.registry, holder: holder, duration: options.leaseDuration, now: now)
        do {
            if let busy = try await lease.acquire(wait: options.waitForLease, poll: options.leasePollInterval, progress: progress) {
                // Someone else is syncing it: its result stands, so nothing is recorded for this one.
                report.status = .failed
                report.busy = busy
                report.errors.append(.init(model: nil, version: nil, message: busy.busyMessage))
                report.seconds = Self.seconds(since: started)
                progress.registryFinished(report)
                return report
            }
        } catch {
            report.status = .failed
            report.errors.append(
                .init(model: nil, version: nil, message: "\(adapter.registry): the sync lease could not be taken: \(Self.describe(error))"))
            report.seconds = Self.seconds(since: started)
            progress.registryFinished(report)
            return report
        }
        await withTaskGroup(of: Void.self) { group in
            // Renewed in the background too, so that a page slower than the lease does not lose it.
            group.addTask { await lease.renewUntilCancelled() }
            do {
                try await catalog.upsertRegistry(RegistryInfo(name: adapter.registry, kind: adapter.kind, endpoint: target.endpoint))
                try await walk(target, options: options, progress: progress, started: started, lease: lease, report: &report)
            } catch {
                report.status = .failed
                report.complete = false
                report.errors.append(.init(model: nil, version: nil, message: Self.describe(error)))
            }
            group.cancelAll()
        }
        let after = target.counters?() ?? (requests: 0, retries: 0)
        report.requests = after.requests - before.requests
        report.retries = after.retries - before.retries
        report.seconds = Self.seconds(since: started)
        let message = report.status == .failed ? report.errors.last?.message : nil
        try? await catalog.recordSyncResult(
            registry: adapter.registry, at: now(), status: report.status.rawValue, message: message)
        await lease.release()
        progress.registryFinished(report)
        return report
    }

    private func walk(
        _ target: SyncTarget, options: SyncOptions, progress: any SyncProgressObserver, started: ContinuousClock.Instant,
        lease: LeaseKeeper, report: inout RegistrySyncReport
    ) async throws {
        let adapter = target.adapter
        var state = try await catalog.syncState(registry: adapter.registry)
        // A watermark saved before the clamp existed, from a registry clock far ahead, is brought back to now.
        let ceiling = Timestamp.milliseconds(now()) + Self.watermarkSlack
        state.watermark = state.watermark.map { min($0, ceiling) }
        let incremental = adapter.capabilities.incrementalListing
        // An incremental registry lists everything on --full, on its first sync and every Nth sync.
        let full = options.full || !incremental || state.watermark == nil || (state.syncCount + 1) % options.fullEvery == 0
        progress.registryStarted(adapter.registry, full: full)

        var cursor: String?
        var seen = Set<CatalogVersionKey>()
        var seenModels = Set<String>()
        var watermark = state.watermark
        var listingErrors = 0
        // Objects whose calls kept failing after the retries: the next sync must read them again.
        var unreadable = 0
        var versionsSeen = 0
        var everyPageEnumeratesEverything = true
        repeat {
            try Task.checkCancellation()
            let page = try await adapter.listSnapshots(cursor: cursor, since: full ? nil : state.watermark)
            everyPageEnumeratesEverything = everyPageEnumeratesEverything && page.enumeratesEverything
            unreadable += page.unreadable
            var catalogPage = CatalogPage(registry: adapter.registry, kind: adapter.kind)
            var versionMap: [VersionMapEntry] = []
            for error in page.errors {
                listingErrors += 1
                catalogPage.errors.append(error)
            }
            for snapshot in page.snapshots {
                // Page tokens can be offsets (MLflow): a model created during the walk shifts later pages, so a
                // model can come twice in one listing. Each snapshot holds all of a model's versions, so the
                // first one is applied and counted; the repeat is skipped (the next sync sees any difference).
                guard seenModels.insert(snapshot.model.name).inserted else { continue }
                catalogPage.models.append(snapshot.model)
                let firstVersion = catalogPage.versions.count
                var inSnapshot: Set<String> = []
                for version in snapshot.versions {
                    // A version is seen even when it is rejected below: it exists, so it must not be tombstoned.
                    seen.insert(CatalogVersionKey(model: version.model, version: version.version))
                    guard inSnapshot.insert(version.version).inserted else {
                        catalogPage.errors.append(
                            .init(model: version.model, version: version.version,
                                message: "listed twice with different contents; the first one is kept"))
                        continue
                    }
                    if version.model != snapshot.model.name {
                        catalogPage.errors.append(
                            .init(model: snapshot.model.name, version: version.version,
                                message: "the registry listed it under '\(snapshot.model.name)' but it names model '\(version.model)'"))
                        continue
                    }
                    if let problem = limits.problem(with: version) {
                        catalogPage.errors.append(.init(model: version.model, version: version.version, message: problem))
                        continue
                    }
                    catalogPage.versions.append(version)
                    if let updated = version.updatedAt ?? version.createdAt {
                        watermark = max(watermark ?? 0, Timestamp.milliseconds(updated))
                    }
                }
                catalogPage.lineage += snapshot.lineage
                // Copies ModelGate made carry their provenance: link them to their source even in a fresh catalog.
                let links = ProvenanceLinks.links(Array(catalogPage.versions[firstVersion...]), at: now()) {
                    adapter.provenance(of: $0)
                }
                catalogPage.lineage += links.edges
                versionMap += links.map
                for error in snapshot.errors {
                    catalogPage.errors.append(error)
                    if error.version == nil { listingErrors += 1 }
                }
                unreadable += snapshot.unreadable
                versionsSeen += snapshot.versions.count
            }
            // Writes only while this sync still holds the registry (a takeover after a stall stops it here).
            try await lease.confirm()
            let outcome = try await catalog.apply(page: catalogPage, source: .sync, at: now())
            for entry in versionMap { try await catalog.insertVersionMap(entry) }
            report.created += outcome.created
            report.updated += outcome.updated
            // A version rewritten only for its native JSON or `updated_at` (`refreshed`) has no observed
            // difference: it counts as unchanged, so that created + updated + unchanged covers every stored version.
            report.unchanged += outcome.unchanged + outcome.refreshed
            report.errors += catalogPage.errors
            report.pages += 1
            progress.pageCommitted(adapter.registry, pages: report.pages, versions: versionsSeen, elapsed: Self.seconds(since: started))
            cursor = page.next
        } while cursor != nil

        // Paging finished. The listing is complete only if it covered everything and no model failed as a whole.
        // An incremental sync whose adapter fell back to a full walk is complete too.
        report.complete = (full || everyPageEnumeratesEverything) && listingErrors == 0 && unreadable == 0
        var newState = state
        newState.syncCount += 1
        // The watermark moves only when every object was read: what failed has no time to go by, so an object
        // that could not be read keeps the watermark where it was and the next incremental sync reads it again.
        // It never goes past now + 5 minutes, so a registry clock far ahead cannot freeze incremental syncs.
        if unreadable == 0 {
            newState.watermark = watermark.map { min($0, Timestamp.milliseconds(now()) + Self.watermarkSlack) }
        }
        newState.cursor = nil
        try await lease.confirm()
        if report.complete {
            let tombstones = try await catalog.recordCompleteListing(
                registry: adapter.registry, seen: seen, seenModels: seenModels, tombstoneAfterMisses: options.tombstoneAfterMisses, at: now())
            report.deleted = tombstones.count
            newState.lastCompleteListingAt = now()
        }
        try await catalog.saveSyncState(registry: adapter.registry, newState)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? RegistryError { return error.description }
        if error is CancellationError { return "cancelled" }
        return String(describing: error)
    }
}

/// What sync refuses to store, so that one absurd object becomes a per-object error, not a crash or a lost page.
public struct SyncLimits: Sendable {
    public var maxDescriptionBytes: Int
    public var maxTagValueBytes: Int
    public var maxTags: Int
    public var maxRawBytes: Int
    /// Version strings longer than this are refused (no registry makes them).
    public var maxIdentifierBytes = 1024
    /// Registry timestamps outside this range are refused as absurd.
    public var plausibleTimes = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 7_258_118_400)

    public init(maxDescriptionBytes: Int = 1 << 20, maxTagValueBytes: Int = 1 << 16, maxTags: Int = 1000, maxRawBytes: Int = 4 << 20) {
        self.maxDescriptionBytes = maxDescriptionBytes
        self.maxTagValueBytes = maxTagValueBytes
        self.maxTags = maxTags
        self.maxRawBytes = maxRawBytes
    }

    /// Why `version` cannot be stored, or nil when it can.
    public func problem(with version: ModelVersion) -> String? {
        if version.model.isEmpty { return "the version has an empty model name" }
        if version.version.isEmpty { return "the version has an empty version string" }
        if version.version.utf8.count > maxIdentifierBytes {
            return "the version string is \(version.version.utf8.count) bytes; the limit is \(maxIdentifierBytes)"
        }
        for (field, date) in [("created_at", version.createdAt), ("updated_at", version.updatedAt)] {
            if let date, !plausibleTimes.contains(date) {
                return "\(field) \(Timestamp.format(date)) is not a plausible time (before 1970 or after 2200)"
            }
        }
        if let description = version.description, description.utf8.count > maxDescriptionBytes {
            return "description is \(description.utf8.count) bytes; the limit is \(maxDescriptionBytes)"
        }
        if version.tags.count > maxTags { return "\(version.tags.count) tags; the limit is \(maxTags)" }
        if let (key, value) = version.tags.first(where: { $0.value.utf8.count > maxTagValueBytes }) {
            return "tag '\(key)' is \(value.utf8.count) bytes; the limit is \(maxTagValueBytes)"
        }
        if let raw = version.raw, raw.jsonString().utf8.count > maxRawBytes {
            return "the native object is larger than \(maxRawBytes) bytes"
        }
        return nil
    }
}
