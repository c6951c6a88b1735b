import Foundation
import Hummingbird
import ModelGateCore
import ModelGateSigning
import ModelGateTransport
import ModelGateSimulators
import Testing

@testable import ModelGateCredentials

/// Google and Entra ID token flows end to end: the providers talk over the real libcurl transport (through
/// `TransportStack.make`) to local token endpoints that verify the assertion's signature with the public
/// key, and the token they hand out opens a protected endpoint of the same server.
@Suite struct LiveTokenEndpointTests {
    /// Starts a `LiveTokenServer` and calls `body` with it and a libcurl transport.
    func withTokenServer(
        echoRejectedCredentials: Bool = false,
        _ body: (LiveTokenServer, CurlTransport) async throws -> Void
    ) async throws {
        let server = try LiveTokenServer.standard(echoRejectedCredentials: echoRejectedCredentials)
        let router = Router()
        server.addRoutes(to: router)
        try await withLocalServer(router) { baseURL in
            server.baseURL = baseURL
            try await body(server, liveCurlTransport())
        }
    }

    /// Sends `GET /protected` through a stack that authorizes with `provider`.
    func getProtected(_ server: LiveTokenServer, curl: CurlTransport, provider: any AccessTokenProvider, registry: String)
        async throws -> TransportResponse
    {
        let api = TransportStack.make(base: curl, authorizer: BearerTokenAuthorizer(provider), retryPolicy: .none)
        return try await api.send(TransportRequest(url: server.baseURL + "/protected", registry: registry))
    }

    /// Text that must never appear in an error: the credentials sent, and a line of each private key.
    func secrets(of server: LiveTokenServer, extra: [String] = []) -> [String] {
        let keyLines = [SampleKeys.serviceAccountKey, SampleKeys.otherPrivateKey, SampleKeys.appPrivateKey].map {
            $0.split(separator: "\n")[1].trimmingCharacters(in: .whitespaces)
        }
        let received = server.snapshot.receivedSecrets
        let signatures = received.compactMap { value -> String? in
            let parts = value.split(separator: ".")
            return parts.count == 3 ? String(parts[2]) : nil
        }
        return received + signatures + server.snapshot.issuedTokens + keyLines + extra
    }

    // MARK: Google

    @Test func googleServiceAccountGetsATokenOverCurlCachesItAndUsesIt() async throws {
        try await withTokenServer { server, curl in
            let key = try GoogleServiceAccountKey(
                json: try server.googleKeyFile(privateKey: SampleKeys.serviceAccountKey), registry: "vertex-live")
            #expect(key.tokenURI == server.baseURL + "/token")
            let provider = GoogleServiceAccountTokenProvider(
                key: key, transport: TransportStack.make(base: curl, retryPolicy: .none), registry: "vertex-live")

            let before = Date()
            let first = try await provider.accessToken()
            let second = try await provider.accessToken()
            #expect(first == second)
            #expect(first.value.hasPrefix("ya29.live-"))
            #expect(server.snapshot.issuedTokens == [first.value])
            #expect(server.snapshot.googleHits == 1, "the second call must come from the cache")
            #expect(abs(first.expiresAt.timeIntervalSince(before) - 3600) < 30)

            // The assertion the endpoint verified: RS256, the key id, the claims Google wants.
            let assertion = try JWT(compact: try #require(server.snapshot.receivedSecrets.first))
            #expect(assertion.header["alg"]?.stringValue == "RS256")
            #expect(assertion.header["kid"]?.stringValue == server.google.keyID)
            #expect(assertion.claims["aud"]?.stringValue == server.googleTokenURI)
            try assertion.verify(using: try RSAPublicKey(pem: SampleKeys.serviceAccountPublicKey))

            // The token opens the protected endpoint; no further exchange happens.
            for _ in 0..<2 {
                let response = try await getProtected(server, curl: curl, provider: provider, registry: "vertex-live")
                #expect(response.status == 200)
                #expect(response.bodyText.contains("\"ok\":true"))
            }
            #expect(server.snapshot.googleHits == 1)
            #expect(server.snapshot.protectedHits == 2)
            #expect(server.snapshot.receivedSecrets.last == "Bearer \(first.value)")

            // Without the token the endpoint refuses, so the 200s above prove the token was checked.
            let anonymous = try await TransportStack.make(base: curl, retryPolicy: .none).send(
                TransportRequest(url: server.baseURL + "/protected", registry: "vertex-live"))
            #expect(anonymous.status == 401)
        }
    }

    @Test func googleRejectsAnAssertionSignedWithAnotherKey() async throws {
        try await withTokenServer(echoRejectedCredentials: true) { server, curl in
            // The right account and key id, the wrong private key.
            let key = try GoogleServiceAccountKey(
                json: try server.googleKeyFile(privateKey: SampleKeys.otherPrivateKey), registry: "vertex-live")
            let provider = GoogleServiceAccountTokenProvider(
                key: key, transport: TransportStack.make(base: curl, retryPolicy: .none), registry: "vertex-live")

            let error = try #require(await #expect(throws: RegistryError.self) { try await provider.accessToken() })
            #expect(server.snapshot.googleHits == 1)
            #expect(server.snapshot.issuedTokens.isEmpty)
            #expect(server.snapshot.rejections.first?.hasPrefix("invalid_grant: Invalid JWT Signature.") == true)
            #expect(error.registry == "vertex-live")
            #expect(error.code == .unauthorized)
            #expect(error.httpStatus == 400)
            #expect(error.providerCode == "invalid_grant")
            let text = error.description
            #expect(text.contains("vertex-live"))
            #expect(text.contains("invalid_grant"))
            #expect(text.contains("Invalid JWT Signature."))
            #expect(text.contains(server.googleTokenURI))
            for secret in secrets(of: server) {
                #expect(!text.contains(secret), "the error shows a secret: \(text)")
                #expect(!String(reflecting: error).contains(secret))
            }

            // A request that needs the token fails with the same error and never reaches the API.
            let failure = try #require(
                await #expect(throws: RegistryError.self) {
                    try await getProtected(server, curl: curl, provider: provider, registry: "vertex-live")
                })
            #expect(failure.providerCode == "invalid_grant")
            #expect(server.snapshot.protectedHits == 0)
            #expect(server.snapshot.googleHits == 2, "a failed exchange is not cached")
        }
    }

    // MARK: Entra ID

    func entraEnvironment(_ server: LiveTokenServer, secret: String? = nil) -> [String: String] {
        var environment = ["AZURE_TENANT_ID": server.entra.tenantID, "AZURE_CLIENT_ID": server.entra.clientID]
        if let secret { environment["AZURE_CLIENT_SECRET"] = secret }
        return environment
    }

    @Test func entraClientSecretGetsATokenOverCurlCachesItAndUsesIt() async throws {
        try await withTokenServer { server, curl in
            let provider = try AzureClientCredentialsTokenProvider.make(
                settings: AzureCredentialSettings(authority: server.baseURL),
                environment: entraEnvironment(server, secret: server.entra.clientSecret),
                transport: TransportStack.make(base: curl, retryPolicy: .none), registry: "aml-live")
            #expect(provider.tokenEndpoint == server.entraTokenEndpoint)

            let first = try await provider.accessToken()
            let second = try await provider.accessToken()
            #expect(first == second)
            #expect(first.value.hasPrefix("eyJ0.live-"))
            #expect(server.snapshot.entraHits == 1, "the second call must come from the cache")
            #expect(server.snapshot.receivedSecrets == [server.entra.clientSecret])

            let response = try await getProtected(server, curl: curl, provider: provider, registry: "aml-live")
            #expect(response.status == 200)
            #expect(server.snapshot.entraHits == 1)
            #expect(server.snapshot.protectedHits == 1)
        }
    }

    @Test func entraCertificateAssertionIsVerifiedWithTheCertificatesPublicKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pemPath = try directory.write("app.pem", SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate + "\n")
        try await withTokenServer { server, curl in
            let provider = try AzureClientCredentialsTokenProvider.make(
                settings: AzureCredentialSettings(
                    tenantID: server.entra.tenantID, clientID: server.entra.clientID, certificatePath: pemPath,
                    authority: server.baseURL + "/"),
                environment: [:], transport: TransportStack.make(base: curl, retryPolicy: .none), registry: "aml-live")

            let first = try await provider.accessToken()
            #expect(try await provider.accessToken() == first)
            #expect(server.snapshot.entraHits == 1)
            #expect(server.snapshot.issuedTokens == [first.value])

            let assertion = try JWT(compact: try #require(server.snapshot.receivedSecrets.first))
            #expect(assertion.header["alg"]?.stringValue == "PS256")
            #expect(assertion.header["x5t#S256"]?.stringValue == SampleKeys.appX5tS256)
            #expect(assertion.claims["aud"]?.stringValue == server.entraTokenEndpoint)
            try assertion.verify(using: try X509Certificate(pem: SampleKeys.appCertificate))

            let response = try await getProtected(server, curl: curl, provider: provider, registry: "aml-live")
            #expect(response.status == 200)
            #expect(server.snapshot.entraHits == 1)
        }
    }

    @Test func entraRejectsAnAssertionSignedWithAnotherKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A consistent key and certificate, but not the ones registered for the application.
        let pemPath = try directory.write("other.pem", SampleKeys.otherPrivateKey + "\n" + SampleKeys.otherCertificate + "\n")
        try await withTokenServer(echoRejectedCredentials: true) { server, curl in
            let provider = try AzureClientCredentialsTokenProvider.make(
                settings: AzureCredentialSettings(certificatePath: pemPath, authority: server.baseURL),
                environment: entraEnvironment(server), transport: TransportStack.make(base: curl, retryPolicy: .none),
                registry: "aml-live")

            let error = try #require(await #expect(throws: RegistryError.self) { try await provider.accessToken() })
            #expect(server.snapshot.entraHits == 1)
            #expect(server.snapshot.issuedTokens.isEmpty)
            #expect(server.snapshot.rejections.first?.contains("failed signature validation") == true)
            #expect(error.registry == "aml-live")
            #expect(error.code == .unauthorized)
            #expect(error.httpStatus == 401)
            #expect(error.providerCode == "invalid_client")
            let text = error.description
            #expect(text.contains("aml-live"))
            #expect(text.contains("invalid_client"))
            #expect(text.contains("AADSTS700027"))
            for secret in secrets(of: server) {
                #expect(!text.contains(secret), "the error shows a secret: \(text)")
            }

            await #expect(throws: RegistryError.self) {
                try await getProtected(server, curl: curl, provider: provider, registry: "aml-live")
            }
            #expect(server.snapshot.protectedHits == 0)
        }
    }

    @Test func entraRejectsAWrongClientSecretAndTheErrorDoesNotEchoIt() async throws {
        try await withTokenServer(echoRejectedCredentials: true) { server, curl in
            let wrongSecret = "Wr0ng~client.secret_value-42"
            let provider = try AzureClientCredentialsTokenProvider.make(
                settings: AzureCredentialSettings(authority: server.baseURL),
                environment: entraEnvironment(server, secret: wrongSecret),
                transport: TransportStack.make(base: curl, retryPolicy: .none), registry: "aml-live")

            let error = try #require(await #expect(throws: RegistryError.self) { try await provider.accessToken() })
            // The server really did put the secret in its answer; the client hid it.
            #expect(server.snapshot.rejections.first?.contains(wrongSecret) == true)
            #expect(error.code == .unauthorized)
            #expect(error.httpStatus == 401)
            #expect(error.providerCode == "invalid_client")
            let text = error.description
            #expect(text.contains("aml-live"))
            #expect(text.contains("AADSTS7000215"))
            #expect(!text.contains(wrongSecret), "the error shows the secret: \(text)")
            #expect(!text.contains(server.entra.clientSecret))
            #expect(server.snapshot.issuedTokens.isEmpty)
        }
    }
}
