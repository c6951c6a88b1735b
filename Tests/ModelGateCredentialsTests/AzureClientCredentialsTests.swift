import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport
import ModelGateSimulators
import Testing

@testable import ModelGateCredentials

@Suite struct AzureClientCredentialsTests {
    static let authority = "https://login.example.test"
    static let tenant = "00000000-0000-0000-0000-000000000001"
    static let clientID = "11111111-1111-1111-1111-111111111111"
    static let secret = "s3cr3t~client.secret_value"

    let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))

    func endpoint(secret: String? = secret, echo: Bool = false) throws -> FakeEntraTokenEndpoint {
        FakeEntraTokenEndpoint(
            authority: Self.authority, tenantID: Self.tenant, clientID: Self.clientID, clientSecret: secret,
            certificate: try X509Certificate(pem: SampleKeys.appCertificate), clock: clock, echoSecretInErrors: echo)
    }

    func provider(_ credential: AzureClientCredential, endpoint: FakeEntraTokenEndpoint) -> (AzureClientCredentialsTokenProvider, FakeTransport) {
        let transport = FakeTransport { try await endpoint.handle($0) }
        let provider = AzureClientCredentialsTokenProvider(
            tenantID: Self.tenant, clientID: Self.clientID, credential: credential, authority: Self.authority + "/",
            transport: transport, registry: "aml", now: clock.function)
        return (provider, transport)
    }

    static func certificate(_ pem: String) throws -> AzureClientCertificate {
        try AzureClientCertificate(pem: pem, registry: "aml")
    }

    @Test func tokenEndpointAndDefaults() throws {
        let (provider, _) = provider(.secret("x"), endpoint: try endpoint())
        #expect(provider.tokenEndpoint == "https://login.example.test/\(Self.tenant)/oauth2/v2.0/token")
        #expect(provider.scope == "https://management.azure.com/.default")
        let standard = AzureClientCredentialsTokenProvider(
            tenantID: "t", clientID: "c", credential: .secret("x"), transport: FakeTransport { _ in TransportResponse(status: 500) },
            registry: "aml")
        #expect(standard.tokenEndpoint == "https://login.microsoftonline.com/t/oauth2/v2.0/token")
    }

    @Test func clientSecretFlow() async throws {
        let endpoint = try endpoint()
        let (provider, transport) = provider(.secret(Self.secret), endpoint: endpoint)
        #expect(try await provider.accessToken().value == "eyJ0.fake-1")
        let form = parseForm(try #require(transport.log.all.first).body)
        #expect(form == [
            "client_id": Self.clientID, "scope": "https://management.azure.com/.default",
            "grant_type": "client_credentials", "client_secret": Self.secret,
        ])
        let body = String(decoding: try #require(transport.log.all.first).body, as: UTF8.self)
        #expect(body.contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"))
    }

    @Test func aWrongClientSecretIsRejectedAndNeverEchoed() async throws {
        let endpoint = try endpoint(echo: true)
        let wrong = "wr0ng-secret-value"
        let (provider, _) = provider(.secret(wrong), endpoint: endpoint)
        do {
            _ = try await provider.accessToken()
            Issue.record("a token was issued for a wrong secret")
        } catch let error as RegistryError {
            #expect(error.code == .unauthorized)
            #expect(error.providerCode == "invalid_client")
            #expect(error.httpStatus == 401)
            #expect(error.registry == "aml")
            #expect(error.description.contains(endpoint.tokenEndpoint))
            #expect(error.description.contains("AADSTS7000215"))
            #expect(!error.description.contains(wrong))
        }
    }

    @Test(arguments: [JWTAlgorithm.ps256, .rs256])
    func certificateFlowIsVerifiedByTheEndpoint(_ algorithm: JWTAlgorithm) async throws {
        let endpoint = try endpoint(secret: nil)
        let pem = SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate
        let (provider, transport) = provider(.certificate(try Self.certificate(pem), algorithm: algorithm), endpoint: endpoint)
        #expect(try await provider.accessToken().value == "eyJ0.fake-1")
        let form = parseForm(try #require(transport.log.all.first).body)
        #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        #expect(form["client_secret"] == nil)
        let jwt = try JWT(compact: try #require(form["client_assertion"]))
        #expect(jwt.algorithm == algorithm)
        if algorithm == .ps256 {
            #expect(jwt.header.keys == ["alg", "typ", "x5t#S256"])
            #expect(jwt.header["x5t#S256"]?.stringValue == SampleKeys.appX5tS256)
        } else {
            #expect(jwt.header.keys == ["alg", "typ", "x5t"])
        }
        #expect(jwt.claims.keys == ["aud", "exp", "iss", "jti", "nbf", "sub", "iat"])
        #expect(jwt.claims["aud"]?.stringValue == endpoint.tokenEndpoint)
        #expect(jwt.claims["exp"]?.integerValue == 1_700_000_600)
        try jwt.verify(using: try X509Certificate(pem: SampleKeys.appCertificate))
    }

    @Test func aCertificateForAnotherKeyIsRejected() async throws {
        let endpoint = try endpoint(secret: nil)
        let pem = SampleKeys.otherPrivateKey + "\n" + SampleKeys.otherCertificate
        let (provider, _) = provider(.certificate(try Self.certificate(pem)), endpoint: endpoint)
        await #expect {
            try await provider.accessToken()
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .unauthorized && error.description.contains("AADSTS700027")
                && error.description.contains(endpoint.tokenEndpoint)
        }
        #expect(endpoint.issuedCount == 0)
    }

    /// The registered certificate with another private key: the thumbprint matches, the signature does not.
    @Test func aSignatureByTheWrongKeyIsRejectedByTheEndpoint() async throws {
        let endpoint = try endpoint(secret: nil)
        let wrong = try AzureClientCertificate(pem: SampleKeys.otherPrivateKey + "\n" + SampleKeys.otherCertificate, registry: "aml")
        let forged = try JWTSigner(key: wrong.privateKey, algorithm: .ps256).sign(
            claims: [
                "aud": .string(endpoint.tokenEndpoint), "exp": 1_700_000_600, "iss": .string(Self.clientID),
                "jti": .string(UUID().uuidString), "nbf": 1_700_000_000, "sub": .string(Self.clientID), "iat": 1_700_000_000,
            ],
            header: ["x5t#S256": .string(SampleKeys.appX5tS256)])
        let form = "client_id=\(Self.clientID)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default&grant_type=client_credentials"
            + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(forged)"
        let response = try await endpoint.handle(
            TransportRequest(method: .POST, url: endpoint.tokenEndpoint, body: Array(form.utf8)))
        #expect(response.status == 401)
        #expect(response.bodyText.contains("failed signature validation"))
    }

    @Test func aKeyAndCertificateThatDoNotBelongTogetherAreRefusedLocally() {
        #expect {
            try Self.certificate(SampleKeys.otherPrivateKey + "\n" + SampleKeys.appCertificate)
        } throws: { error in
            (error as? RegistryError)?.code == .credentials && "\(error)".contains("does not match")
        }
        #expect {
            try Self.certificate(SampleKeys.appPrivateKey)
        } throws: { error in
            (error as? RegistryError)?.code == .credentials && "\(error)".contains("certificate")
        }
    }

    @Test func tokensAreCachedAndRefreshedWithAFreshAssertion() async throws {
        let endpoint = try endpoint(secret: nil)
        let (provider, transport) = provider(
            .certificate(try Self.certificate(SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate)), endpoint: endpoint)
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await provider.accessToken().value } }
            var all: Set<String> = []
            for try await value in group { all.insert(value) }
            return all
        }
        #expect(values == ["eyJ0.fake-1"])
        #expect(transport.log.count == 1)
        clock.advance(by: 3599)
        #expect(try await provider.accessToken().value == "eyJ0.fake-2")
        #expect(transport.log.count == 2)
    }

    @Test func settingsFallBackToTheEnvironment() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("app.pem", SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate)
        let endpoint = try endpoint()
        let transport = FakeTransport { try await endpoint.handle($0) }
        let env = ["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": Self.clientID, "AZURE_CLIENT_CERTIFICATE_PATH": path]
        let fromEnv = try AzureClientCredentialsTokenProvider.make(
            settings: AzureCredentialSettings(authority: Self.authority), environment: env, transport: transport,
            registry: "aml", now: clock.function)
        #expect(try await fromEnv.accessToken().value == "eyJ0.fake-1")
        #expect(parseForm(try #require(transport.log.all.last).body)["client_assertion"] != nil)
        // A secret in the config wins over the certificate in the environment.
        let withSecret = try AzureClientCredentialsTokenProvider.make(
            settings: AzureCredentialSettings(clientSecret: Self.secret, authority: Self.authority), environment: env,
            transport: transport, registry: "aml", now: clock.function)
        #expect(try await withSecret.accessToken().value == "eyJ0.fake-2")
        #expect(parseForm(try #require(transport.log.all.last).body)["client_secret"] == Self.secret)
    }

    @Test func missingSettingsNameTheVariable() {
        let transport = FakeTransport { _ in TransportResponse(status: 500) }
        let cases: [([String: String], String)] = [
            ([:], "AZURE_TENANT_ID"),
            (["AZURE_TENANT_ID": "t"], "AZURE_CLIENT_ID"),
            (["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"], "AZURE_CLIENT_SECRET"),
        ]
        for (env, variable) in cases {
            #expect {
                try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(), environment: env, transport: transport, registry: "aml")
            } throws: { error in
                (error as? RegistryError)?.code == .configuration && "\(error)".contains(variable)
            }
        }
        #expect {
            try AzureClientCredentialsTokenProvider.make(
                settings: AzureCredentialSettings(certificatePath: "/nonexistent/app.pem"),
                environment: ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"], transport: transport, registry: "aml")
        } throws: { error in
            (error as? RegistryError)?.code == .credentials && "\(error)".contains("/nonexistent/app.pem")
        }
    }

    struct LeakyTransportError: Error, CustomStringConvertible {
        let body: String
        var description: String { "connection reset while sending \(body)" }
    }

    /// Even a transport error that quotes the request body does not carry the secret into the error.
    @Test func transportFailuresAreRedacted() async {
        let transport = FakeTransport { request in
            throw LeakyTransportError(body: String(decoding: request.body, as: UTF8.self).removingPercentEncoding ?? "")
        }
        let provider = AzureClientCredentialsTokenProvider(
            tenantID: Self.tenant, clientID: Self.clientID, credential: .secret(Self.secret), authority: Self.authority,
            transport: transport, registry: "aml", now: clock.function)
        await #expect {
            try await provider.accessToken()
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .transport && error.description.contains("connection reset")
                && !error.description.contains(Self.secret)
        }
    }

    @Test func descriptionsHideTheSecretAndKey() throws {
        #expect(!"\(AzureClientCredential.secret(Self.secret))".contains(Self.secret))
        let certificate = try Self.certificate(SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate)
        #expect(!"\(certificate)".contains("PRIVATE"))
    }
}

extension AzureClientCredentialsTests {
    // Issue 15 item 12: the token request asks the transport for system-root TLS verification.
    @Test func theTokenRequestRequiresSystemTrust() async throws {
        let (provider, transport) = provider(.secret(Self.secret), endpoint: try endpoint())
        _ = try await provider.accessToken()
        #expect(try #require(transport.log.all.first).requiresSystemTrust)
    }
}
