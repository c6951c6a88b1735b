import Foundation
import ModelGateCore

/// An HTTP method as registries use them.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case GET, HEAD, POST, PUT, PATCH, DELETE

    /// Methods that may be sent again after the server may have seen them (RFC 9110 §9.2.2).
    public var isIdempotent: Bool { self != .POST && self != .PATCH }
}

/// One HTTP request. Headers keep their order and case; names compare case-insensitively.
public struct TransportRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The registry this call is made for (used in errors and logs).
    public var registry: String
    /// A human name for the call in errors (`SageMaker.ListModelPackages`); defaults to `METHOD path`.
    public var operation: String?
    /// The adapter's word that repeating this request is harmless even if it reached the server
    /// (it carries a client token, or it is a read sent as POST). GET/PUT/DELETE/HEAD are always safe.
    public var retrySafe: Bool
    /// Header names whose values are secrets: redacted in logs and dropped on a redirect to another host.
    public var sensitiveHeaders: Set<String>
    /// Verify TLS against the system's CA certificates (plus `TransportOptions.caBundlePath`, added to them,
    /// never replacing them), whatever `TransportOptions.insecureSkipTLSVerify` says. Set by the OAuth token
    /// requests (Google, Entra): their bodies hold a client secret or a signed assertion.
    public var requiresSystemTrust: Bool = false

    public init(
        method: HTTPMethod = .GET, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        registry: String = "", operation: String? = nil, retrySafe: Bool = false, sensitiveHeaders: Set<String> = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.registry = registry
        self.operation = operation
        self.retrySafe = retrySafe
        self.sensitiveHeaders = sensitiveHeaders
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Replaces every header called `name` with one holding `value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}

/// One HTTP response with its whole body (bounded by the transport's size cap).
public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var url: String
    /// How many attempts the retry layer made to get this response (1 = first try).
    public var attempts: Int

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], url: String = "", attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.attempts = attempts
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends requests. Implementations: `CurlTransport` (the real one), the retry and redirect decorators,
/// and fakes in tests. A non-2xx status is a normal response here; adapters turn it into a `RegistryError`.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
