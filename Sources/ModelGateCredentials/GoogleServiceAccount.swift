import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport

/// A Google service-account key file (`"type": "service_account"` JSON).
public struct GoogleServiceAccountKey: Sendable, CustomStringConvertible {
    /// The account (`name@project.iam.gserviceaccount.com`), the assertion's `iss`.
    public let clientEmail: String
    /// The key id, sent as the JWT header's `kid`.
    public let privateKeyID: String?
    /// Where assertions are exchanged for tokens (default `https://oauth2.googleapis.com/token`).
    public let tokenURI: String
    /// The project the account belongs to, when the file says.
    public let projectID: String?
    let privateKey: RSAPrivateKey

    /// Google's token endpoint, used when the key file has no `token_uri`.
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Parses key-file JSON.
    /// - Parameters:
    ///   - json: the file's bytes.
    ///   - registry: the registry name for errors.
    ///   - source: how to name the file in errors (its path).
    /// - Throws: `RegistryError(.credentials)` naming the missing or bad field, never its value.
    public init(json: Data, registry: String, source: String = "the service-account key file") throws {
        let operation = "read Google service-account key"
        func fail(_ message: String) -> RegistryError {
            RegistryError(code: .credentials, registry: registry, operation: operation, message: "\(source): \(message)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        if let type = object["type"] as? String, type != "service_account" {
            throw fail("type is '\(type)', expected 'service_account'")
        }
        guard let email = object["client_email"] as? String, !email.isEmpty else { throw fail("client_email is missing") }
        guard let pem = object["private_key"] as? String, !pem.isEmpty else { throw fail("private_key is missing") }
        do {
            privateKey = try RSAPrivateKey(pem: pem)
        } catch let error as SigningError {
            throw fail("private_key cannot be used: \(error.message)")
        }
        clientEmail = email
        privateKeyID = (object["private_key_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        tokenURI = (object["token_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
        projectID = object["project_id"] as? String
    }

    /// Reads and parses the key file at `path`.
    public static func load(path: String, registry: String) throws -> GoogleServiceAccountKey {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
            SecretFilePermissions.check(path, holding: "Google service-account key")
        } catch {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "read Google service-account key",
                message: "cannot read \(path): \(error.localizedDescription)")
        }
        return try GoogleServiceAccountKey(json: data, registry: registry, source: path)
    }

    public var description: String {
        "GoogleServiceAccountKey(clientEmail: \(clientEmail), privateKeyID: \(privateKeyID ?? "none"), privateKey: ***)"
    }
}

/// OAuth access tokens for a Google service account: an RS256 JWT-bearer assertion exchanged at the key
/// file's `token_uri`, cached and refreshed before expiry (one exchange at a time).
public struct GoogleServiceAccountTokenProvider: AccessTokenProvider {
    /// `https://www.googleapis.com/auth/cloud-platform`.
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
    /// The JWT-bearer grant type.
    public static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// The key in use.
    public let key: GoogleServiceAccountKey
    /// The scopes asked for (space-separated in the assertion).
    public let scopes: [String]
    private let client: TokenEndpointClient
    private let cache: TokenCache
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - key: the parsed key file.
    ///   - scopes: OAuth scopes (default cloud-platform).
    ///   - transport: sends the token request.
    ///   - registry: the registry name for errors.
    ///   - refreshMargin: refresh this long before expiry.
    ///   - now: the clock (injected).
    public init(
        key: GoogleServiceAccountKey, scopes: [String] = [Self.cloudPlatformScope], transport: any HTTPTransport,
        registry: String, refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.key = key
        self.scopes = scopes
        self.now = now
        let client = TokenEndpointClient(
            transport: transport, registry: registry, endpoint: key.tokenURI,
            purpose: "Google service-account token exchange", now: now)
        self.client = client
        let scopeText = scopes.joined(separator: " ")
        self.cache = TokenCache(refreshMargin: refreshMargin, now: now) {
            let assertion = try Self.assertion(key: key, scope: scopeText, issuedAt: now(), registry: registry)
            return try await client.requestToken(
                form: [("grant_type", Self.grantType), ("assertion", assertion)], secrets: [assertion])
        }
    }

    /// A valid token, from the cache or one shared exchange.
    public func accessToken() async throws -> AccessToken { try await cache.token() }

    /// Drops the cached token so the next call exchanges a new assertion.
    public func invalidate() async { await cache.invalidate() }

    /// The signed assertion for `issuedAt`: header `{"alg":"RS256","typ":"JWT","kid":…}`, claims
    /// `iss`, `scope`, `aud` (= token_uri), `exp` (= iat + 3600), `iat`.
    public func assertion(issuedAt: Date) throws -> String {
        try Self.assertion(key: key, scope: scopes.joined(separator: " "), issuedAt: issuedAt, registry: client.registry)
    }

    static func assertion(key: GoogleServiceAccountKey, scope: String, issuedAt: Date, registry: String) throws -> String {
        let iat = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
        let claims: JWTObject = [
            "iss": .string(key.clientEmail), "scope": .string(scope), "aud": .string(key.tokenURI),
            "exp": .integer(iat + 3600), "iat": .integer(iat),
        ]
        var header = JWTObject()
        if let kid = key.privateKeyID { header["kid"] = .string(kid) }
        do {
            return try JWTSigner(key: key.privateKey, algorithm: .rs256).sign(claims: claims, header: header)
        } catch let error as SigningError {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "sign Google service-account assertion",
                message: error.message, underlying: error)
        }
    }
}
