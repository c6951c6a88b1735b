import Foundation

/// One self-contained HTML page: inline CSS, inline SVG, no script, nothing fetched from the network, printable.
public enum HTMLPage {
    /// `text` with `& < > " '` escaped, for element text and attribute values alike.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// A table with a caption; cells are escaped here.
    static func table(id: String, caption: String, headers: [String], rows: [[String]], empty: String = "none")
        -> String
    {
        var html = "<table id=\"\(escape(id))\">\n<caption>\(escape(caption))</caption>\n<thead><tr>"
        html += headers.map { "<th>\(escape($0))</th>" }.joined()
        html += "</tr></thead>\n<tbody>\n"
        if rows.isEmpty {
            html += "<tr><td class=\"empty\" colspan=\"\(headers.count)\">\(escape(empty))</td></tr>\n"
        }
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</tbody>\n</table>\n"
    }

    static let css = """
        :root { color-scheme: light; --ink: #1d2330; --muted: #5b6577; --line: #d5dae3; --accent: #2f5fb3; --warn: #b3542f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        p.meta { color: var(--muted); margin: 0 0 16px; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; color: var(--muted); }
        th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; word-break: break-word; }
        th { background: #f1f4f9; }
        td.empty { color: var(--muted); font-style: italic; }
        .gap { color: var(--warn); }
        svg { max-width: 100%; height: auto; display: block; margin: 8px 0; }
        svg text { font: 11px system-ui, Helvetica, Arial, sans-serif; fill: var(--ink); }
        .cards { display: flex; gap: 12px; flex-wrap: wrap; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 140px; }
        .card b { display: block; font-size: 20px; }
        @media print {
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; }
          table, svg { break-inside: avoid; }
          th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
