import HTTPTypes
import Hummingbird

/// Answers 405 with an `Allow` header, instead of the router's 404, when the path is one the OpenAPI document
/// describes but the method is not (a `TRACE /api/v1/sync` is not "no such route"). Other 404s pass through.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    /// Each documented path template split into segments (`{name}` matches one segment), with its methods.
    let templates: [(segments: [Substring], allow: String)]

    init(document: [String: Any] = OpenAPIDocument.document()) {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        templates = paths.sorted { $0.key < $1.key }.map { path, operations in
            let methods = operations.keys.map { $0.uppercased() }.sorted()
            return (path.split(separator: "/"), methods.joined(separator: ", "))
        }
    }

    /// The `Allow` value of the documented path `path` matches, or nil when none does.
    func allowed(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let parts = Array(path == "/" ? [] : segments)
        for template in templates where template.segments.count == parts.count {
            let matches = zip(template.segments, parts).allSatisfy { pattern, part in
                pattern.hasPrefix("{") ? !part.isEmpty : pattern == part
            }
            if matches { return template.allow }
        }
        return nil
    }

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allow = allowed(request.uri.path) else { throw error }
            var response = try APIError(
                .methodNotAllowed, code: "method_not_allowed",
                "\(request.method.rawValue) is not served at \(request.uri.path); allowed: \(allow)"
            ).response(from: request, context: context)
            response.headers[.allow] = allow
            return response
        }
    }
}
