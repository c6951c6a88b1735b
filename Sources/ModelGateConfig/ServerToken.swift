/// What a server bearer token may do.
public enum ServerRole: String, Sendable, Hashable, CaseIterable {
    /// Read the catalog.
    case reader
    /// Also start syncs and migrations.
    case `operator`
    /// Everything.
    case admin
}

/// How a server token is checked: the token itself, or its SHA-256 (lowercase hex).
public enum ServerTokenSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself (usually `${VAR}`).
    case token(String)
    /// The lowercase hex SHA-256 of the token, so the config file holds no secret.
    case sha256(String)

    /// `token: ***` or `token_sha256: ***`; the value is never printed.
    public var description: String {
        switch self {
        case .token: "token: ***"
        case .sha256: "token_sha256: ***"
        }
    }

    /// Same as `description`.
    public var debugDescription: String { description }
}

/// One entry of `server.tokens`.
public struct ServerToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// A name for logs and audit (`ci-bot`).
    public var name: String
    /// What the token may do.
    public var role: ServerRole
    /// The token or its hash.
    public var secret: ServerTokenSecret
    /// The 1-based line of the entry.
    public var line: Int?

    /// Creates a token entry.
    public init(name: String, role: ServerRole, secret: ServerTokenSecret, line: Int? = nil) {
        self.name = name
        self.role = role
        self.secret = secret
        self.line = line
    }

    /// `ci-bot (operator, token: ***)`.
    public var description: String { "\(name) (\(role.rawValue), \(secret))" }
    /// Same as `description`.
    public var debugDescription: String { description }
    /// Reflection shows no secret either.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "role": role, "secret": secret.description])
    }
}
