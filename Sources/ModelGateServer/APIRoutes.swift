import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

/// The JSON REST API under `/api/v1` (DESIGN §7). Lists answer `{"items": [...], "next_cursor": ...}`.
struct APIRoutes: Sendable {
    let server: GatewayServer

    var catalog: CatalogDatabase { server.catalog }

    func register(on router: Router<ServerContext>) {
        // Inside the gateway middleware (added first), so a 405 is authenticated, counted and audited like a 404.
        router.add(middleware: MethodNotAllowedMiddleware())
        let api = router.group("/api/v1")
        api.get("registries") { _, _ in try await registries() }
        api.get("models") { request, _ in try await models(try QueryParameters.checked(request)) }
        api.get("versions") { request, _ in try await versions(try QueryParameters.checked(request)) }
        api.get("registries/{registry}/models/{model}") { request, context in
            try await model(
                registry: try context.parameters.require("registry"), name: try context.parameters.require("model"),
                try QueryParameters.checked(request))
        }
        api.get("registries/{registry}/models/{model}/versions/{version}") { _, context in
            try await version(
                VersionRef(
                    registry: try context.parameters.require("registry"), model: try context.parameters.require("model"),
                    version: try context.parameters.require("version")))
        }
        api.get("history") { request, _ in try await history(try QueryParameters.checked(request)) }
        api.get("conflicts") { request, _ in try await conflicts(try QueryParameters.checked(request)) }
        api.get("conflicts/{id}") { _, context in
            guard let id = context.parameters.get("id", as: Int64.self) else {
                throw APIError.invalid("id", "a conflict id is a number")
            }
            guard let conflict = try await catalog.conflict(id: id) else {
                throw APIError.notFound("no conflict \(id)", field: "id")
            }
            return try JSONBody.response(conflict)
        }
        api.get("lineage") { request, _ in try await lineage(try QueryParameters.checked(request)) }
        api.post("sync") { request, context in try await startSync(request, caller: context.caller) }
        api.get("sync/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let job = server.jobs.sync(id) else { throw APIError.notFound("no sync \(id)", field: "id") }
            return try JSONBody.object(try job.json())
        }
        api.post("migrations/plan") { request, _ in try await plan(request) }
        api.post("migrations/{id}/apply") { _, context in try await apply(planID: try context.parameters.require("id")) }
        api.get("audit") { request, _ in
            let limit = try QueryParameters.checked(request).limit(defaultValue: 100, maximum: server.limits.maxPageSize)
            return try JSONBody.response(ResultPage(items: try await catalog.auditLog(limit: limit), nextCursor: nil))
        }
        api.get("openapi.json") { _, _ in try JSONBody.object(OpenAPIDocument.document()) }
    }

    // MARK: Reads

    func registries() async throws -> Response {
        let items = try await catalog.registries()
        return try JSONBody.response(ResultPage(items: items, nextCursor: nil))
    }

    func models(_ q: QueryParameters) async throws -> Response {
        let query = ModelQuery(
            registry: q["registry"], search: q["search"], includeDeleted: try q.bool("include_deleted") ?? false,
            limit: try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize),
            cursor: q["cursor"])
        let page = try await server.withDeadline { try await catalog.models(query) }
        return try JSONBody.response(page)
    }

    /// `GET /api/v1/versions` with every filter of `modelgate versions`.
    func versions(_ q: QueryParameters) async throws -> Response {
        let query = try Self.versionQuery(q, limits: server.limits)
        let page = try await server.withDeadline { try await catalog.versions(query) }
        return try JSONBody.response(ResultPage(items: page.items.map(Self.withoutRaw), nextCursor: page.nextCursor))
    }

    /// The catalog query of `?registry=&model=&alias=&lifecycle=&tag=K=V&search=&include_deleted=&limit=&cursor=`.
    static func versionQuery(_ q: QueryParameters, limits: ServerLimits) throws(APIError) -> VersionQuery {
        let lifecycle = try q.choice("lifecycle", Lifecycle.allCases.map(\.rawValue)).flatMap(Lifecycle.init(rawValue:))
        var tags: [(key: String, value: String)] = []
        for text in q.values("tag") {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw APIError.invalid("tag", "tag must be KEY=VALUE, got '\(text)'")
            }
            tags.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
        }
        return VersionQuery(
            registry: q["registry"], model: q["model"], alias: q["alias"], lifecycle: lifecycle, tags: tags,
            search: q["search"], includeDeleted: try q.bool("include_deleted") ?? false,
            limit: try q.limit(defaultValue: limits.defaultPageSize, maximum: limits.maxPageSize), cursor: q["cursor"])
    }

    static func withoutRaw(_ version: ModelVersion) -> ModelVersion {
        var copy = version
        copy.raw = nil
        return copy
    }

    /// One model: the model object, one page of its versions (without native JSON; `limit`, `cursor`), how many
    /// versions it has, and the lineage edges touching it.
    func model(registry: String, name: String, _ q: QueryParameters) async throws -> Response {
        let limit = try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize)
        let cursor = q["cursor"]
        let found = try await server.withDeadline { [catalog] in
            try await ModelDetail.load(registry, name, limit: limit, cursor: cursor, from: catalog)
        }
        guard let detail = found else {
            throw APIError.notFound("\(registry):\(name) is not in the catalog", field: "model")
        }
        return try JSONBody.response(detail)
    }

    /// One version with its native JSON, its lineage neighbours and its copy chain both ways.
    func version(_ ref: VersionRef) async throws -> Response {
        guard let versionName = ref.version,
            let detail = try await VersionDetail.load(ref.registry, ref.model, versionName, from: catalog)
        else { throw APIError.notFound("\(ref) is not in the catalog", field: "version") }
        return try JSONBody.response(detail)
    }

    /// `GET /api/v1/history?registry=&model=&alias=&since=&limit=&cursor=`: the change log of one model, oldest
    /// first, one page at a time.
    func history(_ q: QueryParameters) async throws -> Response {
        guard let registry = q["registry"] else { throw APIError.invalid("registry", "registry is required") }
        guard let model = q["model"] else { throw APIError.invalid("model", "model is required") }
        var parsedSince: Date?
        if let text = try q.single("since") {
            guard let date = Self.parseTime(text) else {
                throw APIError.invalid("since", "since must be RFC 3339 (2026-11-26T10:00:00Z) or a date, got '\(text)'")
            }
            parsedSince = date
        }
        let since = parsedSince
        let alias = q["alias"]
        let limit = try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize)
        let cursor = q["cursor"]
        let page = try await server.withDeadline {
            try await catalog.history(registry: registry, model: model, alias: alias, since: since, limit: limit, cursor: cursor)
        }
        return try JSONBody.response(page)
    }

    static func parseTime(_ text: String) -> Date? {
        if let date = Timestamp.parse(text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }

    /// `GET /api/v1/conflicts?status=&limit=&cursor=`: conflicts by id, one page at a time.
    func conflicts(_ q: QueryParameters) async throws -> Response {
        let chosen = try q.choice("status", ["open", "resolved"]).flatMap(CatalogConflict.Status.init(rawValue:))
        let limit = try q.limit(defaultValue: server.limits.defaultPageSize, maximum: server.limits.maxPageSize)
        let cursor = q["cursor"]
        let page = try await server.withDeadline { try await catalog.conflicts(status: chosen, limit: limit, cursor: cursor) }
        return try JSONBody.response(page)
    }

    func lineage(_ q: QueryParameters) async throws -> Response {
        guard let text = try q.single("ref"), !text.isEmpty else { throw APIError.invalid("ref", "ref (REGISTRY:MODEL[@VERSION]) is required") }
        let ref: VersionRef
        do {
            ref = try VersionRef(parsing: text)
        } catch {
            throw APIError.invalid("ref", error.description)
        }
        return try await LineageEndpoint.render(ref: ref, query: q, catalog: catalog)
    }

    // MARK: Sync

    /// `POST /api/v1/sync` `{"registries": [...], "full": false}` → 202 `{"id"}`; the sync runs in the background.
    func startSync(_ request: Request, caller: Caller) async throws -> Response {
        let body = BodyFields(object: try await JSONBody.readObject(request, maxBytes: server.limits.maxBodyBytes))
        try body.rejectUnknown(allowed: ["registries", "full"])
        let requested = try body.strings("registries")
        let full = try body.bool("full")
        let operations = server.operations
        let known = operations.registryNames
        if known.isEmpty { throw APIError.notConfigured("no registries are configured, so there is nothing to sync") }
        if let unknown = requested.first(where: { !known.contains($0) }) {
            throw APIError.invalid("registries", "no registry '\(unknown)' in the config; known: \(known.joined(separator: ", "))")
        }
        let selected = requested.isEmpty ? known : known.filter { requested.contains($0) }
        var registries: [SyncRegistry] = []
        for name in selected {
            guard let info = operations.registryInfo(name) else {
                throw APIError.invalid("registries", "no registry '\(name)' in the config")
            }
            registries.append(
                SyncRegistry(info: info) {
                    let connected = try operations.adapter(name)
                    return SyncTarget(adapter: connected.adapter, endpoint: connected.endpoint, counters: connected.counters)
                })
        }
        let id = UUID().uuidString.lowercased()
        let job = SyncJob(id: id, registries: selected, startedBy: caller.name, startedAt: Date())
        let busy = server.jobs.reserve(job)
        if !busy.isEmpty {
            throw APIError(
                .conflict, code: "sync_running", "a sync of \(busy.sorted().joined(separator: ", ")) is already running",
                field: "registries")
        }
        var options = operations.syncOptions
        options.full = full
        let orchestrator = SyncOrchestrator(
            catalog: catalog, holder: SyncService.holder("modelgate serve"), tagOwners: operations.tagOwners)
        let logger = server.logger
        let queued = server.syncRunner.submit { [registries, options] in
            do {
                let outcome = try await orchestrator.run(registries, options: options, progress: job)
                let error = outcome.conflictError.map { "conflict detection failed after the sync: \($0)" }
                if let error { logger.error("sync \(id): \(error)") }
                job.finish(outcome.report, conflictsOpened: outcome.conflictsOpened.count, error: error)
            } catch {
                logger.error("sync \(id): \(error)")
                job.finish(nil, conflictsOpened: 0, error: "the catalog could not record the sync: \(error)")
            }
        }
        if !queued {
            job.finish(nil, conflictsOpened: 0, error: "the server is shutting down")
            throw APIError(.serviceUnavailable, code: "shutting_down", "the server is shutting down; start the sync again")
        }
        var headers = HTTPFields()
        headers[GatewayMiddleware.resourceHeader] = "sync:\(id)"
        headers[.location] = "/api/v1/sync/\(id)"
        return try JSONBody.response(["id": id], status: .accepted, headers: headers)
    }

    // MARK: Migrations

    /// `POST /api/v1/migrations/plan` `{"from","to","rename","copy_aliases","carry_lifecycle","artifact_map","force"}`.
    func plan(_ request: Request) async throws -> Response {
        let body = BodyFields(object: try await JSONBody.readObject(request, maxBytes: server.limits.maxBodyBytes))
        try body.rejectUnknown(allowed: ["from", "to", "rename", "copy_aliases", "carry_lifecycle", "artifact_map", "force"])
        let fromText = try body.string("from", required: true) ?? ""
        let to = try body.string("to", required: true) ?? ""
        let from: VersionRef
        do {
            from = try VersionRef(parsing: fromText, requireModel: false)
        } catch {
            throw APIError.invalid("from", error.description)
        }
        let known = server.operations.registryNames
        if known.isEmpty {
            throw APIError.notConfigured("no registries are configured, so there is nothing to migrate")
        }
        guard known.contains(from.registry) else {
            throw APIError.invalid("from", "no registry '\(from.registry)' in the config")
        }
        guard known.contains(to) else { throw APIError.invalid("to", "no registry '\(to)' in the config") }
        guard to != from.registry else { throw APIError.invalid("to", "to must be another registry than from") }
        var rewrites: [ArtifactRewrite] = []
        for text in try body.strings("artifact_map") {
            guard let rule = ArtifactRewrite(parsing: text) else {
                throw APIError.invalid("artifact_map", "artifact_map entries are FROM_PREFIX=TO_PREFIX, got '\(text)'")
            }
            rewrites.append(rule)
        }
        let options = MigrationOptions(
            rename: try body.string("rename"), copyAliases: try body.bool("copy_aliases"),
            carryLifecycle: try body.bool("carry_lifecycle"), artifactMap: rewrites, force: try body.bool("force"))
        let planner = try planner(from: from, to: to, options: options)
        let plan = try await planner.plan(model: from.model.isEmpty ? nil : from.model, version: from.version)
        server.jobs.savePlan(plan)
        var headers = HTTPFields()
        headers[GatewayMiddleware.resourceHeader] = "plan:\(plan.id)"
        return try JSONBody.response(plan, headers: headers)
    }

    func planner(from: VersionRef, to: String, options: MigrationOptions) throws -> MigrationPlanner {
        let source = try server.operations.adapter(from.registry).adapter
        let target = try server.operations.adapter(to).adapter
        return MigrationPlanner(
            source: AdapterSource(source), target: target, options: options, tagOwners: server.operations.tagOwners)
    }

    /// `POST /api/v1/migrations/{id}/apply`: plans again from the live registries, refuses (409) when they changed
    /// in a way the saved plan did not foresee or when conflicts remain, then applies.
    func apply(planID: String) async throws -> Response {
        guard let saved = server.jobs.plan(planID) else {
            throw APIError.notFound("no plan \(planID) on this server; POST /api/v1/migrations/plan first", field: "id")
        }
        let from = try VersionRef(parsing: saved.from, requireModel: false)
        let planner = try planner(from: from, to: saved.to, options: saved.options)
        let fresh = try await planner.plan(model: from.model.isEmpty ? nil : from.model, version: from.version)
        if let why = saved.staleness(comparedTo: fresh) {
            throw APIError(.conflict, code: "stale_plan", "the registries changed since plan \(saved.id) was made (\(why)); plan again", field: "id")
        }
        if !fresh.conflicts.isEmpty {
            throw APIError(
                .conflict, code: "conflicts",
                "\(fresh.conflicts.count) conflict(s) left; nothing was written: \(fresh.conflicts.map(\.message).joined(separator: "; "))")
        }
        let result = try await MigrationApplier(target: planner.target, catalog: catalog).apply(fresh)
        var headers = HTTPFields()
        headers[GatewayMiddleware.resourceHeader] = "plan:\(saved.id) applied \(result.applied.count)"
        return try JSONBody.response(result, status: result.ok ? .ok : .badGateway, headers: headers)
    }
}

