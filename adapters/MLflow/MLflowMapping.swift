import Foundation
import ModelGateCore

/// MLflow wire objects → ModelGate's normalized model (DESIGN §2, mlflow column), and back for stages.
public enum MLflowMapping {
    /// The run tag naming the dataset's role in `used` edges (`training`, `eval`, …).
    static let datasetContextTag = "mlflow.data.context"

    /// `current_stage` → lifecycle: `None`/`Staging`/`Production`/`Archived` (any case); anything else is
    /// `none` (the raw word is kept in `lifecycle_raw` by `version(_:registry:aliases:metrics:)`).
    public static func lifecycle(stage: String?) -> Lifecycle {
        switch stage?.lowercased() {
        case "staging": return .staging
        case "production": return .production
        case "archived": return .archived
        default: return .none
        }
    }

    /// `status` → status: `READY` (or absent) → ready, `PENDING_REGISTRATION` → pending,
    /// `FAILED_REGISTRATION` → failed; an unknown word → pending (not known to be usable).
    public static func status(_ status: String?) -> VersionStatus {
        switch status {
        case nil, "READY"?: return .ready
        case "FAILED_REGISTRATION"?: return .failed
        default: return .pending
        }
    }

    /// The MLflow stage a lifecycle is written as (DESIGN §5): production → `Production`; staging and
    /// approved → `Staging`; rejected and archived → `Archived`; none and pending_approval → `None`.
    public static func stage(for lifecycle: Lifecycle) -> String {
        switch lifecycle {
        case .production: return "Production"
        case .staging, .approved: return "Staging"
        case .rejected, .archived: return "Archived"
        case .none, .pendingApproval: return "None"
        }
    }

    /// A normalized version. `aliases` are those pointing at this version (merged with the version's own
    /// `aliases` field, deduplicated and sorted); `metrics` are the latest values of the producing run.
    public static func version(
        _ wire: MLflowModelVersion, registry: String, aliases: [String], metrics: [String: Double]
    ) -> ModelVersion {
        let run: RunReference? =
            wire.runID == nil && wire.runLink == nil ? nil : RunReference(id: wire.runID, uri: wire.runLink)
        return ModelVersion(
            registry: registry, kind: .mlflow, model: wire.name, version: wire.version,
            description: wire.description, status: status(wire.status), lifecycle: lifecycle(stage: wire.currentStage),
            lifecycleRaw: wire.currentStage, aliases: Array(Set(aliases + wire.aliases)).sorted(), tags: wire.tags,
            sourceURI: wire.source, artifactDigest: nil, run: run, metrics: metrics,
            createdAt: wire.creationTimestamp.map(Timestamp.date(milliseconds:)),
            updatedAt: wire.lastUpdatedTimestamp.map(Timestamp.date(milliseconds:)),
            createdBy: wire.userID, deleted: false, raw: wire.raw)
    }

    /// A normalized model (`display_name` is the name).
    public static func model(_ wire: MLflowRegisteredModel, registry: String) -> RegistryModel {
        RegistryModel(
            registry: registry, kind: .mlflow, name: wire.name, displayName: wire.name, description: wire.description,
            tags: wire.tags, createdAt: wire.creationTimestamp.map(Timestamp.date(milliseconds:)),
            updatedAt: wire.lastUpdatedTimestamp.map(Timestamp.date(milliseconds:)), deleted: false, raw: wire.raw)
    }

    /// `version_of` (version → model) and, when the version names a run, `produced_by` (version → run).
    public static func versionEdges(_ wire: MLflowModelVersion, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, wire.name, wire.version)
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, wire.name), relation: .versionOf, assertedBy: registry,
                observedAt: observedAt)
        ]
        if let runID = wire.runID {
            var properties: [String: String] = ["run_id": runID]
            if let runLink = wire.runLink { properties["run_link"] = runLink }
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.runNode(registry, runID), relation: .producedBy, assertedBy: registry,
                    observedAt: observedAt, properties: properties))
        }
        return edges
    }

    /// The lineage node of a dataset: `dataset:<name>@<digest>` (`dataset:<name>` without a digest).
    public static func datasetNode(name: String, digest: String?) -> String {
        digest.map { "dataset:\(name)@\($0)" } ?? "dataset:\(name)"
    }

    /// The lineage node of a git commit: `commit:<sha>`.
    public static func commitNode(_ sha: String) -> String { "commit:\(sha)" }

    /// `used` (run → dataset) per dataset input, and `built_from` (run → commit) when the run has
    /// `mlflow.source.git.commit`.
    public static func runEdges(_ run: MLflowRun, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.runNode(registry, run.runID)
        var edges: [LineageEdge] = []
        var seen: Set<String> = []
        for input in run.datasetInputs {
            let target = datasetNode(name: input.name, digest: input.digest)
            guard seen.insert(target).inserted else { continue }
            var properties: [String: String] = ["name": input.name]
            properties["digest"] = input.digest
            properties["source_type"] = input.sourceType
            properties["source"] = input.source
            properties["context"] = input.tags[datasetContextTag]
            edges.append(
                LineageEdge(
                    from: node, to: target, relation: .used, assertedBy: registry, observedAt: observedAt,
                    properties: properties))
        }
        if let sha = run.gitCommit {
            var properties: [String: String] = ["sha": sha]
            properties["repo_url"] = run.tags[MLflowRun.gitRepoURLTag]
            edges.append(
                LineageEdge(
                    from: node, to: commitNode(sha), relation: .builtFrom, assertedBy: registry, observedAt: observedAt,
                    properties: properties))
        }
        return edges
    }
}
