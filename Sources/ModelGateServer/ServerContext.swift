import Hummingbird
import Logging
import ModelGateConfig
import NIOCore

/// Who made a request: the name and role of the matched `server.tokens` entry.
public struct Caller: Sendable, Hashable {
    public var name: String
    /// nil for the anonymous caller of a server without tokens (read-only).
    public var role: ServerRole?

    /// - Parameters:
    ///   - name: the token's name (`anonymous` without a token).
    ///   - role: the token's role.
    public init(name: String, role: ServerRole?) {
        self.name = name
        self.role = role
    }

    /// The caller of a server that has no tokens: reads only.
    public static let anonymous = Caller(name: "anonymous", role: nil)
}

/// The request context of every route: Hummingbird's core storage plus the authenticated caller.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the gateway middleware before any handler runs.
    public var caller: Caller
    /// This request's id: in the `X-Request-Id` header, the logs and the message of an internal error.
    public var requestID: String

    /// Builds the context of a new request (anonymous until access control ran).
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = .anonymous
        requestID = ""
    }
}
