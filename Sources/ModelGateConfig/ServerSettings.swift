/// The `server:` section.
public struct ServerSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Listening address `HOST:PORT` (default `127.0.0.1:8080`).
    public var listen: String
    /// The host part of `listen` (brackets of an IPv6 address removed).
    public var host: String
    /// The port part of `listen`.
    public var port: Int
    /// Bearer tokens; without any the server is read-only on loopback.
    public var tokens: [ServerToken]
    /// `${VAR}` references under `server` whose variables are not set.
    public var unresolvedVariables: [UnresolvedVariable]

    /// Creates server settings; `listen` defaults to `127.0.0.1:8080`.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, tokens: [ServerToken] = [],
        unresolvedVariables: [UnresolvedVariable] = []
    ) {
        self.host = host
        self.port = port
        self.listen = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.tokens = tokens
        self.unresolvedVariables = unresolvedVariables
    }

    /// Throws if a value under `server` references an unset variable (call it before serving).
    public func checkResolved() throws(ConfigError) {
        try unresolvedVariables.checkAllResolved()
    }

    /// `listen 127.0.0.1:8080, tokens: [ci-bot (operator, token: ***)]`.
    public var description: String {
        "listen \(listen), tokens: [\(tokens.map(\.description).joined(separator: ", "))]"
    }
    /// Same as `description`.
    public var debugDescription: String { description }
    /// Reflection shows no secret either.
    public var customMirror: Mirror {
        Mirror(self, children: ["listen": listen, "tokens": tokens.map(\.description)])
    }
}
