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
    /// `audit_retention_days`: audit rows older than this are deleted (default 90).
    public var auditRetentionDays: Int

    /// The default of `audit_retention_days`.
    public static let defaultAuditRetentionDays = 90
    /// The largest `audit_retention_days` accepted (a hundred years).
    public static let maximumAuditRetentionDays = 36_500
    /// The shortest `token:` a server starts with; `token_sha256:` entries are not checked.
    public static let minimumTokenLength = 16

    /// Creates server settings; `listen` defaults to `127.0.0.1:8080`.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, tokens: [ServerToken] = [],
        unresolvedVariables: [UnresolvedVariable] = [], auditRetentionDays: Int = Self.defaultAuditRetentionDays
    ) {
        self.host = host
        self.port = port
        self.listen = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.tokens = tokens
        self.unresolvedVariables = unresolvedVariables
        self.auditRetentionDays = auditRetentionDays
    }

    /// Throws if a value under `server` references an unset variable (call it before serving).
    public func checkResolved() throws(ConfigError) {
        try unresolvedVariables.checkAllResolved()
    }

    /// Throws for a `token:` shorter than ``minimumTokenLength`` (call it before serving, after
    /// ``checkResolved()``). The error names the token's name and key, never the token.
    ///
    /// - Parameter file: the config file, for the error.
    public func checkTokenStrength(file: String) throws(ConfigError) {
        for (index, token) in tokens.enumerated() {
            guard case .token(let secret) = token.secret, secret.count < Self.minimumTokenLength else { continue }
            throw ConfigError(
                code: .invalidValue, file: file, line: token.line, key: "server.tokens[\(index)].token",
                message: "the token of '\(token.name)' is shorter than \(Self.minimumTokenLength) characters; "
                    + "use a long random token (openssl rand -hex 32), or give its SHA-256 as token_sha256")
        }
    }

    /// `listen 127.0.0.1:8080, tokens: [ci-bot (operator, token: ***)], audit_retention_days 90`.
    public var description: String {
        "listen \(listen), tokens: [\(tokens.map(\.description).joined(separator: ", "))], audit_retention_days \(auditRetentionDays)"
    }
    /// Same as `description`.
    public var debugDescription: String { description }
    /// Reflection shows no secret either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["listen": listen, "tokens": tokens.map(\.description), "auditRetentionDays": auditRetentionDays])
    }
}
