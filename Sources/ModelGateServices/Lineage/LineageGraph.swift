import Foundation
import ModelGateCatalog
import ModelGateCore

/// Reads the neighbourhood of a node from the catalog: the edges registries asserted (`version_of`, `produced_by`,
/// `used`, `built_from`, `derived_from`), ModelGate's own `migrated_from` edges and version map, and what ModelGate
/// derives on the fly: `same_as` between versions with equal `artifact_digest` (equal strings only) and a copy
/// activity node `copy:COPY_ID` per migration (`produced_by` copy → activity, `used` activity → source).
///
/// `depth` counts hops through runs, datasets, commits and models; `migrated_from`, `same_as` and copy-activity
/// hops are free, so a copy's whole chain back to the first registry is always shown (DESIGN §2: transitive).
/// Model and registry nodes are not walked through (a model would pull in every sibling version), unless the
/// root is a model.
///
/// The walk stops at ``LineageLimits`` (a node cap and a deadline) and says so in
/// ``LineageNeighbourhood/truncated``.
public struct LineageGraph: Sendable {
    /// The catalog the edges, versions and version map are read from.
    public let catalog: CatalogDatabase
    /// The clock that stamps `generatedAt` and derived edges (the walk's deadline runs on the continuous clock instead).
    public let now: @Sendable () -> Date
    /// The node cap and deadline every walk stops at.
    public let limits: LineageLimits

    /// A graph over `catalog` with the default limits (500 nodes, 10 s) unless others are given.
    public init(
        catalog: CatalogDatabase, limits: LineageLimits = LineageLimits(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.catalog = catalog
        self.limits = limits
        self.now = now
    }

    /// The node id of `ref`: a version node with a version, else a model node.
    public static func nodeID(_ ref: VersionRef) -> String {
        if let version = ref.version { return LineageEdge.versionNode(ref.registry, ref.model, version) }
        return LineageEdge.modelNode(ref.registry, ref.model)
    }

    /// The neighbourhood of `ref` (a version or a model).
    ///
    /// - Parameters:
    ///   - depth: how many non-free hops to walk (at least 0).
    ///   - direction: `up` to origins, `down` to what came from it, `both` each from the root.
    public func neighbourhood(of ref: VersionRef, depth: Int = 5, direction: LineageDirection = .both) async throws
        -> LineageNeighbourhood
    {
        try await neighbourhood(ofNode: Self.nodeID(ref), depth: depth, direction: direction)
    }

    /// The neighbourhood of any node id (`run:REG:ID`, `dataset:…`, `commit:…`, `copy:…`, a version or a model).
    public func neighbourhood(ofNode root: String, depth: Int = 5, direction: LineageDirection = .both) async throws
        -> LineageNeighbourhood
    {
        let at = now()
        var walker = Walker(graph: self, root: root, depth: max(0, depth), at: at, limits: limits)
        if direction != .down { try await walker.walk(up: true) }
        if direction != .up, walker.truncated == nil { try await walker.walk(up: false) }
        var nodes: [String: LineageNode] = [:]
        for id in walker.nodeIDs { nodes[id] = try await describe(id, edges: walker.edgeList) }
        for registry in Set(nodes.values.compactMap(\.registry)) {
            let id = "registry:\(registry)"
            nodes[id] = LineageNode(id: id)
        }
        return LineageNeighbourhood(
            root: root, depth: max(0, depth), direction: direction, nodes: nodes.values.sorted { $0.id < $1.id },
            edges: walker.edgeList, generatedAt: at, truncated: walker.truncated)
    }

    /// Stored and derived edges that start or end at `id`.
    func edges(touching id: String, at: Date) async throws -> [LineageEdge] {
        var found = EdgeSet()
        for edge in try await catalog.lineageEdges(touching: id) where edge.relation != .sameAs {
            found.insert(edge)
        }
        let node = LineageNode(id: id)
        if let ref = node.versionRef {
            if let version = try await catalog.version(registry: ref.registry, model: ref.model, version: ref.version ?? "")
            {
                if let digest = version.artifactDigest, !digest.isEmpty {
                    for other in try await catalog.versions(artifactDigest: digest) where other.ref != version.ref {
                        let otherID = LineageEdge.versionNode(other.registry, other.model, other.version)
                        let (from, to) = id < otherID ? (id, otherID) : (otherID, id)
                        found.insert(
                            LineageEdge(
                                from: from, to: to, relation: .sameAs, assertedBy: "modelgate", observedAt: at,
                                properties: ["digest": digest]))
                    }
                }
            }
            var entries = try await catalog.versionMap(source: ref)
            if let entry = try await catalog.versionMap(target: ref) { entries.append(entry) }
            for entry in entries { found.insertIfNew(Self.migratedFrom(entry)) }
        }
        if node.kind == .copy {
            let copyID = String(id.dropFirst("copy:".count))
            for entry in try await catalog.versionMap(copyID: copyID) {
                found.insertIfNew(Self.migratedFrom(entry))
            }
        }
        // A copy activity per migration edge that names its copy id.
        for edge in found.edges where edge.relation == .migratedFrom {
            guard let copyID = edge.properties["copy_id"], !copyID.isEmpty else { continue }
            let activity = "copy:\(copyID)"
            found.insertIfNew(
                LineageEdge(
                    from: edge.from, to: activity, relation: .producedBy, assertedBy: "modelgate",
                    observedAt: edge.observedAt, properties: ["copy_id": copyID]))
            found.insertIfNew(
                LineageEdge(
                    from: activity, to: edge.to, relation: .used, assertedBy: "modelgate", observedAt: edge.observedAt,
                    properties: ["copy_id": copyID]))
        }
        return found.edges.filter { $0.from == id || $0.to == id }
    }

    static func migratedFrom(_ entry: VersionMapEntry) -> LineageEdge {
        LineageEdge(
            from: LineageEdge.versionNode(entry.target.registry, entry.target.model, entry.target.version ?? ""),
            to: LineageEdge.versionNode(entry.source.registry, entry.source.model, entry.source.version ?? ""),
            relation: .migratedFrom, assertedBy: "modelgate", observedAt: entry.createdAt,
            properties: ["copy_id": entry.copyID])
    }

    /// Whether crossing `edge` costs a hop of `depth`.
    static func isFree(_ edge: LineageEdge) -> Bool {
        edge.relation == .migratedFrom || edge.relation == .sameAs || edge.to.hasPrefix("copy:")
            || edge.from.hasPrefix("copy:")
    }

    /// A node with the catalog's version (for version nodes) and the facts its edges carry.
    func describe(_ id: String, edges: [LineageEdge]) async throws -> LineageNode {
        var node = LineageNode(id: id)
        if let ref = node.versionRef {
            node.version = try await catalog.version(registry: ref.registry, model: ref.model, version: ref.version ?? "")
            if let version = node.version {
                node.attributes["kind"] = version.kind.rawValue
                node.attributes["lifecycle"] = version.lifecycle.rawValue
                if !version.aliases.isEmpty { node.attributes["aliases"] = version.aliases.joined(separator: ",") }
                if let digest = version.artifactDigest { node.attributes["digest"] = digest }
                if let source = version.sourceURI { node.attributes["source_uri"] = source }
                if version.deleted { node.attributes["deleted"] = "true" }
            }
        }
        for edge in edges where edge.to == id {
            switch (node.kind, edge.relation) {
            case (.dataset, .used):
                for key in ["name", "digest", "source", "source_type", "context"] {
                    if let value = edge.properties[key] { node.attributes[key] = value }
                }
            case (.commit, .builtFrom):
                node.attributes["sha"] = edge.properties["sha"]
                if let repo = edge.properties["repo_url"] ?? edge.properties["repository"] {
                    node.attributes["repository"] = repo
                }
            case (.copy, _):
                node.attributes["copy_id"] = edge.properties["copy_id"]
                node.attributes["copied_at"] = Timestamp.format(edge.observedAt)
            case (.run, .producedBy):
                for (key, value) in edge.properties where key != "run_id" { node.attributes[key] = value }
            default:
                break
            }
        }
        if node.kind == .copy {
            for edge in edges where edge.from == id && edge.relation == .used { node.attributes["source"] = edge.to }
            for edge in edges where edge.to == id && edge.relation == .producedBy { node.attributes["target"] = edge.from }
        }
        return node
    }
}

/// Breadth-first walk in one direction; free hops do not use up depth. Stops at the node cap or the deadline.
private struct Walker {
    let graph: LineageGraph
    let root: String
    let depth: Int
    let at: Date
    let limits: LineageLimits
    let started = ContinuousClock.now
    var nodeIDs: Set<String>
    var edges = EdgeSet()
    var cache: [String: [LineageEdge]] = [:]
    var truncated: LineageTruncation?

    init(graph: LineageGraph, root: String, depth: Int, at: Date, limits: LineageLimits) {
        self.graph = graph
        self.root = root
        self.depth = depth
        self.at = at
        self.limits = limits
        nodeIDs = [root]
    }

    /// Whether the deadline has passed (and records it).
    mutating func pastDeadline() -> Bool {
        guard started.duration(to: .now) >= limits.deadline else { return false }
        let parts = limits.deadline.components
        truncated = LineageTruncation(
            reason: .deadline, limit: Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        return true
    }

    var edgeList: [LineageEdge] {
        edges.edges.sorted { ($0.from, $0.to, $0.relation.rawValue) < ($1.from, $1.to, $1.relation.rawValue) }
    }

    mutating func walk(up: Bool) async throws {
        var best: [String: Int] = [root: 0]
        var queue: [(String, Int)] = [(root, 0)]
        while !queue.isEmpty, truncated == nil, !pastDeadline() {
            let (id, used) = queue.removeFirst()
            guard best[id] == used else { continue }
            if id != root, id.hasPrefix("model:") || id.hasPrefix("registry:") { continue }
            var touching: [LineageEdge]
            if let cached = cache[id] {
                touching = cached
            } else {
                touching = try await graph.edges(touching: id, at: at)
                cache[id] = touching
            }
            // Derived edges met earlier (a copy activity seen from its version) count too.
            var known = EdgeSet()
            for edge in touching { known.insert(edge) }
            for edge in edges.edges where edge.from == id || edge.to == id { known.insertIfNew(edge) }
            touching = known.edges
            for edge in touching {
                let next: String
                if edge.relation == .sameAs {
                    next = edge.from == id ? edge.to : edge.from
                } else if up, edge.from == id {
                    next = edge.to
                } else if !up, edge.to == id {
                    next = edge.from
                } else {
                    continue
                }
                let cost = used + (LineageGraph.isFree(edge) ? 0 : 1)
                guard cost <= depth else { continue }
                if !nodeIDs.contains(next), nodeIDs.count >= limits.maxNodes {
                    truncated = LineageTruncation(reason: .nodeCap, limit: Double(limits.maxNodes))
                    continue
                }
                edges.insert(edge)
                nodeIDs.insert(next)
                if cost < best[next] ?? Int.max {
                    best[next] = cost
                    if LineageGraph.isFree(edge) { queue.insert((next, cost), at: 0) } else { queue.append((next, cost)) }
                }
            }
        }
    }
}

/// Edges keyed by (from, to, relation, asserted by): the catalog's own identity of an edge.
struct EdgeSet {
    private var byKey: [String: LineageEdge] = [:]
    private var order: [String] = []

    var edges: [LineageEdge] { order.compactMap { byKey[$0] } }

    static func key(_ edge: LineageEdge) -> String {
        [edge.from, edge.to, edge.relation.rawValue, edge.assertedBy].joined(separator: "\u{1}")
    }

    /// Adds or replaces.
    mutating func insert(_ edge: LineageEdge) {
        let key = Self.key(edge)
        if byKey[key] == nil { order.append(key) }
        byKey[key] = edge
    }

    /// Adds unless an edge with the same identity is there (a stored edge wins over a derived one).
    mutating func insertIfNew(_ edge: LineageEdge) {
        let key = Self.key(edge)
        guard byKey[key] == nil else { return }
        order.append(key)
        byKey[key] = edge
    }
}
