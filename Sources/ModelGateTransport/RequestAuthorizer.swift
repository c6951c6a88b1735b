/// Adds a registry's credentials to a request just before it is sent (a header, a signature, a token).
///
/// Implementations live in ModelGateCredentials (basic, bearer, SigV4, Google and Azure tokens…).
/// Each one names the headers it added in `request.sensitiveHeaders`, so that logs redact them and a
/// redirect to another host drops them. The transport stack calls `authorize` once per attempt (retries
/// re-sign, so signatures and expiring tokens are always fresh) and not again on redirect hops: a hop to
/// another host goes without credentials.
public protocol RequestAuthorizer: Sendable {
    func authorize(_ request: inout TransportRequest) async throws
}

/// For registries that need no credentials (a local MLflow server without auth).
public struct NoAuthorizer: RequestAuthorizer {
    public init() {}
    public func authorize(_ request: inout TransportRequest) async throws {}
}
