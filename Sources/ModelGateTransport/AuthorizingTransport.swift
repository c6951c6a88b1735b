/// Adds credentials with a `RequestAuthorizer` just before each send.
///
/// Placed above `RedirectingTransport` and below `RetryingTransport`, it authorizes once per attempt
/// (fresh signatures and tokens on every retry) and never on a redirect hop.
public struct AuthorizingTransport: HTTPTransport {
    /// The transport that sends the authorized request.
    public let inner: any HTTPTransport
    /// Adds the credentials.
    public let authorizer: any RequestAuthorizer

    /// Authorizes with `authorizer`, then sends through `inner`.
    public init(_ inner: any HTTPTransport, authorizer: any RequestAuthorizer) {
        self.inner = inner
        self.authorizer = authorizer
    }

    /// Authorizes a copy of `request` and sends it.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var request = request
        try await authorizer.authorize(&request)
        return try await inner.send(request)
    }
}
