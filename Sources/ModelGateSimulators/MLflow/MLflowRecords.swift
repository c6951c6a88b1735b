import Foundation
import ModelGateCore
import Synchronization

/// A stored model version. Times are int64 ms, as MLflow sends them; unset strings are `""`.
struct MLflowVersionRecord: Sendable {
    var number: Int
    var description: String
    var source: String
    var runID: String
    var runLink: String
    /// `None`, `Staging`, `Production` or `Archived`.
    var stage: String
    /// `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
    var status: String
    var tags: [(key: String, value: String)]
    var createdAt: Int64
    var updatedAt: Int64
}

/// A stored registered model.
struct MLflowModelRecord: Sendable {
    var name: String
    var description: String
    var tags: [(key: String, value: String)]
    /// alias → version number.
    var aliases: [String: Int]
    var createdAt: Int64
    var updatedAt: Int64
    var versions: [MLflowVersionRecord]
    /// Numbers are never reused, also after a delete.
    var nextVersion: Int
}

/// A seeded run, as `runs/get` answers it.
struct MLflowRunRecord: Sendable {
    var id: String
    var metrics: [String: Double]
    var tags: [String: String]
    var startTime: Int64
    var datasets: [MLflowSeedDataset] = []
}

/// A dataset a seeded run logged as an input (`run.inputs.dataset_inputs[]`).
public struct MLflowSeedDataset: Sendable, Hashable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    /// The input tag `mlflow.data.context` (`training`, `eval`, …); nil leaves it out.
    public var context: String?

    public init(name: String, digest: String, sourceType: String = "s3", source: String = "", context: String? = "training") {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.context = context
    }
}

extension [(key: String, value: String)] {
    /// Sets `key` (kept in place when present, appended otherwise, as MLflow's tables order them).
    mutating func setTag(_ key: String, _ value: String) {
        if let index = firstIndex(where: { $0.key == key }) {
            self[index].value = value
        } else {
            append((key: key, value: value))
        }
    }
}

extension MLflowSimulator {
    /// The MLflow stage a normalized lifecycle is seeded as, as the adapter writes it (`lifecycleRaw` wins).
    public static func stage(for lifecycle: Lifecycle) -> String {
        switch lifecycle {
        case .production: return "Production"
        case .staging, .approved: return "Staging"
        case .archived, .rejected: return "Archived"
        case .none, .pendingApproval: return "None"
        }
    }

    /// Seeds from normalized data, as the MLflow column of DESIGN §2 maps it: model name, description, tags;
    /// version number (a numeric `version` is kept, anything else takes the next number), description, tags,
    /// `sourceURI` → `source`, `run` → `run_id`/`run_link` (a run with the version's `metrics` is created for
    /// `runs/get`), `lifecycleRaw` (or the lifecycle's stage) → `current_stage`, `aliases`, `status`, times.
    /// Models are created when missing; seed data is not validated.
    public func seed(models: [RegistryModel] = [], versions: [ModelVersion]) {
        state.withLock { state in
            let now = Self.stamp(&state, clock)
            func ensure(_ name: String, created: Int64) {
                guard state.models[name] == nil else { return }
                state.models[name] = MLflowModelRecord(
                    name: name, description: "", tags: [], aliases: [:], createdAt: created, updatedAt: created,
                    versions: [], nextVersion: 1)
            }
            for model in models {
                let created = model.createdAt.map(Self.millis) ?? now
                ensure(model.name, created: created)
                state.models[model.name]?.description = model.description ?? ""
                state.models[model.name]?.tags = model.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
                state.models[model.name]?.createdAt = created
                state.models[model.name]?.updatedAt = model.updatedAt.map(Self.millis) ?? created
            }
            for version in versions {
                let created = version.createdAt.map(Self.millis) ?? now
                ensure(version.model, created: created)
                guard var model = state.models[version.model] else { continue }
                let number = Int(version.version).flatMap { $0 > 0 ? $0 : nil } ?? model.nextVersion
                model.versions.removeAll { $0.number == number }
                let stage = version.lifecycleRaw.flatMap(Self.canonicalStage) ?? Self.stage(for: version.lifecycle)
                let status: String
                switch version.status {
                case .ready: status = "READY"
                case .pending: status = "PENDING_REGISTRATION"
                case .failed: status = "FAILED_REGISTRATION"
                }
                let record = MLflowVersionRecord(
                    number: number, description: version.description ?? "", source: version.sourceURI ?? "",
                    runID: version.run?.id ?? "", runLink: version.run?.uri ?? "", stage: stage, status: status,
                    tags: version.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
                    createdAt: created, updatedAt: version.updatedAt.map(Self.millis) ?? created)
                model.versions.append(record)
                model.versions.sort { $0.number < $1.number }
                model.nextVersion = max(model.nextVersion, number + 1)
                for alias in version.aliases { model.aliases[alias] = number }
                model.updatedAt = max(model.updatedAt, record.updatedAt)
                state.models[version.model] = model
                if let runID = version.run?.id, !runID.isEmpty, state.runs[runID] == nil {
                    state.runs[runID] = MLflowRunRecord(id: runID, metrics: version.metrics, tags: [:], startTime: created)
                }
            }
        }
    }

    /// Adds (or replaces) a run that `runs/get` returns, with its latest metrics, tags (such as
    /// `mlflow.source.git.commit`) and dataset inputs.
    public func seedRun(
        id: String, metrics: [String: Double] = [:], tags: [String: String] = [:], datasets: [MLflowSeedDataset] = []
    ) {
        state.withLock { state in
            let now = Self.stamp(&state, clock)
            state.runs[id] = MLflowRunRecord(id: id, metrics: metrics, tags: tags, startTime: now, datasets: datasets)
        }
    }

    /// MLflow's stage words are case-insensitive; nil for anything else.
    static func canonicalStage(_ text: String) -> String? {
        ["None", "Staging", "Production", "Archived"].first { $0.lowercased() == text.lowercased() }
    }
}
