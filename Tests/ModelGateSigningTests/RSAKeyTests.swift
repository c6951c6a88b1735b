import Testing

@testable import ModelGateSigning

@Suite struct RSAKeyTests {
    let message = Array("header.payload".utf8)

    @Test func ps256SignsAndVerifiesWithTheMatchingKeyOnly() throws {
        let key = try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8)
        let signer = JWTSigner(key: key, algorithm: .ps256)
        let token = try signer.sign(claims: ["iss": "client", "exp": 1_900_000_000])
        let jwt = try JWT(compact: token)
        #expect(jwt.algorithm == .ps256)
        try jwt.verify(using: key.publicKey)
        try jwt.verify(using: try RSAPublicKey(pem: TestKeys.appPublicKey))
        try jwt.verify(using: try X509Certificate(pem: TestKeys.appCertificate))
        let other = try RSAPrivateKey(pem: TestKeys.otherPrivateKeyPKCS1)
        #expect(throws: SigningError(.signatureMismatch, "the JWT signature does not verify with the given key (PS256)")) {
            try jwt.verify(using: other.publicKey)
        }
    }

    @Test func ps256IsRandomizedAndUsesPSSNotPKCS1() throws {
        let key = try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8)
        let a = try key.sign(message, algorithm: .ps256)
        let b = try key.sign(message, algorithm: .ps256)
        #expect(a != b)
        #expect(a.count == 256)
        #expect(key.publicKey.isValidSignature(a, for: message, algorithm: .ps256))
        #expect(key.publicKey.isValidSignature(b, for: message, algorithm: .ps256))
        #expect(!key.publicKey.isValidSignature(a, for: message, algorithm: .rs256))
        let rs = try key.sign(message, algorithm: .rs256)
        #expect(!key.publicKey.isValidSignature(rs, for: message, algorithm: .ps256))
    }

    @Test(arguments: JWTAlgorithm.allCases)
    func aModifiedPayloadOrSignatureFailsVerification(_ algorithm: JWTAlgorithm) throws {
        let key = try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8)
        let token = try JWTSigner(key: key, algorithm: algorithm).sign(claims: ["sub": "alice", "admin": false])
        let parts = token.split(separator: ".").map(String.init)
        let forgedPayload = Base64URL.encode(#"{"sub":"alice","admin":true}"#)
        let forged = [parts[0], forgedPayload, parts[2]].joined(separator: ".")
        #expect(throws: SigningError.self) { try JWT(compact: forged).verify(using: key.publicKey) }
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[10] ^= 0x01
        let flipped = [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: ".")
        #expect(throws: SigningError.self) { try JWT(compact: flipped).verify(using: key.publicKey) }
        try JWT(compact: token).verify(using: key.publicKey)
    }

    @Test func certificateThumbprintsMatchTheOpenSSLCLI() throws {
        let certificate = try X509Certificate(pem: TestKeys.appCertificate)
        #expect(certificate.sha1Thumbprint == TestKeys.appSHA1Fingerprint)
        #expect(certificate.x5t == TestKeys.appX5t)
        #expect(certificate.x5tS256 == TestKeys.appX5tS256)
        #expect(try certificate.publicKey.matches(try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8).publicKey))
        #expect(try !certificate.publicKey.matches(try RSAPrivateKey(pem: TestKeys.otherPrivateKeyPKCS1).publicKey))
    }

    @Test func aCombinedKeyAndCertificateFileYieldsBoth() throws {
        let combined = TestKeys.appPrivateKeyPKCS8 + "\n" + TestKeys.appCertificate
        let reversed = TestKeys.appCertificate + "\n" + TestKeys.appPrivateKeyPKCS8
        for pem in [combined, reversed] {
            let key = try RSAPrivateKey(pem: pem)
            let certificate = try X509Certificate(pem: pem)
            #expect(certificate.x5tS256 == TestKeys.appX5tS256)
            #expect(try certificate.publicKey.matches(key.publicKey))
        }
    }

    @Test func unusableKeysAreRefusedWithoutPromptingOrLeaking() {
        for pem in [TestKeys.encryptedPrivateKey, "not a key", TestKeys.appCertificate, TestKeys.appPublicKey] {
            #expect {
                try RSAPrivateKey(pem: pem)
            } throws: { error in
                guard let error = error as? SigningError else { return false }
                return error.code == .invalidKey && !error.description.contains("MII")
            }
        }
        #expect(throws: SigningError.self) { try X509Certificate(pem: TestKeys.appPublicKey) }
        #expect(throws: SigningError.self) { try RSAPublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
    }

    @Test func keyDescriptionsShowNoKeyMaterial() throws {
        let key = try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8)
        #expect(key.description == "RSAPrivateKey(2048 bits, ***)")
        #expect(key.publicKey.description == "RSAPublicKey(2048 bits)")
    }
}

@Suite struct JWTParserTests {
    @Test(arguments: ["", "a.b", "a.b.c.d", "!!!.e30.", "e30.W10.", "bm90IGpzb24.e30."])
    func malformedTokensAreRefused(_ token: String) {
        #expect(throws: SigningError.self) { try JWT(compact: token) }
    }

    @Test func algNoneAndUnknownAlgorithmsAreNotVerified() throws {
        let key = try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8)
        for alg in ["none", "HS256", "RS512"] {
            let token = Base64URL.encode(#"{"alg":"\#(alg)"}"#) + "." + Base64URL.encode("{}") + "."
            let jwt = try JWT(compact: token)
            #expect(jwt.algorithm == nil)
            #expect {
                try jwt.verify(using: key.publicKey)
            } throws: { ($0 as? SigningError)?.code == .unsupportedAlgorithm }
        }
    }

    @Test func headerBuilderKeepsAlgAndOrder() throws {
        let signer = JWTSigner(key: try RSAPrivateKey(pem: TestKeys.appPrivateKeyPKCS8), algorithm: .ps256)
        let header = signer.header(["x5t#S256": "abc", "alg": "none", "typ": "at+jwt"])
        #expect(header.jsonText == #"{"alg":"PS256","typ":"at+jwt","x5t#S256":"abc"}"#)
    }

    @Test func jsonRoundTripsEscapesAndNesting() throws {
        let object: JWTObject = [
            "s": .string("a\"b\\c/d\n\u{01}é"), "n": 1.5, "i": -3, "b": true, "z": .null, "a": [1, "x", .object(["k": "v"])],
        ]
        let text = object.jsonText
        #expect(text == #"{"s":"a\"b\\c/d\n\u0001é","n":1.5,"i":-3,"b":true,"z":null,"a":[1,"x",{"k":"v"}]}"#)
        #expect(try JSONReader.parse(Array(text.utf8)) == .object(object))
        #expect(try JSONReader.parse(Array(#"{"e":"\ud83d\ude00\u00e9"}"#.utf8)).objectValue?["e"] == "😀é")
        #expect(throws: SigningError.self) { try JSONReader.parse(Array(#"{"a":1,"a":2}"#.utf8)) }
        #expect(throws: SigningError.self) { try JSONReader.parse(Array(#"{"a":1} x"#.utf8)) }
    }
}
