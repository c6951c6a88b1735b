import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ServiceLifecycle
import Synchronization

/// A sync started by `POST /api/v1/sync`, observed while it runs (`GET /api/v1/sync/{id}`).
final class SyncJob: SyncProgressObserver, Sendable {
    struct RegistryProgress: Sendable {
        var status = "queued"
        var full = false
        var pages = 0
        var versions = 0
    }

    struct State: Sendable {
        var status = "running"
        var finishedAt: Date?
        var progress: [String: RegistryProgress] = [:]
        var report: SyncReport?
        var conflictsOpened = 0
        var error: String?
    }

    let id: String
    let registries: [String]
    let startedBy: String
    let startedAt: Date
    private let state: Mutex<State>

    init(id: String, registries: [String], startedBy: String, startedAt: Date) {
        self.id = id
        self.registries = registries
        self.startedBy = startedBy
        self.startedAt = startedAt
        var initial = State()
        for name in registries { initial.progress[name] = RegistryProgress() }
        state = Mutex(initial)
    }

    func registryStarted(_ registry: String, full: Bool) {
        state.withLock {
            $0.progress[registry, default: RegistryProgress()].status = "running"
            $0.progress[registry, default: RegistryProgress()].full = full
        }
    }

    func pageCommitted(_ registry: String, pages: Int, versions: Int, elapsed: Double) {
        state.withLock {
            $0.progress[registry, default: RegistryProgress()].pages = pages
            $0.progress[registry, default: RegistryProgress()].versions = versions
        }
    }

    func registryFinished(_ report: RegistrySyncReport) {
        state.withLock { $0.progress[report.registry, default: RegistryProgress()].status = Self.status(report) }
    }

    /// `ok`, `failed`, or `busy` for a registry another sync (another process or replica) was syncing.
    static func status(_ report: RegistrySyncReport) -> String {
        report.busy != nil ? "busy" : report.status.rawValue
    }

    /// Ends the job with `report`; `error` (conflict detection failed, the catalog refused a write, the server
    /// shut down) fails it even when every registry synced.
    func finish(_ report: SyncReport?, conflictsOpened: Int, error: String? = nil) {
        state.withLock {
            $0.report = report
            $0.conflictsOpened = conflictsOpened
            $0.error = error
            $0.status = (report?.ok ?? false) && error == nil ? "succeeded" : "failed"
            $0.finishedAt = Date()
            for r in report?.registries ?? [] { $0.progress[r.registry, default: RegistryProgress()].status = Self.status(r) }
        }
    }

    var isRunning: Bool { state.withLock { $0.status == "running" } }

    /// `{"id","status","started_at","finished_at","started_by","registries":[{"registry","status","pages","versions"}],
    /// "conflicts_opened", "error": why the job failed beyond its registries | null,
    /// "summary": <sync JSON of DESIGN §4> | null}`.
    func json() throws -> Any {
        let s = state.withLock { $0 }
        var summary: Any = NSNull()
        if let report = s.report {
            summary = try JSONSerialization.jsonObject(with: JSONBody.encoder().encode(report))
        }
        return [
            "id": id, "status": s.status, "started_at": Timestamp.format(startedAt),
            "finished_at": s.finishedAt.map(Timestamp.format) ?? NSNull(), "started_by": startedBy,
            "conflicts_opened": s.conflictsOpened, "error": s.error ?? NSNull(),
            "registries": registries.map { name -> [String: Any] in
                let p = s.progress[name] ?? RegistryProgress()
                return ["registry": name, "status": p.status, "full": p.full, "pages": p.pages, "versions": p.versions]
            },
            "summary": summary,
        ] as [String: Any]
    }
}

/// The task group the server's syncs run in: a long-lived service started with the server; at shutdown it takes no
/// more work, cancels the syncs still running and awaits them (their leases are given back, their jobs finish).
final class SyncRunner: Service, Sendable {
    typealias Work = @Sendable () async -> Void
    private let work: AsyncStream<Work>
    private let queue: AsyncStream<Work>.Continuation

    init() { (work, queue) = AsyncStream.makeStream(of: Work.self) }

    /// Runs `body` in the group; false when the server is shutting down and it will not run.
    func submit(_ body: @escaping Work) -> Bool {
        if case .terminated = queue.yield(body) { return false }
        return true
    }

    func run() async {
        let queue = self.queue
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await body in work { group.addTask { await body() } }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            queue.finish()
        }
    }
}

/// Running and finished syncs (the last 100 kept), and saved migration plans.
final class JobStore: Sendable {
    private struct Syncs {
        var jobs: [String: SyncJob] = [:]
        /// Ids, oldest first.
        var order: [String] = []
    }
    private let syncs = Mutex(Syncs())
    private let plans = Mutex<[String: MigrationPlan]>([:])

    /// Adds `job` unless a running sync holds one of its registries; returns those registries (empty: added).
    ///
    /// The check and the add are one step under one lock, so two `POST /api/v1/sync` at once never both start
    /// the same registry (the loser answers 409).
    func reserve(_ job: SyncJob) -> Set<String> {
        syncs.withLock { syncs in
            let busy = Set(syncs.jobs.values.filter(\.isRunning).flatMap(\.registries)).intersection(job.registries)
            guard busy.isEmpty else { return busy }
            syncs.jobs[job.id] = job
            syncs.order.append(job.id)
            if syncs.order.count > 100 {
                for id in syncs.order.prefix(syncs.order.count - 100) { syncs.jobs[id] = nil }
                syncs.order.removeFirst(syncs.order.count - 100)
            }
            return []
        }
    }

    func sync(_ id: String) -> SyncJob? { syncs.withLock { $0.jobs[id] } }

    func savePlan(_ plan: MigrationPlan) {
        plans.withLock { plans in
            if plans.count > 200 { plans.removeAll() }
            plans[plan.id] = plan
        }
    }

    func plan(_ id: String) -> MigrationPlan? { plans.withLock { $0[id] } }
}
