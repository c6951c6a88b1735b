import Foundation
import ModelGateCore

/// SageMaker wire objects → ModelGate's normalized model (DESIGN §2, sagemaker column), and back for approval.
public enum SageMakerMapping {
    /// `ModelApprovalStatus` → lifecycle: `PendingManualApproval` → `pending_approval`, `Approved` →
    /// `approved`, `Rejected` → `rejected`; absent or another word → `none` (the word is kept in
    /// `lifecycle_raw`). `ModelLifeCycle.Stage` is free-form and is not mapped: it stays in `raw`.
    public static func lifecycle(approval: String?) -> Lifecycle {
        switch approval {
        case "PendingManualApproval"?: return .pendingApproval
        case "Approved"?: return .approved
        case "Rejected"?: return .rejected
        default: return .none
        }
    }

    /// The `ModelApprovalStatus` a lifecycle is written as (DESIGN §5): production and approved →
    /// `Approved`; staging, pending_approval and none → `PendingManualApproval`; rejected and archived → `Rejected`.
    public static func approvalStatus(for lifecycle: Lifecycle) -> String {
        switch lifecycle {
        case .production, .approved: return "Approved"
        case .staging, .pendingApproval, .none: return "PendingManualApproval"
        case .rejected, .archived: return "Rejected"
        }
    }

    /// `ModelPackageStatus` → status: `Completed` (or absent) → ready; `Failed` and `Deleting` → failed (not
    /// usable, and never will be); `Pending`, `InProgress` and any other word → pending.
    public static func status(_ status: String?) -> VersionStatus {
        switch status {
        case nil, "Completed"?: return .ready
        case "Failed"?, "Deleting"?: return .failed
        default: return .pending
        }
    }

    /// A normalized version (`raw` is the `DescribeModelPackage` answer).
    public static func version(_ wire: SageMakerModelPackage, registry: String) -> ModelVersion {
        ModelVersion(
            registry: registry, kind: .sagemaker, model: wire.groupName, version: String(wire.version),
            description: wire.description, status: status(wire.status),
            lifecycle: lifecycle(approval: wire.approvalStatus),
            lifecycleRaw: wire.approvalStatus, aliases: [], tags: wire.customerMetadata, sourceURI: wire.artifactURI,
            artifactDigest: nil, run: wire.generatedBy.map { RunReference(id: $0) }, metrics: [:],
            createdAt: wire.creationTime, updatedAt: wire.lastModifiedTime, createdBy: wire.createdBy, deleted: false,
            raw: wire.raw)
    }

    /// A normalized model: a group with the tags of `ListTags` (`display_name` is the name; groups have no
    /// `LastModifiedTime`, so `updated_at` is null).
    public static func model(_ wire: SageMakerModelPackageGroup, tags: [String: String], registry: String)
        -> RegistryModel
    {
        RegistryModel(
            registry: registry, kind: .sagemaker, name: wire.name, displayName: wire.name,
            description: wire.description,
            tags: tags, createdAt: wire.creationTime, updatedAt: nil, deleted: false, raw: wire.raw)
    }

    /// The lineage node of a git commit: `commit:<sha>`.
    public static func commitNode(_ sha: String) -> String { "commit:\(sha)" }

    /// Edges a package asserts:
    /// - `version_of`: version → model, always (property `project_id` when `MetadataProperties.ProjectId` is set,
    ///   so the SageMaker project is kept even without `GeneratedBy`);
    /// - `produced_by`: version → `run:R:<GeneratedBy>` when `MetadataProperties.GeneratedBy` is set;
    /// - `built_from`: the run (or the version, without `GeneratedBy`) → `commit:<CommitId>` when
    ///   `MetadataProperties.CommitId` is set (properties `sha`, `repository`);
    /// - `derived_from`: version → `version:R:<group>@<n>` when `SourceUri` is another model package's ARN
    ///   (a cloned package; the group is as the ARN spells it).
    public static func edges(_ wire: SageMakerModelPackage, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, wire.groupName, String(wire.version))
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, wire.groupName), relation: .versionOf,
                assertedBy: registry, observedAt: observedAt,
                properties: wire.projectID.map { ["project_id": $0] } ?? [:])
        ]
        var producer = node
        if let generatedBy = wire.generatedBy {
            var properties: [String: String] = ["generated_by": generatedBy]
            properties["project_id"] = wire.projectID
            let run = LineageEdge.runNode(registry, generatedBy)
            edges.append(
                LineageEdge(
                    from: node, to: run, relation: .producedBy, assertedBy: registry, observedAt: observedAt,
                    properties: properties))
            producer = run
        }
        if let sha = wire.commitID {
            var properties: [String: String] = ["sha": sha]
            properties["repository"] = wire.repository
            edges.append(
                LineageEdge(
                    from: producer, to: commitNode(sha), relation: .builtFrom, assertedBy: registry,
                    observedAt: observedAt,
                    properties: properties))
        }
        if let source = wire.sourceURI, let (group, version) = packageReference(arn: source), source != wire.arn {
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.versionNode(registry, group, version), relation: .derivedFrom,
                    assertedBy: registry, observedAt: observedAt, properties: ["source_uri": source]))
        }
        return edges
    }

    /// `(group, version)` of a versioned model package ARN (`arn:aws:sagemaker:R:A:model-package/G/N`).
    public static func packageReference(arn: String) -> (group: String, version: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "sagemaker" else {
            return nil
        }
        let resource = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        guard resource.count == 3, resource[0] == "model-package", !resource[1].isEmpty, let number = Int(resource[2]),
            number >= 1
        else { return nil }
        return (String(resource[1]), String(number))
    }
}
