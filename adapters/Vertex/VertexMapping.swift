import Foundation
import ModelGateCore

/// Vertex AI `GoogleCloudAiplatformV1Model` → ModelGate's normalized model (DESIGN §2, vertex column).
public enum VertexMapping {
    /// A malformed Model object (no name, no versionId, …).
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The model id: the last segment of `name`, without any `@version`.
    public static func modelID(fromName name: String) -> String? {
        guard let last = name.split(separator: "/").last, !last.isEmpty else { return nil }
        let id = last.split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        return id.isEmpty ? nil : id
    }

    static func string(_ json: JSONValue, _ key: String) -> String? {
        json[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func labels(_ json: JSONValue) -> [String: String] {
        json["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    static func time(_ json: JSONValue, _ key: String) -> Date? {
        string(json, key).flatMap(Timestamp.parse)
    }

    /// A normalized model from a `models` list entry or `get`: id as name, `displayName`, `description`,
    /// `labels` → tags, `createTime`/`updateTime`, the JSON kept in `raw`.
    public static func model(_ json: JSONValue, registry: String) throws(DecodingError) -> RegistryModel {
        guard let name = string(json, "name"), let id = modelID(fromName: name) else {
            throw DecodingError(description: "the Model has no resource name")
        }
        return RegistryModel(
            registry: registry, kind: .vertex, name: id, displayName: string(json, "displayName"),
            description: string(json, "description"), tags: labels(json), createdAt: time(json, "createTime"),
            updatedAt: time(json, "updateTime"), deleted: false, raw: json)
    }

    /// A normalized version from a `:listVersions` entry or `get`: `versionId`, `versionAliases` exactly as
    /// reported (`default` included, sorted), `labels` → tags, `artifactUri` → source URI, `trainingPipeline`
    /// → run (else `pipelineJob`), `versionDescription` without ModelGate's provenance line (`raw` keeps it),
    /// `versionCreateTime`/`versionUpdateTime`.
    /// Vertex has no status or stage: a listed version is `ready`, lifecycle `none`.
    public static func version(_ json: JSONValue, model: String, registry: String) throws(DecodingError) -> ModelVersion {
        guard let versionID = string(json, "versionId") else {
            throw DecodingError(description: "the Model version has no versionId")
        }
        let aliases = json["versionAliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let pipeline = string(json, "trainingPipeline") ?? string(json, "pipelineJob")
        return ModelVersion(
            registry: registry, kind: .vertex, model: model, version: versionID,
            description: VertexNames.splitDescription(string(json, "versionDescription")).description, status: .ready, lifecycle: .none, lifecycleRaw: nil,
            aliases: Array(Set(aliases)).sorted(), tags: labels(json), sourceURI: string(json, "artifactUri"),
            artifactDigest: nil, run: pipeline.map { RunReference(id: $0, uri: nil) }, metrics: [:],
            createdAt: time(json, "versionCreateTime"), updatedAt: time(json, "versionUpdateTime"), createdBy: nil,
            deleted: false, raw: json)
    }

    /// `version_of` (version → model) and, with a training pipeline, `produced_by` (version → run).
    public static func edges(_ version: ModelVersion, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, version.model, version.version)
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, version.model), relation: .versionOf,
                assertedBy: registry, observedAt: observedAt)
        ]
        if let run = version.run?.id {
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.runNode(registry, run), relation: .producedBy, assertedBy: registry,
                    observedAt: observedAt, properties: ["training_pipeline": run]))
        }
        return edges
    }
}
