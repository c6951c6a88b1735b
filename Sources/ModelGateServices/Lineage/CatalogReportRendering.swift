import Foundation
import ModelGateCore

/// The formats `modelgate report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case markdown, html, json
}

/// Renders a ``CatalogReport``: Markdown, one self-contained printable HTML file, or JSON.
public enum CatalogReportRendering {
    /// The report as text in `format`; JSON is pretty-printed with sorted keys and ends with a newline.
    public static func render(_ report: CatalogReport, as format: ReportFormat) throws -> String {
        switch format {
        case .markdown: return markdown(report)
        case .html: return html(report)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        }
    }

    /// Each section as a title, column headers and rows of plain text (shared by Markdown and HTML).
    static func sections(_ r: CatalogReport) -> [(id: String, title: String, headers: [String], rows: [[String]])] {
        [
            ("registries", "Registries", ["registry", "kind", "models", "versions", "last sync", "status"],
             r.registries.map {
                 [$0.registry, $0.kind.rawValue, "\($0.models)", "\($0.versions)", $0.lastSyncAt.map(Timestamp.format) ?? "-",
                  $0.lastSyncStatus ?? "-"]
             }),
            ("models", "Models per registry", ["registry", "model", "versions", "lifecycles"],
             r.models.map {
                 [$0.registry, $0.model, "\($0.versions)",
                  $0.lifecycles.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
             }),
            ("highlighted", "Production, approved and champion versions", ["version", "kind", "lifecycle", "aliases", "run", "also lives in"],
             r.highlighted.map { (h: CatalogReport.Highlight) -> [String] in
                 let lifecycle: String = h.lifecycleRaw.map { raw in "\(h.lifecycle.rawValue) (\(raw))" } ?? h.lifecycle.rawValue
                 return [h.ref, h.kind.rawValue, lifecycle, h.aliases.joined(separator: ", "), h.run ?? "-",
                         h.copies.joined(separator: ", ")]
             }),
            ("copies", "Copies across registries", ["copy", "source", "chain back to the origin", "copy id", "copied at"],
             r.copies.map { [$0.copy, $0.source, $0.chain.joined(separator: " ← "), $0.copyID, Timestamp.format($0.createdAt)] }),
            ("gap-no-run", "Gap: production or approved versions with no training run", ["version", "lifecycle", "why"],
             r.gaps.productionWithoutRun.map { [$0.ref, $0.lifecycle.rawValue, $0.reason] }),
            ("gap-lifecycle", "Gap: copies whose lifecycle disagrees with their source", ["copy", "copy lifecycle", "source", "source lifecycle", "why"],
             r.gaps.lifecycleMismatch.map { [$0.copy, $0.copyValue ?? "-", $0.source, $0.sourceValue ?? "-", $0.reason] }),
            ("gap-digest", "Gap: artifact digest differs between copies", ["copy", "copy digest", "source", "source digest"],
             r.gaps.digestMismatch.map { [$0.copy, $0.copyValue ?? "-", $0.source, $0.sourceValue ?? "-"] }),
            ("gap-aliases", "Aliases moved in the last \(r.aliasDays) days", ["at", "model", "alias", "from", "to", "by", "source"],
             r.gaps.aliasesMoved.map {
                 [Timestamp.format($0.at), "\($0.registry):\($0.model)", $0.alias, $0.before ?? "-", $0.after ?? "-",
                  $0.actor ?? "-", $0.source.rawValue]
             }),
        ]
    }

    /// The report as a Markdown document: a summary line, then one table per section.
    public static func markdown(_ r: CatalogReport) -> String {
        var out = "# ModelGate catalog report\n\nGenerated \(Timestamp.format(r.generatedAt)): "
        out += "\(r.registries.count) registries, \(r.models.count) models, \(r.copies.count) copies, "
        out += "\(gapCount(r)) gaps.\n"
        for section in sections(r) {
            out += "\n## \(section.title)\n\n"
            if section.rows.isEmpty {
                out += "None.\n"
                continue
            }
            out += "| " + section.headers.joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: "---|", count: section.headers.count) + "\n"
            for row in section.rows { out += "| " + row.map(LineageRendering.cell).joined(separator: " | ") + " |\n" }
        }
        return out
    }

    static func gapCount(_ r: CatalogReport) -> Int {
        r.gaps.productionWithoutRun.count + r.gaps.lifecycleMismatch.count + r.gaps.digestMismatch.count
            + r.gaps.aliasesMoved.count
    }

    /// The report as one self-contained, printable HTML page (inline styles, no external resources).
    public static func html(_ r: CatalogReport) -> String {
        var body = "<h1>ModelGate catalog report</h1>\n"
        body += "<p class=\"meta\">Generated \(Timestamp.format(r.generatedAt)) from the catalog; aliases moved in the last "
            + "\(r.aliasDays) days.</p>\n"
        body += "<div class=\"cards\">"
        for (label, value) in [
            ("registries", r.registries.count), ("models", r.models.count),
            ("versions", r.registries.reduce(0) { $0 + $1.versions }), ("copies", r.copies.count), ("gaps", gapCount(r)),
        ] {
            body += "<div class=\"card\"><b>\(value)</b>\(label)</div>"
        }
        body += "</div>\n<h2>Versions per registry</h2>\n" + barChart(r)
        for section in sections(r) {
            if section.id == "copies" && !r.copies.isEmpty { body += "<h2>Copy chains</h2>\n" + chains(r) }
            body += HTMLPage.table(id: section.id, caption: section.title, headers: section.headers, rows: section.rows)
        }
        return HTMLPage.page(title: "ModelGate catalog report", body: body)
    }

    /// Horizontal bars: versions per registry.
    static func barChart(_ r: CatalogReport) -> String {
        let rows = r.registries
        let most = max(1, rows.map(\.versions).max() ?? 1)
        let barHeight = 18, gap = 6, labelWidth = 160, barWidth = 420
        let height = max(1, rows.count) * (barHeight + gap) + gap
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"versions per registry\" "
            + "viewBox=\"0 0 \(labelWidth + barWidth + 80) \(height)\" width=\"\(labelWidth + barWidth + 80)\" height=\"\(height)\">\n"
        for (index, row) in rows.enumerated() {
            let y = gap + index * (barHeight + gap)
            let width = max(2, row.versions * barWidth / most)
            svg += "<text x=\"0\" y=\"\(y + 13)\">\(HTMLPage.escape("\(row.registry) (\(row.kind.rawValue))"))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(width)\" height=\"\(barHeight)\" fill=\"#2f5fb3\"/>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 13)\">\(row.versions)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// One row of boxes per copy that starts a chain (copies that are not themselves copied), origin on the left.
    static func chains(_ r: CatalogReport) -> String {
        let sources = Set(r.copies.map(\.source))
        let ends = r.copies.filter { !sources.contains($0.copy) }
        let boxW = 200, boxH = 26, gapX = 40, rowH = 38
        let longest = max(1, ends.map(\.chain.count).max() ?? 1)
        let width = longest * (boxW + gapX)
        let height = max(1, ends.count) * rowH + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"copy chains\" "
            + "viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">\n"
        svg += "<defs><marker id=\"chain-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
            + "markerHeight=\"7\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#5b6577\"/></marker></defs>\n"
        for (row, end) in ends.enumerated() {
            let y = 4 + row * rowH
            for (index, ref) in end.chain.reversed().enumerated() {
                let x = index * (boxW + gapX)
                if index > 0 {
                    svg += "<line x1=\"\(x - gapX)\" y1=\"\(y + boxH / 2)\" x2=\"\(x)\" y2=\"\(y + boxH / 2)\" "
                        + "stroke=\"#5b6577\" marker-end=\"url(#chain-arrow)\"/>"
                }
                let label = ref.count > 32 ? String(ref.prefix(31)) + "…" : ref
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"5\" fill=\"#e8eefb\" "
                    + "stroke=\"#9aa5b8\"/><text x=\"\(x + 6)\" y=\"\(y + 17)\">\(HTMLPage.escape(label))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }
}
