import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import NIOCore
import Synchronization

/// A local stand-in for an MLflow 3.17.2 tracking server's model registry, per `shared/specs/mlflow/` and the
/// curl transcript of a real server (`shared/specs/notes/mlflow-3.17.2-curl-transcript.md`): under
/// `/api/2.0/mlflow/` it serves `registered-models/` `search`, `get`, `create`, `update`, `delete`, `set-tag`,
/// `delete-tag`, `alias` (GET, POST, DELETE), `get-latest-versions`; `model-versions/` `search` (GET only),
/// `get`, `create`, `update`, `delete`, `set-tag`, `delete-tag`, `transition-stage`; and `runs/get` for seeded runs.
///
/// MLflow's quirks are reproduced: GET reads the query string and every other method only the JSON body (a
/// DELETE with query parameters is `Missing value for required parameter 'name'`); page tokens are base64
/// `{"offset": N}`; empty lists and an unset model description are omitted, unset version strings are `""`;
/// errors are `{"error_code","message","sqlstate","error_class"}` with MLflow's statuses and wording;
/// `RESOURCE_ALREADY_EXISTS` is HTTP 400. With `users`, the `basic-auth` app is imitated: no or wrong
/// credentials → 401 plain text. See `Sources/ModelGateSimulators/MLflow/README.md`.
///
/// ```swift
/// let simulator = MLflowSimulator(users: ["admin": "secret"])
/// let router = Router()
/// simulator.addRoutes(to: router)
/// let host = try await SimulatorHost.start(router)
/// ```
public final class MLflowSimulator: Sendable {
    /// Where the REST API is mounted.
    public static let apiPrefix = "/api/2.0/mlflow/"
    /// `registered-models/search` refuses a larger `max_results`.
    public static let maxModelsPageSize = 1000
    /// `model-versions/search` refuses a larger `max_results`.
    public static let maxVersionsPageSize = 200_000
    /// The plain-text body of a 401 from the `basic-auth` app.
    public static let unauthenticatedText =
        "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate."

    struct State: Sendable {
        var models: [String: MLflowModelRecord] = [:]
        var runs: [String: MLflowRunRecord] = [:]
        var lastMillis: Int64 = 0
        var requests: [String] = []
    }

    public let faults: FaultInjector
    /// Basic-auth users (`username: password`); empty serves without auth, like a plain `mlflow server`.
    private let users: Mutex<[String: String]>
    let state: Mutex<State>
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - users: basic-auth users; empty for an open server.
    ///   - faults: injected in front of the API routes (a throttle is a 429 `REQUEST_LIMIT_EXCEEDED`).
    public init(
        users: [String: String] = [:], faults: FaultInjector = FaultInjector(),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.users = Mutex(users)
        self.faults = faults
        self.clock = now
        self.state = Mutex(State())
    }

    /// Adds (or changes the password of) a basic-auth user; the first one turns auth on.
    public func setUser(_ username: String, password: String) { users.withLock { $0[username] = password } }

    /// `METHOD endpoint` of every request that passed auth (`GET registered-models/search`).
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// Names of the stored models, sorted.
    public var modelNames: [String] { state.withLock { $0.models.keys.sorted() } }

    /// A stored model as `registered-models/get` shows it, or nil.
    public func modelJSON(_ name: String) -> JSONValue? {
        state.withLock { state in state.models[name].map { Self.view($0) } }
    }

    /// Every version of a stored model as `model-versions/get` shows it, by version number.
    public func versionsJSON(_ name: String) -> [JSONValue] {
        state.withLock { state in
            guard let model = state.models[name] else { return [] }
            return model.versions.sorted { $0.number < $1.number }.map { Self.view($0, model: model, withAliases: true) }
        }
    }

    // MARK: - Routes

    /// Adds the `/api/2.0/mlflow/**` routes with MLflow-style fault injection in front of them.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group("api/2.0/mlflow").add(middleware: FaultMiddleware<Context>(faults, answers: .mlflow))
        SimulatorJSON.routeEverything(group) { request in try await self.respond(to: request) }
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
        let query = SimulatorJSON.decodedQuery(of: request)
        let answer = handle(
            method: request.method.rawValue, path: request.uri.path, query: query, body: body,
            authorization: request.headers[.authorization])
        switch answer {
        case .json(let status, let json):
            return SimulatorJSON.response(status: status, value: json)
        case .text(let status, let text, let contentType):
            return Response(
                status: HTTPResponse.Status(code: status), headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// An answer before it becomes a `Response`.
    enum Answer: Sendable {
        case json(Int, JSONValue)
        case text(Int, String, contentType: String)
    }

    /// The whole API as a function of the request.
    func handle(method: String, path: String, query: [(String, String)], body: [UInt8], authorization: String?) -> Answer {
        let known = users.withLock { $0 }
        if !known.isEmpty {
            guard let (user, password) = Self.basicCredentials(authorization), known[user] == password else {
                return .text(401, Self.unauthenticatedText, contentType: "text/html; charset=utf-8")
            }
        }
        guard path.hasPrefix(Self.apiPrefix) else { return Self.notFoundPage }
        let endpoint = String(path.dropFirst(Self.apiPrefix.count))
        var params: [String: JSONValue] = [:]
        if method == "GET" {
            // Repeated keys (`order_by`) become a list.
            for (key, value) in query {
                switch params[key] {
                case nil: params[key] = .string(value)
                case .array(let items)?: params[key] = .array(items + [.string(value)])
                case let first?: params[key] = .array([first, .string(value)])
                }
            }
        } else if !body.isEmpty {
            guard let json = try? JSONValue.parse(Data(body)), let object = json.objectValue else {
                return .json(400, MLflowAPIError.invalid("Malformed request: the body is not a JSON object").body)
            }
            params = object
        }
        state.withLock { $0.requests.append("\(method) \(endpoint)") }
        do throws(MLflowAPIError) {
            return .json(200, try route(method: method, endpoint: endpoint, params: params))
        } catch {
            if error.status == 405 { return Self.methodNotAllowedPage }
            if error.status == 404, error.body == [:] { return Self.notFoundPage }
            return .json(error.status, error.body)
        }
    }

    static let notFoundPage = Answer.text(
        404,
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n",
        contentType: "text/html; charset=utf-8")
    static let methodNotAllowedPage = Answer.text(
        405,
        "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n",
        contentType: "text/html; charset=utf-8")

    static func basicCredentials(_ authorization: String?) -> (String, String)? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: String(parts[1])),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static let routes: [String: Set<String>] = [
        "registered-models/search": ["GET"], "registered-models/get": ["GET"], "registered-models/create": ["POST"],
        "registered-models/update": ["PATCH"], "registered-models/delete": ["DELETE"],
        "registered-models/set-tag": ["POST"], "registered-models/delete-tag": ["DELETE"],
        "registered-models/alias": ["GET", "POST", "DELETE"], "registered-models/get-latest-versions": ["GET", "POST"],
        "model-versions/search": ["GET"], "model-versions/get": ["GET"], "model-versions/create": ["POST"],
        "model-versions/update": ["PATCH"], "model-versions/delete": ["DELETE"], "model-versions/set-tag": ["POST"],
        "model-versions/delete-tag": ["DELETE"], "model-versions/transition-stage": ["POST"], "runs/get": ["GET"],
    ]

    func route(method: String, endpoint: String, params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        guard let methods = Self.routes[endpoint] else { throw MLflowAPIError(status: 404, body: [:]) }
        guard methods.contains(method) else { throw MLflowAPIError(status: 405, body: [:]) }
        switch (endpoint, method) {
        case ("registered-models/search", _): return try searchModels(params)
        case ("registered-models/get", _): return try getModel(params)
        case ("registered-models/create", _): return try createModel(params)
        case ("registered-models/update", _): return try updateModel(params)
        case ("registered-models/delete", _): return try deleteModel(params)
        case ("registered-models/set-tag", _): return try setModelTag(params)
        case ("registered-models/delete-tag", _): return try deleteModelTag(params)
        case ("registered-models/alias", "GET"): return try getAlias(params)
        case ("registered-models/alias", "POST"): return try setAlias(params)
        case ("registered-models/alias", _): return try deleteAlias(params)
        case ("registered-models/get-latest-versions", _): return try latestVersions(params)
        case ("model-versions/search", _): return try searchVersions(params)
        case ("model-versions/get", _): return try getVersion(params)
        case ("model-versions/create", _): return try createVersion(params)
        case ("model-versions/update", _): return try updateVersion(params)
        case ("model-versions/delete", _): return try deleteVersion(params)
        case ("model-versions/set-tag", _): return try setVersionTag(params)
        case ("model-versions/delete-tag", _): return try deleteVersionTag(params)
        case ("model-versions/transition-stage", _): return try transitionStage(params)
        default: return try getRun(params)
        }
    }

    // MARK: - Helpers

    /// Now in ms, never before the previous stamp.
    static func stamp(_ state: inout State, _ clock: @Sendable () -> Date) -> Int64 {
        let now = max(Int64((clock().timeIntervalSince1970 * 1000).rounded(.down)), state.lastMillis)
        state.lastMillis = now
        return now
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func tagList(_ tags: [(key: String, value: String)]) -> JSONValue {
        .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] })
    }

    /// The `model_version` entity. `aliases` (strings) only where MLflow sends them (`model-versions/get`,
    /// `registered-models/alias`), and only when there are some.
    static func view(_ version: MLflowVersionRecord, model: MLflowModelRecord, withAliases: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(model.name), "version": .string(String(version.number)),
            "creation_timestamp": .int(version.createdAt), "last_updated_timestamp": .int(version.updatedAt),
            "current_stage": .string(version.stage), "description": .string(version.description),
            "source": .string(version.source), "run_id": .string(version.runID), "status": .string(version.status),
            "run_link": .string(version.runLink),
        ]
        if !version.tags.isEmpty { object["tags"] = tagList(version.tags) }
        if withAliases {
            let aliases = model.aliases.filter { $0.value == version.number }.map(\.key).sorted()
            if !aliases.isEmpty { object["aliases"] = .array(aliases.map(JSONValue.string)) }
        }
        return .object(object)
    }

    /// The `registered_model` entity: `latest_versions` is the highest version of each stage.
    static func view(_ model: MLflowModelRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(model.name), "creation_timestamp": .int(model.createdAt),
            "last_updated_timestamp": .int(model.updatedAt),
        ]
        if !model.description.isEmpty { object["description"] = .string(model.description) }
        var latest: [String: MLflowVersionRecord] = [:]
        for version in model.versions where (latest[version.stage]?.number ?? 0) < version.number {
            latest[version.stage] = version
        }
        if !latest.isEmpty {
            object["latest_versions"] = .array(
                latest.values.sorted { $0.number < $1.number }.map { view($0, model: model, withAliases: false) })
        }
        if !model.tags.isEmpty { object["tags"] = tagList(model.tags) }
        if !model.aliases.isEmpty {
            object["aliases"] = .array(
                model.aliases.sorted { $0.key < $1.key }.map {
                    ["alias": .string($0.key), "version": .string(String($0.value))]
                })
        }
        return .object(object)
    }
}

/// An MLflow error answer: `{"error_code","message","sqlstate","error_class"}`.
struct MLflowAPIError: Error, Sendable {
    var status: Int
    var body: JSONValue

    init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    init(status: Int, code: String, errorClass: String, message: String) {
        self.status = status
        self.body = [
            "error_code": .string(code), "message": .string(message), "sqlstate": "KAM00",
            "error_class": .string(errorClass),
        ]
    }

    static func notFound(_ message: String) -> MLflowAPIError {
        MLflowAPIError(status: 404, code: "RESOURCE_DOES_NOT_EXIST", errorClass: "RESOURCE_NOT_FOUND", message: message)
    }

    static func alreadyExists(_ message: String) -> MLflowAPIError {
        MLflowAPIError(
            status: 400, code: "RESOURCE_ALREADY_EXISTS", errorClass: "RESOURCE_ALREADY_EXISTS", message: message)
    }

    static func invalid(_ message: String) -> MLflowAPIError {
        MLflowAPIError(
            status: 400, code: "INVALID_PARAMETER_VALUE", errorClass: "INVALID_PARAMETER_VALUE", message: message)
    }

    static func missing(_ name: String) -> MLflowAPIError {
        invalid("Missing value for required parameter '\(name)'. See the API docs for more information about request parameters.")
    }

    static func modelNotFound(_ name: String) -> MLflowAPIError {
        notFound("Registered Model with name=\(name) not found")
    }

    static func versionNotFound(_ name: String, _ version: String) -> MLflowAPIError {
        notFound("Model Version (name=\(name), version=\(version)) not found")
    }
}

extension FaultAnswers {
    /// MLflow behind a gateway: 429 `REQUEST_LIMIT_EXCEEDED` with `Retry-After`, 503 `TEMPORARILY_UNAVAILABLE`
    /// (the error codes of `databricks.proto`; the OSS server itself never throttles).
    public static let mlflow = FaultAnswers(
        throttled: { plan in
            SimulatorJSON.response(
                status: 429,
                ["error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests (simulated). Retry later."],
                headers: [.retryAfter: String(plan.retryAfterSeconds)])
        },
        unavailable: {
            SimulatorJSON.response(
                status: 503, ["error_code": "TEMPORARILY_UNAVAILABLE", "message": "Service unavailable (simulated)"])
        })
}
