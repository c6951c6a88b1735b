import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import NIOCore
import Synchronization

/// A local stand-in for GitLab's MLflow-compatible model registry API, per `shared/specs/gitlab/`
/// (`mlflow-compat-registry.endpoints.json`): under `/api/v4/projects/:id/ml/mlflow/api/2.0/mlflow/` it serves
/// `registered-models/` `search`, `get`, `create`, `update`, `delete`, `get-latest-versions` (POST only) and
/// `alias` (GET), and `model-versions/` `get`, `create`, `update`.
///
/// GitLab's differences from MLflow are reproduced: a version's `version` is GitLab's internal id and its
/// SemVer is `aliases[0]`; timestamps are Unix seconds; `latest_versions` lists every version; a new version
/// takes its SemVer from the `gitlab.version` tag (else the highest patch + 1); every success is HTTP 200.
/// Auth is a personal/project access token in `Authorization: Bearer` or `PRIVATE-TOKEN` (else 401
/// `{"message":"401 Unauthorized"}`). Every answer carries `RateLimit-*` headers; a throttled request gets
/// GitLab's plain-text 429 `Retry later` with `Retry-After`. See `Sources/ModelGateSimulators/GitLab/README.md`.
///
/// ```swift
/// let simulator = GitLabSimulator(projectID: "42", tokens: ["glpat-…"])
/// let router = Router()
/// simulator.addRoutes(to: router)
/// let host = try await SimulatorHost.start(router)
/// ```
public final class GitLabSimulator: Sendable {
    /// The mount below the project: `ml/mlflow/api/2.0/mlflow/`.
    public static let mlflowPrefix = "ml/mlflow/api/2.0/mlflow/"
    /// The tag whose value becomes a new version's SemVer.
    public static let versionTag = "gitlab.version"

    struct State: Sendable {
        var models: [String: GitLabModelRecord] = [:]
        var nextModelID = 7
        var nextVersionID = 1001
        var nextRun = 1
        var lastSeconds: Int64 = 0
        var requests: [String] = []
        var windowStart: Int64 = 0
        var windowCount = 0
    }

    /// The project's numeric id.
    public let projectID: String
    /// The project's full path (`group/project`); requests may name the project by it, URL-encoded.
    public let projectPath: String
    /// The web URL of the instance, used in each version's `source` (the model-version page).
    public let webURL: String
    public let faults: FaultInjector
    /// `max_results` when none is given (GitLab: 200), and the largest honoured (1000).
    public let defaultPageSize: Int
    public let maxPageSize: Int
    /// Requests per minute per token before GitLab's own limit would answer 429 (`RateLimit-Limit`).
    public let rateLimit: Int
    private let validTokens: Mutex<Set<String>>
    let state: Mutex<State>
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - projectID, projectPath: the only project served; other ids answer 404 `Project Not Found`.
    ///   - tokens: the valid access tokens.
    ///   - faults: injected in front of the `/api/v4/` routes (a throttle is GitLab's plain-text 429).
    public init(
        projectID: String = "42", projectPath: String = "ml-group/models", tokens: Set<String>,
        webURL: String = "https://gitlab.example.com", faults: FaultInjector = FaultInjector(),
        defaultPageSize: Int = 200, maxPageSize: Int = 1000, rateLimit: Int = 2000,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.projectID = projectID
        self.projectPath = projectPath
        self.webURL = webURL
        self.faults = faults
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.rateLimit = rateLimit
        self.validTokens = Mutex(tokens)
        self.clock = now
        self.state = Mutex(State())
    }

    /// Revokes every token (requests then answer 401) or adds one.
    public func revokeAllTokens() { validTokens.withLock { $0.removeAll() } }
    public func addToken(_ token: String) { _ = validTokens.withLock { $0.insert(token) } }

    /// `METHOD endpoint?query` of every request that reached the API (after faults and auth), endpoint
    /// relative to the MLflow mount (`GET registered-models/search?max_results=3`).
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// Names of the stored models.
    public var modelNames: [String] { state.withLock { $0.models.keys.sorted() } }

    /// A stored model as `registered-models/get` shows it, or nil.
    public func modelJSON(_ name: String) -> JSONValue? {
        state.withLock { state in state.models[name].map { view($0) } }
    }

    /// Every version of a stored model as the API shows it, ordered by SemVer.
    public func versionsJSON(_ name: String) -> [JSONValue] {
        state.withLock { state in
            guard let model = state.models[name] else { return [] }
            return Self.sortedBySemVer(model.versions).map { view($0, model: model) }
        }
    }

    // MARK: - Seeding

    /// Stores `model` with its versions (internal ids assigned in order; a missing run id is made up).
    /// Replaces a model of the same name. Seed data is not validated (a non-SemVer version is kept as given).
    public func seed(_ model: GitLabSeedModel) {
        state.withLock { state in
            let now = Self.stamp(&state, clock)
            var versions: [GitLabVersionRecord] = []
            for seed in model.versions {
                let created = seed.createdAt.map(Self.seconds) ?? now
                versions.append(
                    GitLabVersionRecord(
                        id: Self.nextVersionID(&state), semver: seed.version, description: seed.description,
                        tags: seed.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
                        runID: seed.runID ?? Self.nextRunID(&state), createdAt: created,
                        updatedAt: seed.updatedAt.map(Self.seconds) ?? created))
            }
            let created = model.createdAt.map(Self.seconds) ?? versions.map(\.createdAt).min() ?? now
            let updated = ([created] + versions.map(\.updatedAt)).max() ?? created
            let id = state.models[model.name]?.id ?? Self.nextModelID(&state)
            state.models[model.name] = GitLabModelRecord(
                id: id, name: model.name, description: model.description,
                tags: model.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
                createdAt: created, updatedAt: updated, versions: versions)
        }
    }

    // MARK: - Routes

    /// Adds the `/api/v4/projects/**` routes, with GitLab-style fault injection in front of them.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group("api/v4/projects").add(middleware: FaultMiddleware<Context>(faults, answers: .gitLab))
        SimulatorJSON.routeEverything(group) { request in try await self.respond(to: request) }
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
        let query = SimulatorJSON.decodedQuery(of: request)
        let token = Self.token(authorization: request.headers[.authorization], privateToken: request.headers[Self.privateToken])
        let (status, json) = handle(method: request.method.rawValue, path: request.uri.path, query: query, body: body, token: token)
        var headers = rateLimitHeaders()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: .init(string: json.jsonString())))
    }

    static let privateToken = HTTPField.Name("PRIVATE-TOKEN")!

    static func token(authorization: String?, privateToken: String?) -> String? {
        if let privateToken, !privateToken.isEmpty { return privateToken }
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// GitLab's `RateLimit-*` headers for the current one-minute window (counted per simulator, not per token).
    func rateLimitHeaders() -> HTTPFields {
        let now = Int64(clock().timeIntervalSince1970)
        let (count, reset): (Int, Int64) = state.withLock { state in
            if now - state.windowStart >= 60 {
                state.windowStart = now
                state.windowCount = 0
            }
            state.windowCount += 1
            return (state.windowCount, state.windowStart + 60)
        }
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("RateLimit-Name")!] = "throttle_authenticated_api"
        headers[HTTPField.Name("RateLimit-Limit")!] = String(rateLimit)
        headers[HTTPField.Name("RateLimit-Observed")!] = String(count)
        headers[HTTPField.Name("RateLimit-Remaining")!] = String(max(rateLimit - count, 0))
        headers[HTTPField.Name("RateLimit-Reset")!] = String(reset)
        return headers
    }

    /// The whole API as a function of the request: `(status, JSON body)`. `path` is still percent-encoded.
    func handle(method: String, path: String, query: [(String, String)], body: [UInt8], token: String?)
        -> (Int, JSONValue)
    {
        guard let token, validTokens.withLock({ $0.contains(token) }) else {
            return (401, ["message": "401 Unauthorized"])
        }
        let prefix = "/api/v4/projects/"
        guard path.hasPrefix(prefix) else { return (404, ["error": "404 Not Found"]) }
        let rest = path.dropFirst(prefix.count)
        // The project is its id or its URL-encoded full path (`group%2Fproject`; decoded if a proxy decoded it).
        let encodedPath = projectPath.replacingOccurrences(of: "/", with: "%2F")
        let mounted: Substring
        if let match = [projectID, encodedPath, projectPath].first(where: { rest.lowercased().hasPrefix($0.lowercased() + "/") })
        {
            mounted = rest.dropFirst(match.count + 1)
        } else {
            return (404, ["message": "404 Project Not Found"])
        }
        guard mounted.hasPrefix(Self.mlflowPrefix) else { return (404, ["error": "404 Not Found"]) }
        let endpoint = String(mounted.dropFirst(Self.mlflowPrefix.count))

        var params: [String: JSONValue] = [:]
        for (key, value) in query { params[key] = .string(value) }
        if !body.isEmpty {
            guard let json = try? JSONValue.parse(Data(body)), let object = json.objectValue else {
                return (400, ["error": "The request body is not valid JSON"])
            }
            params.merge(object) { _, fromBody in fromBody }
        }
        let queryText = query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        state.withLock { $0.requests.append("\(method) \(endpoint)" + (queryText.isEmpty ? "" : "?\(queryText)")) }
        do throws(GitLabAPIError) {
            return (200, try route(method: method, endpoint: endpoint, params: params))
        } catch {
            return (error.status, error.body)
        }
    }

    func route(method: String, endpoint: String, params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        switch (endpoint, method) {
        case ("registered-models/search", "GET"): return try search(params)
        case ("registered-models/get", "GET"): return try getModel(params)
        case ("registered-models/create", "POST"): return try createModel(params)
        case ("registered-models/update", "PATCH"): return try updateModel(params)
        case ("registered-models/delete", "DELETE"): return try deleteModel(params)
        case ("registered-models/get-latest-versions", "POST"): return try latestVersions(params)
        case ("registered-models/alias", "GET"): return try alias(params)
        case ("model-versions/get", "GET"): return try getVersion(params)
        case ("model-versions/create", "POST"): return try createVersion(params)
        case ("model-versions/update", "PATCH"): return try updateVersion(params)
        case ("registered-models/search", _), ("registered-models/get", _), ("registered-models/create", _),
            ("registered-models/update", _), ("registered-models/delete", _), ("registered-models/get-latest-versions", _),
            ("registered-models/alias", _), ("model-versions/get", _), ("model-versions/create", _),
            ("model-versions/update", _):
            throw GitLabAPIError(status: 405, body: ["error": "405 Not Allowed"])
        default:
            throw GitLabAPIError(status: 404, body: ["error": "404 Not Found"])
        }
    }

    // MARK: - Helpers shared by the handlers

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// Now in seconds, never before the previous stamp.
    static func stamp(_ state: inout State, _ clock: @Sendable () -> Date) -> Int64 {
        let now = max(seconds(clock()), state.lastSeconds)
        state.lastSeconds = now
        return now
    }

    static func nextVersionID(_ state: inout State) -> Int {
        defer { state.nextVersionID += 3 }  // ids of other projects' versions fall in between
        return state.nextVersionID
    }

    static func nextModelID(_ state: inout State) -> Int {
        defer { state.nextModelID += 1 }
        return state.nextModelID
    }

    static func nextRunID(_ state: inout State) -> String {
        defer { state.nextRun += 1 }
        let hex = String(state.nextRun * 7919, radix: 16)
        return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
    }

    static func sortedBySemVer(_ versions: [GitLabVersionRecord]) -> [GitLabVersionRecord] {
        versions.sorted { lhs, rhs in
            switch (GitLabSemVer(lhs.semver), GitLabSemVer(rhs.semver)) {
            case let (l?, r?) where l != r: return l < r
            default: return lhs.id < rhs.id
            }
        }
    }

    /// GitLab's `model_version` entity.
    func view(_ version: GitLabVersionRecord, model: GitLabModelRecord) -> JSONValue {
        [
            "name": .string(model.name),
            "version": .string(String(version.id)),
            "aliases": [.string(version.semver)],
            "creation_timestamp": .int(version.createdAt),
            "last_updated_timestamp": .int(version.updatedAt),
            "user_id": .null,
            "current_stage": "development",
            "description": .string(version.description ?? ""),
            "source": .string("\(webURL)/\(projectPath)/-/ml/models/\(model.id)/versions/\(version.id)"),
            "run_id": .string(version.runID),
            "run_link": "",
            "status": "READY",
            "status_message": "",
            "tags": .array(version.tags.map { ["key": .string($0.key), "value": .string($0.value)] }),
        ]
    }

    /// GitLab's `registered_model` entity (`latest_versions` holds every version).
    func view(_ model: GitLabModelRecord) -> JSONValue {
        [
            "name": .string(model.name),
            "creation_timestamp": .int(model.createdAt),
            "last_updated_timestamp": .int(model.updatedAt),
            "description": .string(model.description ?? ""),
            "user_id": "1",
            "tags": .array(model.tags.map { ["key": .string($0.key), "value": .string($0.value)] }),
            "latest_versions": .array(Self.sortedBySemVer(model.versions).map { view($0, model: model) }),
        ]
    }
}

/// An error answer: MLflow-style `{"error_code","message"}` for API errors, GitLab's own shapes otherwise.
struct GitLabAPIError: Error, Sendable {
    var status: Int
    var body: JSONValue

    static func notFound(_ message: String) -> GitLabAPIError {
        GitLabAPIError(status: 404, body: ["error_code": "RESOURCE_DOES_NOT_EXIST", "message": .string(message)])
    }

    static func alreadyExists(_ message: String) -> GitLabAPIError {
        GitLabAPIError(status: 400, body: ["error_code": "RESOURCE_ALREADY_EXISTS", "message": .string(message)])
    }

    static func invalid(_ message: String) -> GitLabAPIError {
        GitLabAPIError(status: 400, body: ["error_code": "INVALID_PARAMETER_VALUE", "message": .string(message)])
    }
}
