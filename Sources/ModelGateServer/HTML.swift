import Foundation
import ModelGateServices

/// Small helpers for the server-rendered pages: escaping and the shared page frame (inline CSS, no scripts).
enum HTML {
    static func escape(_ text: String?) -> String { HTMLPage.escape(text ?? "") }

    /// A link to the model page.
    static func modelHref(_ registry: String, _ model: String) -> String {
        "/ui/model?registry=\(QueryParameters.escape(registry))&amp;model=\(QueryParameters.escape(model))"
    }

    /// A link to the version page.
    static func versionHref(_ registry: String, _ model: String, _ version: String) -> String {
        modelHref(registry, model).replacingOccurrences(of: "/ui/model?", with: "/ui/version?")
            + "&amp;version=\(QueryParameters.escape(version))"
    }

    static func page(title: String, active: String, body: String) -> String {
        func nav(_ href: String, _ label: String, _ key: String) -> String {
            "<a href=\"\(href)\"\(key == active ? " class=\"active\" aria-current=\"page\"" : "")>\(label)</a>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · ModelGate</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
            header{background:#1d2330;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.4rem;align-items:center}
            header strong{font-size:1.1rem}header a{color:#c9d3e6;text-decoration:none}header a.active{color:#fff;font-weight:600}
            main{padding:1rem 1.2rem;max-width:1400px}
            table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
            th,td{border-bottom:1px solid #e3e6eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
            th{background:#eef1f5;font-weight:600}tr:hover td{background:#fafbfd}
            form.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem;align-items:end}
            form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#555}
            input,select,button{font:inherit;padding:.25rem .4rem}
            .pill{display:inline-block;border-radius:.8rem;padding:0 .5rem;font-size:.8rem;background:#e4ecfb;margin:0 .15rem .15rem 0}
            .lc-production{background:#d7f5dd}.lc-staging{background:#fff1c2}.lc-archived,.lc-rejected{background:#eee}
            .muted{color:#6b7280}.deleted{text-decoration:line-through;color:#999}
            dl.fields{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;background:#fff;padding:.8rem;border:1px solid #e3e6eb}
            dl.fields dt{font-weight:600}dl.fields dd{margin:0;word-break:break-all}
            svg text{font-family:system-ui,sans-serif;font-size:12px}
            .pager{margin:.8rem 0}
            </style>
            </head>
            <body>
            <header><strong>ModelGate</strong>\(nav("/", "Catalog", "catalog"))\(nav("/models", "Models", "models"))\(nav("/conflicts", "Conflicts", "conflicts"))\(nav("/api/v1/openapi.json", "API", "api"))</header>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    static func pills(_ values: [String], cssClass: String = "pill") -> String {
        values.map { "<span class=\"\(cssClass)\">\(escape($0))</span>" }.joined()
    }

    static func lifecycle(_ value: String) -> String {
        "<span class=\"pill lc-\(escape(value))\">\(escape(value))</span>"
    }

    static func option(_ value: String, label: String? = nil, selected: String?) -> String {
        "<option value=\"\(escape(value))\"\(value == (selected ?? "") ? " selected" : "")>\(escape(label ?? value))</option>"
    }
}
