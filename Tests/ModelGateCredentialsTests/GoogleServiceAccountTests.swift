import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport
import ModelGateSimulators
import Testing

@testable import ModelGateCredentials

@Suite struct GoogleServiceAccountTests {
    static let email = "gateway@example-project.iam.gserviceaccount.com"
    static let keyID = "0123456789abcdef0123456789abcdef01234567"
    static let tokenURI = "https://oauth2.example.test/token"

    static func keyJSON(privateKey: String = SampleKeys.serviceAccountKey, tokenURI: String? = tokenURI) throws -> Data {
        var object: [String: Any] = [
            "type": "service_account", "project_id": "example-project", "private_key_id": keyID, "private_key": privateKey,
            "client_email": email, "client_id": "1234567890",
        ]
        if let tokenURI { object["token_uri"] = tokenURI }
        return try JSONSerialization.data(withJSONObject: object)
    }

    struct Setup {
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let endpoint: FakeGoogleTokenEndpoint
        let transport: FakeTransport
        let provider: GoogleServiceAccountTokenProvider

        init(privateKey: String = SampleKeys.serviceAccountKey, delay: Duration = .zero) throws {
            endpoint = FakeGoogleTokenEndpoint(
                tokenURI: GoogleServiceAccountTests.tokenURI, clientEmail: GoogleServiceAccountTests.email,
                keyID: GoogleServiceAccountTests.keyID, publicKey: try RSAPublicKey(pem: SampleKeys.serviceAccountPublicKey),
                clock: clock, delay: delay)
            let endpoint = self.endpoint
            transport = FakeTransport { try await endpoint.handle($0) }
            let key = try GoogleServiceAccountKey(json: try keyJSON(privateKey: privateKey), registry: "vertex-eu")
            provider = GoogleServiceAccountTokenProvider(
                key: key, transport: transport, registry: "vertex-eu", now: clock.function)
        }
    }

    @Test func keyFileFieldsAreRead() throws {
        let key = try GoogleServiceAccountKey(json: try Self.keyJSON(), registry: "vertex-eu")
        #expect(key.clientEmail == Self.email)
        #expect(key.privateKeyID == Self.keyID)
        #expect(key.tokenURI == Self.tokenURI)
        #expect(key.projectID == "example-project")
        #expect(!key.description.contains("PRIVATE KEY"))
        let defaulted = try GoogleServiceAccountKey(json: try Self.keyJSON(tokenURI: nil), registry: "vertex-eu")
        #expect(defaulted.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func brokenKeyFilesNameTheFieldNotItsValue() throws {
        let cases: [(Data, String)] = [
            (Data("not json".utf8), "not a JSON object"),
            (try JSONSerialization.data(withJSONObject: ["type": "authorized_user"]), "service_account"),
            (try JSONSerialization.data(withJSONObject: ["type": "service_account", "private_key": "x"]), "client_email"),
            (try Self.keyJSON(privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "private_key"),
        ]
        for (json, words) in cases {
            #expect {
                try GoogleServiceAccountKey(json: json, registry: "vertex-eu", source: "/keys/sa.json")
            } throws: { error in
                guard let error = error as? RegistryError else { return false }
                return error.code == .credentials && error.description.contains(words)
                    && error.description.contains("/keys/sa.json")
            }
        }
    }

    /// The assertion is byte for byte the DERIVED vector of jwt-rs256-test-vectors.json (same key, clock, kid).
    @Test func assertionMatchesThePublishedGoogleVector() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ModelGateSigningTests/Fixtures/jwt-rs256-test-vectors.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        let rfc = try #require(root["rfc7515_appendix_A2"] as? [String: Any])
        let pem = try #require(rfc["private_key_pkcs8_pem_DERIVED_from_jwk"] as? String)
        let google = try #require(root["google_service_account_assertion_DERIVED"] as? [String: Any])
        let expected = try #require((google["variant_compact_json"] as? [String: Any])?["jwt"] as? String)
        let key = try GoogleServiceAccountKey(
            json: try Self.keyJSON(privateKey: pem, tokenURI: "https://oauth2.googleapis.com/token"), registry: "vertex-eu")
        let provider = GoogleServiceAccountTokenProvider(
            key: key, transport: FakeTransport { _ in TransportResponse(status: 500) }, registry: "vertex-eu")
        #expect(try provider.assertion(issuedAt: Date(timeIntervalSince1970: 1_700_000_000.7)) == expected)
    }

    @Test func exchangesTheAssertionForATokenAndAuthorizesRequests() async throws {
        let setup = try Setup()
        let token = try await setup.provider.accessToken()
        #expect(token.value == "ya29.fake-1")
        #expect(token.expiresAt == setup.clock.now().addingTimeInterval(3599))
        let sent = try #require(setup.transport.log.all.first)
        #expect(sent.method == .POST)
        #expect(sent.url == Self.tokenURI)
        #expect(sent.registry == "vertex-eu")
        let body = String(decoding: sent.body, as: UTF8.self)
        #expect(body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"))

        var request = TransportRequest(url: "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/l/models")
        try await BearerTokenAuthorizer(setup.provider).authorize(&request)
        #expect(request.header("Authorization") == "Bearer ya29.fake-1")
        #expect(request.sensitiveHeaders == ["Authorization"])
        #expect(setup.endpoint.issuedCount == 1)
    }

    @Test func tenConcurrentCallersShareOneExchange() async throws {
        let setup = try Setup(delay: .milliseconds(100))
        let provider = setup.provider
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await provider.accessToken().value } }
            var all: [String] = []
            for try await token in group { all.append(token) }
            return all
        }
        #expect(tokens == Array(repeating: "ya29.fake-1", count: 10))
        #expect(setup.transport.log.count == 1)
        for _ in 0..<5 { _ = try await provider.accessToken() }
        #expect(setup.transport.log.count == 1)
    }

    @Test func refreshesBeforeExpiryWhenTheClockMoves() async throws {
        let setup = try Setup()
        #expect(try await setup.provider.accessToken().value == "ya29.fake-1")
        setup.clock.advance(by: 3599 - 301)  // still outside the 300 s margin
        #expect(try await setup.provider.accessToken().value == "ya29.fake-1")
        setup.clock.advance(by: 2)  // inside the margin: a new assertion (new iat) is exchanged
        #expect(try await setup.provider.accessToken().value == "ya29.fake-2")
        setup.clock.advance(by: 7200)  // long past expiry
        #expect(try await setup.provider.accessToken().value == "ya29.fake-3")
        #expect(setup.transport.log.count == 3)
        let assertions = setup.transport.log.all.compactMap { parseForm($0.body)["assertion"] }
        #expect(Set(assertions).count == 3)
    }

    @Test func aWrongKeyIsRejectedWithAClearErrorAndNoSecrets() async throws {
        let setup = try Setup(privateKey: SampleKeys.otherPrivateKey)
        do {
            _ = try await setup.provider.accessToken()
            Issue.record("a token was issued for an assertion signed with the wrong key")
        } catch let error as RegistryError {
            #expect(error.code == .unauthorized)
            #expect(error.providerCode == "invalid_grant")
            #expect(error.httpStatus == 400)
            #expect(error.registry == "vertex-eu")
            #expect(error.description.contains(Self.tokenURI))
            #expect(error.description.contains("Invalid JWT Signature"))
            let sent = try #require(setup.transport.log.all.first)
            let assertion = try #require(parseForm(sent.body)["assertion"])
            #expect(!error.description.contains(assertion))
            #expect(!error.description.contains(String(assertion.split(separator: ".")[2])))
        }
        // A failure is not cached: the next call tries again.
        _ = try? await setup.provider.accessToken()
        #expect(setup.transport.log.count == 2)
    }

    @Test func tokenEndpointFailuresMapToCodes() async throws {
        let cases: [(TransportResponse, RegistryError.Code)] = [
            (oauthError(429, "rate_limited", "slow down"), .rateLimited),
            (TransportResponse(status: 503, body: Array("<html>down</html>".utf8)), .serverError),
            (oauthError(400, "invalid_scope", "bad scope"), .credentials),
            (jsonResponse(200, ["token_type": "Bearer", "expires_in": 3600]), .malformedPayload),
            (jsonResponse(200, ["access_token": "x", "token_type": "mac", "expires_in": 3600]), .malformedPayload),
            (jsonResponse(200, ["access_token": "x", "token_type": "Bearer"]), .malformedPayload),
        ]
        for (response, code) in cases {
            let key = try GoogleServiceAccountKey(json: try Self.keyJSON(), registry: "vertex-eu")
            let provider = GoogleServiceAccountTokenProvider(
                key: key, transport: FakeTransport { _ in response }, registry: "vertex-eu")
            await #expect {
                try await provider.accessToken()
            } throws: { error in
                guard let error = error as? RegistryError else { return false }
                return error.code == code && error.registry == "vertex-eu" && error.operation.contains(Self.tokenURI)
            }
        }
    }

    @Test func expiresInAsAStringIsAccepted() async throws {
        let key = try GoogleServiceAccountKey(json: try Self.keyJSON(), registry: "vertex-eu")
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let provider = GoogleServiceAccountTokenProvider(
            key: key, transport: FakeTransport { _ in jsonResponse(200, ["access_token": "t-1", "expires_in": "120"]) },
            registry: "vertex-eu", now: clock.function)
        #expect(try await provider.accessToken().expiresAt == clock.now().addingTimeInterval(120))
    }
}

@Suite struct TokenCacheTests {
    @Test func aShortLivedTokenIsStillReusedForHalfItsLife() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_000))
        let log = RequestLog()
        let cache = TokenCache(refreshMargin: 300, now: clock.function) {
            log.append(TransportRequest(url: "x"))
            return AccessToken(value: "t\(log.count)", expiresAt: clock.now().addingTimeInterval(60))
        }
        #expect(try await cache.token().value == "t1")
        clock.advance(by: 29)
        #expect(try await cache.token().value == "t1")
        clock.advance(by: 1)
        #expect(try await cache.token().value == "t2")
        await cache.invalidate()
        #expect(try await cache.token().value == "t3")
    }
}

extension GoogleServiceAccountTests {
    // Issue 15 item 12: the token request asks the transport for system-root TLS verification.
    @Test func theTokenRequestRequiresSystemTrust() async throws {
        let setup = try Setup()
        _ = try await setup.provider.accessToken()
        #expect(try #require(setup.transport.log.all.first).requiresSystemTrust)
    }
}
