import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import Synchronization

/// A local stand-in for the Vertex AI Model Registry REST surface (`aiplatform` v1), per
/// `shared/specs/gcp/aiplatform.v1.models.trimmed.json`: `models` list, `get` (`@versionId`/`@alias`),
/// `:listVersions`, `models:upload` (a long-running operation done after `operationPolls` polls), PATCH with
/// `updateMask`, `:mergeVersionAliases`, `:deleteVersion` and model delete (operations too), and operation get.
///
/// Every `/v1/` call needs a bearer token from `tokens` (else 401 `UNAUTHENTICATED`); errors are Google's
/// `{"error":{"code","message","status"}}`. Faults of `faults` are injected in front of the `/v1/` routes only.
/// See `Sources/ModelGateSimulators/Vertex/README.md` for what is simulated and what is not.
///
/// ```swift
/// let router = Router()
/// tokenEndpoint.addRoutes(to: router)
/// simulator.addRoutes(to: router)
/// let host = try await SimulatorHost.start(router)
/// ```
public final class VertexSimulator: Sendable {
    /// The serving image given to seeded versions that name none.
    public static let defaultImageURI = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest"

    struct Operation: Sendable {
        enum Action: Sendable {
            case upload(modelID: String, parent: Bool, model: JSONValue)
            case deleteModel(String)
            case deleteVersion(String, Int)
        }
        var name: String
        var action: Action
        var pollsLeft: Int
        var metadata: JSONValue
        var done = false
        var response: JSONValue?
        var error: VertexAPIError?
    }

    struct State: Sendable {
        var models: [String: VertexModelRecord] = [:]
        var operations: [String: Operation] = [:]
        var reservedIDs: Set<String> = []
        var lastMillis: Int64 = 0
        var nextOperation = 1000
        var nextGeneratedID: Int64 = 1_234_567_890_000_000_000
        var operationPolls: Int
        var requests: [String] = []
    }

    public let project: String
    public let location: String
    public let tokens: TokenRegistry
    public let faults: FaultInjector
    /// `pageSize` when none is given, and the largest honoured.
    public let defaultPageSize: Int
    public let maxPageSize: Int
    let state: Mutex<State>
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - project, location: the only project and location served; others answer 404.
    ///   - tokens: where valid bearer tokens are registered (by a `GoogleTokenEndpoint`).
    ///   - faults: injected in front of the `/v1/` routes.
    ///   - operationPolls: how many `GET` of an operation it takes until it is done (at least 1).
    public init(
        project: String, location: String, tokens: TokenRegistry, faults: FaultInjector = FaultInjector(),
        operationPolls: Int = 3, defaultPageSize: Int = 100, maxPageSize: Int = 1000,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.project = project
        self.location = location
        self.tokens = tokens
        self.faults = faults
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.clock = now
        self.state = Mutex(State(operationPolls: max(1, operationPolls)))
    }

    /// `projects/{project}/locations/{location}`.
    public var parent: String { "projects/\(project)/locations/\(location)" }

    /// Polls an operation takes from now on.
    public var operationPolls: Int {
        get { state.withLock { $0.operationPolls } }
        set { state.withLock { $0.operationPolls = max(1, newValue) } }
    }

    /// `METHOD path?query` of every `/v1/` request that reached the handlers (after faults and auth).
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// Model ids currently stored.
    public var modelIDs: [String] { state.withLock { $0.models.keys.sorted() } }

    /// A stored model as the API would show it (`get` without version), or nil.
    public func modelJSON(_ id: String) -> JSONValue? {
        state.withLock { state in
            guard let model = state.models[id], let index = model.resolve(nil) else { return nil }
            return Self.view(model, index, parent: parent, withVersion: false)
        }
    }

    /// Every version of a stored model as `:listVersions` would show it, by version id.
    public func versionsJSON(_ id: String) -> [JSONValue] {
        state.withLock { state in
            guard let model = state.models[id] else { return [] }
            return model.versions.indices.map { Self.view(model, $0, parent: parent, withVersion: true) }
        }
    }

    // MARK: - Seeding

    /// Stores `model` with its versions numbered 1, 2, …; the first version gets `default` unless a seeded
    /// version names it. Replaces a model of the same id. Seed data is not validated.
    public func seed(_ model: VertexSeedModel) {
        state.withLock { state in
            var versions: [VertexVersionRecord] = []
            for (offset, seed) in model.versions.enumerated() {
                let created = seed.createTime ?? Self.stamp(&state, clock)
                versions.append(
                    VertexVersionRecord(
                        versionID: offset + 1, description: seed.description, labels: seed.labels,
                        artifactUri: seed.artifactUri, imageUri: seed.imageUri, trainingPipeline: seed.trainingPipeline,
                        aliases: seed.aliases, createTime: created, updateTime: seed.updateTime ?? created))
            }
            if !versions.isEmpty, !versions.contains(where: { $0.aliases.contains("default") }) {
                versions[0].aliases.insert("default", at: 0)
            }
            let created = model.createTime ?? versions.map(\.createTime).min() ?? Self.stamp(&state, clock)
            let updated = ([created] + versions.map(\.updateTime)).max() ?? created
            state.models[model.id] = VertexModelRecord(
                id: model.id, displayName: model.displayName, description: model.description, labels: model.labels,
                createTime: created, updateTime: updated, versions: versions, nextVersion: versions.count + 1)
        }
    }

    /// Seeds from normalized data: `model.name` is the id, `displayName` (else the name), `description`,
    /// `tags` → model labels; each version's `description`, `tags` → labels, `sourceURI` → `artifactUri`,
    /// `run.id` → `trainingPipeline`, `aliases`, `createdAt`/`updatedAt`. Versions are renumbered 1, 2, … in
    /// the order given.
    public func seed(model: RegistryModel, versions: [ModelVersion]) {
        seed(
            VertexSeedModel(
                id: model.name, displayName: model.displayName ?? model.name, description: model.description,
                labels: model.tags, createTime: model.createdAt,
                versions: versions.map {
                    VertexSeedVersion(
                        description: $0.description, labels: $0.tags, artifactUri: $0.sourceURI,
                        trainingPipeline: $0.run?.id, aliases: $0.aliases, createTime: $0.createdAt,
                        updateTime: $0.updatedAt)
                }))
    }

    // MARK: - Routes

    /// Adds the `/v1/**` routes, with the fault middleware in front of them only.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group("v1").add(middleware: FaultMiddleware<Context>(faults))
        for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
            group.on("**", method: method) { request, _ -> Response in
                try await self.respond(to: request)
            }
        }
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        let (status, json) = handle(
            method: request.method.rawValue, path: path, query: query, body: body,
            authorization: request.headers[.authorization])
        var headers: HTTPFields = [:]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"https://accounts.google.com/\"" }
        return SimulatorJSON.response(status: status, value: json, headers: headers)
    }

    /// The whole API as a function of the request: `(status, JSON body)`.
    func handle(method: String, path: String, query: [String: String], body: [UInt8], authorization: String?)
        -> (Int, JSONValue)
    {
        switch tokens.check(authorization: authorization) {
        case .valid: break
        case .missing, .unknown, .expired:
            let error = VertexAPIError(
                code: 401, status: "UNAUTHENTICATED",
                message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                    + "or other valid authentication credential. See "
                    + "https://developers.google.com/identity/sign-in/web/devconsole-project.")
            return (401, error.body)
        }
        let queryText = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        state.withLock { $0.requests.append("\(method) \(path)" + (queryText.isEmpty ? "" : "?\(queryText)")) }
        do {
            let json: JSONValue? = body.isEmpty ? nil : try? JSONValue.parse(Data(body))
            if !body.isEmpty && json == nil { throw VertexAPIError.invalid("Invalid JSON payload received.") }
            return (200, try route(method: method, path: path, query: query, body: json))
        } catch let error as VertexAPIError {
            return (error.code, error.body)
        } catch {
            return (500, VertexAPIError(code: 500, status: "INTERNAL", message: "\(error)").body)
        }
    }

    func route(method: String, path: String, query: [String: String], body: JSONValue?) throws(VertexAPIError)
        -> JSONValue
    {
        let prefix = "/v1/" + parent + "/"
        guard path.hasPrefix(prefix) else {
            if path.hasPrefix("/v1/projects/") {
                throw .notFound("The project or location of '\(path.dropFirst(4))' is not served by this simulator.")
            }
            throw .notFound("The requested URL \(path) was not found on this server.")
        }
        let rest = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (method, rest.count) {
        case ("GET", 1) where rest[0] == "models":
            return try list(query: query)
        case ("POST", 1) where rest[0] == "models:upload":
            return try upload(body: body)
        case (_, 2) where rest[0] == "operations", ("GET", 4) where rest[0] == "models" && rest[2] == "operations":
            guard method == "GET" else { throw .notFound("Method not found.") }
            return try operation(String(path.dropFirst(4)))
        case (_, 2) where rest[0] == "models":
            let parts = rest[1].split(separator: ":", maxSplits: 1).map(String.init)
            let resource = parts.first ?? ""
            let verb = parts.count > 1 ? parts[1] : nil
            let idAndVersion = resource.split(separator: "@", maxSplits: 1).map(String.init)
            let id = idAndVersion.first ?? ""
            let spec = idAndVersion.count > 1 ? idAndVersion[1] : nil
            switch (method, verb) {
            case ("GET", nil): return try get(id: id, spec: spec)
            case ("PATCH", nil): return try patch(id: id, spec: spec, query: query, body: body)
            case ("DELETE", nil): return try deleteModel(id: id, spec: spec)
            case ("GET", "listVersions"?): return try listVersions(id: id, query: query)
            case ("POST", "mergeVersionAliases"?): return try mergeAliases(id: id, spec: spec, body: body)
            case ("DELETE", "deleteVersion"?): return try deleteVersion(id: id, spec: spec)
            default: throw .notFound("Method \(method) \(verb.map { ":" + $0 } ?? "") is not supported on a model.")
            }
        default:
            throw .notFound("The requested URL \(path) was not found on this server.")
        }
    }

    // MARK: - Helpers shared by the handlers

    /// The next timestamp: now, but always at least 1 ms after the previous one (update times order writes).
    static func stamp(_ state: inout State, _ clock: @Sendable () -> Date) -> Date {
        let millis = max(Timestamp.milliseconds(clock()), state.lastMillis + 1)
        state.lastMillis = millis
        return Timestamp.date(milliseconds: millis)
    }

    /// The API view of version `index` of `model`: model-level fields, that version's fields, labels merged
    /// (model labels, overridden by the version's). `withVersion` puts `@versionId` in the name.
    static func view(_ model: VertexModelRecord, _ index: Int, parent: String, withVersion: Bool) -> JSONValue {
        let version = model.versions[index]
        var object: [String: JSONValue] = [
            "name": .string("\(parent)/models/\(model.id)" + (withVersion ? "@\(version.versionID)" : "")),
            "displayName": .string(model.displayName),
            "versionId": .string(String(version.versionID)),
            "versionAliases": .array(version.aliases.map { .string($0) }),
            "createTime": .string(Timestamp.format(model.createTime)),
            "updateTime": .string(Timestamp.format(model.updateTime)),
            "versionCreateTime": .string(Timestamp.format(version.createTime)),
            "versionUpdateTime": .string(Timestamp.format(version.updateTime)),
            "containerSpec": ["imageUri": .string(version.imageUri)],
            "etag": .string("AMEw9yN\(model.etagCounter)="),
            "supportedDeploymentResourcesTypes": ["DEDICATED_RESOURCES"],
            "modelSourceInfo": ["sourceType": "CUSTOM"],
        ]
        let labels = model.labels.merging(version.labels) { _, versionLabel in versionLabel }
        if !labels.isEmpty { object["labels"] = .object(labels.mapValues { .string($0) }) }
        if let description = model.description { object["description"] = .string(description) }
        if let description = version.description { object["versionDescription"] = .string(description) }
        if let uri = version.artifactUri { object["artifactUri"] = .string(uri) }
        if let pipeline = version.trainingPipeline { object["trainingPipeline"] = .string(pipeline) }
        return .object(object)
    }

    func pageSize(_ text: String?) throws(VertexAPIError) -> Int {
        guard let text, !text.isEmpty else { return defaultPageSize }
        guard let size = Int(text), size >= 0 else { throw .invalid("Invalid page_size: \(text)") }
        return size == 0 ? defaultPageSize : min(size, maxPageSize)
    }

    /// Page tokens are opaque to clients: base64 of the listing they belong to and an offset.
    static func makeToken(_ context: String, offset: Int) -> String {
        Data("\(context)\n\(offset)".utf8).base64EncodedString()
    }

    static func offset(fromToken token: String?, context: String) throws(VertexAPIError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            let newline = text.lastIndex(of: "\n"), let offset = Int(text[text.index(after: newline)...]), offset >= 0
        else { throw .invalid("Invalid page token: \(token)") }
        guard text[..<newline] == context else {
            throw .invalid("The page token does not match the request (filter and order_by must stay the same).")
        }
        return offset
    }
}
