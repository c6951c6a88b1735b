import Foundation
import ModelGateCore

/// W&B registry collections and memberships → ModelGate's normalized model (DESIGN §2, wandb column).
public enum WandBMapping {
    /// A malformed collection or membership.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// `wandb-registry-<registry>`.
    public static func registryProject(_ registry: String) -> String { "wandb-registry-" + registry }

    static func string(_ json: JSONValue?, _ key: String) -> String? {
        json?[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// W&B `DateTime`s are ISO-8601, sometimes without a zone (UTC is meant).
    static func time(_ json: JSONValue?, _ key: String) -> Date? {
        guard let text = string(json, key) else { return nil }
        if let date = Timestamp.parse(text) { return date }
        return Timestamp.parse(text + "Z")
    }

    /// Tag names as `{"<tag>": ""}`: W&B tags have no values. Both `[Tag]` and `{edges:[{node:Tag}]}` are read.
    static func tags(_ json: JSONValue?) -> [String: String] {
        let nodes: [JSONValue]
        if let array = json?.arrayValue {
            nodes = array
        } else {
            nodes = json?["edges"]?.arrayValue?.compactMap { $0["node"] } ?? []
        }
        var tags: [String: String] = [:]
        for node in nodes { if let name = string(node, "name") { tags[name] = "" } }
        return tags
    }

    /// The version string of a membership: `v<versionIndex>`.
    public static func versionName(_ index: Int64) -> String { "v\(index)" }

    /// `vN` → N.
    public static func versionIndex(_ version: String) -> Int64? {
        guard version.hasPrefix("v") else { return nil }
        return Int64(version.dropFirst())
    }

    /// `wandb-artifact://ENTITY/wandb-registry-REGISTRY/COLLECTION:vN`.
    public static func sourceURI(entity: String, project: String, collection: String, version: String) -> String {
        "wandb-artifact://\(entity)/\(project)/\(collection):\(version)"
    }

    /// Parses `wandb-artifact://ENTITY/PROJECT/NAME:VERSION` (also `wandb-artifact:///…`) into its parts.
    public static func parseArtifactURI(_ uri: String) -> (entity: String, project: String, name: String)? {
        guard uri.hasPrefix("wandb-artifact://") else { return nil }
        let path = uri.dropFirst("wandb-artifact://".count).drop { $0 == "/" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), parts[2].contains(":") else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// A model from a `RegistryCollections` node: collection `name` (also the display name), `description`,
    /// collection tags, `createdAt`/`updatedAt`, the node kept in `raw`.
    public static func model(_ json: JSONValue, registry: String) throws(DecodingError) -> RegistryModel {
        guard let name = string(json, "name") else { throw DecodingError(description: "the collection has no name") }
        return RegistryModel(
            registry: registry, kind: .wandb, name: name, displayName: name, description: string(json, "description"),
            tags: tags(json["tags"]), createdAt: time(json, "createdAt"), updatedAt: time(json, "updatedAt"), deleted: false,
            raw: json)
    }

    /// A version from an `ArtifactMembershipFragment`: `v<versionIndex>`, membership aliases as reported
    /// (`latest` included, sorted), artifact tags as `{"<tag>": ""}`, artifact `description`, numeric
    /// `metadata` values as metrics, `digest`, `state` → status, membership `createdAt` → created, artifact
    /// `updatedAt` → updated, `run` from `createdBy` (read separately). The membership JSON is kept in `raw`
    /// (with `createdBy` added when known).
    public static func version(
        _ json: JSONValue, model: String, registry: String, entity: String, project: String, run: JSONValue? = nil
    ) throws(DecodingError) -> ModelVersion {
        guard let index = json["versionIndex"]?.int64Value else {
            throw DecodingError(description: "the membership has no versionIndex")
        }
        let artifact = json["artifact"]
        let version = versionName(index)
        let aliases = json["aliases"]?.arrayValue?.compactMap { string($0, "alias") } ?? []
        var metrics: [String: Double] = [:]
        if let text = string(artifact, "metadata"), let object = (try? JSONValue.parse(Data(text.utf8)))?.objectValue {
            for (key, value) in object {
                switch value {
                case .int, .double: if let number = value.doubleValue { metrics[key] = number }
                default: break
                }
            }
        }
        let status: VersionStatus
        switch string(artifact, "state") {
        case "PENDING"?: status = .pending
        case "DELETED"?: status = .failed
        default: status = .ready
        }
        var raw = json
        if let run, !run.isNull, case .object(var object) = raw {
            object["createdBy"] = run
            raw = .object(object)
        }
        let runID = string(run, "name")
        let runProject = string(run?["project"], "name")
        let runEntity = string(run?["project"]?["entity"], "name") ?? entity
        return ModelVersion(
            registry: registry, kind: .wandb, model: model, version: version, description: string(artifact, "description"),
            status: status, lifecycle: .none, lifecycleRaw: nil, aliases: Array(Set(aliases)).sorted(),
            tags: tags(artifact?["tags"]),
            sourceURI: sourceURI(entity: entity, project: project, collection: model, version: version),
            artifactDigest: string(artifact, "digest"),
            run: runID.map { id in
                RunReference(id: id, uri: runProject.map { "https://wandb.ai/\(runEntity)/\($0)/runs/\(id)" })
            },
            metrics: metrics, createdAt: time(json, "createdAt"), updatedAt: time(artifact, "updatedAt"), createdBy: nil,
            deleted: false, raw: raw)
    }

    /// `version_of` (version → model) and, with a logging run, `produced_by` (version → run).
    public static func edges(_ version: ModelVersion, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, version.model, version.version)
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, version.model), relation: .versionOf, assertedBy: registry,
                observedAt: observedAt)
        ]
        if let run = version.run?.id {
            var properties = ["created_by": run]
            if let uri = version.run?.uri { properties["run_url"] = uri }
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.runNode(registry, run), relation: .producedBy, assertedBy: registry,
                    observedAt: observedAt, properties: properties))
        }
        return edges
    }
}
