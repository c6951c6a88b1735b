import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore

/// Runs around every route and around the not-found answer: the checks made before routing (a loopback `Host`
/// without tokens, a canonical path), access control on the matched route (bearer tokens and roles), the JSON
/// error envelope for any error, the headers every answer carries, request metrics, and the audit row of every
/// write that was authenticated or routed.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let tokens: TokenStore
    let catalog: CatalogDatabase
    let metrics: ServerMetrics
    let logger: Logger
    var auditRetention: AuditRetention? = nil

    /// Routes that need no token (DESIGN §7).
    static let openPaths: Set<String> = ["/healthz", "/metrics", "/api/v1/openapi.json"]
    /// Read routes only an admin may use.
    static let adminReadRoutes: Set<String> = ["/api/v1/audit"]

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = RequestGuard.makeRequestID()
        let isWrite = request.method != .get && request.method != .head
        var response: Response
        var failure: String?
        // The route the router matched, once the request passed the checks made before routing.
        var route: String?
        do {
            try checkHost(request)
            if let reason = RequestGuard.nonCanonicalReason(request.uri.path) {
                throw APIError.notFound("no such route: \(reason); use the canonical path", field: nil)
            }
            // Set by the router before this middleware runs, nil when no route matched (the answer is then 404).
            route = context.endpointPath
            // Identify first, so that a refused request is still audited under the token's name.
            context.caller = try authenticate(request, route: route)
            try authorize(request, route: route, caller: context.caller)
            response = try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, requestID: context.requestID, logger: logger)
            failure = apiError.code
            response = try apiError.response(from: request, context: context)
        }
        RequestGuard.harden(&response.headers, requestID: context.requestID)
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: request.method.rawValue, route: route ?? "NotFound", status: response.status.code, seconds: seconds)
        // A flood of unauthenticated writes to paths that route nowhere must not grow the audit log.
        if isWrite, context.caller.role != nil || route != nil {
            let detail = failure ?? response.headers[Self.resourceHeader]
            let entry = AuditEntry(
                at: Date(), tokenName: context.caller.name, role: context.caller.role?.rawValue,
                method: request.method.rawValue, path: request.uri.path, status: response.status.code, detail: detail)
            do {
                _ = try await catalog.recordAudit(entry)
                try await auditRetention?.pruneIfDue()
            } catch {
                logger.error(
                    "cannot write the audit row of \(request.method) \(AuditEntry.truncated(request.uri.path)): \(error)",
                    metadata: ["request_id": "\(context.requestID)"])
            }
        }
        return response
    }

    /// The header a write route sets to name what it created (a sync id, a plan id); it goes in the audit row.
    static let resourceHeader = HTTPField.Name("ModelGate-Resource")!

    /// Without tokens the server listens on loopback only; a `Host` other than a loopback name means a browser was
    /// pointed here by DNS rebinding (or a proxy forwards to it), and is answered 421.
    func checkHost(_ request: Request) throws(APIError) {
        guard tokens.isEmpty else { return }
        // HTTP/1's Host header arrives as the request's authority.
        guard let host = request.head.authority else {
            throw APIError(.badRequest, code: "bad_request", "a Host header is required")
        }
        guard RequestGuard.isLoopbackAuthority(host) else {
            throw APIError(
                .misdirectedRequest, code: "misdirected_request",
                "this server has no server.tokens and answers only to localhost, 127.0.0.1 or [::1]; add tokens to serve other host names")
        }
    }

    /// Who is calling: the token's entry, or anonymous on a server without tokens (and on open routes).
    func authenticate(_ request: Request, route: String?) throws(APIError) -> Caller {
        if tokens.isEmpty || route.map(Self.openPaths.contains) == true { return .anonymous }
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, code: "unauthorized", "an Authorization: Bearer <token> header is required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let isMLflowRoute = route?.hasPrefix("/api/2.0/mlflow/") == true
        if parts.count == 2, parts[0].lowercased() == "basic", isMLflowRoute {
            // DESIGN §7: the mlflow client with MLFLOW_TRACKING_USERNAME/_PASSWORD sends Basic; any user, the token as password.
            guard let password = Self.basicPassword(String(parts[1])),
                let caller = tokens.caller(presenting: password)
            else {
                throw APIError(.unauthorized, code: "unauthorized", "the Basic password is not one of server.tokens")
            }
            return caller
        }
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(
                .unauthorized, code: "unauthorized",
                isMLflowRoute
                    ? "the Authorization header must be 'Bearer <token>' or Basic with the token as the password"
                    : "the Authorization header must be 'Bearer <token>'")
        }
        guard let caller = tokens.caller(presenting: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, code: "unauthorized", "the bearer token is not one of server.tokens")
        }
        return caller
    }

    /// The password of an HTTP Basic credential (`base64(user:password)`), nil when it is not one.
    static func basicPassword(_ encoded: String) -> String? {
        guard let data = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }

    /// Whether `caller` may make this request, decided on the matched route (never on the path as sent).
    func authorize(_ request: Request, route: String?, caller: Caller) throws(APIError) {
        if let route, Self.openPaths.contains(route) { return }
        let required = Self.requiredRole(method: request.method, route: route)
        let path = route ?? request.uri.path
        guard !tokens.isEmpty else {
            guard required == .reader else {
                throw APIError(
                    .forbidden, code: "read_only",
                    "this server has no server.tokens configured, so it is read-only; add an operator token to sync or migrate")
            }
            return
        }
        guard let role = caller.role, Self.rank(role) >= Self.rank(required) else {
            throw APIError(
                .forbidden, code: "forbidden",
                "token '\(caller.name)' has role \(caller.role?.rawValue ?? "none"); \(request.method) \(path) needs \(required.rawValue)")
        }
    }

    /// reader: reads; operator: also syncs and migrations; admin: everything (the audit log included).
    /// `route` is the matched route's pattern (`/api/v1/migrations/{id}/apply`); without one the answer is 404,
    /// whoever asks.
    static func requiredRole(method: HTTPRequest.Method, route: String?) -> ServerRole {
        guard let route else { return .reader }
        if method == .get || method == .head {
            return adminReadRoutes.contains(route) ? .admin : .reader
        }
        if method == .post, route == "/api/v1/sync" || route.hasPrefix("/api/v1/migrations/") { return .operator }
        return .admin
    }

    static func rank(_ role: ServerRole) -> Int {
        switch role {
        case .reader: 0
        case .operator: 1
        case .admin: 2
        }
    }

    /// Every error as the API's envelope; unexpected ones are logged with the request id and answered as a 500
    /// that names only that id (a Swift error's text can tell an attacker about paths, SQL or the platform).
    static func apiError(for error: any Error, requestID: String, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .contentTooLarge: code = "body_too_large"
            case .methodNotAllowed: code = "method_not_allowed"
            default: code = error.status.code < 500 ? "bad_request" : "internal"
            }
            let message = error.body ?? (error.status == .notFound ? "no such route" : error.status.reasonPhrase)
            return APIError(error.status, code: code, message, field: error.status == .contentTooLarge ? "body" : nil)
        case let error as CatalogError:
            return APIError.invalid("cursor", error.message)
        case let error as RegistryError:
            return APIError(.badGateway, code: "registry_error", error.description)
        case let error as ConfigError:
            return APIError(.conflict, code: "config_error", error.description)
        case is CancellationError:
            return APIError(.serviceUnavailable, code: "cancelled", "the request was cancelled")
        default:
            logger.error("internal error: \(error)", metadata: ["request_id": "\(requestID)"])
            return APIError(.internalServerError, code: "internal", "internal error (request id \(requestID))")
        }
    }
}
