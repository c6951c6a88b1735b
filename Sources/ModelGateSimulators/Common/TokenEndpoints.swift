import Foundation
import HTTPTypes
import Hummingbird
import ModelGateSigning
import Synchronization

/// Access tokens issued by the simulated token endpoints, with their expiry; simulators check bearer
/// tokens against it and answer 401 in their registry's own error format.
public final class TokenRegistry: Sendable {
    public enum Check: Sendable, Hashable { case valid, missing, unknown, expired }

    private struct Issued { var expiresAt: Date; var scope: String }
    private let tokens = Mutex<[String: Issued]>([:])
    private let clock: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = Date.init) { clock = now }

    /// Issues a random token valid for `lifetime` seconds.
    public func issue(prefix: String, scope: String, lifetime: TimeInterval) -> String {
        let token = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        tokens.withLock { $0[token] = Issued(expiresAt: clock().addingTimeInterval(lifetime), scope: scope) }
        return token
    }

    /// Checks an `Authorization` header value (`Bearer TOKEN`).
    public func check(authorization: String?) -> Check {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return .missing }
        let token = String(authorization.dropFirst("Bearer ".count))
        guard let issued = tokens.withLock({ $0[token] }) else { return .unknown }
        return issued.expiresAt > clock() ? .valid : .expired
    }

    /// Makes every issued token expired now (to test refresh mid-sync).
    public func expireAll() {
        tokens.withLock { tokens in
            for key in tokens.keys { tokens[key]?.expiresAt = .distantPast }
        }
    }

    public var issuedCount: Int { tokens.withLock { $0.count } }

    /// Every token issued so far (the secrets test searches outputs for them).
    public var issuedTokens: [String] { tokens.withLock { Array($0.keys) } }
}

/// Google's OAuth token endpoint for service accounts (`urn:ietf:params:oauth:grant-type:jwt-bearer`):
/// verifies the RS256 assertion with the account's public key, then `iss`, `aud` (the token URI), `scope`,
/// `iat` and `exp`, before issuing a token. Errors are Google's: `{"error", "error_description"}` with 400.
public final class GoogleTokenEndpoint: Sendable {
    public struct Account: Sendable {
        public var clientEmail: String
        public var keyID: String
        public var publicKey: RSAPublicKey
        public init(clientEmail: String, keyID: String, publicKey: RSAPublicKey) {
            self.clientEmail = clientEmail
            self.keyID = keyID
            self.publicKey = publicKey
        }
    }

    public static let path = "/token"
    public let accounts: [Account]
    public let tokens: TokenRegistry
    /// Seconds a token lives (`expires_in`).
    public let lifetime: TimeInterval
    private let base = Mutex("")
    private let hitCount = Mutex(0)

    public init(accounts: [Account], tokens: TokenRegistry, lifetime: TimeInterval = 3600) {
        self.accounts = accounts
        self.tokens = tokens
        self.lifetime = lifetime
    }

    /// The server's base URL; the assertion's `aud` must be `baseURL + /token`. Set once the host is up.
    public var baseURL: String {
        get { base.withLock { $0 } }
        set { base.withLock { $0 = newValue } }
    }
    public var tokenURI: String { baseURL + Self.path }
    public var hits: Int { hitCount.withLock { $0 } }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(Self.path)) { request, _ -> Response in
            let form = SimulatorJSON.form(try await SimulatorJSON.body(of: request, limit: 64 << 10))
            let (status, body) = self.exchange(form: form, contentType: request.headers[.contentType])
            return SimulatorJSON.response(status: status, body)
        }
    }

    func exchange(form: [String: String], contentType: String?) -> (Int, [String: Any]) {
        hitCount.withLock { $0 += 1 }
        func error(_ code: String, _ description: String) -> (Int, [String: Any]) {
            (400, ["error": code, "error_description": description])
        }
        guard contentType?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return error("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return error("unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
        guard let assertion = form["assertion"], let jwt = try? JWT(compact: assertion) else {
            return error("invalid_request", "Invalid assertion format")
        }
        guard jwt.header["alg"]?.stringValue == "RS256",
            let account = accounts.first(where: { $0.clientEmail == jwt.claims["iss"]?.stringValue })
        else {
            return error("invalid_grant", "Invalid JWT: unknown issuer or algorithm")
        }
        guard jwt.header["kid"]?.stringValue == account.keyID else {
            return error("invalid_grant", "Invalid JWT Signature.")
        }
        guard (try? jwt.verify(using: account.publicKey)) != nil else {
            return error("invalid_grant", "Invalid JWT Signature.")
        }
        guard jwt.claims["aud"]?.stringValue == tokenURI else {
            return error("invalid_grant", "Invalid JWT: aud must be \(tokenURI)")
        }
        guard let scope = jwt.claims["scope"]?.stringValue, !scope.isEmpty else {
            return error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        }
        let now = Int64(Date().timeIntervalSince1970)
        guard let iat = jwt.claims["iat"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            exp > now, exp - iat <= 3600, iat <= now + 60
        else {
            return error(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        }
        let token = tokens.issue(prefix: "ya29.sim-", scope: scope, lifetime: lifetime)
        return (200, ["access_token": token, "expires_in": Int(lifetime), "token_type": "Bearer"])
    }

    /// A service-account key file for `account` holding `privateKeyPEM`, whose `token_uri` is this endpoint.
    public func keyFile(for account: Account, privateKeyPEM: String, projectID: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "project_id": projectID, "private_key_id": account.keyID,
            "private_key": privateKeyPEM, "client_email": account.clientEmail, "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI,
        ])
    }
}

/// Entra ID's v2.0 token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials): a client secret,
/// or a client assertion verified with the registered certificate (PS256 with `x5t#S256`, RS256 with `x5t`)
/// and its `aud`, `iss`, `sub`, `jti`, `nbf` and `exp`. Errors are Entra's `{"error", "error_description"}`
/// with AADSTS codes.
public final class EntraTokenEndpoint: Sendable {
    public struct Application: Sendable {
        public var tenantID: String
        public var clientID: String
        public var clientSecret: String?
        public var certificate: X509Certificate?
        public init(tenantID: String, clientID: String, clientSecret: String?, certificate: X509Certificate?) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.certificate = certificate
        }
    }

    public let applications: [Application]
    public let tokens: TokenRegistry
    public let lifetime: TimeInterval
    private let base = Mutex("")
    private let hitCount = Mutex(0)

    public init(applications: [Application], tokens: TokenRegistry, lifetime: TimeInterval = 3600) {
        self.applications = applications
        self.tokens = tokens
        self.lifetime = lifetime
    }

    /// The authority: set once the host is up; the assertion's `aud` must be this endpoint's URL.
    public var baseURL: String {
        get { base.withLock { $0 } }
        set { base.withLock { $0 = newValue } }
    }
    public func tokenEndpoint(tenant: String) -> String { "\(baseURL)/\(tenant)/oauth2/v2.0/token" }
    public var hits: Int { hitCount.withLock { $0 } }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post("/:tenant/oauth2/v2.0/token") { request, context -> Response in
            let form = SimulatorJSON.form(try await SimulatorJSON.body(of: request, limit: 64 << 10))
            let (status, body) = self.exchange(tenant: context.parameters.get("tenant") ?? "", form: form)
            return SimulatorJSON.response(status: status, body)
        }
    }

    func exchange(tenant: String, form: [String: String]) -> (Int, [String: Any]) {
        hitCount.withLock { $0 += 1 }
        func error(_ status: Int, _ code: String, _ description: String) -> (Int, [String: Any]) {
            (status, ["error": code, "error_description": description])
        }
        guard form["grant_type"] == "client_credentials" else {
            return error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        }
        guard let app = applications.first(where: { $0.tenantID == tenant && $0.clientID == form["client_id"] }) else {
            if !applications.contains(where: { $0.tenantID == tenant }) {
                return error(400, "invalid_request", "AADSTS90002: Tenant '\(tenant)' not found.")
            }
            return error(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        }
        guard let scope = form["scope"], scope.hasSuffix("/.default") else {
            return error(400, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.")
        }
        if let secret = form["client_secret"] {
            guard let expected = app.clientSecret, secret == expected else {
                return error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
            }
            return issue(scope: scope)
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"], let jwt = try? JWT(compact: assertion)
        else {
            return error(400, "invalid_request", "AADSTS900144: The request body must contain: client_assertion or client_secret.")
        }
        guard let certificate = app.certificate else {
            return error(401, "invalid_client", "AADSTS700027: No certificate is registered on the application.")
        }
        let algorithm = jwt.header["alg"]?.stringValue
        let thumbprint: String?
        switch algorithm {
        case "PS256": thumbprint = jwt.header["x5t#S256"]?.stringValue
        case "RS256": thumbprint = jwt.header["x5t"]?.stringValue
        default: return error(401, "invalid_client", "AADSTS5002730: Invalid JWT token. Unsupported algorithm.")
        }
        guard let thumbprint, !thumbprint.isEmpty else {
            return error(401, "invalid_client", "AADSTS5002723: Invalid JWT token. No certificate thumbprint specified.")
        }
        guard (try? jwt.verify(using: certificate)) != nil else {
            return error(401, "invalid_client", "AADSTS700027: Client assertion failed signature validation.")
        }
        guard thumbprint == (algorithm == "PS256" ? certificate.x5tS256 : certificate.x5t) else {
            return error(
                401, "invalid_client",
                "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.")
        }
        let now = Int64(Date().timeIntervalSince1970)
        guard jwt.claims["aud"]?.stringValue == tokenEndpoint(tenant: tenant),
            jwt.claims["iss"]?.stringValue == app.clientID, jwt.claims["sub"]?.stringValue == app.clientID,
            jwt.claims["jti"]?.stringValue?.isEmpty == false,
            let nbf = jwt.claims["nbf"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            nbf <= now + 60, exp > now, exp - nbf <= 3600
        else {
            return error(
                401, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range or its claims are wrong.")
        }
        return issue(scope: scope)
    }

    private func issue(scope: String) -> (Int, [String: Any]) {
        let token = tokens.issue(prefix: "eyJ0.sim-", scope: scope, lifetime: lifetime)
        return (200, ["access_token": token, "expires_in": Int(lifetime), "ext_expires_in": Int(lifetime), "token_type": "Bearer"])
    }
}
