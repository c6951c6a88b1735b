import Foundation
import ModelGateCatalog
import ModelGateCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One sync's hold on a registry's lease row: takes it (or waits for it), renews it while the sync runs, checks it
/// before each write, and gives it back.
final class LeaseKeeper: Sendable {
    let catalog: CatalogDatabase
    let registry: String
    let holder: String
    /// Unique per sync, so two syncs in one process never share a lease.
    let token = UUID().uuidString.lowercased()
    let duration: Duration
    let now: @Sendable () -> Date
    private let lost = Atomic<Bool>(false)

    init(catalog: CatalogDatabase, registry: String, holder: String, duration: Duration, now: @escaping @Sendable () -> Date) {
        self.catalog = catalog
        self.registry = registry
        self.holder = holder
        self.duration = duration
        self.now = now
    }

    var seconds: TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Takes the lease: nil when taken, or the lease another sync holds when `wait` is off. With `wait`, asks
    /// again every `poll` until it is free (or expires), telling `progress` who holds it.
    func acquire(wait: Bool, poll: Duration, progress: any SyncProgressObserver) async throws -> SyncLease? {
        var told: String?
        var dead: String?
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        while true {
            try Task.checkCancellation()
            switch try await catalog.acquireLease(
                registry: registry, holder: holder, token: token, at: now(), duration: seconds, host: host, pid: pid,
                replacing: dead)
            {
            case .acquired: return nil
            case .busy(let lease):
                // A holder on this host whose process is gone (killed, crashed) is taken over at once.
                if let other = lease.pid, lease.host == host, other != pid, dead != lease.token, !Self.isRunning(other) {
                    dead = lease.token
                    continue
                }
                guard wait else { return lease }
                if told != lease.token {
                    told = lease.token
                    progress.registryWaiting(registry, for: lease)
                }
                try await Task.sleep(for: poll)
            }
        }
    }

    /// Whether process `pid` of this host still exists (a process we may not signal exists too).
    static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Renews the lease every third of its duration until cancelled, or until it is found lost.
    func renewUntilCancelled() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: duration / 3)
                if try await !catalog.renewLease(registry: registry, token: token, at: now(), duration: seconds) {
                    lost.store(true, ordering: .relaxed)
                    return
                }
            } catch {
                return  // cancelled; a failed renewal is caught by `confirm` before the next write
            }
        }
    }

    /// Renews the lease now; throws when this sync holds it no more (it stalled past the lease and another sync
    /// took the registry over), so that it writes nothing more.
    func confirm() async throws {
        var held = !lost.load(ordering: .relaxed)
        if held { held = try await catalog.renewLease(registry: registry, token: token, at: now(), duration: seconds) }
        guard held else {
            let other = try? await catalog.lease(registry: registry)
            throw CatalogError(
                "\(registry): this sync lost its lease\(other.map { " to \($0.holder)" } ?? "") (it stalled for longer "
                    + "than the lease lasts); it stopped before writing more, and the other sync carries on")
        }
    }

    /// Gives the lease back (a failure is harmless: the lease expires on its own).
    func release() async {
        try? await catalog.releaseLease(registry: registry, token: token)
    }
}
