import Foundation
import ModelGateCore

/// Why a raw ARM resource could not be mapped.
public struct AzureMLMappingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// ARM model containers and versions → ModelGate's normalized model (DESIGN §2, azureml column), and back
/// for lifecycle writes.
public enum AzureMLMapping {
    /// `properties.stage` (any case) → lifecycle: Production, Staging, Archived, and the Approved and Rejected
    /// that ``stage(for:)`` writes (DESIGN §5); anything else `none`.
    /// `isArchived` wins: an archived version is `archived` whatever its stage.
    public static func lifecycle(stage: String?, isArchived: Bool) -> Lifecycle {
        if isArchived { return .archived }
        switch stage?.lowercased() {
        case "production": return .production
        case "staging": return .staging
        case "approved": return .approved
        case "rejected": return .rejected
        case "archived": return .archived
        default: return .none
        }
    }

    /// `properties.provisioningState` → status: Succeeded (or absent) ready; Creating, Updating, Deleting
    /// pending; Failed, Canceled failed; an unknown word pending.
    public static func status(_ state: String?) -> VersionStatus {
        switch state?.lowercased() {
        case nil, "succeeded"?: return .ready
        case "failed"?, "canceled"?, "cancelled"?: return .failed
        default: return .pending
        }
    }

    /// The stage and `isArchived` a lifecycle is written as (DESIGN §5): production → Production; staging →
    /// Staging; approved → Approved; rejected → Rejected; archived → Archived with `isArchived`; none and
    /// pending_approval → no stage.
    public static func stage(for lifecycle: Lifecycle) -> (stage: String?, isArchived: Bool) {
        switch lifecycle {
        case .production: return ("Production", false)
        case .staging: return ("Staging", false)
        case .approved: return ("Approved", false)
        case .rejected: return ("Rejected", false)
        case .archived: return ("Archived", true)
        case .none, .pendingApproval: return (nil, false)
        }
    }

    /// A normalized model from a `ModelContainerResource`.
    public static func model(_ raw: JSONValue, registry: String) throws(AzureMLMappingError) -> RegistryModel {
        guard let name = text(raw["name"]) else { throw AzureMLMappingError("the model container has no 'name'") }
        let properties = raw["properties"]
        guard properties == nil || properties?.objectValue != nil || properties?.isNull == true else {
            throw AzureMLMappingError("'properties' of model container '\(name)' is not an object")
        }
        return RegistryModel(
            registry: registry, kind: .azureml, name: name, displayName: name, description: text(properties?["description"]),
            tags: try tags(properties?["tags"], what: "model container '\(name)'"),
            createdAt: date(raw["systemData"]?["createdAt"]), updatedAt: date(raw["systemData"]?["lastModifiedAt"]),
            deleted: false, raw: raw)
    }

    /// A normalized version from a `ModelVersionResource` of container `model`.
    public static func version(_ raw: JSONValue, model: String, registry: String) throws(AzureMLMappingError) -> ModelVersion {
        guard let version = text(raw["name"]) else {
            throw AzureMLMappingError("a version of '\(model)' has no 'name'")
        }
        guard let properties = raw["properties"]?.objectValue else {
            throw AzureMLMappingError("version '\(version)' of '\(model)' has no 'properties' object")
        }
        let archivedValue = properties["isArchived"]
        guard archivedValue == nil || archivedValue?.isNull == true || archivedValue?.boolValue != nil else {
            throw AzureMLMappingError("'isArchived' of version '\(version)' of '\(model)' is not a boolean")
        }
        let isArchived = archivedValue?.boolValue ?? false
        let stage = text(properties["stage"])
        let job = text(properties["jobName"])
        return ModelVersion(
            registry: registry, kind: .azureml, model: model, version: version, description: text(properties["description"]),
            status: status(text(properties["provisioningState"])), lifecycle: lifecycle(stage: stage, isArchived: isArchived),
            lifecycleRaw: stage, aliases: [], tags: try tags(properties["tags"], what: "version '\(version)' of '\(model)'"),
            sourceURI: text(properties["modelUri"]), artifactDigest: nil, run: job.map { RunReference(id: $0) }, metrics: [:],
            createdAt: date(raw["systemData"]?["createdAt"]), updatedAt: date(raw["systemData"]?["lastModifiedAt"]),
            createdBy: text(raw["systemData"]?["createdBy"]), deleted: false, raw: raw)
    }

    /// `version_of` (version → model) and, when the version names its training job, `produced_by` (version → run).
    public static func edges(_ version: ModelVersion, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(version.registry, version.model, version.version)
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(version.registry, version.model), relation: .versionOf,
                assertedBy: version.registry, observedAt: observedAt)
        ]
        if let job = version.run?.id {
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.runNode(version.registry, job), relation: .producedBy,
                    assertedBy: version.registry, observedAt: observedAt, properties: ["job_name": job]))
        }
        return edges
    }

    /// The writable `properties` of a resource as a GET returned it (read-only fields and nulls dropped), ready
    /// to be changed and PUT back.
    public static func writableProperties(_ raw: JSONValue) -> [String: JSONValue] {
        var properties = raw["properties"]?.objectValue ?? [:]
        for key in ["provisioningState", "latestVersion", "nextVersion"] { properties[key] = nil }
        return properties.filter { !$0.value.isNull }
    }

    /// A string; empty strings become nil (DESIGN §2).
    static func text(_ value: JSONValue?) -> String? {
        guard let string = value?.stringValue, !string.isEmpty else { return nil }
        return string
    }

    static func date(_ value: JSONValue?) -> Date? {
        text(value).flatMap(Timestamp.parse)
    }

    static func tags(_ value: JSONValue?, what: String) throws(AzureMLMappingError) -> [String: String] {
        switch value {
        case nil, .null?: return [:]
        case .object(let object)?:
            var tags: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case .string(let text): tags[key] = text
                case .null: tags[key] = ""
                default: throw AzureMLMappingError("tag '\(key)' of \(what) is not a string")
                }
            }
            return tags
        default:
            throw AzureMLMappingError("'tags' of \(what) is not an object")
        }
    }
}
