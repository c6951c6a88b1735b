// Catalog write and query benchmark. Not part of the tests.
//
//   swift run -c release ModelGateBenchmarks            # 1,000,000 versions in 10,000 models
//   BENCH_SCALE=0.05 swift run -c release ModelGateBenchmarks
import Foundation
import GRDB
import ModelGateCatalog
import ModelGateCore

let scale = Double(ProcessInfo.processInfo.environment["BENCH_SCALE"] ?? "") ?? 1.0
let modelCount = max(10, Int(10_000 * scale))
let versionsPerModel = 100
let totalVersions = modelCount * versionsPerModel
let modelsPerPage = 50
let registry = "bench-mlflow"
let start = Date(timeIntervalSince1970: 1_790_000_000)

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try await clock.measure { try await body() }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func secondsSync(_ body: () throws -> Void) rethrows -> Double {
    let elapsed = try ContinuousClock().measure { try body() }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func page(models range: Range<Int>) -> CatalogPage {
    var models: [RegistryModel] = []
    var versions: [ModelVersion] = []
    models.reserveCapacity(range.count)
    versions.reserveCapacity(range.count * versionsPerModel)
    for m in range {
        let name = "model-\(m)"
        models.append(
            RegistryModel(
                registry: registry, kind: .mlflow, name: name, description: "Model \(m)", tags: ["team": "team-\(m % 20)"],
                createdAt: start, updatedAt: start, raw: ["name": .string(name)]))
        for v in 1...versionsPerModel {
            let lifecycle: Lifecycle = v == versionsPerModel ? .production : (v == versionsPerModel - 1 ? .staging : .archived)
            versions.append(
                ModelVersion(
                    registry: registry, kind: .mlflow, model: name, version: String(v), description: "version \(v) of \(name)",
                    lifecycle: lifecycle, lifecycleRaw: lifecycle.rawValue.capitalized,
                    aliases: v == versionsPerModel ? ["champion"] : [],
                    tags: ["team": "team-\(m % 20)", "batch": "b\((m * versionsPerModel + v) % 1000)"],
                    sourceURI: "s3://models/\(name)/\(v)", run: RunReference(id: "run-\(m)-\(v)"),
                    metrics: ["auc": 0.9, "loss": 0.1], createdAt: start, updatedAt: start, createdBy: "bench",
                    raw: ["name": .string(name), "version": .string(String(v)), "current_stage": .string(lifecycle.rawValue)]))
        }
    }
    return CatalogPage(registry: registry, kind: .mlflow, models: models, versions: versions)
}

// `MODELGATE_BENCH_FILL=PATH`: only fill a catalog file at PATH (kept) and exit; `bench.sh serve` serves it.
if let fill = ProcessInfo.processInfo.environment["MODELGATE_BENCH_FILL"], !fill.isEmpty {
    let filled = try CatalogDatabase.open(path: fill)
    let fillSeconds = try await seconds {
        for first in stride(from: 0, to: modelCount, by: modelsPerPage) {
            _ = try await filled.apply(page: page(models: first..<min(first + modelsPerPage, modelCount)), source: .sync, at: start)
        }
    }
    print("filled \(fill): \(totalVersions) versions in \(modelCount) models in \(format(fillSeconds)) s")
    exit(0)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }
print("ModelGate catalog benchmark: \(totalVersions) versions in \(modelCount) models (BENCH_SCALE=\(scale)), pages of \(modelsPerPage * versionsPerModel) versions")

// 1. apply(page:) for everything, one transaction per page.
let catalog = try CatalogDatabase.open(path: directory.appendingPathComponent("catalog.sqlite").path)
var buildSeconds = 0.0
let applySeconds = try await seconds {
    for first in stride(from: 0, to: modelCount, by: modelsPerPage) {
        var next: CatalogPage?
        buildSeconds += secondsSync { next = page(models: first..<min(first + modelsPerPage, modelCount)) }
        guard let next else { continue }
        let outcome = try await catalog.apply(page: next, source: .sync, at: start)
        precondition(outcome.created == next.versions.count, "every version is new on the first pass")
    }
}
let storeSeconds = applySeconds - buildSeconds
print("apply(page:)      \(format(storeSeconds)) s  \(format(Double(totalVersions) / storeSeconds, 0)) versions/s  (building the pages took another \(format(buildSeconds)) s)")

// 2. Re-apply of identical pages: compare-only, no writes.
let reapplyModels = min(modelCount, 20 * modelsPerPage)
var reapplyVersions = 0
var reapplyBuild = 0.0
let reapplySeconds = try await seconds {
    for first in stride(from: 0, to: reapplyModels, by: modelsPerPage) {
        var next: CatalogPage?
        reapplyBuild += secondsSync { next = page(models: first..<min(first + modelsPerPage, reapplyModels)) }
        guard let next else { continue }
        let outcome = try await catalog.apply(page: next, source: .sync, at: start.addingTimeInterval(60))
        precondition(outcome.changes.isEmpty && outcome.unchanged == next.versions.count, "identical re-apply writes nothing")
        reapplyVersions += next.versions.count
    }
}
print("identical re-apply \(format(Double(reapplyVersions) / (reapplySeconds - reapplyBuild), 0)) versions/s compared, 0 rows written")

// 3. Baseline: a raw prepared INSERT loop into a plain table, one transaction, same row count.
let rawQueue = try DatabasePool(path: directory.appendingPathComponent("raw.sqlite").path)  // WAL, like the catalog
try rawQueue.write { db in
    try db.execute(
        sql: "CREATE TABLE plain (id INTEGER PRIMARY KEY, registry TEXT, model TEXT, version TEXT, description TEXT, raw TEXT)")
}
let rawSeconds = try await seconds {
    try await rawQueue.write { db in
        let statement = try db.makeStatement(
            sql: "INSERT INTO plain (registry, model, version, description, raw) VALUES (?, ?, ?, ?, ?)")
        for i in 0..<totalVersions {
            let model = "model-\(i / versionsPerModel)"
            let version = String(i % versionsPerModel + 1)
            try statement.execute(arguments: [
                registry, model, version, "version \(version) of \(model)",
                #"{"name":"\#(model)","version":"\#(version)"}"#,
            ])
        }
    }
}
print("raw INSERT loop   \(format(rawSeconds)) s  \(format(Double(totalVersions) / rawSeconds, 0)) rows/s")
print("ratio             apply(page:) is \(format(storeSeconds / rawSeconds, 1))x the raw insert loop (versions + tags + aliases + change log + indexes vs one plain row)")

// 4. Query plans and timings.
let queries: [(String, VersionQuery)] = [
    ("versions(registry:model:)", VersionQuery(registry: registry, model: "model-\(modelCount / 2)")),
    ("versions(model:)", VersionQuery(model: "model-\(modelCount / 3)")),
    ("versions(tag: batch=b7)", VersionQuery(tags: [("batch", "b7")])),
    ("versions(tag: team=team-3, limit 100)", VersionQuery(tags: [("team", "team-3")], limit: 100)),
    ("versions(alias: champion, limit 100)", VersionQuery(alias: "champion", limit: 100)),
]
for (name, query) in queries {
    let plan = try await catalog.queryPlan(for: query)
    var count = 0
    let runs = 20
    let total = try await seconds {
        for _ in 0..<runs { count = try await catalog.versions(query).items.count }
    }
    print("\(name): \(count) versions, \(format(total / Double(runs) * 1000, 2)) ms per query")
    for line in plan { print("    plan: \(line)") }
}
