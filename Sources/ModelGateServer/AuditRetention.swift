import Foundation
import ModelGateCatalog
import Synchronization

/// Keeps the audit log to `server.audit_retention_days`: rows older than that are deleted when the server starts
/// and then, at most once per ``interval``, after an audit row is written (so a busy server prunes hourly and an
/// idle one has nothing new to prune).
final class AuditRetention: Sendable {
    let catalog: CatalogDatabase
    /// How long a row is kept.
    let days: Int
    /// The least time between two prunes triggered by writes.
    let interval: Duration
    private let now: @Sendable () -> Date
    private let lastPrune = Mutex<ContinuousClock.Instant?>(nil)

    /// - Parameters:
    ///   - catalog: the catalog holding the audit log.
    ///   - days: `server.audit_retention_days`.
    ///   - interval: the least time between two prunes triggered by writes.
    ///   - now: the wall clock the cutoff is computed from (tests move it).
    init(
        catalog: CatalogDatabase, days: Int, interval: Duration = .seconds(3600),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.catalog = catalog
        self.days = days
        self.interval = interval
        self.now = now
    }

    /// The oldest time a kept row may have.
    var cutoff: Date { now().addingTimeInterval(-Double(days) * 86_400) }

    /// Deletes the rows older than the retention, now.
    @discardableResult
    func prune() async throws -> Int {
        lastPrune.withLock { $0 = .now }
        return try await catalog.pruneAudit(before: cutoff)
    }

    /// Prunes when the last prune is more than ``interval`` ago (or there was none).
    func pruneIfDue() async throws {
        let due = lastPrune.withLock { last -> Bool in
            if let last, last.duration(to: .now) < interval { return false }
            last = .now
            return true
        }
        if due { try await catalog.pruneAudit(before: cutoff) }
    }
}
