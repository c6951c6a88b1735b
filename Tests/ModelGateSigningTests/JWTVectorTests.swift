import Foundation
import Testing

@testable import ModelGateSigning

/// `Fixtures/jwt-rs256-test-vectors.json`, read with the order-keeping JSON reader so that header and claim
/// order come from the file itself.
enum JWTVectors {
    static func root() throws -> JWTObject {
        guard let url = Bundle.module.url(forResource: "jwt-rs256-test-vectors", withExtension: "json", subdirectory: "Fixtures")
        else { throw CocoaError(.fileNoSuchFile) }
        let value = try JSONReader.parse(Array(try Data(contentsOf: url)))
        return try #require(value.objectValue)
    }

    static func section(_ path: String...) throws -> JWTObject {
        var object = try root()
        for key in path { object = try #require(object[key]?.objectValue, "missing \(key)") }
        return object
    }

    static func string(_ object: JWTObject, _ key: String) throws -> String {
        try #require(object[key]?.stringValue, "missing \(key)")
    }

    static func rfcKey() throws -> RSAPrivateKey {
        try RSAPrivateKey(pem: string(section("rfc7515_appendix_A2"), "private_key_pkcs8_pem_DERIVED_from_jwk"))
    }

    /// Python's `json.dumps` default separators (`", "`, `": "`), as google-auth writes JWTs.
    static func pythonJSON(_ object: JWTObject) -> String {
        "{" + object.members.map { "\(JSONWriter.write(.string($0.key))): \(JSONWriter.write($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// One RS256 vector of the fixture, as a test argument.
struct RS256Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let headerJSON: String
    let payloadJSON: String
    let expectedJWT: String
    var testDescription: String { name }

    static func all() throws -> [RS256Vector] {
        let rfc = try JWTVectors.section("rfc7515_appendix_A2")
        let compact = try JWTVectors.section("google_service_account_assertion_DERIVED", "variant_compact_json")
        let python = try JWTVectors.section("google_service_account_assertion_DERIVED", "variant_google_auth_python")
        let selfSigned = try JWTVectors.section("google_self_signed_jwt_DERIVED")
        let pythonHeader = try #require(python["header"]?.objectValue)
        let azure = try JWTVectors.section("azure_client_assertion_DERIVED")
        return [
            RS256Vector(
                name: "RFC 7515 A.2", headerJSON: try JWTVectors.string(rfc, "protected_header_json"),
                payloadJSON: try JWTVectors.string(rfc, "payload_json_exact_bytes"),
                expectedJWT: try JWTVectors.string(rfc, "compact_jws")),
            RS256Vector(
                name: "Google SA assertion (compact JSON)",
                headerJSON: try #require(compact["header"]?.objectValue).jsonText,
                payloadJSON: try #require(compact["claims"]?.objectValue).jsonText,
                expectedJWT: try JWTVectors.string(compact, "jwt")),
            RS256Vector(
                name: "Google SA assertion (google-auth bytes)", headerJSON: JWTVectors.pythonJSON(pythonHeader),
                payloadJSON: try JWTVectors.string(python, "claims_json_exact"),
                expectedJWT: try JWTVectors.string(python, "jwt")),
            RS256Vector(
                name: "Google self-signed JWT (google-auth bytes)", headerJSON: JWTVectors.pythonJSON(pythonHeader),
                payloadJSON: JWTVectors.pythonJSON(try #require(selfSigned["claims"]?.objectValue)),
                expectedJWT: try JWTVectors.string(selfSigned, "jwt")),
            RS256Vector(
                name: "Entra ID client assertion (RS256, x5t)",
                headerJSON: try #require(azure["header"]?.objectValue).jsonText,
                payloadJSON: try #require(azure["claims"]?.objectValue).jsonText,
                expectedJWT: try JWTVectors.string(azure, "jwt")),
        ]
    }
}

@Suite struct JWTVectorTests {
    @Test(arguments: try RS256Vector.all())
    func rs256ReproducesTheVectorByteForByte(_ v: RS256Vector) throws {
        let signer = JWTSigner(key: try JWTVectors.rfcKey(), algorithm: .rs256)
        let jwt = try signer.sign(headerJSON: v.headerJSON, payloadJSON: v.payloadJSON)
        #expect(jwt == v.expectedJWT)
        let parsed = try JWT(compact: v.expectedJWT)
        try parsed.verify(using: try JWTVectors.rfcKey().publicKey)
    }

    @Test func rfcVectorPartsMatch() throws {
        let rfc = try JWTVectors.section("rfc7515_appendix_A2")
        #expect(Base64URL.encode(try JWTVectors.string(rfc, "protected_header_json")) == (try JWTVectors.string(rfc, "protected_header_b64url")))
        #expect(Base64URL.encode(try JWTVectors.string(rfc, "payload_json_exact_bytes")) == (try JWTVectors.string(rfc, "payload_b64url")))
        let signature = try JWTVectors.rfcKey().sign(Array(try JWTVectors.string(rfc, "signing_input").utf8), algorithm: .rs256)
        #expect(Base64URL.encode(signature) == (try JWTVectors.string(rfc, "signature_b64url")))
    }

    @Test func pkcs1AndPKCS8FormsOfTheKeySignIdentically() throws {
        let rfc = try JWTVectors.section("rfc7515_appendix_A2")
        let pkcs1 = try RSAPrivateKey(pem: JWTVectors.string(rfc, "private_key_pkcs1_pem_DERIVED_from_jwk"))
        let input = Array(try JWTVectors.string(rfc, "signing_input").utf8)
        #expect(try pkcs1.sign(input, algorithm: .rs256) == (try JWTVectors.rfcKey().sign(input, algorithm: .rs256)))
        #expect(pkcs1.publicKey.matches(try JWTVectors.rfcKey().publicKey))
    }

    /// The builder lays out `alg`, `typ`, then the extra header members, and the claims in their order.
    @Test func builderReproducesTheGoogleAssertion() throws {
        let compact = try JWTVectors.section("google_service_account_assertion_DERIVED", "variant_compact_json")
        let signer = JWTSigner(key: try JWTVectors.rfcKey(), algorithm: .rs256)
        let claims: JWTObject = [
            "iss": "gateway@example-project.iam.gserviceaccount.com",
            "scope": "https://www.googleapis.com/auth/cloud-platform",
            "aud": "https://oauth2.googleapis.com/token", "exp": 1_700_003_600, "iat": 1_700_000_000,
        ]
        let jwt = try signer.sign(claims: claims, header: ["kid": "0123456789abcdef0123456789abcdef01234567"])
        #expect(jwt == (try JWTVectors.string(compact, "jwt")))
        #expect(jwt.split(separator: ".").prefix(2).joined(separator: ".") == (try JWTVectors.string(compact, "signing_input")))
    }

    @Test func builderReproducesTheEntraAssertion() throws {
        let azure = try JWTVectors.section("azure_client_assertion_DERIVED")
        let signer = JWTSigner(key: try JWTVectors.rfcKey(), algorithm: .rs256)
        let claims: JWTObject = [
            "aud": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token",
            "exp": 1_601_519_414, "iss": "11111111-1111-1111-1111-111111111111",
            "jti": "22222222-2222-2222-2222-222222222222", "nbf": 1_601_519_114,
            "sub": "11111111-1111-1111-1111-111111111111", "iat": 1_601_519_114,
        ]
        #expect(try signer.sign(claims: claims, header: ["x5t": "hOBcHZi846VCHSJbFAs26Go9VTQ"]) == (try JWTVectors.string(azure, "jwt")))
    }

    @Test func x5tIsBase64URLOfTheRawSHA1NotOfItsHex() throws {
        let example = try JWTVectors.section("azure_x5t_example")
        let raw = try #require(Hex.decode(try JWTVectors.string(example, "sha1_hex")))
        #expect(Base64URL.encode(raw) == (try JWTVectors.string(example, "x5t")))
    }

    @Test func parserReadsTheVectorsHeaderAndClaimsInOrder() throws {
        let compact = try JWTVectors.section("google_service_account_assertion_DERIVED", "variant_compact_json")
        let jwt = try JWT(compact: try JWTVectors.string(compact, "jwt"))
        #expect(jwt.header.keys == ["alg", "typ", "kid"])
        #expect(jwt.claims.keys == ["iss", "scope", "aud", "exp", "iat"])
        #expect(jwt.claims["exp"]?.integerValue == 1_700_003_600)
        #expect(jwt.algorithm == .rs256)
        #expect(!jwt.description.contains("gateway@"))
    }
}
