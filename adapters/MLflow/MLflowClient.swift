import Foundation
import ModelGateCore
import ModelGateTransport

/// A thin client for the MLflow REST API 2.0 (model registry plus the run reads lineage needs).
///
/// It speaks MLflow's wire format and nothing more: GET parameters go in the query string, POST, PATCH
/// and DELETE send a JSON body (MLflow's DELETE endpoints ignore the query string), every non-2xx answer
/// becomes a `RegistryError` naming the registry, the call, the HTTP status and MLflow's `error_code`.
/// Authentication and retries are the transport's business: pass an already composed `HTTPTransport`.
///
/// The API base path is a parameter so that servers mounting the same API elsewhere (GitLab serves a
/// subset under `/api/v4/projects/:id/ml/mlflow/api/2.0/mlflow`) can reuse this client.
public struct MLflowClient: Sendable {
    /// Where an MLflow tracking server mounts its REST API.
    public static let defaultAPIBasePath = "/api/2.0/mlflow"
    /// `registered-models/search` refuses a larger `max_results` (MLflow 3.17.2).
    public static let maxRegisteredModelsPageSize = 1000
    /// `model-versions/search` refuses a larger `max_results` (MLflow 3.17.2).
    public static let maxModelVersionsPageSize = 200_000

    /// One page of a search: the raw objects (checked by the caller, one by one) and the next token.
    public struct Page: Sendable {
        public var items: [JSONValue]
        /// Opaque; nil on the last page.
        public var nextPageToken: String?

        public init(items: [JSONValue], nextPageToken: String?) {
            self.items = items
            self.nextPageToken = nextPageToken
        }
    }

    /// The configured registry name, used in errors.
    public let registry: String
    /// The server's base URL without a trailing slash (`http://127.0.0.1:5000`).
    public let baseURL: String
    /// The API mount path, starting with `/` and without a trailing slash.
    public let apiBasePath: String
    private let transport: any HTTPTransport

    /// - Parameters:
    ///   - registry: the configured registry name (for errors and logs).
    ///   - baseURL: the tracking server URL; a path prefix is kept (`https://host/mlflow`).
    ///   - apiBasePath: the REST mount below `baseURL`, default `/api/2.0/mlflow`.
    ///   - transport: the composed transport (authorization, retries, redirects already applied).
    public init(
        registry: String, baseURL: String, apiBasePath: String = MLflowClient.defaultAPIBasePath,
        transport: any HTTPTransport
    ) {
        self.registry = registry
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        var path = apiBasePath.hasPrefix("/") ? apiBasePath : "/" + apiBasePath
        while path.hasSuffix("/") { path.removeLast() }
        self.apiBasePath = path
        self.transport = transport
    }

    // MARK: - Registered models

    /// `GET registered-models/search`. `maxResults` is sent as given (the server refuses more than 1000).
    public func searchRegisteredModels(
        filter: String? = nil, maxResults: Int? = nil, orderBy: [String] = [], pageToken: String? = nil
    ) async throws -> Page {
        let json = try await call(
            .GET, "registered-models/search",
            query: Self.searchQuery(filter: filter, maxResults: maxResults, orderBy: orderBy, pageToken: pageToken))
        return try page(json, itemsKey: "registered_models", call: "registered-models/search")
    }

    /// `GET registered-models/get`: the model with its tags and all its aliases.
    public func getRegisteredModel(name: String) async throws -> MLflowRegisteredModel {
        let json = try await call(.GET, "registered-models/get", query: [("name", name)])
        return try decode(json, key: "registered_model", operation: operationName(.GET, "registered-models/get"), MLflowRegisteredModel.init)
    }

    /// `POST registered-models/create`.
    public func createRegisteredModel(
        name: String, description: String? = nil, tags: [String: String] = [:]
    ) async throws -> MLflowRegisteredModel {
        var body: [String: JSONValue] = ["name": .string(name)]
        if let description { body["description"] = .string(description) }
        if !tags.isEmpty { body["tags"] = Self.tagList(tags) }
        let json = try await call(.POST, "registered-models/create", body: .object(body))
        return try decode(json, key: "registered_model", operation: operationName(.POST, "registered-models/create"), MLflowRegisteredModel.init)
    }

    /// `POST registered-models/set-tag`.
    public func setRegisteredModelTag(name: String, key: String, value: String) async throws {
        _ = try await call(
            .POST, "registered-models/set-tag", body: ["name": .string(name), "key": .string(key), "value": .string(value)],
            retrySafe: true)
    }

    /// `DELETE registered-models/delete-tag` (JSON body).
    public func deleteRegisteredModelTag(name: String, key: String) async throws {
        _ = try await call(.DELETE, "registered-models/delete-tag", body: ["name": .string(name), "key": .string(key)])
    }

    /// `POST registered-models/alias`: points `alias` at `version` (moving it if it pointed elsewhere).
    public func setAlias(name: String, alias: String, version: String) async throws {
        _ = try await call(
            .POST, "registered-models/alias",
            body: ["name": .string(name), "alias": .string(alias), "version": .string(version)], retrySafe: true)
    }

    /// `DELETE registered-models/alias` (JSON body). MLflow answers 200 also when the alias did not exist.
    public func deleteAlias(name: String, alias: String) async throws {
        _ = try await call(.DELETE, "registered-models/alias", body: ["name": .string(name), "alias": .string(alias)])
    }

    // MARK: - Model versions

    /// `GET model-versions/search` (MLflow answers POST with 405). Page tokens of the SQL store are offsets.
    public func searchModelVersions(
        filter: String? = nil, maxResults: Int? = nil, orderBy: [String] = [], pageToken: String? = nil
    ) async throws -> Page {
        let json = try await call(
            .GET, "model-versions/search",
            query: Self.searchQuery(filter: filter, maxResults: maxResults, orderBy: orderBy, pageToken: pageToken))
        return try page(json, itemsKey: "model_versions", call: "model-versions/search")
    }

    /// Every version of the model `name`, walking all pages of `model-versions/search`.
    ///
    /// Page tokens are offsets, so a version created or deleted during the walk shifts later pages:
    /// duplicates are dropped here (same version string), and objects of other models are filtered out
    /// (names holding both quote characters need a `LIKE` filter, see `nameFilter(_:)`).
    /// Items stay raw JSON so that one malformed version does not hide the others.
    public func allModelVersions(name: String, pageSize: Int) async throws -> [JSONValue] {
        let filter = Self.nameFilter(name)
        var items: [JSONValue] = []
        var seen: [String: [JSONValue]] = [:]
        var seenTokens: Set<String> = []
        var token: String?
        repeat {
            try Task.checkCancellation()
            let page = try await searchModelVersions(
                filter: filter, maxResults: pageSize, orderBy: ["version_number ASC"], pageToken: token)
            for item in page.items {
                // Another model matched by a LIKE filter: skip. A missing/odd name stays (it is reported later).
                if let itemName = item["name"]?.stringValue, itemName != name { continue }
                // An identical repeat is an offset page shifting under a concurrent write: dropped. The same version
                // with other contents is kept, and the sync reports it as a duplicate.
                let key = MLflowModelVersion.versionHint(item) ?? "raw:" + item.jsonString()
                if seen[key]?.contains(item) == true { continue }
                seen[key, default: []].append(item)
                items.append(item)
            }
            token = page.nextPageToken
            if let current = token, !seenTokens.insert(current).inserted {
                throw RegistryError(
                    code: .malformedPayload, registry: registry, operation: operationName(.GET, "model-versions/search"),
                    message: "MLflow returned the same page token twice while listing versions of '\(name)'")
            }
        } while token != nil
        return items
    }

    /// `GET model-versions/get`: one version, with the aliases that point at it.
    public func getModelVersion(name: String, version: String) async throws -> MLflowModelVersion {
        let json = try await call(.GET, "model-versions/get", query: [("name", name), ("version", version)])
        return try decode(json, key: "model_version", operation: operationName(.GET, "model-versions/get"), MLflowModelVersion.init)
    }

    /// `POST model-versions/create`. The server picks the version number.
    public func createModelVersion(
        name: String, source: String, runID: String? = nil, runLink: String? = nil, description: String? = nil,
        tags: [String: String] = [:]
    ) async throws -> MLflowModelVersion {
        var body: [String: JSONValue] = ["name": .string(name), "source": .string(source)]
        if let runID, !runID.isEmpty { body["run_id"] = .string(runID) }
        if let runLink, !runLink.isEmpty { body["run_link"] = .string(runLink) }
        if let description { body["description"] = .string(description) }
        if !tags.isEmpty { body["tags"] = Self.tagList(tags) }
        let json = try await call(.POST, "model-versions/create", body: .object(body))
        return try decode(json, key: "model_version", operation: operationName(.POST, "model-versions/create"), MLflowModelVersion.init)
    }

    /// `PATCH model-versions/update`: sets the description.
    public func updateModelVersion(name: String, version: String, description: String) async throws -> MLflowModelVersion {
        let json = try await call(
            .PATCH, "model-versions/update",
            body: ["name": .string(name), "version": .string(version), "description": .string(description)],
            retrySafe: true)
        return try decode(json, key: "model_version", operation: operationName(.PATCH, "model-versions/update"), MLflowModelVersion.init)
    }

    /// `POST model-versions/transition-stage`. `stage` is `None`, `Staging`, `Production` or `Archived`.
    public func transitionStage(
        name: String, version: String, stage: String, archiveExistingVersions: Bool = false
    ) async throws -> MLflowModelVersion {
        let json = try await call(
            .POST, "model-versions/transition-stage",
            body: [
                "name": .string(name), "version": .string(version), "stage": .string(stage),
                "archive_existing_versions": .bool(archiveExistingVersions),
            ],
            retrySafe: !archiveExistingVersions)
        return try decode(json, key: "model_version", operation: operationName(.POST, "model-versions/transition-stage"), MLflowModelVersion.init)
    }

    /// `POST model-versions/set-tag`.
    public func setModelVersionTag(name: String, version: String, key: String, value: String) async throws {
        _ = try await call(
            .POST, "model-versions/set-tag",
            body: ["name": .string(name), "version": .string(version), "key": .string(key), "value": .string(value)],
            retrySafe: true)
    }

    /// `DELETE model-versions/delete-tag` (JSON body).
    public func deleteModelVersionTag(name: String, version: String, key: String) async throws {
        _ = try await call(
            .DELETE, "model-versions/delete-tag",
            body: ["name": .string(name), "version": .string(version), "key": .string(key)])
    }

    // MARK: - Runs

    /// `GET runs/get`: info, latest metrics, params, tags and dataset inputs of one run.
    public func getRun(id: String) async throws -> MLflowRun {
        let json = try await call(.GET, "runs/get", query: [("run_id", id)])
        return try decode(json, key: "run", operation: operationName(.GET, "runs/get"), MLflowRun.init)
    }

    // MARK: - Any call

    /// Sends one call to `endpoint` (relative to the API base, e.g. `runs/create`) and returns the JSON answer.
    ///
    /// GET and HEAD send `query`; other methods send `body` as JSON. `retrySafe` defaults to the method's
    /// idempotence; pass `true` for POSTs that are harmless to repeat. Throws `RegistryError` for any non-2xx
    /// status (with MLflow's `error_code` as `providerCode`) and for a 2xx body that is not JSON.
    public func call(
        _ method: HTTPMethod, _ endpoint: String, query: [(String, String)] = [], body: JSONValue? = nil,
        retrySafe: Bool? = nil
    ) async throws -> JSONValue {
        let operation = operationName(method, endpoint)
        var request = TransportRequest(
            method: method, url: url(endpoint, query: query), headers: [("Accept", "application/json")],
            registry: registry, operation: operation, retrySafe: retrySafe ?? method.isIdempotent)
        if let body {
            request.body = Array(body.jsonString().utf8)
            request.setHeader("Content-Type", "application/json")
        }
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch let error as RegistryError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RegistryError(
                code: .transport, registry: registry, operation: operation, message: "\(error)",
                underlying: error)
        }
        guard response.isSuccess else {
            throw RegistryError(response: response, request: request)
        }
        if response.body.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            return .object([:])
        }
        do {
            return try JSONValue.parse(Data(response.body))
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "the answer is not JSON: \(MLflowErrorBody.excerpt(response.bodyText))",
                attempts: response.attempts)
        }
    }

    /// The full URL of `endpoint` with `query` percent-encoded (RFC 3986 unreserved characters only).
    public func url(_ endpoint: String, query: [(String, String)] = []) -> String {
        var text = baseURL + apiBasePath + "/" + endpoint
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    /// A `model-versions/search` filter selecting the model `name`.
    ///
    /// MLflow's filter grammar has no escape for quotes (neither `''` nor `\'` work on 3.17.2): a name
    /// without `'` is written `name='…'`, one with `'` but no `"` is written `name="…"`, and a name holding
    /// both is matched with `name LIKE '…'` where each quote is the one-character wildcard `_`; callers then
    /// keep only exact matches (as `allModelVersions` does).
    public static func nameFilter(_ name: String) -> String {
        if !name.contains("'") { return "name='\(name)'" }
        if !name.contains("\"") { return "name=\"\(name)\"" }
        let pattern = String(name.map { $0 == "'" || $0 == "\"" ? "_" : $0 })
        return "name LIKE '\(pattern)'"
    }

    // MARK: - Helpers

    func operationName(_ method: HTTPMethod, _ endpoint: String) -> String {
        "\(method.rawValue) \(apiBasePath)/\(endpoint)"
    }

    static func searchQuery(filter: String?, maxResults: Int?, orderBy: [String], pageToken: String?) -> [(String, String)] {
        var query: [(String, String)] = []
        if let filter { query.append(("filter", filter)) }
        if let maxResults { query.append(("max_results", String(maxResults))) }
        for order in orderBy { query.append(("order_by", order)) }
        if let pageToken { query.append(("page_token", pageToken)) }
        return query
    }

    static func tagList(_ tags: [String: String]) -> JSONValue {
        .array(tags.sorted { $0.key < $1.key }.map { ["key": .string($0.key), "value": .string($0.value)] })
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private func page(_ json: JSONValue, itemsKey: String, call: String) throws -> Page {
        let operation = operationName(.GET, call)
        guard let object = json.objectValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "expected a JSON object, got \(MLflowErrorBody.excerpt(json.jsonString()))")
        }
        let items: [JSONValue]
        switch object[itemsKey] {
        case nil, .null?: items = []  // MLflow omits empty repeated fields: `{}` is an empty page
        case .array(let array)?: items = array
        case let other?:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "'\(itemsKey)' is not an array: \(MLflowErrorBody.excerpt(other.jsonString()))")
        }
        let token: String?
        switch object["next_page_token"] {
        case nil, .null?: token = nil
        case .string(let text)?: token = text.isEmpty ? nil : text
        case let other?:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "'next_page_token' is not a string: \(MLflowErrorBody.excerpt(other.jsonString()))")
        }
        return Page(items: items, nextPageToken: token)
    }

    private func decode<T>(
        _ json: JSONValue, key: String, operation: String, _ make: (JSONValue) throws(MLflowDecodingError) -> T
    ) throws -> T {
        guard let object = json[key] else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "the answer has no '\(key)': \(MLflowErrorBody.excerpt(json.jsonString()))")
        }
        do {
            return try make(object)
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "malformed '\(key)': \(error)", underlying: error)
        }
    }
}
