import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateTestKit
import Synchronization
import Testing

/// Records the waits a sync reports.
final class WaitRecorder: SyncProgressObserver {
    let waits: AsyncStream<SyncLease>
    private let continuation: AsyncStream<SyncLease>.Continuation

    init() { (waits, continuation) = AsyncStream<SyncLease>.makeStream() }

    func registryStarted(_ registry: String, full: Bool) {}
    func pageCommitted(_ registry: String, pages: Int, versions: Int, elapsed: Double) {}
    func registryFinished(_ report: RegistrySyncReport) {}
    func registryWaiting(_ registry: String, for lease: SyncLease) { continuation.yield(lease) }
}

/// Issue 15, item 8: one sync per registry at a time, across processes sharing the catalog (the catalog's lease
/// row, DESIGN §11).
@Suite("Reliability: attacks — sync leases")
struct ReliabilityAttacksLeaseTests {
    static func registry() -> MemoryRegistry {
        let memory = MemoryRegistry.mlflow("leased")
        memory.seed("scorer", "1")
        memory.seed("scorer", "2")
        memory.seed("ranker", "1")
        return memory
    }

    /// A catalog file opened twice, as two `modelgate` processes (or a cron `sync` next to `serve`) open it.
    static func twoProcesses() throws -> (CatalogDatabase, CatalogDatabase, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-lease-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("catalog.sqlite").path
        return (try CatalogDatabase.open(path: path), try CatalogDatabase.open(path: path), directory)
    }

    // Item 8: two syncs of one registry at once.
    @Test func twoConcurrentSyncsOfOneRegistryExactlyOneSyncsTheOtherIsBusy() async throws {
        let (first, second, directory) = try Self.twoProcesses()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gated = GatedRegistry(Self.registry())
        let cron = SyncService(catalog: first, holder: "modelgate sync on cron-host (pid 4242)")
        let holding = Task { await cron.sync(SyncTarget(adapter: gated), options: SyncOptions(full: true)) }
        var started = gated.started.makeAsyncIterator()
        _ = await started.next()  // the first sync is listing now

        let server = SyncService(catalog: second, holder: "modelgate serve on api-host (pid 7)")
        let loser = await server.sync(SyncTarget(adapter: gated), options: SyncOptions(full: true))
        #expect(loser.status == .failed)
        #expect(loser.busy?.holder == "modelgate sync on cron-host (pid 4242)")
        let message = try #require(loser.errors.first?.message)
        #expect(message.hasPrefix("leased: busy: modelgate sync on cron-host (pid 4242) has been syncing it since 20"), "\(message)")
        #expect(gated.listingCount == 1, "the busy sync listed nothing")

        gated.gate.open()
        let winner = await holding.value
        #expect(winner.status == .ok && winner.busy == nil)
        #expect(winner.created == 3)
        #expect(try await first.history(registry: "leased", model: "scorer").filter { $0.kind == .created }.count == 3)
        #expect(try await second.registry(named: "leased")?.lastSyncStatus == "ok", "the busy sync recorded nothing")
        #expect(try await first.lease(registry: "leased") == nil, "the lease is given back at the end")
    }

    // Item 8: a holder that crashed (its lease expired, never renewed) does not block the registry for ever.
    @Test func aCrashedHoldersExpiredLeaseIsTakenOver() async throws {
        let (catalog, _, directory) = try Self.twoProcesses()
        defer { try? FileManager.default.removeItem(at: directory) }
        let crashed = try await catalog.acquireLease(
            registry: "leased", holder: "modelgate sync on gone-host (pid 1)", token: "crashed",
            at: Date().addingTimeInterval(-600), duration: 60)
        guard case .acquired = crashed else { Issue.record("the crashed holder's lease was not written"); return }

        let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: Self.registry()), options: SyncOptions(full: true))
        #expect(report.status == .ok && report.busy == nil, "\(report.errors)")
        #expect(report.created == 3)
        #expect(try await catalog.lease(registry: "leased") == nil)
    }

    // Item 8: a holder on this host whose process is gone (killed, crashed) is taken over at once, not at expiry.
    @Test func aDeadHolderOnThisHostIsTakenOverBeforeItsLeaseExpires() async throws {
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let catalog = try CatalogDatabase.inMemory()
        let killed = try await catalog.acquireLease(
            registry: "leased", holder: "modelgate sync on this host (killed)", token: "killed", at: Date(), duration: 600,
            host: ProcessInfo.processInfo.hostName, pid: exited.processIdentifier)
        guard case .acquired = killed else { Issue.record("the killed holder's lease was not written"); return }

        let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: Self.registry()), options: SyncOptions(full: true))
        #expect(report.status == .ok && report.busy == nil, "\(report.errors)")
        #expect(report.created == 3)
    }

    // Item 8: a sync that stalled past its lease and was taken over stops before writing anything more.
    @Test func aSyncWhoseLeaseWasTakenOverStopsBeforeWriting() async throws {
        let (first, second, directory) = try Self.twoProcesses()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gated = GatedRegistry(Self.registry())
        let stalled = Task {
            await SyncService(catalog: first, holder: "stalled").sync(SyncTarget(adapter: gated), options: SyncOptions(full: true))
        }
        var started = gated.started.makeAsyncIterator()
        _ = await started.next()
        // As if the stalled sync's lease had expired: another process takes the registry over.
        let held = try #require(try await second.lease(registry: "leased"))
        let takeover = try await second.acquireLease(
            registry: "leased", holder: "newcomer", token: "newcomer", at: Date(), duration: 600, replacing: held.token)
        guard case .acquired = takeover else { Issue.record("the takeover failed"); return }

        gated.gate.open()
        let report = await stalled.value
        #expect(report.status == .failed)
        #expect(report.errors.last?.message.contains("lost its lease to newcomer") == true, "\(report.errors)")
        #expect(try await first.versions(VersionQuery(registry: "leased")).items.isEmpty, "it wrote nothing after losing it")
        #expect(try await first.lease(registry: "leased")?.holder == "newcomer", "and it left the newcomer's lease alone")
    }

    // Item 8: a lease that has not expired is not taken over, whoever asks.
    @Test func aLiveLeaseIsNotTakenOverAndItsHolderCanRenewIt() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let now = Date()
        let held = try await catalog.acquireLease(registry: "r", holder: "a", token: "a", at: now, duration: 60)
        guard case .acquired = held else { Issue.record("not acquired"); return }
        let other = try await catalog.acquireLease(registry: "r", holder: "b", token: "b", at: now.addingTimeInterval(59), duration: 60)
        guard case .busy(let lease) = other else { Issue.record("a live lease was taken over"); return }
        #expect(lease.holder == "a")
        #expect(try await catalog.renewLease(registry: "r", token: "a", at: now.addingTimeInterval(59), duration: 60))
        #expect(try await !catalog.renewLease(registry: "r", token: "b", at: now.addingTimeInterval(59), duration: 60))
        let later = try await catalog.acquireLease(registry: "r", holder: "b", token: "b", at: now.addingTimeInterval(100), duration: 60)
        guard case .busy = later else { Issue.record("a renewed lease was taken over"); return }
        let expired = try await catalog.acquireLease(registry: "r", holder: "b", token: "b", at: now.addingTimeInterval(120), duration: 60)
        guard case .acquired = expired else { Issue.record("an expired lease was not taken over"); return }
        #expect(try await !catalog.renewLease(registry: "r", token: "a", at: now.addingTimeInterval(121), duration: 60), "a lost lease stays lost")
    }

    // Item 8: with `waitForLease` (`modelgate sync --wait`) the second sync waits, then syncs.
    @Test func aWaitingSyncRunsOnceTheHolderIsDone() async throws {
        let (first, second, directory) = try Self.twoProcesses()
        defer { try? FileManager.default.removeItem(at: directory) }
        let memory = Self.registry()
        let gated = GatedRegistry(memory)
        let holding = Task {
            await SyncService(catalog: first, holder: "holder").sync(SyncTarget(adapter: gated), options: SyncOptions(full: true))
        }
        var started = gated.started.makeAsyncIterator()
        _ = await started.next()

        let recorder = WaitRecorder()
        let waiting = Task {
            await SyncService(catalog: second, holder: "waiter").sync(
                SyncTarget(adapter: memory),
                options: SyncOptions(full: true, waitForLease: true, leasePollInterval: .milliseconds(20)),
                progress: recorder)
        }
        var waits = recorder.waits.makeAsyncIterator()
        let seen = await waits.next()
        #expect(seen?.holder == "holder", "the wait names the holder")
        gated.gate.open()
        #expect(await holding.value.status == .ok)
        let waited = await waiting.value
        #expect(waited.status == .ok && waited.busy == nil, "\(waited.errors)")
        #expect((waited.created, waited.unchanged) == (0, 3), "it synced after the holder, over its result")
    }
}
