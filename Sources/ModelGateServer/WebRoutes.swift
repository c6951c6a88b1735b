import Foundation
import Hummingbird
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

/// The web page: server-rendered HTML, no scripts, no external assets. Every page works without JavaScript.
struct WebRoutes: Sendable {
    let server: GatewayServer

    var catalog: CatalogDatabase { server.catalog }

    func register(on router: Router<ServerContext>) {
        router.get("/") { request, _ in html(try await catalogPage(try QueryParameters.checked(request, form: true))) }
        router.get("/models") { request, _ in html(try await modelsPage(try QueryParameters.checked(request, form: true))) }
        router.get("/ui/model") { request, _ in html(try await modelPage(try QueryParameters.checked(request, form: true))) }
        router.get("/ui/version") { request, _ in html(try await versionPage(try QueryParameters.checked(request, form: true))) }
        router.get("/conflicts") { request, _ in html(try await conflictsPage(try QueryParameters.checked(request, form: true))) }
    }

    func html(_ text: String) -> Response { JSONBody.text(text, contentType: "text/html; charset=utf-8") }

    // MARK: Catalog (versions across registries)

    func catalogPage(_ q: QueryParameters) async throws -> String {
        let query = try APIRoutes.versionQuery(q, limits: server.limits)
        let page = try await server.withDeadline { [catalog] in try await catalog.versions(query) }
        let registries = try await catalog.registries()
        var body = "<h1>Catalog</h1>\n"
        body += """
            <form class="filters" method="get" action="/">
            <label>Search<input type="search" name="search" value="\(HTML.escape(q["search"]))" placeholder="name, version, description, tag"></label>
            <label>Registry<select name="registry"><option value="">all</option>\(registries.map { HTML.option($0.name, label: "\($0.name) (\($0.kind.rawValue))", selected: q["registry"]) }.joined())</select></label>
            <label>Model<input name="model" value="\(HTML.escape(q["model"]))"></label>
            <label>Alias<input name="alias" value="\(HTML.escape(q["alias"]))"></label>
            <label>Lifecycle<select name="lifecycle"><option value="">any</option>\(Lifecycle.allCases.map { HTML.option($0.rawValue, selected: q["lifecycle"]) }.joined())</select></label>
            <label>Tag<input name="tag" value="\(HTML.escape(q["tag"]))" placeholder="key=value"></label>
            <label>Deleted<select name="include_deleted">\(HTML.option("", label: "hide", selected: q["include_deleted"]))\(HTML.option("true", label: "show", selected: q["include_deleted"]))</select></label>
            <button type="submit">Filter</button>
            </form>

            """
        body += "<table id=\"versions\"><thead><tr><th>Registry</th><th>Kind</th><th>Model</th><th>Version</th><th>Lifecycle</th><th>Aliases</th><th>Status</th><th>Created</th><th>Description</th></tr></thead><tbody>\n"
        for v in page.items {
            body += """
                <tr class="version-row\(v.deleted ? " deleted" : "")" data-ref="\(HTML.escape(v.ref.description))"><td>\(HTML.escape(v.registry))</td><td>\(v.kind.rawValue)</td>\
                <td><a href="\(HTML.modelHref(v.registry, v.model))">\(HTML.escape(v.model))</a></td>\
                <td><a href="\(HTML.versionHref(v.registry, v.model, v.version))">\(HTML.escape(v.version))</a></td>\
                <td>\(HTML.lifecycle(v.lifecycle.rawValue))</td><td>\(HTML.pills(v.aliases))</td><td>\(v.status.rawValue)</td>\
                <td>\(HTML.escape(v.createdAt.map(Timestamp.format)))</td><td>\(HTML.escape(v.description.map { String($0.prefix(140)) }))</td></tr>

                """
        }
        if page.items.isEmpty { body += "<tr><td colspan=\"9\" class=\"muted\">No versions match.</td></tr>\n" }
        body += "</tbody></table>\n"
        if let next = page.nextCursor {
            body += "<p class=\"pager\"><a rel=\"next\" href=\"/?\(HTML.escape(q.encoded(replacing: ["cursor": next])))\">Next page →</a></p>\n"
        }
        return HTML.page(title: "Catalog", active: "catalog", body: body)
    }

    // MARK: Models

    func modelsPage(_ q: QueryParameters) async throws -> String {
        let query = ModelQuery(
            registry: q["registry"], search: q["search"], includeDeleted: try q.bool("include_deleted") ?? false,
            limit: try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize),
            cursor: q["cursor"])
        let page = try await server.withDeadline { [catalog] in try await catalog.models(query) }
        let registries = try await catalog.registries()
        var body = "<h1>Models</h1>\n"
        body += """
            <form class="filters" method="get" action="/models">
            <label>Search<input type="search" name="search" value="\(HTML.escape(q["search"]))"></label>
            <label>Registry<select name="registry"><option value="">all</option>\(registries.map { HTML.option($0.name, selected: q["registry"]) }.joined())</select></label>
            <button type="submit">Filter</button>
            </form>
            <table id="models"><thead><tr><th>Registry</th><th>Kind</th><th>Model</th><th>Versions</th><th>Updated</th><th>Description</th></tr></thead><tbody>

            """
        for m in page.items {
            body += """
                <tr class="model-row" data-ref="\(HTML.escape("\(m.registry):\(m.name)"))"><td>\(HTML.escape(m.registry))</td><td>\(m.kind.rawValue)</td>\
                <td><a href="\(HTML.modelHref(m.registry, m.name))">\(HTML.escape(m.name))</a></td><td>\(m.versionCount)</td>\
                <td>\(HTML.escape(m.updatedAt.map(Timestamp.format)))</td><td>\(HTML.escape(m.description))</td></tr>

                """
        }
        if page.items.isEmpty { body += "<tr><td colspan=\"6\" class=\"muted\">No models match.</td></tr>\n" }
        body += "</tbody></table>\n"
        if let next = page.nextCursor {
            body += "<p class=\"pager\"><a rel=\"next\" href=\"/models?\(HTML.escape(q.encoded(replacing: ["cursor": next])))\">Next page →</a></p>\n"
        }
        return HTML.page(title: "Models", active: "models", body: body)
    }

    // MARK: One model

    /// One model: a page of its versions (`limit`, `cursor`; how many there are in all), its aliases, direct copies
    /// of the page's versions in other registries and the alias/lifecycle history. A fixed number of catalog
    /// queries however many versions the model has.
    func modelPage(_ q: QueryParameters) async throws -> String {
        guard let registry = q["registry"] else { throw APIError.invalid("registry", "registry is required") }
        guard let name = q["model"] else { throw APIError.invalid("model", "model is required") }
        let limit = try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize)
        let cursor = q["cursor"]
        guard let detail = try await server.withDeadline({ [catalog] in
            try await ModelDetail.load(registry, name, limit: limit, cursor: cursor, from: catalog)
        }) else {
            throw APIError.notFound("\(registry):\(name) is not in the catalog", field: "model")
        }
        let model = detail.model
        let versions = detail.versions
        let heads = try await catalog.modelHeads(registry: registry, model: name)
        let moves = try await catalog.recentChanges(
            registry: registry, model: name, kinds: [.aliasMoved, .lifecycleChanged], limit: server.limits.maxPageSize)
        var body = "<h1>\(HTML.escape(registry)):\(HTML.escape(name))\(model.deleted ? " <span class=\"muted\">(deleted)</span>" : "")</h1>\n"
        body += "<dl class=\"fields\"><dt>Registry</dt><dd>\(HTML.escape(registry)) (\(model.kind.rawValue))</dd>"
        body += "<dt>Display name</dt><dd>\(HTML.escape(model.displayName ?? name))</dd>"
        body += "<dt>Description</dt><dd>\(HTML.escape(model.description))</dd>"
        body += "<dt>Created</dt><dd>\(HTML.escape(model.createdAt.map(Timestamp.format)))</dd>"
        body += "<dt>Updated</dt><dd>\(HTML.escape(model.updatedAt.map(Timestamp.format)))</dd>"
        body += "<dt>Versions</dt><dd id=\"version-count\">\(detail.versionCount)</dd>"
        body += "<dt>Tags</dt><dd>\(HTML.pills(model.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }))</dd></dl>\n"

        body += "<h2>Aliases</h2>\n<table id=\"aliases\"><thead><tr><th>Alias</th><th>Version</th></tr></thead><tbody>\n"
        let aliases = heads.flatMap { v in v.aliases.map { ($0, v.version) } }.sorted { $0.0 < $1.0 }
        for (alias, version) in aliases {
            body += "<tr class=\"alias-row\"><td>\(HTML.pills([alias]))</td><td><a href=\"\(HTML.versionHref(registry, name, version))\">\(HTML.escape(version))</a></td></tr>\n"
        }
        if aliases.isEmpty { body += "<tr><td colspan=\"2\" class=\"muted\">No aliases.</td></tr>\n" }
        body += "</tbody></table>\n"

        body += "<h2>Versions</h2>\n<table id=\"versions\"><thead><tr><th>Version</th><th>Lifecycle</th><th>Raw</th><th>Aliases</th><th>Status</th><th>Source</th><th>Created</th><th>By</th></tr></thead><tbody>\n"
        for v in versions {
            body += """
                <tr class="version-row\(v.deleted ? " deleted" : "")" data-ref="\(HTML.escape(v.ref.description))"><td><a href="\(HTML.versionHref(registry, name, v.version))">\(HTML.escape(v.version))</a></td>\
                <td>\(HTML.lifecycle(v.lifecycle.rawValue))</td><td>\(HTML.escape(v.lifecycleRaw))</td><td>\(HTML.pills(v.aliases))</td>\
                <td>\(v.status.rawValue)</td><td>\(HTML.escape(v.sourceURI))</td><td>\(HTML.escape(v.createdAt.map(Timestamp.format)))</td><td>\(HTML.escape(v.createdBy))</td></tr>

                """
        }
        body += "</tbody></table>\n"
        if let next = detail.versionsNextCursor {
            let rest = detail.versionCount - versions.count
            body += "<p class=\"pager\">Showing \(versions.count) of \(detail.versionCount) versions. "
            body += "<a rel=\"next\" href=\"/ui/model?\(HTML.escape(q.encoded(replacing: ["cursor": next])))\">\(rest) more →</a></p>\n"
        }

        // The same model in other registries: direct copies both ways of this page's versions (ModelGate's
        // version map and migrated_from / same_as edges), never matched by name (DESIGN §2). The version page
        // shows a version's whole copy chain.
        let copies = try await copiesInOtherRegistries(registry: registry, model: name, versions: versions.map(\.version))
        body += "<h2>In other registries</h2>\n<table id=\"copies\"><thead><tr><th>Version</th><th>Relation</th><th>Registry</th><th>Model</th><th>Version there</th></tr></thead><tbody>\n"
        for copy in copies {
            let other = copy.other
            body += "<tr class=\"copy-row\" data-ref=\"\(HTML.escape(other.description))\"><td>\(HTML.escape(copy.local))</td><td>\(copy.how)</td><td>\(HTML.escape(other.registry))</td>"
            body += "<td><a href=\"\(HTML.modelHref(other.registry, other.model))\">\(HTML.escape(other.model))</a></td>"
            body += "<td>\(other.version.map { "<a href=\"\(HTML.versionHref(other.registry, other.model, $0))\">\(HTML.escape($0))</a>" } ?? "")</td></tr>\n"
        }
        if copies.isEmpty { body += "<tr><td colspan=\"5\" class=\"muted\">No known copies in other registries.</td></tr>\n" }
        body += "</tbody></table>\n"

        body += "<h2>Alias and lifecycle history</h2>\n<table id=\"history\"><thead><tr><th>At</th><th>Change</th><th>Field</th><th>Before</th><th>After</th><th>Version</th><th>Actor</th><th>Source</th></tr></thead><tbody>\n"
        for change in moves {
            body += """
                <tr class="history-row"><td>\(Timestamp.format(change.at))</td><td>\(change.kind.rawValue)</td><td>\(HTML.escape(change.field))</td>\
                <td>\(HTML.escape(change.before))</td><td>\(HTML.escape(change.after))</td><td>\(HTML.escape(change.version))</td>\
                <td>\(HTML.escape(change.actor))</td><td>\(change.source.rawValue)</td></tr>

                """
        }
        if moves.isEmpty { body += "<tr><td colspan=\"8\" class=\"muted\">No alias or lifecycle changes recorded.</td></tr>\n" }
        body += "</tbody></table>\n"
        return HTML.page(title: "\(registry):\(name)", active: "models", body: body)
    }

    /// Direct copies of `versions` of one model in other registries, from two queries (version map, lineage edges).
    func copiesInOtherRegistries(registry: String, model name: String, versions: [String]) async throws
        -> [(local: String, other: VersionRef, how: String)]
    {
        var copies: [(local: String, other: VersionRef, how: String)] = []
        var seen = Set<String>()
        func add(_ local: String, _ other: VersionRef, _ how: String) {
            if seen.insert("\(local)\u{0}\(other)").inserted { copies.append((local, other, how)) }
        }
        for entry in try await catalog.versionMap(registry: registry, model: name, versions: versions) {
            if entry.target.registry == registry, entry.target.model == name, let local = entry.target.version {
                add(local, entry.source, "copied from")
            }
            if entry.source.registry == registry, entry.source.model == name, let local = entry.source.version {
                add(local, entry.target, "copied to")
            }
        }
        let nodes = Dictionary(versions.map { (LineageEdge.versionNode(registry, name, $0), $0) }) { a, _ in a }
        for edge in try await catalog.lineageEdges(touchingAny: Array(nodes.keys))
        where edge.relation == .migratedFrom || edge.relation == .sameAs {
            let local = nodes[edge.from] ?? nodes[edge.to]
            let otherNode = nodes[edge.from] != nil ? edge.to : edge.from
            guard let local, otherNode.hasPrefix("version:"),
                let ref = try? VersionRef(parsing: String(otherNode.dropFirst("version:".count))), ref.registry != registry
            else { continue }
            add(local, ref, edge.relation == .sameAs ? "same as" : (nodes[edge.from] != nil ? "copied from" : "copied to"))
        }
        return copies.sorted { ($0.local, $0.other.description) < ($1.local, $1.other.description) }
    }

    // MARK: One version

    func versionPage(_ q: QueryParameters) async throws -> String {
        guard let registry = q["registry"] else { throw APIError.invalid("registry", "registry is required") }
        guard let name = q["model"] else { throw APIError.invalid("model", "model is required") }
        guard let versionName = q["version"] else { throw APIError.invalid("version", "version is required") }
        guard let v = try await catalog.version(registry: registry, model: name, version: versionName) else {
            throw APIError.notFound("\(registry):\(name)@\(versionName) is not in the catalog", field: "version")
        }
        let node = LineageEdge.versionNode(registry, name, versionName)
        let edges = try await catalog.lineageEdges(touching: node)
        let from = try await CopyChain.upstream(of: v.ref, in: catalog)
        let to = try await CopyChain.downstream(of: v.ref, in: catalog)
        var body = "<h1><a href=\"\(HTML.modelHref(registry, name))\">\(HTML.escape(registry)):\(HTML.escape(name))</a>@\(HTML.escape(versionName))</h1>\n"
        body += "<dl class=\"fields\" id=\"version-fields\">"
        func field(_ label: String, _ value: String?) { body += "<dt>\(label)</dt><dd>\(HTML.escape(value))</dd>" }
        field("Kind", v.kind.rawValue)
        field("Status", v.status.rawValue)
        body += "<dt>Lifecycle</dt><dd>\(HTML.lifecycle(v.lifecycle.rawValue)) \(HTML.escape(v.lifecycleRaw))</dd>"
        body += "<dt>Aliases</dt><dd>\(HTML.pills(v.aliases))</dd>"
        field("Description", v.description)
        field("Source", v.sourceURI)
        field("Digest", v.artifactDigest)
        field("Run", v.run.flatMap { $0.id ?? $0.uri })
        field("Created", v.createdAt.map(Timestamp.format))
        field("Updated", v.updatedAt.map(Timestamp.format))
        field("Created by", v.createdBy)
        if !from.isEmpty { field("Migrated from", from.map(\.description).joined(separator: " ← ")) }
        if !to.isEmpty { field("Migrated to", to.map(\.description).joined(separator: ", ")) }
        body += "<dt>Tags</dt><dd>\(HTML.pills(v.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }))</dd></dl>\n"
        body += "<h2>Lineage</h2>\n" + LineageSVG.render(center: node, edges: edges)
        body += "<table id=\"lineage\"><thead><tr><th>From</th><th>Relation</th><th>To</th><th>Asserted by</th></tr></thead><tbody>\n"
        for edge in edges {
            body += "<tr class=\"edge-row\"><td>\(LineageSVG.link(edge.from))</td><td>\(edge.relation.rawValue)</td><td>\(LineageSVG.link(edge.to))</td><td>\(HTML.escape(edge.assertedBy))</td></tr>\n"
        }
        if edges.isEmpty { body += "<tr><td colspan=\"4\" class=\"muted\">No lineage recorded for this version.</td></tr>\n" }
        body += "</tbody></table>\n"
        return HTML.page(title: "\(registry):\(name)@\(versionName)", active: "catalog", body: body)
    }

    // MARK: Conflicts

    func conflictsPage(_ q: QueryParameters) async throws -> String {
        let chosen = CatalogConflict.Status(rawValue: try q.choice("status", ["open", "resolved", "all"]) ?? "open")
        let limit = try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize)
        let cursor = q["cursor"]
        let page = try await server.withDeadline { [catalog] in
            try await catalog.conflicts(status: chosen, limit: limit, cursor: cursor)
        }
        let conflicts = page.items
        var body = "<h1>Conflicts</h1>\n"
        body += """
            <form class="filters" method="get" action="/conflicts"><label>Status<select name="status">\
            \(HTML.option("open", selected: q["status"] ?? "open"))\(HTML.option("resolved", selected: q["status"]))\(HTML.option("all", selected: q["status"]))</select></label>\
            <button type="submit">Show</button></form>
            <table id="conflicts"><thead><tr><th>ID</th><th>Kind</th><th>Object</th><th>Field</th><th>Values</th><th>Status</th><th>Resolution</th></tr></thead><tbody>

            """
        for c in conflicts {
            let values = c.values.sorted { $0.key < $1.key }.map { key, value -> String in
                let text = (try? String(decoding: JSONBody.encoder().encode(value), as: UTF8.self)) ?? "?"
                return "<div><strong>\(HTML.escape(key))</strong>: <code>\(HTML.escape(text))</code></div>"
            }.joined()
            let object =
                c.version.map { "<a href=\"\(HTML.versionHref(c.registry, c.model, $0))\">\(HTML.escape("\(c.registry):\(c.model)@\($0)"))</a>" }
                ?? "<a href=\"\(HTML.modelHref(c.registry, c.model))\">\(HTML.escape("\(c.registry):\(c.model)"))</a>"
            body += """
                <tr class="conflict-row"><td>\(c.id.map(String.init) ?? "")</td><td>\(HTML.escape(c.kind))</td><td>\(object)</td><td>\(HTML.escape(c.field))</td>\
                <td>\(values)</td><td>\(c.status.rawValue)</td><td>\(HTML.escape(c.resolution))</td></tr>

                """
        }
        if conflicts.isEmpty { body += "<tr><td colspan=\"7\" class=\"muted\">No conflicts.</td></tr>\n" }
        body += "</tbody></table>\n"
        if let next = page.nextCursor {
            body += "<p class=\"pager\"><a rel=\"next\" href=\"/conflicts?\(HTML.escape(q.encoded(replacing: ["cursor": next])))\">Next page →</a></p>\n"
        }
        return HTML.page(title: "Conflicts", active: "conflicts", body: body)
    }
}

/// The lineage neighbours of one node as inline SVG: sources on the left, the node in the middle, targets on the right.
enum LineageSVG {
    static func render(center: String, edges: [LineageEdge]) -> String {
        let incoming = edges.filter { $0.to == center && $0.from != center }
        let outgoing = edges.filter { $0.from == center && $0.to != center }
        let rows = max(1, incoming.count, outgoing.count)
        let rowHeight = 48
        let height = rows * rowHeight + 24
        let width = 960
        let boxWidth = 280
        let centerY = height / 2
        var svg = "<svg id=\"lineage-graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"lineage of \(HTML.escape(center))\">\n"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#667\"/></marker></defs>\n"
        func box(_ x: Int, _ y: Int, _ label: String, fill: String) -> String {
            let shown = label.count > 42 ? String(label.prefix(41)) + "…" : label
            return "<g class=\"node\"><title>\(HTML.escape(label))</title><rect x=\"\(x)\" y=\"\(y - 15)\" width=\"\(boxWidth)\" height=\"30\" rx=\"6\" fill=\"\(fill)\" stroke=\"#8894a8\"/><text x=\"\(x + 8)\" y=\"\(y + 4)\">\(HTML.escape(shown))</text></g>\n"
        }
        let centerX = (width - boxWidth) / 2
        svg += box(centerX, centerY, center, fill: "#dbe7ff")
        func y(_ index: Int, _ count: Int) -> Int { height / 2 + (index * 2 - (count - 1)) * rowHeight / 2 }
        for (index, edge) in incoming.enumerated() {
            let ey = y(index, incoming.count)
            svg += "<line x1=\"\(10 + boxWidth)\" y1=\"\(ey)\" x2=\"\(centerX)\" y2=\"\(centerY)\" stroke=\"#667\" marker-end=\"url(#arrow)\"/>\n"
            svg += "<text x=\"\(10 + boxWidth + 6)\" y=\"\((ey + centerY) / 2 - 4)\" fill=\"#445\">\(edge.relation.rawValue)</text>\n"
            svg += box(10, ey, edge.from, fill: "#f1f3f7")
        }
        for (index, edge) in outgoing.enumerated() {
            let ey = y(index, outgoing.count)
            let x = width - boxWidth - 10
            svg += "<line x1=\"\(centerX + boxWidth)\" y1=\"\(centerY)\" x2=\"\(x)\" y2=\"\(ey)\" stroke=\"#667\" marker-end=\"url(#arrow)\"/>\n"
            svg += "<text x=\"\(centerX + boxWidth + 6)\" y=\"\((ey + centerY) / 2 - 4)\" fill=\"#445\">\(edge.relation.rawValue)</text>\n"
            svg += box(x, ey, edge.to, fill: "#f1f3f7")
        }
        svg += "</svg>\n"
        return svg
    }

    /// A node id as a link when it is a version or model of the catalog, else as text.
    static func link(_ node: String) -> String {
        if node.hasPrefix("version:"), let ref = try? VersionRef(parsing: String(node.dropFirst("version:".count))),
            let version = ref.version
        {
            return "<a href=\"\(HTML.versionHref(ref.registry, ref.model, version))\">\(HTML.escape(node))</a>"
        }
        if node.hasPrefix("model:"), let ref = try? VersionRef(parsing: String(node.dropFirst("model:".count))) {
            return "<a href=\"\(HTML.modelHref(ref.registry, ref.model))\">\(HTML.escape(node))</a>"
        }
        return HTML.escape(node)
    }
}
