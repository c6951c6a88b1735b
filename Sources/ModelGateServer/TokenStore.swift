import ModelGateConfig
import ModelGateSigning

/// The server's bearer tokens, kept only as SHA-256 digests and compared in constant time.
public struct TokenStore: Sendable {
    struct Entry: Sendable {
        var name: String
        var role: ServerRole
        var digest: [UInt8]
    }

    let entries: [Entry]

    /// The shortest `token:` accepted; a short token can be guessed (a `token_sha256:` entry is not checked).
    public static let minimumTokenLength = ServerSettings.minimumTokenLength

    /// Hashes every `token:` entry; `token_sha256:` entries must be 64 hex digits.
    ///
    /// - Throws: ``ServerSetupError`` naming the entry whose hash is malformed or whose token is shorter than
    ///   ``minimumTokenLength`` (never the token itself).
    public init(_ tokens: [ServerToken]) throws(ServerSetupError) {
        var entries: [Entry] = []
        for token in tokens {
            switch token.secret {
            case .token(let secret):
                guard secret.count >= Self.minimumTokenLength else {
                    throw ServerSetupError(
                        "server.tokens: the token of '\(token.name)' is shorter than \(Self.minimumTokenLength) characters; "
                            + "use a long random token (openssl rand -hex 32) or give its token_sha256")
                }
                entries.append(Entry(name: token.name, role: token.role, digest: Digest.sha256(secret)))
            case .sha256(let hex):
                guard let digest = Hex.decode(hex.lowercased()), digest.count == 32 else {
                    throw ServerSetupError("server.tokens: token_sha256 of '\(token.name)' must be 64 hex digits (SHA-256)")
                }
                entries.append(Entry(name: token.name, role: token.role, digest: digest))
            }
        }
        self.entries = entries
    }

    /// True when no token is configured: the server is then read-only and loopback-only.
    public var isEmpty: Bool { entries.isEmpty }

    /// The caller whose token is `presented`, or nil. Every entry is compared in full, whatever matches,
    /// so the time taken does not tell which entry (or which prefix) matched.
    public func caller(presenting presented: String) -> Caller? {
        let digest = Digest.sha256(presented)
        var found: Entry?
        for entry in entries where Self.constantTimeEqual(entry.digest, digest) && found == nil {
            found = entry
        }
        return found.map { Caller(name: $0.name, role: $0.role) }
    }

    /// Compares two equal-length digests without an early exit.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// A server that cannot start: bad tokens, a non-loopback address without tokens, a port in use.
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// - Parameter description: what is wrong and what to do.
    public init(_ description: String) { self.description = description }
}
