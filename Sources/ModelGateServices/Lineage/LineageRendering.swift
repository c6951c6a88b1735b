import Foundation
import ModelGateCore

/// The formats `modelgate lineage` prints.
public enum LineageFormat: String, Sendable, CaseIterable {
    case text, markdown, html, json, openlineage, dot, mermaid
}

/// Renders a ``LineageNeighbourhood`` in each ``LineageFormat``.
public enum LineageRendering {
    /// The neighbourhood as text in `format`; only `json` and `openlineage` can throw (an encoding failure).
    public static func render(_ graph: LineageNeighbourhood, as format: LineageFormat) throws -> String {
        switch format {
        case .text: return text(graph)
        case .markdown: return markdown(graph)
        case .html: return html(graph)
        case .json: return try json(graph)
        case .openlineage: return try OpenLineageExport.jsonLines(graph)
        case .dot: return dot(graph)
        case .mermaid: return mermaid(graph)
        }
    }

    // MARK: Shared

    /// The nodes a drawing shows (registries become clusters, not boxes).
    static func drawn(_ graph: LineageNeighbourhood) -> [LineageNode] { graph.nodes.filter { $0.kind != .registry } }

    /// A one-line description of a node: its label and what matters about it.
    static func caption(_ node: LineageNode) -> String {
        var parts: [String] = []
        if let version = node.version {
            parts.append(version.kind.rawValue)
            parts.append(version.lifecycle.rawValue)
            if !version.aliases.isEmpty { parts.append("aliases: " + version.aliases.joined(separator: ", ")) }
            if let digest = version.artifactDigest { parts.append("digest \(short(digest))") }
            if version.deleted { parts.append("deleted") }
        } else if node.kind == .version {
            parts.append("not in the catalog")
        }
        if node.kind == .dataset, let source = node.datasetSourceURI { parts.append("source \(source)") }
        if node.kind == .dataset, let context = node.attributes["context"] { parts.append(context) }
        if node.kind == .commit, let repo = node.attributes["repository"] { parts.append(repo) }
        if node.kind == .copy, let at = node.attributes["copied_at"] { parts.append("at \(at)") }
        return parts.isEmpty ? node.label : "\(node.label)  (\(parts.joined(separator: ", ")))"
    }

    static func short(_ digest: String) -> String {
        guard let colon = digest.firstIndex(of: ":") else { return String(digest.prefix(12)) }
        let hex = digest[digest.index(after: colon)...]
        return String(digest[..<colon]) + ":" + String(hex.prefix(12))
    }

    /// Children of `id` in the tree drawn in one direction: edges leaving it (up) or entering it (down);
    /// `same_as` both ways.
    static func children(of id: String, up: Bool, in graph: LineageNeighbourhood) -> [(edge: LineageEdge, next: String)] {
        var out: [(edge: LineageEdge, next: String)] = []
        for edge in graph.edges {
            if edge.relation == .sameAs {
                if edge.from == id { out.append((edge, edge.to)) } else if edge.to == id { out.append((edge, edge.from)) }
            } else if up, edge.from == id {
                out.append((edge, edge.to))
            } else if !up, edge.to == id {
                out.append((edge, edge.from))
            }
        }
        return out
    }

    // MARK: Text

    /// An indented tree: `upstream` (what the root came from) and `downstream` (what came from it).
    public static func text(_ graph: LineageNeighbourhood) -> String {
        let root = graph.node(graph.root) ?? LineageNode(id: graph.root)
        var lines = [caption(root)]
        for up in [true, false] {
            guard graph.direction == .both || graph.direction == (up ? .up : .down) else { continue }
            let kids = children(of: graph.root, up: up, in: graph).filter { !(($0.edge.relation == .sameAs) && !up) }
            lines.append(up ? "upstream" : "downstream")
            if kids.isEmpty { lines.append("  (none)") }
            var shown: Set<String> = [graph.root]
            tree(graph.root, up: up, graph: graph, prefix: "", shown: &shown, lines: &lines, sameAs: up)
        }
        if let truncated = graph.truncated { lines.append(truncated.message) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The order children are listed in: the version's own facts first, the copy chain last.
    static let relationOrder: [LineageRelation] = [
        .versionOf, .producedBy, .used, .builtFrom, .derivedFrom, .sameAs, .migratedFrom,
    ]

    private static func tree(
        _ id: String, up: Bool, graph: LineageNeighbourhood, prefix: String, shown: inout Set<String>,
        lines: inout [String], sameAs: Bool
    ) {
        // Copy activities are drawn as the `migrated_from` line they belong to (its copy id), not as nodes.
        let kids = children(of: id, up: up, in: graph).filter {
            (sameAs || $0.edge.relation != .sameAs) && !$0.next.hasPrefix("copy:") && !id.hasPrefix("copy:")
        }.sorted {
            (relationOrder.firstIndex(of: $0.edge.relation) ?? 0, $0.next)
                < (relationOrder.firstIndex(of: $1.edge.relation) ?? 0, $1.next)
        }
        for (index, kid) in kids.enumerated() {
            let last = index == kids.count - 1
            let node = graph.node(kid.next) ?? LineageNode(id: kid.next)
            let arrow = up || kid.edge.relation == .sameAs ? "\(kid.edge.relation.rawValue) →" : "← \(kid.edge.relation.rawValue)"
            let again = shown.contains(kid.next)
            let copy = kid.edge.properties["copy_id"].map { ", copy \($0)" } ?? ""
            lines.append(
                prefix + (last ? "└─ " : "├─ ") + "\(arrow) \(caption(node))  [by \(kid.edge.assertedBy)\(copy)]"
                    + (again ? "  (see above)" : ""))
            // `same_as` is a leaf: the other copy's own lineage is one `lineage` call away.
            guard !again, kid.edge.relation != .sameAs else { continue }
            shown.insert(kid.next)
            tree(kid.next, up: up, graph: graph, prefix: prefix + (last ? "   " : "│  "), shown: &shown, lines: &lines,
                 sameAs: sameAs)
        }
    }

    // MARK: Markdown

    /// A Markdown document: a heading naming the root, the text tree, tables of nodes and edges, and a Mermaid graph.
    public static func markdown(_ graph: LineageNeighbourhood) -> String {
        let root = graph.node(graph.root) ?? LineageNode(id: graph.root)
        var out = "# Lineage of `\(root.label)`\n\n"
        out += "Direction \(graph.direction.rawValue), depth \(graph.depth), generated \(Timestamp.format(graph.generatedAt)).\n\n"
        out += "```\n" + text(graph) + "```\n\n"
        out += "## Nodes\n\n| node | kind | registry | details |\n|---|---|---|---|\n"
        for node in drawn(graph) {
            out += "| \(cell(node.label)) | \(node.kind.rawValue) | \(cell(node.registry ?? "-")) | \(cell(details(node))) |\n"
        }
        out += "\n## Edges\n\n| from | relation | to | asserted by | observed at |\n|---|---|---|---|---|\n"
        for edge in graph.edges {
            out += "| \(cell(label(edge.from, graph))) | \(edge.relation.rawValue) | \(cell(label(edge.to, graph))) | "
                + "\(cell(edge.assertedBy)) | \(Timestamp.format(edge.observedAt)) |\n"
        }
        out += "\n## Graph\n\n```mermaid\n" + mermaid(graph) + "```\n"
        return out
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func label(_ id: String, _ graph: LineageNeighbourhood) -> String {
        graph.node(id)?.label ?? LineageNode(id: id).label
    }

    static func details(_ node: LineageNode) -> String {
        var parts: [String] = []
        if let version = node.version {
            parts.append("lifecycle \(version.lifecycle.rawValue)")
            if !version.aliases.isEmpty { parts.append("aliases \(version.aliases.joined(separator: ", "))") }
            if let digest = version.artifactDigest { parts.append("digest \(digest)") }
            if let source = version.sourceURI { parts.append("source \(source)") }
        }
        for key in node.attributes.keys.sorted()
        where node.version == nil || !["kind", "lifecycle", "aliases", "digest", "source_uri"].contains(key) {
            parts.append("\(key) \(node.attributes[key] ?? "")")
        }
        return parts.joined(separator: "; ")
    }

    // MARK: JSON

    /// The neighbourhood as pretty-printed JSON with sorted keys, ending with a newline.
    public static func json(_ graph: LineageNeighbourhood) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(graph), as: UTF8.self) + "\n"
    }

    // MARK: DOT

    /// Graphviz: one cluster per registry, shapes by node kind, edges labelled with their relation.
    public static func dot(_ graph: LineageNeighbourhood) -> String {
        let nodes = drawn(graph)
        var ids: [String: String] = [:]
        for (index, node) in nodes.enumerated() { ids[node.id] = "n\(index)" }
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        func line(_ node: LineageNode) -> String {
            let shape: String
            switch node.kind {
            case .version: shape = "box"
            case .model: shape = "folder"
            case .run: shape = "ellipse"
            case .dataset: shape = "cylinder"
            case .commit: shape = "note"
            case .copy: shape = "cds"
            default: shape = "plaintext"
            }
            var label = node.label
            if let version = node.version { label += "\n" + version.lifecycle.rawValue }
            let style = node.id == graph.root ? ", style=\"bold,filled\", fillcolor=\"#e8eefb\"" : ""
            return "    \(ids[node.id] ?? "x") [label=\(quoted(label)), shape=\(shape)\(style)];"
        }
        var out = "digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        let registries = Array(Set(nodes.compactMap(\.registry))).sorted()
        for (index, registry) in registries.enumerated() {
            out += "  subgraph cluster_\(index) {\n    label=\(quoted(registry));\n    color=\"#9aa5b8\";\n"
            for node in nodes where node.registry == registry { out += line(node) + "\n" }
            out += "  }\n"
        }
        for node in nodes where node.registry == nil { out += line(node).dropFirst(2) + "\n" }
        for edge in graph.edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            let style = edge.relation == .sameAs ? ", style=dashed, dir=both" : ""
            out += "  \(from) -> \(to) [label=\(quoted(edge.relation.rawValue))\(style)];\n"
        }
        return out + "}\n"
    }

    // MARK: Mermaid

    /// A Mermaid flowchart; node ids are `n0`, `n1`, … and labels are quoted with `"` escaped as `#quot;`.
    public static func mermaid(_ graph: LineageNeighbourhood) -> String {
        let nodes = drawn(graph)
        var ids: [String: String] = [:]
        for (index, node) in nodes.enumerated() { ids[node.id] = "n\(index)" }
        func text(_ raw: String) -> String {
            "\"" + raw.replacingOccurrences(of: "\"", with: "#quot;") + "\""
        }
        var out = "flowchart LR\n"
        let registries = Array(Set(nodes.compactMap(\.registry))).sorted()
        func shape(_ node: LineageNode) -> String {
            let label = text(node.label)
            let id = ids[node.id] ?? "x"
            switch node.kind {
            case .run: return "\(id)([\(label)])"
            case .dataset: return "\(id)[(\(label))]"
            case .commit: return "\(id){{\(label)}}"
            case .copy: return "\(id)[/\(label)/]"
            case .model: return "\(id)[[\(label)]]"
            default: return "\(id)[\(label)]"
            }
        }
        for (index, registry) in registries.enumerated() {
            out += "  subgraph r\(index)[\(text(registry))]\n"
            for node in nodes where node.registry == registry { out += "    \(shape(node))\n" }
            out += "  end\n"
        }
        for node in nodes where node.registry == nil { out += "  \(shape(node))\n" }
        for edge in graph.edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            let arrow = edge.relation == .sameAs ? "<-.->" : "-->"
            out += "  \(from) \(arrow)|\(edge.relation.rawValue)| \(to)\n"
        }
        if let root = ids[graph.root] { out += "  style \(root) stroke-width:3px\n" }
        return out
    }

    // MARK: HTML

    /// One self-contained HTML page: an SVG drawing, the text tree and tables of nodes and edges.
    public static func html(_ graph: LineageNeighbourhood) -> String {
        let root = graph.node(graph.root) ?? LineageNode(id: graph.root)
        var body = "<h1>Lineage of \(HTMLPage.escape(root.label))</h1>\n"
        body += "<p class=\"meta\">Direction \(graph.direction.rawValue), depth \(graph.depth), generated "
            + "\(Timestamp.format(graph.generatedAt)) by ModelGate.</p>\n"
        body += "<h2>Graph</h2>\n" + svg(graph)
        body += "<h2>Tree</h2>\n<pre>\(HTMLPage.escape(text(graph)))</pre>\n"
        body += HTMLPage.table(
            id: "nodes", caption: "Nodes", headers: ["node", "kind", "registry", "details"],
            rows: drawn(graph).map { [$0.label, $0.kind.rawValue, $0.registry ?? "-", details($0)] })
        body += HTMLPage.table(
            id: "edges", caption: "Edges", headers: ["from", "relation", "to", "asserted by", "observed at"],
            rows: graph.edges.map {
                [label($0.from, graph), $0.relation.rawValue, label($0.to, graph), $0.assertedBy,
                 Timestamp.format($0.observedAt)]
            })
        return HTMLPage.page(title: "Lineage of \(root.label)", body: body)
    }

    /// Layers by signed distance from the root (origins to the right), one box per node, straight arrows.
    static func svg(_ graph: LineageNeighbourhood) -> String {
        let nodes = drawn(graph)
        var layer: [String: Int] = [graph.root: 0]
        var queue = [graph.root]
        while !queue.isEmpty {
            let id = queue.removeFirst()
            let here = layer[id] ?? 0
            for edge in graph.edges {
                var next: String?
                var step = 0
                if edge.from == id { next = edge.to; step = edge.relation == .sameAs ? 0 : 1 }
                if edge.to == id { next = edge.from; step = edge.relation == .sameAs ? 0 : -1 }
                if let next, layer[next] == nil, nodes.contains(where: { $0.id == next }) {
                    layer[next] = here + step
                    queue.append(next)
                }
            }
        }
        for node in nodes where layer[node.id] == nil { layer[node.id] = 0 }
        let low = layer.values.min() ?? 0
        var columns: [Int: [LineageNode]] = [:]
        for node in nodes { columns[(layer[node.id] ?? 0) - low, default: []].append(node) }
        let boxW = 210, boxH = 40, gapX = 70, gapY = 16, pad = 10
        var position: [String: (x: Int, y: Int)] = [:]
        for (column, members) in columns {
            for (row, node) in members.enumerated() {
                position[node.id] = (pad + column * (boxW + gapX), pad + row * (boxH + gapY))
            }
        }
        let width = pad * 2 + (columns.keys.max() ?? 0) * (boxW + gapX) + boxW
        let height = pad * 2 + (columns.values.map(\.count).max() ?? 1) * (boxH + gapY)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"lineage graph\" "
            + "viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">\n"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
            + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#5b6577\"/>"
            + "</marker></defs>\n"
        for edge in graph.edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let forward = b.x >= a.x
            let x1 = forward ? a.x + boxW : a.x, x2 = forward ? b.x : b.x + boxW
            let y1 = a.y + boxH / 2, y2 = b.y + boxH / 2
            let dash = edge.relation == .sameAs ? " stroke-dasharray=\"4 3\"" : ""
            svg += "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"#5b6577\"\(dash) "
                + "marker-end=\"url(#arrow)\"/>\n"
            svg += "<text x=\"\((x1 + x2) / 2)\" y=\"\((y1 + y2) / 2 - 3)\" text-anchor=\"middle\">"
                + "\(HTMLPage.escape(edge.relation.rawValue))</text>\n"
        }
        for node in nodes {
            guard let p = position[node.id] else { continue }
            let fill: String
            switch node.kind {
            case .version: fill = node.id == graph.root ? "#cfdcf5" : "#e8eefb"
            case .run, .copy: fill = "#eef6ea"
            case .dataset: fill = "#fbf3e3"
            case .commit: fill = "#f2eaf7"
            default: fill = "#f4f5f7"
            }
            svg += "<g><rect x=\"\(p.x)\" y=\"\(p.y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"6\" fill=\"\(fill)\" "
                + "stroke=\"#9aa5b8\"/>\n"
            let title = node.label.count > 34 ? String(node.label.prefix(33)) + "…" : node.label
            svg += "<text x=\"\(p.x + 8)\" y=\"\(p.y + 16)\">\(HTMLPage.escape(title))</text>\n"
            let sub = node.version.map { "\($0.kind.rawValue) · \($0.lifecycle.rawValue)" } ?? node.kind.rawValue
            svg += "<text x=\"\(p.x + 8)\" y=\"\(p.y + 31)\" fill=\"#5b6577\">\(HTMLPage.escape(sub))</text>"
                + "<title>\(HTMLPage.escape(node.id))</title></g>\n"
        }
        return svg + "</svg>\n"
    }
}
