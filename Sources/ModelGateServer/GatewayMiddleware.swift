import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore

/// Runs around every route: access control (bearer tokens and roles), the JSON error envelope for any error,
/// request metrics, and the audit row of every write request.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let tokens: TokenStore
    let catalog: CatalogDatabase
    let metrics: ServerMetrics
    let logger: Logger

    /// Paths that need no token (DESIGN §7).
    static let openPaths: Set<String> = ["/healthz", "/metrics", "/api/v1/openapi.json"]

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        let isWrite = request.method != .get && request.method != .head
        var response: Response
        var failure: String?
        do {
            // Identify first, so that a refused request is still audited under the token's name.
            context.caller = try authenticate(request)
            try authorize(request, caller: context.caller)
            response = try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, logger: logger)
            failure = apiError.code
            response = try apiError.response(from: request, context: context)
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(
            method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: response.status.code,
            seconds: seconds)
        if isWrite {
            let detail = failure ?? response.headers[Self.resourceHeader]
            let entry = AuditEntry(
                at: Date(), tokenName: context.caller.name, role: context.caller.role?.rawValue,
                method: request.method.rawValue, path: request.uri.path, status: response.status.code, detail: detail)
            do {
                _ = try await catalog.recordAudit(entry)
            } catch {
                logger.error("cannot write the audit row of \(request.method) \(request.uri.path): \(error)")
            }
        }
        return response
    }

    /// The header a write route sets to name what it created (a sync id, a plan id); it goes in the audit row.
    static let resourceHeader = HTTPField.Name("ModelGate-Resource")!

    /// Who is calling: the token's entry, or anonymous on a server without tokens (and on open paths).
    func authenticate(_ request: Request) throws(APIError) -> Caller {
        if tokens.isEmpty || Self.openPaths.contains(request.uri.path) { return .anonymous }
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, code: "unauthorized", "an Authorization: Bearer <token> header is required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, code: "unauthorized", "the Authorization header must be 'Bearer <token>'")
        }
        guard let caller = tokens.caller(presenting: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, code: "unauthorized", "the bearer token is not one of server.tokens")
        }
        return caller
    }

    /// Whether `caller` may make this request.
    func authorize(_ request: Request, caller: Caller) throws(APIError) {
        let path = request.uri.path
        if Self.openPaths.contains(path) { return }
        let required = Self.requiredRole(method: request.method, path: path)
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
    static func requiredRole(method: HTTPRequest.Method, path: String) -> ServerRole {
        if method == .get || method == .head {
            return path.hasPrefix("/api/v1/audit") ? .admin : .reader
        }
        if method == .post, path == "/api/v1/sync" || path.hasPrefix("/api/v1/migrations/") { return .operator }
        return .admin
    }

    static func rank(_ role: ServerRole) -> Int {
        switch role {
        case .reader: 0
        case .operator: 1
        case .admin: 2
        }
    }

    /// Every error as the API's envelope; unexpected ones are logged and answered as a bare 500.
    static func apiError(for error: any Error, logger: Logger) -> APIError {
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
            logger.error("internal error: \(error)")
            return APIError(.internalServerError, code: "internal", "internal error: \(error)")
        }
    }
}
