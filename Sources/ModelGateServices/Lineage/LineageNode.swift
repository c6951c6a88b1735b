import Foundation
import ModelGateCore

/// What a lineage node stands for, read from its id's prefix (`version:`, `model:`, `run:`, …).
public enum LineageNodeKind: String, Sendable, Codable, CaseIterable, Hashable {
    case registry, model, version, run, dataset, commit
    /// A ModelGate migration that made a copy (`copy:COPY_ID`).
    case copy
    case other
}

/// One node of a lineage neighbourhood: its id (`version:REG:MODEL@V`, `run:REG:ID`, `dataset:NAME@DIGEST`,
/// `commit:SHA`, `copy:ID`, `model:REG:MODEL`, `registry:REG`), what it is, and what the catalog knows of it.
public struct LineageNode: Sendable, Hashable, Encodable {
    /// The node id, whose prefix (`version:`, `run:`, …) says what it is.
    public var id: String
    /// What the node stands for, read from the id's prefix (`other` for an unknown prefix).
    public var kind: LineageNodeKind
    /// The registry the node lives in (nil for datasets, commits and copies, which belong to no registry).
    public var registry: String?
    /// A short human label: `mlflow:fraud@2`, `run mlflow:abc`, `dataset iris@sha256:…`, `commit 1a2b3c4`.
    public var label: String
    /// The version, when the node is one the catalog holds.
    public var version: ModelVersion?
    /// Facts read from the edges that name the node (dataset source, repository URL, copy time, …).
    public var attributes: [String: String]

    /// A node with everything given; `version` nil and no attributes by default.
    public init(
        id: String, kind: LineageNodeKind, registry: String?, label: String, version: ModelVersion? = nil,
        attributes: [String: String] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.registry = registry
        self.label = label
        self.version = version
        self.attributes = attributes
    }

    /// The node `id` names, with what its id alone tells.
    public init(id: String) {
        let parsed = Self.parse(id)
        self.init(id: id, kind: parsed.kind, registry: parsed.registry, label: parsed.label)
    }

    /// The version reference of a `version:` node.
    public var versionRef: VersionRef? {
        guard kind == .version, let registry else { return nil }
        let rest = String(id.dropFirst("version:".count + registry.count + 1))
        guard let at = rest.lastIndex(of: "@") else { return nil }
        return VersionRef(registry: registry, model: String(rest[..<at]), version: String(rest[rest.index(after: at)...]))
    }

    /// Where a dataset lives, as a URI: the `source` its run reported, unwrapped when it is MLflow's JSON form
    /// (`{"uri": "s3://…"}`, `{"url": …}`, `{"path": …}`).
    public var datasetSourceURI: String? {
        guard let source = attributes["source"], !source.isEmpty else { return nil }
        if source.hasPrefix("{"), let data = source.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            for key in ["uri", "url", "path", "table_name"] {
                if let value = object[key] as? String, !value.isEmpty { return value }
            }
            return nil
        }
        return source
    }

    enum CodingKeys: String, CodingKey { case id, kind, registry, label, lifecycle, aliases, digest, attributes }

    /// Writes `id`, `kind`, `registry`, `label`, `attributes` and, for a version the catalog holds, its `lifecycle`, `aliases` and `digest`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(registry, forKey: .registry)
        try c.encode(label, forKey: .label)
        if let version {
            try c.encode(version.lifecycle, forKey: .lifecycle)
            try c.encode(version.aliases, forKey: .aliases)
            try c.encode(version.artifactDigest, forKey: .digest)
        }
        try c.encode(attributes, forKey: .attributes)
    }

    static func parse(_ id: String) -> (kind: LineageNodeKind, registry: String?, label: String) {
        guard let colon = id.firstIndex(of: ":") else { return (.other, nil, id) }
        let prefix = String(id[..<colon])
        let rest = String(id[id.index(after: colon)...])
        let registry = rest.firstIndex(of: ":").map { String(rest[..<$0]) }
        switch prefix {
        case "version": return (.version, registry, rest)
        case "model": return (.model, registry, "model \(rest)")
        case "run": return (.run, registry, "run \(rest)")
        case "registry": return (.registry, rest, "registry \(rest)")
        case "dataset": return (.dataset, nil, "dataset \(rest)")
        case "commit": return (.commit, nil, "commit \(rest.count > 12 ? String(rest.prefix(12)) : rest)")
        case "copy": return (.copy, nil, "copy \(rest)")
        default: return (.other, nil, id)
        }
    }
}

/// Which way to walk from the root: `up` towards what a version came from (runs, datasets, sources of copies),
/// `down` towards what came from it (copies, versions a run produced), `both` each of them from the root.
public enum LineageDirection: String, Sendable, Codable, CaseIterable {
    case up, down, both
}

/// The part of the lineage graph around one node.
public struct LineageNeighbourhood: Sendable, Encodable {
    /// The id of the node the walk started from.
    public var root: String
    /// The hop limit the walk was asked for (free hops such as `migrated_from` do not count).
    public var depth: Int
    /// Which way the walk went from the root.
    public var direction: LineageDirection
    /// Every node reached, sorted by id, the root included.
    public var nodes: [LineageNode]
    /// Every edge between reached nodes, stored ones and those ModelGate derives (`same_as`, copy activities).
    public var edges: [LineageEdge]
    /// When the walk ran.
    public var generatedAt: Date
    /// Set when the walk stopped before it was done (node cap or deadline): the graph is a part of the neighbourhood.
    public var truncated: LineageTruncation?

    /// A neighbourhood with everything given; not truncated by default.
    public init(
        root: String, depth: Int, direction: LineageDirection, nodes: [LineageNode], edges: [LineageEdge],
        generatedAt: Date, truncated: LineageTruncation? = nil
    ) {
        self.root = root
        self.depth = depth
        self.direction = direction
        self.nodes = nodes
        self.edges = edges
        self.generatedAt = generatedAt
        self.truncated = truncated
    }

    /// The reached node with id `id`; nil when the walk did not reach it.
    public func node(_ id: String) -> LineageNode? { nodes.first { $0.id == id } }

    enum CodingKeys: String, CodingKey { case root, depth, direction, nodes, edges, truncated, generatedAt = "generated_at" }

    /// Writes snake_case keys (`generated_at` as RFC 3339) and `truncated` as null when the walk finished.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(root, forKey: .root)
        try c.encode(depth, forKey: .depth)
        try c.encode(direction, forKey: .direction)
        try c.encode(nodes, forKey: .nodes)
        try c.encode(edges, forKey: .edges)
        try c.encode(truncated, forKey: .truncated)
        try c.encode(Timestamp.format(generatedAt), forKey: .generatedAt)
    }
}

/// How far a lineage walk may go: at most `maxNodes` nodes and `deadline` of wall time, whatever the graph holds.
public struct LineageLimits: Sendable, Hashable {
    /// The walk stops adding nodes at this many (the root included).
    public var maxNodes: Int
    /// The walk stops after this long.
    public var deadline: Duration

    /// - Parameters: see the properties.
    public init(maxNodes: Int = 500, deadline: Duration = .seconds(10)) {
        self.maxNodes = max(1, maxNodes)
        self.deadline = deadline
    }
}

/// Why a lineage walk stopped early: `{"reason": "node_cap" | "deadline", "limit", "message"}` in JSON.
public struct LineageTruncation: Sendable, Hashable, Encodable {
    /// Which limit stopped the walk.
    public enum Reason: String, Sendable, Hashable, Encodable {
        case nodeCap = "node_cap"
        case deadline
    }

    /// Which limit stopped the walk.
    public var reason: Reason
    /// The node cap, or the deadline in seconds.
    public var limit: Double

    /// - Parameters: see the properties.
    public init(reason: Reason, limit: Double) {
        self.reason = reason
        self.limit = limit
    }

    /// One line for people: what stopped the walk and how to see the rest.
    public var message: String {
        switch reason {
        case .nodeCap:
            "truncated: the walk stopped at \(Int(limit)) nodes; lower --depth or pick --direction up or down to see the rest"
        case .deadline:
            "truncated: the walk stopped after \(limit) s; lower --depth or pick --direction up or down to see the rest"
        }
    }

    enum CodingKeys: String, CodingKey { case reason, limit, message }

    /// Writes `reason`, `limit` and the human `message`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reason, forKey: .reason)
        try c.encode(limit, forKey: .limit)
        try c.encode(message, forKey: .message)
    }
}
