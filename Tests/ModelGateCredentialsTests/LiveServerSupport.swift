import Foundation
import ModelGateSimulators
import HTTPTypes
import Hummingbird
import Logging
import ModelGateSigning
import ModelGateTransport
import NIOCore
import ServiceLifecycle
import Synchronization

// Support for the end-to-end tests: a Hummingbird server on 127.0.0.1 (ephemeral port) that plays Google's
// and Entra ID's token endpoints and a protected API, reached over the real libcurl transport.

/// Runs a Hummingbird server for `router` on 127.0.0.1 with an ephemeral port, calls `body` with its
/// base URL (`http://127.0.0.1:PORT`), then stops the server.
func withLocalServer<Value>(
    _ router: Router<BasicRequestContext>, _ body: (_ baseURL: String) async throws -> Value
) async throws -> Value {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var serverLogger = Logger(label: "modelgate.test-server")
    serverLogger.logLevel = .error
    let app = Application(
        router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: serverLogger)
    let group = ServiceGroup(configuration: .init(services: [app], logger: serverLogger))
    let server = Task {
        defer { continuation.finish() }
        try await group.run()
    }
    /// Stops like a graceful shutdown (open keep-alive connections are closed), then waits for the end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await server.result
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        await stop()
        throw LocalServerError(message: "the local test server did not start")
    }
    do {
        let value = try await body("http://127.0.0.1:\(port)")
        await stop()
        return value
    } catch {
        await stop()
        throw error
    }
}

struct LocalServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A libcurl transport with short limits and no proxy (the environment's proxies must not catch loopback).
func liveCurlTransport(logger: Logger = Logger(label: "modelgate.transport")) -> CurlTransport {
    CurlTransport(
        options: TransportOptions(
            connectTimeout: .seconds(2), totalTimeout: .seconds(10), maxResponseBytes: 1 << 20, proxy: .none),
        logger: logger)
}

// MARK: - Capturing logs

/// Everything a logger was asked to log, rendered as text (level, source, message, every metadata key and
/// value, nested values included, and the attached error).
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    /// A logger at `.trace` whose only handler writes here (no process-global bootstrap).
    func logger(label: String = "modelgate.transport") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.render($0.value))" }
        var line = "[\(event.level)] \(label) \(event.source): \(event.message) \(rendered.joined(separator: " "))"
        if let error = event.error { line += " error=\(String(reflecting: error))" }
        capture.append(line)
    }

    static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            return "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}

// MARK: - Token endpoints and a protected API

/// Local stand-ins for Google's and Entra ID's token endpoints, plus `GET /protected`, which accepts only
/// tokens this server issued. Both endpoints verify assertion signatures with the registered public key.
///
/// Routes: `POST /token` (Google JWT bearer), `POST /{tenant}/oauth2/v2.0/token` (Entra ID client
/// credentials), `GET /protected`.
final class LiveTokenServer: Sendable {
    struct GoogleAccount: Sendable {
        let clientEmail: String
        let keyID: String
        let publicKey: RSAPublicKey
        let scope: String
    }

    struct EntraApplication: Sendable {
        let tenantID: String
        let clientID: String
        let clientSecret: String
        let certificate: X509Certificate
        let scope: String
    }

    struct State {
        var baseURL = ""
        var googleHits = 0
        var entraHits = 0
        var protectedHits = 0
        var issuedTokens: [String] = []
        /// Every credential-bearing value the server received (assertions, client secrets, Authorization).
        var receivedSecrets: [String] = []
        var rejections: [String] = []
        /// Token requests still to be answered `503` (before any checking), to exercise retries.
        var transientFailures = 0
    }

    let google: GoogleAccount
    let entra: EntraApplication
    /// Puts the rejected client secret or assertion into `error_description`, as a careless provider might;
    /// the client must redact it.
    let echoRejectedCredentials: Bool
    private let state = Mutex(State())

    init(google: GoogleAccount, entra: EntraApplication, echoRejectedCredentials: Bool = false) {
        self.google = google
        self.entra = entra
        self.echoRejectedCredentials = echoRejectedCredentials
    }

    /// The usual test identities: the service account of `SampleKeys.serviceAccountKey` and the Entra
    /// application of `SampleKeys.appCertificate`.
    static func standard(echoRejectedCredentials: Bool = false) throws -> LiveTokenServer {
        LiveTokenServer(
            google: GoogleAccount(
                clientEmail: "gateway@example-project.iam.gserviceaccount.com",
                keyID: "0123456789abcdef0123456789abcdef01234567",
                publicKey: try RSAPublicKey(pem: SampleKeys.serviceAccountPublicKey),
                scope: "https://www.googleapis.com/auth/cloud-platform"),
            entra: EntraApplication(
                tenantID: "00000000-0000-0000-0000-00000000a11c", clientID: "11111111-2222-3333-4444-555555555555",
                clientSecret: "Xq8~entra.client-secret_Z9", certificate: try X509Certificate(pem: SampleKeys.appCertificate),
                scope: "https://management.azure.com/.default"),
            echoRejectedCredentials: echoRejectedCredentials)
    }

    var snapshot: State { state.withLock { $0 } }
    /// Answers the next `count` token requests with `503 temporarily_unavailable`.
    func failNextTokenRequests(_ count: Int) { state.withLock { $0.transientFailures = count } }
    var baseURL: String {
        get { state.withLock { $0.baseURL } }
        set { state.withLock { $0.baseURL = newValue } }
    }
    var googleTokenURI: String { baseURL + "/token" }
    var entraTokenEndpoint: String { "\(baseURL)/\(entra.tenantID)/oauth2/v2.0/token" }

    /// A service-account key file for `google`'s account, signed with `privateKey`, whose `token_uri` is
    /// this server.
    func googleKeyFile(privateKey: String) throws -> Data {
        let object: [String: Any] = [
            "type": "service_account", "project_id": "example-project", "private_key_id": google.keyID,
            "private_key": privateKey, "client_email": google.clientEmail, "client_id": "1234567890",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": googleTokenURI,
        ]
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// Adds this server's routes to `router`.
    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/token") { [self] request, _ -> Response in
            if let unavailable = transientFailure() { return unavailable }
            let form = parseForm(try await Self.body(of: request))
            return reply(googleExchange(form: form, contentType: request.headers[.contentType]))
        }
        router.post("/:tenant/oauth2/v2.0/token") { [self] request, context -> Response in
            if let unavailable = transientFailure() { return unavailable }
            let form = parseForm(try await Self.body(of: request))
            return reply(entraExchange(tenant: context.parameters.get("tenant") ?? "", form: form))
        }
        router.get("/protected") { [self] request, _ -> Response in
            let authorization = request.headers[.authorization]
            let issued = state.withLock { state -> [String] in
                state.protectedHits += 1
                if let authorization { state.receivedSecrets.append(authorization) }
                return state.issuedTokens
            }
            guard let authorization, authorization.hasPrefix("Bearer "),
                issued.contains(String(authorization.dropFirst("Bearer ".count)))
            else {
                return reply((401, ["error": ["code": "InvalidAuthenticationToken", "message": "The access token is invalid."]]))
            }
            return reply((200, ["ok": true, "resource": "protected"]))
        }
    }

    private func transientFailure() -> Response? {
        let fail = state.withLock { state -> Bool in
            guard state.transientFailures > 0 else { return false }
            state.transientFailures -= 1
            return true
        }
        guard fail else { return nil }
        var response = reply((503, ["error": "temporarily_unavailable", "error_description": "Service unavailable, retry."]))
        response.headers[.retryAfter] = "0"
        return response
    }

    static func body(of request: Request) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
    }

    private func reply(_ answer: (status: Int, json: [String: Any])) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: answer.json, options: [.sortedKeys])) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func oauthError(_ status: Int, _ error: String, _ description: String) -> (Int, [String: Any]) {
        state.withLock { $0.rejections.append("\(error): \(description)") }
        return (status, ["error": error, "error_description": description])
    }

    private func issue(prefix: String) -> (Int, [String: Any]) {
        let token = "\(prefix)\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        state.withLock { $0.issuedTokens.append(token) }
        return (200, ["access_token": token, "expires_in": 3600, "token_type": "Bearer"])
    }

    private func echo(_ value: String) -> String { echoRejectedCredentials ? " (received '\(value)')" : "" }

    /// Google's `urn:ietf:params:oauth:grant-type:jwt-bearer` exchange.
    func googleExchange(form: [String: String], contentType: String?) -> (Int, [String: Any]) {
        state.withLock {
            $0.googleHits += 1
            if let assertion = form["assertion"] { $0.receivedSecrets.append(assertion) }
        }
        guard contentType?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return oauthError(400, "unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
        guard let assertion = form["assertion"], let jwt = try? JWT(compact: assertion) else {
            return oauthError(400, "invalid_request", "Invalid assertion format")
        }
        guard jwt.header["alg"]?.stringValue == "RS256", jwt.header["kid"]?.stringValue == google.keyID else {
            return oauthError(400, "invalid_grant", "Invalid JWT header (alg must be RS256, kid must name the key)")
        }
        guard (try? jwt.verify(using: google.publicKey)) != nil else {
            return oauthError(400, "invalid_grant", "Invalid JWT Signature." + echo(assertion))
        }
        let now = Int64(Date().timeIntervalSince1970)
        guard jwt.claims["iss"]?.stringValue == google.clientEmail else {
            return oauthError(400, "invalid_grant", "Invalid JWT: iss is not the service account")
        }
        guard jwt.claims["aud"]?.stringValue == googleTokenURI else {
            return oauthError(400, "invalid_grant", "Invalid JWT: aud must be the token URI")
        }
        guard jwt.claims["scope"]?.stringValue == google.scope else {
            return oauthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        }
        guard let iat = jwt.claims["iat"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            exp > now, exp - iat <= 3600, iat <= now + 60
        else {
            return oauthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        }
        return issue(prefix: "ya29.live-")
    }

    /// Entra ID's v2.0 client-credentials grant with a client secret or a certificate assertion.
    func entraExchange(tenant: String, form: [String: String]) -> (Int, [String: Any]) {
        state.withLock {
            $0.entraHits += 1
            for name in ["client_secret", "client_assertion"] {
                if let value = form[name] { $0.receivedSecrets.append(value) }
            }
        }
        guard tenant == entra.tenantID else {
            return oauthError(400, "invalid_request", "AADSTS90002: Tenant '\(tenant)' not found.")
        }
        guard form["grant_type"] == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        }
        guard form["client_id"] == entra.clientID else {
            return oauthError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        }
        guard form["scope"] == entra.scope else {
            return oauthError(400, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.")
        }
        if let secret = form["client_secret"] {
            guard secret == entra.clientSecret else {
                return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided." + echo(secret))
            }
            return issue(prefix: "eyJ0.live-")
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"], let jwt = try? JWT(compact: assertion)
        else {
            return oauthError(400, "invalid_request", "AADSTS900144: The request body must contain: client_assertion or client_secret.")
        }
        let thumbprint: String?
        switch jwt.header["alg"]?.stringValue {
        case "PS256": thumbprint = jwt.header["x5t#S256"]?.stringValue
        case "RS256": thumbprint = jwt.header["x5t"]?.stringValue
        default: return oauthError(401, "invalid_client", "AADSTS5002730: Invalid JWT token. Unsupported algorithm.")
        }
        guard let thumbprint, !thumbprint.isEmpty else {
            return oauthError(401, "invalid_client", "AADSTS5002723: Invalid JWT token. No certificate thumbprint specified.")
        }
        // The signature is checked with the registered certificate's public key first, so that a
        // wrong key fails here whatever thumbprint it names.
        guard (try? jwt.verify(using: entra.certificate)) != nil else {
            return oauthError(401, "invalid_client", "AADSTS700027: Client assertion failed signature validation." + echo(assertion))
        }
        let expected = jwt.header["alg"]?.stringValue == "PS256" ? entra.certificate.x5tS256 : entra.certificate.x5t
        guard thumbprint == expected else {
            return oauthError(401, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.")
        }
        let now = Int64(Date().timeIntervalSince1970)
        guard jwt.claims["aud"]?.stringValue == entraTokenEndpoint, jwt.claims["iss"]?.stringValue == entra.clientID,
            jwt.claims["sub"]?.stringValue == entra.clientID, jwt.claims["jti"]?.stringValue?.isEmpty == false,
            let nbf = jwt.claims["nbf"]?.integerValue, let exp = jwt.claims["exp"]?.integerValue,
            nbf <= now + 60, exp > now, exp - nbf <= 3600
        else {
            return oauthError(401, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range or its claims are wrong.")
        }
        return issue(prefix: "eyJ0.live-")
    }
}
