import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
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
        state.withLock { $0.progress[report.registry, default: RegistryProgress()].status = report.status.rawValue }
    }

    func finish(_ report: SyncReport, conflictsOpened: Int) {
        state.withLock {
            $0.report = report
            $0.conflictsOpened = conflictsOpened
            $0.status = report.ok ? "succeeded" : "failed"
            $0.finishedAt = Date()
            for r in report.registries { $0.progress[r.registry, default: RegistryProgress()].status = r.status.rawValue }
        }
    }

    var isRunning: Bool { state.withLock { $0.status == "running" } }

    /// `{"id","status","started_at","finished_at","started_by","registries":[{"registry","status","pages","versions"}],
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
            "conflicts_opened": s.conflictsOpened,
            "registries": registries.map { name -> [String: Any] in
                let p = s.progress[name] ?? RegistryProgress()
                return ["registry": name, "status": p.status, "full": p.full, "pages": p.pages, "versions": p.versions]
            },
            "summary": summary,
        ] as [String: Any]
    }
}

/// Running and finished syncs (the last 100 kept), and saved migration plans.
final class JobStore: Sendable {
    private let syncs = Mutex<[String: SyncJob]>([:])
    private let order = Mutex<[String]>([])
    private let plans = Mutex<[String: MigrationPlan]>([:])

    func add(_ job: SyncJob) {
        syncs.withLock { $0[job.id] = job }
        let evicted: [String] = order.withLock { order in
            order.append(job.id)
            guard order.count > 100 else { return [] }
            let drop = Array(order.prefix(order.count - 100))
            order.removeFirst(drop.count)
            return drop
        }
        syncs.withLock { jobs in for id in evicted { jobs[id] = nil } }
    }

    func sync(_ id: String) -> SyncJob? { syncs.withLock { $0[id] } }

    /// The registries a running sync holds: a second sync of the same registry waits its turn (409).
    func busyRegistries() -> Set<String> {
        syncs.withLock { jobs in
            Set(jobs.values.filter(\.isRunning).flatMap(\.registries))
        }
    }

    func savePlan(_ plan: MigrationPlan) {
        plans.withLock { plans in
            if plans.count > 200 { plans.removeAll() }
            plans[plan.id] = plan
        }
    }

    func plan(_ id: String) -> MigrationPlan? { plans.withLock { $0[id] } }
}
