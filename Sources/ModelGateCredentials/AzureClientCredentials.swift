import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport

/// An Entra ID application certificate: the private key and its certificate, from one PEM file.
public struct AzureClientCertificate: Sendable, CustomStringConvertible {
    /// The certificate (its thumbprint goes in the assertion header).
    public let certificate: X509Certificate
    let privateKey: RSAPrivateKey

    /// Parses PEM text holding both a private key (PKCS#1 or PKCS#8) and a certificate, and checks that
    /// they belong together.
    /// - Throws: `RegistryError(.credentials)` naming `source` and what is missing or mismatched.
    public init(pem: String, registry: String, source: String = "the certificate file") throws {
        let operation = "read Entra ID client certificate"
        do {
            privateKey = try RSAPrivateKey(pem: pem)
            certificate = try X509Certificate(pem: pem)
        } catch let error as SigningError {
            throw RegistryError(
                code: .credentials, registry: registry, operation: operation,
                message: "\(source) must hold the private key and the certificate: \(error.message)")
        }
        guard (try? certificate.publicKey.matches(privateKey.publicKey)) == true else {
            throw RegistryError(
                code: .credentials, registry: registry, operation: operation,
                message: "the certificate in \(source) does not match its private key")
        }
    }

    /// Reads a PEM file holding the key and the certificate.
    public static func load(path: String, registry: String) throws -> AzureClientCertificate {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
            SecretFilePermissions.check(path, holding: "Entra ID client certificate")
        } catch {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "read Entra ID client certificate",
                message: "cannot read \(path): \(error.localizedDescription)")
        }
        return try AzureClientCertificate(pem: text, registry: registry, source: path)
    }

    public var description: String { "AzureClientCertificate(x5t#S256: \(certificate.x5tS256), privateKey: ***)" }
}

/// How an Entra ID application proves itself.
public enum AzureClientCredential: Sendable, CustomStringConvertible {
    /// A client secret.
    case secret(String)
    /// A certificate: a signed client assertion, PS256 with `x5t#S256` (default) or RS256 with `x5t`.
    case certificate(AzureClientCertificate, algorithm: JWTAlgorithm = .ps256)

    public var description: String {
        switch self {
        case .secret: return "client secret ***"
        case .certificate(let certificate, let algorithm): return "\(certificate) \(algorithm.name)"
        }
    }
}

/// Settings for Entra ID client credentials as ModelGate's config gives them; each nil value falls back to
/// its environment variable (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
/// `AZURE_CLIENT_CERTIFICATE_PATH`).
public struct AzureCredentialSettings: Sendable {
    /// The directory (tenant) id; else `AZURE_TENANT_ID`.
    public var tenantID: String?
    /// The application (client) id; else `AZURE_CLIENT_ID`.
    public var clientID: String?
    /// A client secret; else `AZURE_CLIENT_SECRET`.
    public var clientSecret: String?
    /// A PEM file holding the private key and the certificate.
    public var certificatePath: String?
    /// The assertion algorithm for a certificate (default PS256).
    public var algorithm: JWTAlgorithm
    /// Default `https://login.microsoftonline.com`.
    public var authority: String?
    /// Default `https://management.azure.com/.default`.
    public var scope: String?

    /// Settings from the config; nil values fall back to the environment or the defaults.
    public init(
        tenantID: String? = nil, clientID: String? = nil, clientSecret: String? = nil, certificatePath: String? = nil,
        algorithm: JWTAlgorithm = .ps256, authority: String? = nil, scope: String? = nil
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.certificatePath = certificatePath
        self.algorithm = algorithm
        self.authority = authority
        self.scope = scope
    }
}

/// OAuth access tokens for an Entra ID application (client credentials grant, v2.0 endpoint), with a
/// client secret or a certificate assertion; cached and refreshed before expiry (one request at a time).
public struct AzureClientCredentialsTokenProvider: AccessTokenProvider {
    /// `https://login.microsoftonline.com`.
    public static let defaultAuthority = "https://login.microsoftonline.com"
    /// `https://management.azure.com/.default` (Azure Resource Manager).
    public static let managementScope = "https://management.azure.com/.default"
    /// The client assertion type for certificate credentials.
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// The directory (tenant).
    public let tenantID: String
    /// The application (client) id, also the assertion's `iss` and `sub`.
    public let clientID: String
    /// The scope asked for.
    public let scope: String
    /// `{authority}/{tenant}/oauth2/v2.0/token`, also the assertion's `aud`.
    public let tokenEndpoint: String
    private let credential: AzureClientCredential
    private let registry: String
    private let cache: TokenCache

    /// - Parameters:
    ///   - tenantID: the directory (tenant) id or domain.
    ///   - clientID: the application (client) id.
    ///   - credential: a secret or a certificate.
    ///   - scope: default ``managementScope``.
    ///   - authority: default ``defaultAuthority`` (sovereign clouds and simulators override it).
    ///   - transport: sends the token request.
    ///   - registry: the registry name for errors.
    ///   - refreshMargin: refresh this long before expiry.
    ///   - now: the clock (injected).
    ///   - makeJTI: a fresh assertion id (random UUID by default).
    public init(
        tenantID: String, clientID: String, credential: AzureClientCredential, scope: String = Self.managementScope,
        authority: String = Self.defaultAuthority, transport: any HTTPTransport, registry: String,
        refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() },
        makeJTI: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.scope = scope
        self.credential = credential
        self.registry = registry
        var base = authority
        while base.hasSuffix("/") { base.removeLast() }
        let endpoint = "\(base)/\(tenantID)/oauth2/v2.0/token"
        self.tokenEndpoint = endpoint
        let client = TokenEndpointClient(
            transport: transport, registry: registry, endpoint: endpoint, purpose: "Entra ID client-credentials request",
            now: now)
        self.cache = TokenCache(refreshMargin: refreshMargin, now: now) {
            var form: [(name: String, value: String)] = [
                ("client_id", clientID), ("scope", scope), ("grant_type", "client_credentials"),
            ]
            var secrets: [String] = []
            switch credential {
            case .secret(let secret):
                form.append(("client_secret", secret))
                secrets.append(secret)
            case .certificate(let certificate, let algorithm):
                let assertion = try Self.clientAssertion(
                    certificate: certificate, algorithm: algorithm, clientID: clientID, audience: endpoint,
                    now: now(), jti: makeJTI(), registry: registry)
                form.append(("client_assertion_type", Self.assertionType))
                form.append(("client_assertion", assertion))
                secrets.append(assertion)
            }
            return try await client.requestToken(form: form, secrets: secrets)
        }
    }

    /// Builds a provider from config values, each falling back to its `AZURE_*` variable in `environment`.
    /// A secret wins over a certificate, as in the Azure SDKs.
    /// - Throws: `RegistryError(.configuration)` naming the missing setting and its variable;
    ///   `RegistryError(.credentials)` for an unreadable certificate file.
    public static func make(
        settings: AzureCredentialSettings, environment: [String: String], transport: any HTTPTransport, registry: String,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> AzureClientCredentialsTokenProvider {
        func pick(_ value: String?, _ variable: String) -> String? {
            if let value, !value.isEmpty { return value }
            if let env = environment[variable], !env.isEmpty { return env }
            return nil
        }
        func missing(_ key: String, _ variable: String) -> RegistryError {
            RegistryError(
                code: .configuration, registry: registry, operation: "configure Entra ID credentials",
                message: "no \(key): set it in the registry's auth config or in \(variable)")
        }
        guard let tenant = pick(settings.tenantID, "AZURE_TENANT_ID") else { throw missing("tenant", "AZURE_TENANT_ID") }
        guard let client = pick(settings.clientID, "AZURE_CLIENT_ID") else { throw missing("client_id", "AZURE_CLIENT_ID") }
        let credential: AzureClientCredential
        if let secret = settings.clientSecret, !secret.isEmpty {
            credential = .secret(secret)
        } else if let path = settings.certificatePath, !path.isEmpty {
            credential = .certificate(try AzureClientCertificate.load(path: path, registry: registry), algorithm: settings.algorithm)
        } else if let secret = pick(nil, "AZURE_CLIENT_SECRET") {
            credential = .secret(secret)
        } else if let path = pick(nil, "AZURE_CLIENT_CERTIFICATE_PATH") {
            credential = .certificate(try AzureClientCertificate.load(path: path, registry: registry), algorithm: settings.algorithm)
        } else {
            throw missing("client_secret or certificate", "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH")
        }
        return AzureClientCredentialsTokenProvider(
            tenantID: tenant, clientID: client, credential: credential, scope: settings.scope ?? Self.managementScope,
            authority: settings.authority ?? Self.defaultAuthority, transport: transport, registry: registry, now: now)
    }

    /// A valid token, from the cache or one shared request.
    public func accessToken() async throws -> AccessToken { try await cache.token() }

    /// Drops the cached token.
    public func invalidate() async { await cache.invalidate() }

    /// The client assertion this provider would send at `now` with id `jti` (certificate credentials only).
    public func clientAssertion(now: Date, jti: String) throws -> String? {
        guard case .certificate(let certificate, let algorithm) = credential else { return nil }
        return try Self.clientAssertion(
            certificate: certificate, algorithm: algorithm, clientID: clientID, audience: tokenEndpoint, now: now,
            jti: jti, registry: registry)
    }

    /// Header `{"alg":…,"typ":"JWT","x5t#S256"|"x5t":…}`; claims `aud`, `exp` (now + 10 min), `iss`, `jti`,
    /// `nbf`, `sub`, `iat`, in the order of the published example.
    static func clientAssertion(
        certificate: AzureClientCertificate, algorithm: JWTAlgorithm, clientID: String, audience: String, now: Date,
        jti: String, registry: String
    ) throws -> String {
        let issued = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims: JWTObject = [
            "aud": .string(audience), "exp": .integer(issued + 600), "iss": .string(clientID), "jti": .string(jti),
            "nbf": .integer(issued), "sub": .string(clientID), "iat": .integer(issued),
        ]
        let header: JWTObject =
            algorithm == .ps256
            ? ["x5t#S256": .string(certificate.certificate.x5tS256)] : ["x5t": .string(certificate.certificate.x5t)]
        do {
            return try JWTSigner(key: certificate.privateKey, algorithm: algorithm).sign(claims: claims, header: header)
        } catch let error as SigningError {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "sign Entra ID client assertion",
                message: error.message, underlying: error)
        }
    }
}
