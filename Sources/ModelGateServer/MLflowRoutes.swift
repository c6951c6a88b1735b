import Foundation
import Hummingbird
import ModelGateCatalog
import ModelGateCore

/// The MLflow-compatible read API at `/api/2.0/mlflow/` over the federated catalog (DESIGN §7): model names are
/// `REGISTRY.MODEL`, versions keep their native strings, paging tokens are the catalog's cursors, so the `mlflow`
/// client browses every registry as one MLflow registry.
struct MLflowRoutes: Sendable {
    let server: GatewayServer

    var catalog: CatalogDatabase { server.catalog }

    func register(on router: Router<ServerContext>) {
        let api = router.group("/api/2.0/mlflow")
            api.get("registered-models/search") { request, _ in try await searchModels(try Self.parameters(request)) }
            api.get("registered-models/get") { request, _ in try await getModel(try Self.parameters(request)) }
            api.get("model-versions/search") { request, _ in try await searchVersions(try Self.parameters(request)) }
            api.get("model-versions/get") { request, _ in try await getVersion(try Self.parameters(request)) }
            api.get("registered-models/alias") { request, _ in try await getByAlias(try Self.parameters(request)) }
    }

    /// The query of an MLflow call; only `order_by` may repeat (the `mlflow` client sends it as a list).
    static func parameters(_ request: Request) throws(APIError) -> QueryParameters {
        try QueryParameters.checked(request, arrays: ["order_by"])
    }

    // MARK: Names

    /// `REGISTRY.MODEL` → (registry, model); registry names hold no dot, so the first dot splits.
    static func split(_ name: String) -> (registry: String, model: String)? {
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex
        else { return nil }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    static func fullName(_ registry: String, _ model: String) -> String { "\(registry).\(model)" }

    static func required(_ q: QueryParameters, _ key: String) throws(APIError) -> String {
        guard let value = q[key] else { throw APIError.invalid(key, "Missing value for required parameter '\(key)'.") }
        return value
    }

    func maxResults(_ q: QueryParameters, defaultValue: Int) throws(APIError) -> Int {
        guard let text = try q.single("max_results") else { return min(defaultValue, server.limits.mlflowMaxResults) }
        guard let value = Int(text), value >= 1 else {
            throw APIError.invalid("max_results", "Invalid value \(text) for parameter 'max_results' supplied.")
        }
        return min(value, server.limits.mlflowMaxResults)
    }

    // MARK: Registered models

    func searchModels(_ q: QueryParameters) async throws -> Response {
        let filter = try MLflowFilter(q["filter"], allowed: ["name", "tags"])
        let limit = try maxResults(q, defaultValue: 100)
        var items: [[String: Any]] = []
        var next: String?
        if let exact = filter.exactName {
            if q["page_token"] == nil, let (registry, name) = Self.split(exact),
                let model = try await catalog.model(registry: registry, name: name), !model.deleted,
                filter.matches(tags: model.tags, checkIncluded: true)
            {
                items = [Self.json(model, versions: nil)]
            }
        } else {
            let query = ModelQuery(
                registry: filter.registryHint, search: filter.searchHint, limit: limit, cursor: q["page_token"])
            let page = try await server.withDeadline { [catalog] in try await catalog.models(query) }
            next = page.nextCursor
            for summary in page.items
            where filter.matches(name: Self.fullName(summary.registry, summary.name))
                && filter.matches(tags: summary.tags, checkIncluded: true)
            {
                items.append(Self.json(summary))
            }
        }
        var body: [String: Any] = ["registered_models": items]
        if let next { body["next_page_token"] = next }
        return try JSONBody.object(body)
    }

    func getModel(_ q: QueryParameters) async throws -> Response {
        let name = try Self.required(q, "name")
        guard let (registry, modelName) = Self.split(name),
            let model = try await catalog.model(registry: registry, name: modelName), !model.deleted
        else {
            throw APIError.notFound("Registered Model with name=\(name) not found", field: "name")
        }
        // The newest version of each stage and the aliased ones: one bounded query, not every version of the model.
        let heads = try await server.withDeadline { [catalog] in try await catalog.modelHeads(registry: registry, model: modelName) }
        return try JSONBody.object(["registered_model": Self.json(model, versions: heads)])
    }

    // MARK: Model versions

    func searchVersions(_ q: QueryParameters) async throws -> Response {
        let filter = try MLflowFilter(q["filter"], allowed: ["name", "run_id", "source_path", "tags"])
        let limit = try maxResults(q, defaultValue: 10_000)
        var query = VersionQuery(tags: filter.tags, limit: limit, cursor: q["page_token"])
        if let exact = filter.exactName {
            guard let (registry, model) = Self.split(exact) else { return try JSONBody.object(["model_versions": []]) }
            query.registry = registry
            query.model = model
        } else {
            query.registry = filter.registryHint
            query.search = filter.searchHint
        }
        let finalQuery = query
        let page = try await server.withDeadline { [catalog] in try await catalog.versions(finalQuery) }
        let items = page.items.filter { v in
            filter.matches(name: Self.fullName(v.registry, v.model)) && filter.matches(runID: v.run?.id)
                && filter.matches(source: v.sourceURI) && filter.matches(tags: v.tags, checkIncluded: false)
        }
        var body: [String: Any] = ["model_versions": items.map(Self.json)]
        if let next = page.nextCursor { body["next_page_token"] = next }
        return try JSONBody.object(body)
    }

    func getVersion(_ q: QueryParameters) async throws -> Response {
        let name = try Self.required(q, "name")
        let versionName = try Self.required(q, "version")
        guard let (registry, model) = Self.split(name),
            let version = try await catalog.version(registry: registry, model: model, version: versionName), !version.deleted
        else {
            throw APIError.notFound("Model Version (name=\(name), version=\(versionName)) not found", field: "version")
        }
        return try JSONBody.object(["model_version": Self.json(version)])
    }

    func getByAlias(_ q: QueryParameters) async throws -> Response {
        let name = try Self.required(q, "name")
        let alias = try Self.required(q, "alias")
        guard let (registry, model) = Self.split(name),
            let version = try await catalog.versions(VersionQuery(registry: registry, model: model, alias: alias, limit: 1))
                .items.first
        else {
            throw APIError.notFound("Registered model alias \(alias) not found.", field: "alias")
        }
        return try JSONBody.object(["model_version": Self.json(version)])
    }

    // MARK: JSON

    static func milliseconds(_ date: Date?) -> Any {
        date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) as Any } ?? NSNull()
    }

    static func tags(_ tags: [String: String]) -> [[String: String]] {
        tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }
    }

    /// MLflow's `current_stage`: the registry's own word for MLflow-like kinds, else the normalized lifecycle.
    static func stage(_ v: ModelVersion) -> String {
        if v.kind == .mlflow, let raw = v.lifecycleRaw, !raw.isEmpty { return raw }
        switch v.lifecycle {
        case .production: return "Production"
        case .staging: return "Staging"
        case .archived: return "Archived"
        default: return "None"
        }
    }

    static func status(_ status: VersionStatus) -> String {
        switch status {
        case .ready: "READY"
        case .pending: "PENDING_REGISTRATION"
        case .failed: "FAILED_REGISTRATION"
        }
    }

    static func json(_ v: ModelVersion) -> [String: Any] {
        var object: [String: Any] = [
            "name": fullName(v.registry, v.model), "version": v.version,
            "creation_timestamp": milliseconds(v.createdAt), "last_updated_timestamp": milliseconds(v.updatedAt ?? v.createdAt),
            "current_stage": stage(v), "status": status(v.status), "tags": tags(v.tags), "aliases": v.aliases,
        ]
        if let description = v.description { object["description"] = description }
        if let source = v.sourceURI { object["source"] = source }
        if let run = v.run?.id { object["run_id"] = run }
        if let user = v.createdBy { object["user_id"] = user }
        return object
    }

    static func json(_ m: ModelSummary) -> [String: Any] {
        var object: [String: Any] = [
            "name": fullName(m.registry, m.name), "creation_timestamp": milliseconds(m.createdAt),
            "last_updated_timestamp": milliseconds(m.updatedAt ?? m.createdAt), "tags": tags(m.tags),
        ]
        if let description = m.description { object["description"] = description }
        return object
    }

    /// A registered model; with `versions` (at least the newest of each stage and the aliased ones, in version
    /// order), also its aliases and `latest_versions` (the newest version of each stage).
    static func json(_ m: RegistryModel, versions: [ModelVersion]?) -> [String: Any] {
        var object: [String: Any] = [
            "name": fullName(m.registry, m.name), "creation_timestamp": milliseconds(m.createdAt),
            "last_updated_timestamp": milliseconds(m.updatedAt ?? m.createdAt), "tags": tags(m.tags),
        ]
        if let description = m.description { object["description"] = description }
        if let versions {
            var latest: [String: ModelVersion] = [:]
            for v in versions { latest[stage(v)] = v }  // versions come in numeric-aware order
            object["latest_versions"] = latest.values.sorted { $0.version < $1.version }.map(json)
            object["aliases"] = versions.flatMap { v in v.aliases.map { ["alias": $0, "version": v.version] } }
                .sorted { ($0["alias"] ?? "") < ($1["alias"] ?? "") }
        }
        return object
    }
}
