import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelGateCore
import ModelGateSigning
import ModelGateTransport
import NIOCore
import Synchronization
import ModelGateSimulators
import Testing

@testable import ModelGateCredentials

/// Runs real traffic with real credentials over libcurl against local servers, with every transport log
/// line captured at `.trace`, then greps the capture (and the errors thrown) for each secret.
@Suite struct SecretLoggingTests {
    static let basicUser = "mlflow-admin"
    static let basicPassword = "b4sic-PASSWORD-s3cr3t!"
    static let bearerToken = "mlflow-BEARER-t0ken-0123456789"
    static let privateToken = "glpat-PRIVATE-t0ken-abcdefghij"
    static let awsAccessKeyID = "ASIAMODELGATELIVE01"
    static let awsSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiLIVESECRETKEY"
    static let sessionToken = "IQoJb3JpZ2luX2VjELIVE//SESSION+TOKEN/value=="
    static let queryToken = "qs-ACCESS-t0ken-987654321"
    static let apiKey = "qs-API-k3y-123456789"
    static let presignedSignature = "5ea1ed0presigned0signature0c0ffee"
    static let presignedSessionToken = "FwoGZXIvYXdzEPRESIGNED-session-token"
    static let wrongClientSecret = "Wr0ng~client.secret_value-42"

    static var basicCredentials: String { Data("\(basicUser):\(basicPassword)".utf8).base64EncodedString() }

    /// What the API routes saw, for the checks and for the list of secrets.
    final class Traffic: Sendable {
        struct State {
            var otherBaseURL = ""
            var flakyCalls = 0
            var credentials: [String] = []
            var landingAuthorization: [String?] = []
            var sigV4Checked = false
        }
        let state = Mutex(State())
    }

    static func reply(_ status: Int, _ json: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// The registry-like API: each route checks its credential and records it.
    static func addAPIRoutes(to router: Router<BasicRequestContext>, traffic: Traffic) {
        let privateTokenName = HTTPField.Name("PRIVATE-TOKEN")!
        let securityTokenName = HTTPField.Name("X-Amz-Security-Token")!
        let amzDateName = HTTPField.Name("X-Amz-Date")!
        @Sendable func record(_ request: Request) {
            let values = [request.headers[.authorization], request.headers[privateTokenName], request.headers[securityTokenName]]
            traffic.state.withLock { $0.credentials += values.compactMap { $0 } }
        }
        router.get("/basic") { request, _ -> Response in
            record(request)
            return request.headers[.authorization] == "Basic \(basicCredentials)"
                ? reply(200, #"{"registered_models":[]}"#)
                : reply(401, #"{"error_code":"UNAUTHENTICATED","message":"bad basic credentials"}"#)
        }
        router.get("/bearer") { request, _ -> Response in
            record(request)
            return request.headers[.authorization] == "Bearer \(bearerToken)"
                ? reply(200, #"{"registered_models":[]}"#)
                : reply(401, #"{"error_code":"UNAUTHENTICATED","message":"bad token"}"#)
        }
        router.get("/private-token") { request, _ -> Response in
            record(request)
            return request.headers[privateTokenName] == privateToken
                ? reply(200, "[]") : reply(401, #"{"message":"401 Unauthorized"}"#)
        }
        router.post("/sigv4") { request, _ -> Response in
            record(request)
            let authorization = request.headers[.authorization] ?? ""
            let ok =
                authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=\(awsAccessKeyID)/")
                && authorization.contains("x-amz-security-token") && authorization.contains("Signature=")
                && request.headers[securityTokenName] == sessionToken && request.headers[amzDateName] != nil
            traffic.state.withLock { $0.sigV4Checked = ok }
            return ok
                ? reply(200, #"{"ModelPackageGroupSummaryList":[]}"#)
                : reply(403, #"{"__type":"IncompleteSignatureException","message":"missing SigV4 parts"}"#)
        }
        router.get("/query") { request, _ -> Response in
            let query = request.uri.queryParameters
            let ok = query["access_token"].map(String.init) == queryToken && query["api_key"].map(String.init) == apiKey
            return ok ? reply(200, #"{"items":[]}"#) : reply(401, #"{"error":"missing query credentials"}"#)
        }
        router.get("/unauthorized") { request, _ -> Response in
            record(request)
            // A server that quotes the credential header back in its error.
            let quoted = request.headers[.authorization] ?? "none"
            return reply(
                401,
                #"{"error_code":"UNAUTHENTICATED","message":"Credential was refused (Authorization: \#(quoted))"}"#,
                headers: [.wwwAuthenticate: #"Bearer realm="registry""#])
        }
        router.get("/flaky") { request, _ -> Response in
            record(request)
            let call = traffic.state.withLock {
                $0.flakyCalls += 1
                return $0.flakyCalls
            }
            return call == 1
                ? reply(503, #"{"error":{"code":"ServiceUnavailable","message":"try again"}}"#, headers: [.retryAfter: "0"])
                : reply(200, #"{"value":[]}"#)
        }
        router.get("/redirect") { request, _ -> Response in
            record(request)
            let other = traffic.state.withLock { $0.otherBaseURL }
            let location =
                "\(other)/landing?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(awsAccessKeyID)%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Security-Token=\(presignedSessionToken)&X-Amz-Signature=\(presignedSignature)"
            return Response(status: .found, headers: [.location: location])
        }
    }

    static func addLandingRoute(to router: Router<BasicRequestContext>, traffic: Traffic) {
        router.get("/landing") { request, _ -> Response in
            traffic.state.withLock { $0.landingAuthorization.append(request.headers[.authorization]) }
            return reply(200, #"{"artifact":"model.bin"}"#)
        }
    }

    @Test func nothingTheTransportLogsInARunWithRealCredentialsHoldsASecret() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let curl = liveCurlTransport(logger: logger)
        func stack(_ authorizer: any RequestAuthorizer = NoAuthorizer()) -> RetryingTransport {
            TransportStack.make(
                base: curl, authorizer: authorizer,
                retryPolicy: RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(2)), logger: logger,
                sleep: { _ in })
        }

        let traffic = Traffic()
        let tokens = try LiveTokenServer.standard(echoRejectedCredentials: true)
        let mainRouter = Router()
        tokens.addRoutes(to: mainRouter)
        Self.addAPIRoutes(to: mainRouter, traffic: traffic)
        let otherRouter = Router()
        Self.addLandingRoute(to: otherRouter, traffic: traffic)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pemPath = try directory.write("app.pem", SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate + "\n")

        var errors: [RegistryError] = []
        try await withLocalServer(mainRouter) { base in
            tokens.baseURL = base
            let otherBase = try await withLocalServer(otherRouter) { otherBase in
                traffic.state.withLock { $0.otherBaseURL = otherBase }

                // Basic (password), bearer and PRIVATE-TOKEN.
                let basic = try await stack(BasicAuthorizer(username: Self.basicUser, password: Self.basicPassword))
                    .send(TransportRequest(url: base + "/basic", registry: "mlflow-live"))
                #expect(basic.status == 200)
                let bearer = try await stack(TokenAuthorizer(token: Self.bearerToken))
                    .send(TransportRequest(url: base + "/bearer", registry: "mlflow-live"))
                #expect(bearer.status == 200)
                let gitlab = try await stack(TokenAuthorizer(token: Self.privateToken, style: .privateToken))
                    .send(TransportRequest(url: base + "/private-token?per_page=100", registry: "gitlab-live"))
                #expect(gitlab.status == 200)

                // SigV4 with a session token, JSON 1.1 body.
                let credential = AWSCredential(
                    accessKeyID: Self.awsAccessKeyID, secretAccessKey: Self.awsSecretKey, sessionToken: Self.sessionToken)
                let sigv4 = try await stack(
                    SigV4Authorizer(region: "us-east-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(credential))
                ).send(
                    TransportRequest(
                        method: .POST, url: base + "/sigv4",
                        headers: [
                            ("Content-Type", "application/x-amz-json-1.1"),
                            ("X-Amz-Target", "SageMaker.ListModelPackageGroups"),
                        ],
                        body: Array(#"{"MaxResults":10}"#.utf8), registry: "sagemaker-live",
                        operation: "SageMaker.ListModelPackageGroups"))
                #expect(sigv4.status == 200)
                #expect(traffic.state.withLock { $0.sigV4Checked })

                // Secrets in the query string.
                let query = try await stack().send(
                    TransportRequest(
                        url: base + "/query?access_token=\(Self.queryToken)&api_key=\(Self.apiKey)&page=2",
                        registry: "wandb-live"))
                #expect(query.status == 200)

                // A 401 whose body quotes the credential back.
                let unauthorizedRequest = TransportRequest(
                    url: base + "/unauthorized?api_key=\(Self.apiKey)", registry: "mlflow-live")
                let unauthorized = try await stack(TokenAuthorizer(token: Self.bearerToken)).send(unauthorizedRequest)
                #expect(unauthorized.status == 401)
                #expect(unauthorized.bodyText.contains(Self.bearerToken), "the server must quote the token for this check")
                errors.append(RegistryError(response: unauthorized, request: unauthorizedRequest))

                // 503, then 200: a retry with fresh credentials.
                let flaky = try await stack(TokenAuthorizer(token: Self.bearerToken))
                    .send(TransportRequest(url: base + "/flaky?access_token=\(Self.queryToken)", registry: "aml-live"))
                #expect(flaky.status == 200)
                #expect(flaky.attempts == 2)

                // A redirect to another port (a presigned URL): the credentials stay behind.
                let redirected = try await stack(TokenAuthorizer(token: Self.bearerToken))
                    .send(TransportRequest(url: base + "/redirect", registry: "sagemaker-live"))
                #expect(redirected.status == 200)
                #expect(redirected.url.hasPrefix(otherBase + "/landing?"))
                #expect(traffic.state.withLock { $0.landingAuthorization } == [nil])

                // Google: assertion exchange (the first attempt gets a 503 and is retried), then the token on the API.
                tokens.failNextTokenRequests(1)
                let googleKey = try GoogleServiceAccountKey(
                    json: try tokens.googleKeyFile(privateKey: SampleKeys.serviceAccountKey), registry: "vertex-live")
                let google = GoogleServiceAccountTokenProvider(key: googleKey, transport: stack(), registry: "vertex-live")
                let googleAPI = try await stack(BearerTokenAuthorizer(google))
                    .send(TransportRequest(url: base + "/protected", registry: "vertex-live"))
                #expect(googleAPI.status == 200)
                #expect(tokens.snapshot.googleHits == 1, "the 503 is answered before the exchange is counted")

                // Entra ID: client secret, then certificate assertion.
                let environment = ["AZURE_TENANT_ID": tokens.entra.tenantID, "AZURE_CLIENT_ID": tokens.entra.clientID]
                let entraSecret = try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(clientSecret: tokens.entra.clientSecret, authority: base),
                    environment: environment, transport: stack(), registry: "aml-live")
                let entraSecretAPI = try await stack(BearerTokenAuthorizer(entraSecret))
                    .send(TransportRequest(url: base + "/protected", registry: "aml-live"))
                #expect(entraSecretAPI.status == 200)
                let entraCertificate = try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(certificatePath: pemPath, authority: base),
                    environment: environment, transport: stack(), registry: "aml-live")
                let entraCertificateAPI = try await stack(BearerTokenAuthorizer(entraCertificate))
                    .send(TransportRequest(url: base + "/protected", registry: "aml-live"))
                #expect(entraCertificateAPI.status == 200)

                // Refused exchanges; the server quotes the rejected credential in its answer.
                let wrongKey = try GoogleServiceAccountKey(
                    json: try tokens.googleKeyFile(privateKey: SampleKeys.otherPrivateKey), registry: "vertex-live")
                let googleWrong = GoogleServiceAccountTokenProvider(key: wrongKey, transport: stack(), registry: "vertex-live")
                if let error = await #expect(throws: RegistryError.self, performing: {
                    try await stack(BearerTokenAuthorizer(googleWrong))
                        .send(TransportRequest(url: base + "/protected", registry: "vertex-live"))
                }) {
                    errors.append(error)
                }
                let entraWrong = try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(clientSecret: Self.wrongClientSecret, authority: base),
                    environment: environment, transport: stack(), registry: "aml-live")
                if let error = await #expect(throws: RegistryError.self, performing: { try await entraWrong.accessToken() }) {
                    errors.append(error)
                }
                return otherBase
            }

            // The other server is gone: a refused connection, retried, to a URL with a token in it.
            if let error = await #expect(throws: RegistryError.self, performing: {
                try await stack(TokenAuthorizer(token: Self.bearerToken))
                    .send(TransportRequest(url: otherBase + "/gone?access_token=\(Self.queryToken)", registry: "mlflow-live"))
            }) {
                #expect(error.code == .transport)
                #expect(error.attempts == 3)
                errors.append(error)
            }
        }

        // The capture is real: it saw every kind of exchange, with query strings and outcomes.
        let lines = capture.all
        #expect(lines.count >= 20, "only \(lines.count) log lines")
        let markers = [
            "/basic", "/bearer", "/private-token?per_page=100", "/sigv4", "/query?access_token=***&api_key=***&page=2",
            "/unauthorized?api_key=***", "status=401", "status=503", "status=400", "retrying", "/flaky?access_token=***",
            "/redirect",
            "/landing?X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Signature=***", tokens.googleTokenURI,
            tokens.entraTokenEndpoint, "/protected", "status=error transport", "/gone?access_token=***",
            "vertex-live", "aml-live", "sagemaker-live",
        ]
        for marker in markers {
            #expect(lines.contains { $0.contains(marker) }, "no log line mentions \(marker)")
        }
        #expect(
            lines.contains { $0.contains("retrying") && $0.contains("registry=vertex-live") },
            "the token exchange's retry is logged")

        // Every secret of the run: configured ones, and every credential the servers received or issued.
        let received = tokens.snapshot.receivedSecrets + traffic.state.withLock { $0.credentials }
        #expect(received.count >= 12)
        var secrets = [
            Self.basicPassword, Self.basicCredentials, Self.bearerToken, Self.privateToken, Self.awsSecretKey,
            Self.sessionToken, Self.queryToken, Self.apiKey, Self.presignedSignature, Self.presignedSessionToken,
            Self.wrongClientSecret, tokens.entra.clientSecret,
        ]
        // A line of each private key, in case key material ever reaches a log.
        secrets += [SampleKeys.serviceAccountKey, SampleKeys.otherPrivateKey, SampleKeys.appPrivateKey].map {
            $0.split(separator: "\n")[1].trimmingCharacters(in: .whitespaces)
        }
        secrets += received + tokens.snapshot.issuedTokens
        for value in received {
            // The signature parts alone: JWT signatures and SigV4's hex signature.
            let jwtParts = value.split(separator: ".")
            if jwtParts.count == 3 { secrets.append(String(jwtParts[2])) }
            if let range = value.range(of: "Signature=") { secrets.append(String(value[range.upperBound...])) }
        }
        #expect(tokens.snapshot.issuedTokens.count == 3)
        #expect(received.contains { $0.hasPrefix("AWS4-HMAC-SHA256 ") })
        #expect(received.filter { $0.split(separator: ".").count == 3 && !$0.hasPrefix("Bearer ") }.count >= 3, "assertions")
        secrets = Array(Set(secrets.filter { $0.count >= 8 })).sorted()

        var leaks: [String] = []
        for line in lines {
            for secret in secrets where line.contains(secret) { leaks.append("'\(secret)' in log line: \(line)") }
        }
        #expect(leaks.isEmpty, "secrets in the transport log:\n\(leaks.joined(separator: "\n"))")

        // The errors of the run name their registry and hold no secret either.
        var errorLeaks: [String] = []
        #expect(errors.count == 4)
        #expect(Set(errors.map(\.registry)) == ["mlflow-live", "vertex-live", "aml-live"])
        let descriptions = errors.map(\.description).joined(separator: "\n")
        for words in ["UNAUTHENTICATED", "invalid_grant", "Invalid JWT Signature.", "invalid_client", "AADSTS7000215", "could not connect"] {
            #expect(descriptions.contains(words), "no error says \(words):\n\(descriptions)")
        }
        for error in errors {
            let texts = [
                error.description, error.message, String(reflecting: error), error.underlying.map { "\($0)" } ?? "",
            ]
            for text in texts {
                for secret in secrets where text.contains(secret) { errorLeaks.append("'\(secret)' in error: \(text)") }
            }
        }
        #expect(errorLeaks.isEmpty, "secrets in errors:\n\(errorLeaks.joined(separator: "\n"))")
    }
}
