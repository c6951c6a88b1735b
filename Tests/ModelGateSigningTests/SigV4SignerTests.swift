import Foundation
import Testing

@testable import ModelGateSigning

@Suite struct SigV4VectorTests {
    @Test func theFixtureHoldsAllEightVectors() throws {
        #expect(try SigV4Vector.all().count == 8)
    }

    @Test(arguments: try SigV4Vector.all())
    func everyStageMatchesThePublishedVector(_ v: SigV4Vector) {
        let signer = SigV4Signer(
            accessKeyID: v.access_key_id, secretAccessKey: v.secret_access_key, sessionToken: v.sessionToken,
            region: v.region, service: v.service)
        let payloadHash = Hex.encode(Digest.sha256(Array(v.request.body.utf8)))
        let canonical = signer.canonicalRequest(
            method: v.request.method, path: v.request.path, query: v.query, headers: v.headers, payloadHash: payloadHash)
        #expect(canonical.text == v.expected.canonical_request)
        #expect(Hex.encode(Digest.sha256(canonical.text)) == v.expected.canonical_request_sha256)
        let toSign = signer.stringToSign(canonicalRequest: canonical.text, amzDate: v.amz_date)
        #expect(toSign == v.expected.string_to_sign)
        let key = signer.signingKey(date: String(v.amz_date.prefix(8)))
        #expect(Hex.encode(key) == v.expected.signing_key_hex)
        #expect(signer.signature(stringToSign: toSign, signingKey: key) == v.expected.signature)
    }

    @Test(arguments: try SigV4Vector.all())
    func thePublicAPIProducesThePublishedAuthorization(_ v: SigV4Vector) throws {
        let signer = SigV4Signer(
            accessKeyID: v.access_key_id, secretAccessKey: v.secret_access_key, sessionToken: v.sessionToken,
            region: v.region, service: v.service)
        // The caller gives only its own headers; the signer adds X-Amz-Date and the session token itself.
        let callerHeaders = v.headers.filter { !["x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
        let result = try signer.sign(
            method: v.request.method, path: v.request.path, query: v.query, headers: callerHeaders,
            body: Array(v.request.body.utf8), amzDate: v.amz_date)
        #expect(result.authorization == v.expected.authorization)
        #expect(result.signature == v.expected.signature)
        var expectedHeaders = [["X-Amz-Date", v.amz_date]]
        if let token = v.sessionToken { expectedHeaders.append(["X-Amz-Security-Token", token]) }
        expectedHeaders.append(["Authorization", v.expected.authorization])
        #expect(result.headers.map { [$0.name, $0.value] } == expectedHeaders)
    }

    @Test(arguments: try SigV4Vector.all())
    func signingAFullURLGivesTheSameAuthorization(_ v: SigV4Vector) throws {
        let signer = SigV4Signer(
            accessKeyID: v.access_key_id, secretAccessKey: v.secret_access_key, sessionToken: v.sessionToken,
            region: v.region, service: v.service)
        let host = try #require(v.headers.first { $0.name == "Host" }?.value)
        var components = URLComponents()
        components.scheme = "https"
        components.host = host
        components.path = v.request.path
        if !v.query.isEmpty { components.queryItems = v.query.map { URLQueryItem(name: $0.name, value: $0.value) } }
        let url = try #require(components.string)
        // Host comes from the URL; the vector's X-Amz-Date header is replaced by the signer's (same value).
        let headers = v.headers.filter { $0.name != "Host" && $0.name.lowercased() != "x-amz-security-token" }
        let result = try signer.sign(
            method: v.request.method, url: url, headers: headers, body: Array(v.request.body.utf8), amzDate: v.amz_date)
        #expect(result.authorization == v.expected.authorization)
    }

    @Test func signingKeyMatchesTheAWSDerivationExample() throws {
        let signer = SigV4Signer(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1",
            service: "iam")
        let expected = try SigV4Vector.file().signing_key_derivation_example.expected_kSigning_hex
        #expect(Hex.encode(signer.signingKey(date: "20120215")) == expected)
    }
}

@Suite struct SigV4CanonicalFormTests {
    let signer = SigV4Signer(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", region: "us-east-1", service: "service")

    @Test func pathsAreNormalizedAndEncodedTwiceForOrdinaryServices() {
        #expect(signer.canonicalURI("") == "/")
        #expect(signer.canonicalURI("//") == "/")
        #expect(signer.canonicalURI("//example//") == "/example/")
        #expect(signer.canonicalURI("/example/..") == "/")
        #expect(signer.canonicalURI("/./example/./a/../b") == "/example/b")
        #expect(signer.canonicalURI("/example%20space/") == "/example%2520space/")
        #expect(signer.canonicalURI("/example space/") == "/example%2520space/")
        #expect(signer.canonicalURI("/%E1%88%B4") == "/%25E1%2588%25B4")
        #expect(signer.canonicalURI("/-._~0aZ") == "/-._~0aZ")
    }

    @Test func s3PathsAreEncodedOnceAndNotNormalized() {
        let s3 = SigV4Signer(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", region: "us-east-1", service: "s3")
        #expect(!s3.doubleEncodePath && !s3.normalizePath)
        #expect(s3.canonicalURI("/my%20bucket//key/./a") == "/my%20bucket//key/./a")
        #expect(s3.canonicalURI("/ሴ") == "/%E1%88%B4")
    }

    @Test func queryIsEncodedAndSortedByNameThenValue() {
        let text = SigV4Signer.canonicalQuery([
            ("b", "2"), ("a", "z"), ("a", "y"), ("Param", "a b/c"), ("empty", ""), ("é", "~x*"),
        ])
        #expect(text == "%C3%A9=~x%2A&Param=a%20b%2Fc&a=y&a=z&b=2&empty=")
    }

    @Test func headerValuesAreTrimmedCollapsedAndRepeatedNamesJoined() {
        let headers = SigV4Signer.canonicalHeaders([
            ("My-Header1", "  value1  "), ("my-header2", "\"a   b   c\""), ("X-Multi", "one"), ("x-multi", "two  three"),
            ("User-Agent", "curl"), ("Content-Length", "12"),
        ])
        #expect(headers.map(\.name) == ["my-header1", "my-header2", "x-multi"])
        #expect(headers.map(\.value) == ["value1", "\"a b c\"", "one,two three"])
    }

    @Test func urlPartsCarryTheNonDefaultPortAndDecodedQuery() throws {
        let parts = try SigV4URLParts("http://127.0.0.1:5001/a%20b/?X-Id=1&flag&q=a%2Fb")
        #expect(parts.host == "127.0.0.1:5001")
        #expect(parts.path == "/a%20b/")
        #expect(parts.query.map { "\($0.name)=\($0.value)" } == ["X-Id=1", "flag=", "q=a/b"])
        #expect(try SigV4URLParts("https://Example.COM:443").host == "example.com")
        #expect(try SigV4URLParts("https://example.com").path == "/")
        #expect(throws: SigningError.self) { try SigV4URLParts("/relative/only") }
    }

    @Test func contentSHA256HeaderIsAddedAndSignedWhenAsked() throws {
        let body = Array("{}".utf8)
        let result = try signer.sign(
            method: "PUT", url: "https://bucket.s3.amazonaws.com/key", headers: [], body: body,
            amzDate: "20150830T123600Z", includeContentSHA256: true)
        let hash = Hex.encode(Digest.sha256(body))
        #expect(result.headers.map(\.name) == ["X-Amz-Date", "X-Amz-Content-Sha256", "Authorization"])
        #expect(result.headers[1].value == hash)
        #expect(result.signedHeaders == "host;x-amz-content-sha256;x-amz-date")
    }

    @Test func ownedHeadersInTheInputAreReplacedNotDoubled() throws {
        let clean = try signer.sign(
            method: "GET", url: "https://example.amazonaws.com/", headers: [], body: [], amzDate: "20150830T123600Z")
        let stale = try signer.sign(
            method: "GET", url: "https://example.amazonaws.com/",
            headers: [("Authorization", "old"), ("X-Amz-Date", "20000101T000000Z")], body: [], amzDate: "20150830T123600Z")
        #expect(clean.authorization == stale.authorization)
    }

    @Test func theSignatureDependsOnTheBodyAndTheSecret() throws {
        let a = try signer.sign(method: "POST", url: "https://h/", headers: [], body: [1], amzDate: "20150830T123600Z")
        let b = try signer.sign(method: "POST", url: "https://h/", headers: [], body: [2], amzDate: "20150830T123600Z")
        var other = signer
        other.secretAccessKey = "another"
        let c = try other.sign(method: "POST", url: "https://h/", headers: [], body: [1], amzDate: "20150830T123600Z")
        #expect(a.signature != b.signature)
        #expect(a.signature != c.signature)
    }

    @Test(arguments: ["2015-08-30T12:36:00Z", "20150830T123600", "20150830 123600Z", "2015083OT123600Z", ""])
    func malformedAmzDatesAreRefused(_ date: String) {
        #expect(throws: SigningError.self) {
            try signer.sign(method: "GET", url: "https://h/", headers: [], body: [], amzDate: date)
        }
    }

    @Test func amzDateIsFormattedInUTC() {
        #expect(SigV4Signer.amzDate(from: Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
        #expect(SigV4Signer.amzDate(from: Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(from: Date(timeIntervalSince1970: 951_825_599.9)) == "20000229T115959Z")
    }

    @Test func descriptionHidesTheSecretAndToken() {
        var s = signer
        s.sessionToken = "TOKENVALUE"
        #expect(!s.description.contains("secret"))
        #expect(!s.description.contains("TOKENVALUE"))
        #expect(s.description.contains("AKIDEXAMPLE"))
    }
}
