import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport
import Testing

@testable import ModelGateCredentials

@Suite struct SigV4AuthorizerTests {
    /// 2015-08-30T12:36:00Z, the time of the shared SigV4 vectors.
    let clock = TestClock(Date(timeIntervalSince1970: 1_440_938_160))
    let credential = AWSCredential(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let stsToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    func listModelPackages() -> TransportRequest {
        TransportRequest(
            method: .POST, url: "https://api.sagemaker.us-east-1.amazonaws.com/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "SageMaker.ListModelPackages"),
                ("User-Agent", "modelgate/0.1"), ("Content-Length", "86"),
            ],
            body: Array(#"{"ModelPackageGroupName": "my-group", "ModelPackageType": "Versioned", "MaxResults": 10}"#.utf8),
            registry: "sm-us")
    }

    /// The DERIVED SageMaker vectors of sigv4-test-vectors.json (botocore 1.43.11).
    @Test(arguments: [
        (nil, "f8dd26f172d9c42b40743db3b273a88b9d28bad3ccf040b6cdb4de30ed14c4ef"),
        (stsToken, "6cad7ce5e10c69f70154628e7abf80ca765110841d8f9cc49c7d56fab07aacfc"),
    ])
    func signsASageMakerCallLikeBotocore(token: String?, expectedSignature: String) async throws {
        var signed = credential
        signed.sessionToken = token
        let authorizer = SigV4Authorizer(
            region: "us-east-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(signed), now: clock.function)
        var request = listModelPackages()
        try await authorizer.authorize(&request)
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasSuffix("Signature=\(expectedSignature)"))
        #expect(request.header("X-Amz-Date") == "20150830T123600Z")
        #expect(request.header("X-Amz-Security-Token") == token)
        var expectedSensitive: Set<String> = ["Authorization", "X-Amz-Date"]
        if token != nil { expectedSensitive.insert("X-Amz-Security-Token") }
        #expect(request.sensitiveHeaders == expectedSensitive)
        // The headers the caller set are still there, once.
        #expect(request.headers.filter { $0.name == "X-Amz-Target" }.count == 1)
    }

    @Test func outputEqualsTheSignersForAFixedClock() async throws {
        let authorizer = SigV4Authorizer(
            region: "eu-west-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(credential),
            includeContentSHA256: true, now: clock.function)
        var request = TransportRequest(
            method: .GET, url: "http://127.0.0.1:5001/a%20b/?b=2&a=1", headers: [("Accept", "application/json")],
            registry: "sm-eu")
        let before = request
        try await authorizer.authorize(&request)
        let signer = SigV4Signer(
            accessKeyID: credential.accessKeyID, secretAccessKey: credential.secretAccessKey, region: "eu-west-1",
            service: "sagemaker")
        let expected = try signer.sign(
            method: "GET", path: "/a%20b/", query: [("a", "1"), ("b", "2")],
            headers: [("Accept", "application/json"), ("Host", "127.0.0.1:5001")], body: [], amzDate: "20150830T123600Z",
            includeContentSHA256: true)
        #expect(request.headers.map { "\($0.name): \($0.value)" } == (before.headers + expected.headers).map { "\($0.name): \($0.value)" })
        #expect(expected.signedHeaders == "accept;host;x-amz-content-sha256;x-amz-date")
    }

    @Test func signingAgainReplacesThePreviousSignature() async throws {
        let authorizer = SigV4Authorizer(
            region: "us-east-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(credential), now: clock.function)
        var request = listModelPackages()
        try await authorizer.authorize(&request)
        let first = try #require(request.header("Authorization"))
        clock.advance(by: 1)
        try await authorizer.authorize(&request)
        #expect(request.headers.filter { $0.name == "Authorization" }.count == 1)
        #expect(request.header("Authorization") != first)
        #expect(request.header("X-Amz-Date") == "20150830T123601Z")
    }

    @Test func anExpiredCredentialIsRefusedBeforeSigning() async {
        var expired = credential
        expired.expiration = clock.now()
        let authorizer = SigV4Authorizer(
            region: "us-east-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(expired), now: clock.function)
        var request = listModelPackages()
        await #expect {
            try await authorizer.authorize(&request)
        } throws: { error in
            (error as? RegistryError)?.code == .credentials && (error as? RegistryError)?.registry == "sm-us"
        }
        #expect(request.header("Authorization") == nil)
    }

    @Test func descriptionHidesTheSecret() {
        let authorizer = SigV4Authorizer(region: "us-east-1", service: "sagemaker", credentials: StaticAWSCredentialProvider(credential))
        #expect(!"\(authorizer)".contains("wJalrXUtnFEMI"))
    }
}

@Suite struct StaticAuthorizerTests {
    func authorize(_ authorizer: some RequestAuthorizer) async throws -> TransportRequest {
        var request = TransportRequest(url: "https://registry.example.com/api", registry: "r")
        try await authorizer.authorize(&request)
        return request
    }

    @Test func basicForMLflow() async throws {
        let request = try await authorize(BasicAuthorizer(username: "alice", password: "p@ss:word"))
        #expect(request.header("Authorization") == "Basic " + Data("alice:p@ss:word".utf8).base64EncodedString())
        #expect(request.sensitiveHeaders == ["Authorization"])
    }

    @Test func basicForWandB() async throws {
        let request = try await authorize(BasicAuthorizer.wandb(apiKey: "0123456789abcdef"))
        #expect(request.header("Authorization") == "Basic YXBpOjAxMjM0NTY3ODlhYmNkZWY=")
    }

    @Test func bearerAndGitLabPrivateToken() async throws {
        let bearer = try await authorize(TokenAuthorizer(token: "glpat-abc"))
        #expect(bearer.header("Authorization") == "Bearer glpat-abc")
        #expect(bearer.sensitiveHeaders == ["Authorization"])
        let gitlab = try await authorize(TokenAuthorizer(token: "glpat-abc", style: .privateToken))
        #expect(gitlab.header("PRIVATE-TOKEN") == "glpat-abc")
        #expect(gitlab.header("Authorization") == nil)
        #expect(gitlab.sensitiveHeaders == ["PRIVATE-TOKEN"])
    }

    @Test func unusableSettingsAreConfigurationErrors() async {
        await #expect(throws: RegistryError.self) { try await authorize(TokenAuthorizer(token: "")) }
        await #expect(throws: RegistryError.self) { try await authorize(BasicAuthorizer(username: "a:b", password: "x")) }
    }

    @Test func descriptionsHideSecrets() {
        let texts = [
            "\(BasicAuthorizer(username: "alice", password: "hunter2-pw"))",
            String(reflecting: TokenAuthorizer(token: "glpat-secret")),
            "\(AccessToken(value: "ya29.secret", expiresAt: Date()))",
        ]
        for text in texts {
            #expect(!text.contains("hunter2-pw") && !text.contains("glpat-secret") && !text.contains("ya29.secret"))
        }
    }
}
