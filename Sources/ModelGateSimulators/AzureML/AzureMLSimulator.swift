import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import NIOCore
import Synchronization

/// A simulator of the Azure Machine Learning model registry as Azure Resource Manager serves it
/// (`Microsoft.MachineLearningServices`, api-version 2025-12-01): model containers and versions of workspaces
/// and registries, per `shared/specs/azure/machinelearningservices-2025-12-01.models.subset.json`.
///
/// - Lists page with an absolute `nextLink` carrying a `$skipToken`; `listViewType` (`ActiveOnly` by default)
///   hides archived containers and versions unless `All` (or `ArchivedOnly`) is asked.
/// - PUT creates or updates (the client chooses the version string); registry writes are long-running
///   operations polled through `Azure-AsyncOperation` / `Location` with `Retry-After`.
/// - Errors are ARM's `{"error":{"code","message"}}`; bearer tokens are checked against a `TokenRegistry`.
/// - A `FaultInjector` sits in front of the ARM routes (not of token endpoints added to the same router).
///
/// ```swift
/// let sim = AzureMLSimulator(tokens: tokens)
/// sim.addScope(.workspace(subscription: "sub", resourceGroup: "rg", workspace: "ws"))
/// let router = Router()
/// sim.addRoutes(to: router)
/// let host = try await SimulatorHost.start(router)
/// sim.baseURL = host.baseURL
/// ```
/// Gaps against the real service are listed in `Sources/ModelGateSimulators/AzureML/README.md`.
public final class AzureMLSimulator: Sendable {
    /// The api-versions this simulator answers; any other gets ARM's `NoRegisteredProviderFound`.
    public static let supportedAPIVersions: Set<String> = ["2025-12-01"]
    /// The container name rule of the spec's `modelName` / `name` path parameter.
    public static let containerNamePattern = "^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$"
    /// The principal written into `systemData` for writes.
    public static let principal = "modelgate-simulator-app"

    struct Settings: Sendable {
        var baseURL = ""
        var pageSize: Int
        var maxPageSize = 100
        var lroPolls: Int
        var lroRetryAfterSeconds: Int
        var location: String
    }

    /// Checks bearer tokens when set; nil accepts any request.
    public let tokens: TokenRegistry?
    /// The faults injected in front of the ARM routes.
    public let faults: FaultInjector
    let settings: Mutex<Settings>
    let state = Mutex(AzureMLState())
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - tokens: the tokens issued by an `EntraTokenEndpoint`; nil disables the auth check.
    ///   - faults: faults to inject (none by default).
    ///   - pageSize: items per page when the client does not ask (`$top` / `count`).
    ///   - lroPolls: status polls a registry write takes before it succeeds (at least 1).
    ///   - lroRetryAfterSeconds: the `Retry-After` of long-running operations (the spec says 10…600; tests use 0).
    ///   - location: the Azure region in operation URLs.
    ///   - now: the clock for `systemData` and operation times.
    public init(
        tokens: TokenRegistry? = nil, faults: FaultInjector = FaultInjector(), pageSize: Int = 20, lroPolls: Int = 3,
        lroRetryAfterSeconds: Int = 10, location: String = "eastus", now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tokens = tokens
        self.faults = faults
        self.settings = Mutex(
            Settings(
                pageSize: max(1, pageSize), lroPolls: max(1, lroPolls), lroRetryAfterSeconds: max(0, lroRetryAfterSeconds),
                location: location))
        self.clock = now
    }

    /// The base of absolute URLs (`nextLink`, operation URLs); set it to `SimulatorHost.baseURL` once started.
    /// When empty, the request's `Host` header is used.
    public var baseURL: String {
        get { settings.withLock { $0.baseURL } }
        set { settings.withLock { $0.baseURL = newValue } }
    }

    /// Items per page when the client does not ask for a size.
    public var pageSize: Int {
        get { settings.withLock { $0.pageSize } }
        set { settings.withLock { $0.pageSize = max(1, newValue) } }
    }

    /// Status polls a registry write takes before it succeeds.
    public var lroPolls: Int {
        get { settings.withLock { $0.lroPolls } }
        set { settings.withLock { $0.lroPolls = max(1, newValue) } }
    }

    /// The `Retry-After` (seconds) sent with long-running operations.
    public var lroRetryAfterSeconds: Int {
        get { settings.withLock { $0.lroRetryAfterSeconds } }
        set { settings.withLock { $0.lroRetryAfterSeconds = max(0, newValue) } }
    }

    /// Makes a workspace or registry exist (empty). Requests to scopes that were never added get 404.
    public func addScope(_ scope: AzureMLScope) {
        state.withLock { state in
            if state.scopes[scope] == nil { state.scopes[scope] = [:] }
        }
    }

    /// Every request served so far, as `METHOD path?query` (faulted requests included only when they reached a route).
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// How many operation-status polls were answered.
    public var operationPolls: Int {
        state.withLock { $0.requests.filter { $0.contains("/mfeOperationsStatus/") || $0.contains("/mfeOperationResults/") }.count }
    }

    /// The stored native JSON of a version (as a GET would return it), or nil.
    public func versionResource(_ scope: AzureMLScope, model: String, version: String) -> JSONValue? {
        state.withLock { state in
            guard let container = state.scopes[scope]?[model], let record = container.versions[version] else { return nil }
            return Self.render(record, scope: scope, model: model)
        }
    }

    /// The stored native JSON of a container, or nil.
    public func containerResource(_ scope: AzureMLScope, model: String) -> JSONValue? {
        state.withLock { state in
            state.scopes[scope]?[model].map { Self.render($0, scope: scope) }
        }
    }

    /// Names of the versions of `model` (archived included), in creation order.
    public func versionNames(_ scope: AzureMLScope, model: String) -> [String] {
        state.withLock { $0.scopes[scope]?[model]?.versionOrder ?? [] }
    }

    // MARK: - Routes

    /// Adds the ARM routes (behind the fault middleware) to `router`. Routes added to `router` before or
    /// after, such as an `EntraTokenEndpoint`, are not faulted.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        // ARMErrorBodies wraps the fault middleware, so injected 429/503 answers carry ARM's error body.
        let group = router.group().add(middleware: ARMErrorBodies<Context>()).add(middleware: FaultMiddleware<Context>(faults))
        let scopePath = "/subscriptions/:subscription/resourceGroups/:resourceGroup/providers/Microsoft.MachineLearningServices/:kind/:scope"
        let models = scopePath + "/models"
        group.get(RouterPath(models)) { request, context in
            await self.serve(request, context) { try self.listContainers($0) }
        }
        group.get(RouterPath(models + "/:model")) { request, context in
            await self.serve(request, context) { try self.getContainer($0) }
        }
        group.put(RouterPath(models + "/:model")) { request, context in
            let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
            return await self.serve(request, context) { try self.putContainer($0, body: body) }
        }
        group.delete(RouterPath(models + "/:model")) { request, context in
            await self.serve(request, context) { try self.deleteContainer($0) }
        }
        group.get(RouterPath(models + "/:model/versions")) { request, context in
            await self.serve(request, context) { try self.listVersions($0) }
        }
        group.get(RouterPath(models + "/:model/versions/:version")) { request, context in
            await self.serve(request, context) { try self.getVersion($0) }
        }
        group.put(RouterPath(models + "/:model/versions/:version")) { request, context in
            let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
            return await self.serve(request, context) { try self.putVersion($0, body: body) }
        }
        group.delete(RouterPath(models + "/:model/versions/:version")) { request, context in
            await self.serve(request, context) { try self.deleteVersion($0) }
        }
        let operations = "/subscriptions/:subscription/providers/Microsoft.MachineLearningServices/locations/:location"
        group.get(RouterPath(operations + "/mfeOperationsStatus/:operation")) { request, context in
            await self.serve(request, context, scoped: false) { try self.operationStatus($0) }
        }
        group.get(RouterPath(operations + "/mfeOperationResults/:operation")) { request, context in
            await self.serve(request, context, scoped: false) { try self.operationResult($0) }
        }
    }

    /// A router holding `tokenEndpoint`'s routes (unfaulted) and this simulator's ARM routes.
    public func makeRouter(tokenEndpoint: EntraTokenEndpoint? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        tokenEndpoint?.addRoutes(to: router)
        addRoutes(to: router)
        return router
    }
}

/// An answer computed under the lock, turned into a `Response` outside it.
struct AzureMLReply: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [(String, String)] = []

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        guard let body else {
            return Response(status: HTTPResponse.Status(code: status), headers: fields)
        }
        return SimulatorJSON.response(status: status, value: body, headers: fields)
    }

    /// ARM's error body.
    static func error(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> AzureMLReply {
        AzureMLReply(status: status, body: ["error": ["code": .string(code), "message": .string(message)]], headers: headers)
    }
}

/// Thrown by handlers to answer with an ARM error.
struct AzureMLFailure: Error {
    var reply: AzureMLReply
    init(_ status: Int, _ code: String, _ message: String) { reply = .error(status, code, message) }
}

/// Rewrites the shared fault kit's 429 and 503 bodies into ARM's shape (`TooManyRequests`, `ServiceUnavailable`),
/// keeping the status and `Retry-After`.
struct ARMErrorBodies<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        let code: String
        let message: String
        switch response.status.code {
        case 429:
            code = "TooManyRequests"
            message =
                "The request is being throttled as the limit has been reached for operation type. Retry after the time in the Retry-After header."
        case 503:
            code = "ServiceUnavailable"
            message = "The service is temporarily unavailable. Please retry the request."
        default:
            return response
        }
        var headers = HTTPFields()
        if let retryAfter = response.headers[.retryAfter] { headers[.retryAfter] = retryAfter }
        return AzureMLReply(
            status: response.status.code, body: ["error": ["code": .string(code), "message": .string(message)]],
            headers: headers.map { ($0.name.rawName, $0.value) }
        ).response
    }
}
