import Foundation

/// How two lineage nodes relate (DESIGN §2).
public enum LineageRelation: String, Sendable, Codable, CaseIterable, Hashable {
    case versionOf = "version_of"
    case producedBy = "produced_by"
    case used
    case builtFrom = "built_from"
    case derivedFrom = "derived_from"
    case migratedFrom = "migrated_from"
    case sameAs = "same_as"
}

/// One edge of the lineage graph. Node ids are URIs of ModelGate's own form:
/// `version:REGISTRY:MODEL@VERSION`, `model:REGISTRY:MODEL`, `run:REGISTRY:RUN_ID`, `dataset:…`, `commit:…`.
public struct LineageEdge: Sendable, Codable, Hashable {
    /// Node id the edge starts at (see the node forms above), e.g. the version that was `produced_by` a run.
    public var from: String
    /// Node id the edge points to, e.g. the run a version was `produced_by`.
    public var to: String
    /// What `from` is to `to`.
    public var relation: LineageRelation
    /// The registry that asserted the edge, or `modelgate` for edges ModelGate itself derived or wrote.
    public var assertedBy: String
    /// When the edge was observed: the sync or migration that recorded it, or the export time of an imported bundle.
    public var observedAt: Date
    /// Free-form details of the edge (`copy_id`, `digest`, `run_id`, …); empty when there are none.
    public var properties: [String: String]

    /// An edge with every field given; `properties` defaults to none.
    public init(
        from: String, to: String, relation: LineageRelation, assertedBy: String, observedAt: Date,
        properties: [String: String] = [:]
    ) {
        self.from = from
        self.to = to
        self.relation = relation
        self.assertedBy = assertedBy
        self.observedAt = observedAt
        self.properties = properties
    }

    enum CodingKeys: String, CodingKey {
        case from, to, relation, properties
        case assertedBy = "asserted_by"
        case observedAt = "observed_at"
    }

    /// Writes snake_case keys and `observed_at` as RFC 3339 text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(relation, forKey: .relation)
        try c.encode(assertedBy, forKey: .assertedBy)
        try c.encode(Timestamp.format(observedAt), forKey: .observedAt)
        try c.encode(properties, forKey: .properties)
    }

    /// Reads the form `encode(to:)` writes; a missing `properties` is empty, an unparsable `observed_at` throws.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(String.self, forKey: .from)
        to = try c.decode(String.self, forKey: .to)
        relation = try c.decode(LineageRelation.self, forKey: .relation)
        assertedBy = try c.decode(String.self, forKey: .assertedBy)
        let at = try c.decode(String.self, forKey: .observedAt)
        guard let date = Timestamp.parse(at) else {
            throw DecodingError.dataCorruptedError(forKey: .observedAt, in: c, debugDescription: "not a timestamp: \(at)")
        }
        observedAt = date
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
    }

    /// The node id of one model version: `version:REGISTRY:MODEL@VERSION`.
    public static func versionNode(_ registry: String, _ model: String, _ version: String) -> String {
        "version:\(registry):\(model)@\(version)"
    }
    /// The node id of a registered model: `model:REGISTRY:MODEL`.
    public static func modelNode(_ registry: String, _ model: String) -> String { "model:\(registry):\(model)" }
    /// The node id of a training run: `run:REGISTRY:RUN_ID`.
    public static func runNode(_ registry: String, _ runID: String) -> String { "run:\(registry):\(runID)" }
}
