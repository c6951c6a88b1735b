import Foundation
import ModelGateSigning
import ModelGateTransport
import Synchronization

/// An in-process stand-in for Google's OAuth token endpoint: it parses the form, verifies the assertion's
/// signature with the registered public key, checks the claims against its own clock, then issues a token.
final class FakeGoogleTokenEndpoint: Sendable {
    let tokenURI: String
    let clientEmail: String
    let keyID: String
    let publicKey: RSAPublicKey
    let clock: TestClock
    let expiresIn: Int
    let delay: Duration
    private let issued = Mutex(0)

    init(
        tokenURI: String, clientEmail: String, keyID: String, publicKey: RSAPublicKey, clock: TestClock,
        expiresIn: Int = 3599, delay: Duration = .zero
    ) {
        self.tokenURI = tokenURI
        self.clientEmail = clientEmail
        self.keyID = keyID
        self.publicKey = publicKey
        self.clock = clock
        self.expiresIn = expiresIn
        self.delay = delay
    }

    var issuedCount: Int { issued.withLock { $0 } }

    func handle(_ request: TransportRequest) async throws -> TransportResponse {
        if delay > .zero { try await Task.sleep(for: delay) }
        guard request.method == .POST, request.url == tokenURI else { return oauthError(404, "not_found", "no such endpoint") }
        guard request.header("Content-Type") == "application/x-www-form-urlencoded" else {
            return oauthError(400, "invalid_request", "form body expected")
        }
        let form = parseForm(request.body)
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return oauthError(400, "unsupported_grant_type", "Invalid grant_type")
        }
        guard let assertion = form["assertion"], let jwt = try? JWT(compact: assertion) else {
            return oauthError(400, "invalid_request", "Invalid assertion format")
        }
        guard jwt.header["alg"] == "RS256", jwt.header["typ"] == "JWT", jwt.header["kid"]?.stringValue == keyID else {
            return oauthError(400, "invalid_grant", "Invalid JWT header")
        }
        guard (try? jwt.verify(using: publicKey)) != nil else {
            return oauthError(400, "invalid_grant", "Invalid JWT Signature.")
        }
        let now = Int64(clock.now().timeIntervalSince1970)
        guard jwt.claims["iss"]?.stringValue == clientEmail,
            jwt.claims["scope"]?.stringValue == "https://www.googleapis.com/auth/cloud-platform",
            jwt.claims["aud"]?.stringValue == tokenURI,
            let iat = jwt.claims["iat"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            exp - iat == 3600, abs(iat - now) <= 60, exp > now
        else { return oauthError(400, "invalid_grant", "Invalid JWT: claims are wrong or the token expired") }
        let number = issued.withLock {
            $0 += 1
            return $0
        }
        return jsonResponse(200, ["access_token": "ya29.fake-\(number)", "expires_in": expiresIn, "token_type": "Bearer"])
    }
}

/// An in-process stand-in for Entra ID's v2.0 token endpoint with one registered application: a client
/// secret and/or a certificate. Assertions are checked like Entra does: x5t#S256 (PS256) or x5t (RS256)
/// must name the registered certificate, the signature must verify with it, aud/iss/sub/nbf/exp must
/// fit, and a jti is accepted once.
final class FakeEntraTokenEndpoint: Sendable {
    let authority: String
    let tenantID: String
    let clientID: String
    let clientSecret: String?
    let certificate: X509Certificate?
    let clock: TestClock
    let echoSecretInErrors: Bool
    private let state = Mutex((issued: 0, seenJTIs: Set<String>()))

    init(
        authority: String, tenantID: String, clientID: String, clientSecret: String? = nil,
        certificate: X509Certificate? = nil, clock: TestClock, echoSecretInErrors: Bool = false
    ) {
        self.authority = authority
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.certificate = certificate
        self.clock = clock
        self.echoSecretInErrors = echoSecretInErrors
    }

    var tokenEndpoint: String { "\(authority)/\(tenantID)/oauth2/v2.0/token" }
    var issuedCount: Int { state.withLock { $0.issued } }

    func handle(_ request: TransportRequest) async throws -> TransportResponse {
        guard request.method == .POST, request.url == tokenEndpoint else {
            return oauthError(400, "invalid_request", "AADSTS90002: Tenant not found.")
        }
        let form = parseForm(request.body)
        guard form["grant_type"] == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "AADSTS70003")
        }
        guard form["client_id"] == clientID else {
            return oauthError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        }
        guard form["scope"] == "https://management.azure.com/.default" else {
            return oauthError(400, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.")
        }
        if let secret = form["client_secret"] {
            guard let clientSecret, secret == clientSecret else {
                let echo = echoSecretInErrors ? " (got '\(secret)')" : ""
                return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.\(echo)")
            }
            return issue()
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"], let jwt = try? JWT(compact: assertion)
        else { return oauthError(400, "invalid_request", "AADSTS900144: client_assertion or client_secret is required.") }
        guard let certificate else { return oauthError(401, "invalid_client", "AADSTS700027: no certificate registered") }
        switch jwt.header["alg"]?.stringValue {
        case "PS256":
            guard jwt.header["x5t#S256"]?.stringValue == certificate.x5tS256 else {
                return oauthError(401, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.")
            }
        case "RS256":
            guard jwt.header["x5t"]?.stringValue == certificate.x5t else {
                return oauthError(401, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.")
            }
        default:
            return oauthError(401, "invalid_client", "AADSTS5002730: Invalid JWT token. Unsupported algorithm")
        }
        guard (try? jwt.verify(using: certificate)) != nil else {
            return oauthError(401, "invalid_client", "AADSTS700027: Client assertion failed signature validation.")
        }
        let now = Int64(clock.now().timeIntervalSince1970)
        guard jwt.claims["aud"]?.stringValue == tokenEndpoint, jwt.claims["iss"]?.stringValue == clientID,
            jwt.claims["sub"]?.stringValue == clientID, let jti = jwt.claims["jti"]?.stringValue, UUID(uuidString: jti) != nil,
            let nbf = jwt.claims["nbf"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            jwt.claims["iat"]?.integerValue == nbf, nbf <= now + 60, exp > now, exp - nbf <= 600
        else { return oauthError(401, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range or claims are wrong.") }
        let fresh = state.withLock { $0.seenJTIs.insert(jti).inserted }
        guard fresh else { return oauthError(401, "invalid_client", "AADSTS700021: Client assertion jti has been used before.") }
        return issue()
    }

    private func issue() -> TransportResponse {
        let number = state.withLock {
            $0.issued += 1
            return $0.issued
        }
        return jsonResponse(200, ["token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0.fake-\(number)"])
    }
}
