import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error of the HTTP API: `{"error": {"code", "message", "field"}}` with a 4xx/5xx status (DESIGN §7).
///
/// Routes under `/api/2.0/mlflow/` answer the same error in MLflow's shape instead:
/// `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable machine-readable code: `invalid_parameter`, `not_found`, `unauthorized`, `forbidden`, …
    public var code: String
    public var message: String
    /// The query parameter, path parameter or body field at fault, when one is.
    public var field: String?

    /// - Parameters: see the properties.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// A 400 naming the bad parameter.
    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message, field: field)
    }

    /// A 404.
    public static func notFound(_ message: String, field: String? = nil) -> APIError {
        APIError(.notFound, code: "not_found", message, field: field)
    }

    /// A 409 `not_configured`: the server has no registries for this (no config file, or none in it).
    public static func notConfigured(_ message: String) -> APIError {
        APIError(.conflict, code: "not_configured", message)
    }

    /// The MLflow `error_code` of this error.
    var mlflowCode: String {
        switch status.code {
        case 400, 413: "INVALID_PARAMETER_VALUE"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "RESOURCE_DOES_NOT_EXIST"
        case 409: "RESOURCE_ALREADY_EXISTS"
        case 421: "PERMISSION_DENIED"
        case 501: "NOT_IMPLEMENTED"
        case 504: "DEADLINE_EXCEEDED"
        default: "INTERNAL_ERROR"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any]
        if request.uri.path.hasPrefix("/api/2.0/mlflow/") {
            body = ["error_code": mlflowCode, "message": message]
        } else {
            body = ["error": ["code": code, "message": message, "field": field ?? NSNull()] as [String: Any]]
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="modelgate""# }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
