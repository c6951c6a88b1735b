/// What went wrong below HTTP, attached as `RegistryError.underlying` to `.transport` and `.timeout` errors.
///
/// `RetryingTransport` reads `requestMayHaveBeenSent` to decide whether a request that is not idempotent
/// may be sent again: a refused connection or a failed DNS lookup never reached the server.
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    /// libcurl's `CURLcode`, when the failure came from libcurl.
    public var curlCode: Int?
    /// libcurl's own explanation (host names and ports, never headers or query strings).
    public var detail: String
    /// `false` only when it is certain that no byte of the request reached the server.
    public var requestMayHaveBeenSent: Bool

    /// A failure; set `requestMayHaveBeenSent` to `false` only when nothing can have reached the server.
    public init(curlCode: Int? = nil, detail: String, requestMayHaveBeenSent: Bool) {
        self.curlCode = curlCode
        self.detail = detail
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
    }

    /// `curl error 7: …`.
    public var description: String {
        curlCode.map { "curl error \($0): \(detail)" } ?? detail
    }
}

extension TransportRequest {
    /// The call's name for errors and logs: `operation`, or `METHOD /path` (never the query string).
    public var operationName: String {
        if let operation, !operation.isEmpty { return operation }
        return "\(method.rawValue) \(Redactor.path(of: url))"
    }
}
