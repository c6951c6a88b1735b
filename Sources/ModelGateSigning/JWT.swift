/// Builds and signs compact JWTs (JWS) with an RSA private key.
///
/// ```swift
/// let signer = JWTSigner(key: try RSAPrivateKey(pem: pem), algorithm: .rs256)
/// let jwt = try signer.sign(claims: ["iss": "me", "iat": 1700000000], header: ["kid": "abc"])
/// // header bytes: {"alg":"RS256","typ":"JWT","kid":"abc"}
/// ```
public struct JWTSigner: Sendable {
    /// The signing key.
    public let key: RSAPrivateKey
    /// RS256 or PS256.
    public let algorithm: JWTAlgorithm

    /// A signer for one key and algorithm.
    public init(key: RSAPrivateKey, algorithm: JWTAlgorithm) {
        self.key = key
        self.algorithm = algorithm
    }

    /// The header this signer writes: `alg`, `typ: "JWT"`, then `extra` in its order (an `alg` in
    /// `extra` is ignored; a `typ` there replaces the default value in place).
    public func header(_ extra: JWTObject = [:]) -> JWTObject {
        var header: JWTObject = ["alg": .string(algorithm.name), "typ": "JWT"]
        for member in extra.members where member.key != "alg" { header[member.key] = member.value }
        return header
    }

    /// Signs `claims` (serialized compactly, in their order) under ``header(_:)``.
    /// - Returns: `base64url(header).base64url(claims).base64url(signature)`.
    public func sign(claims: JWTObject, header extra: JWTObject = [:]) throws -> String {
        try sign(headerJSON: header(extra).jsonText, payloadJSON: claims.jsonText)
    }

    /// Signs exact header and payload bytes (for tokens whose JSON must not be re-serialized).
    /// The header's `alg` is the caller's responsibility here.
    public func sign(headerJSON: String, payloadJSON: String) throws -> String {
        let input = Base64URL.encode(headerJSON) + "." + Base64URL.encode(payloadJSON)
        let signature = try key.sign(Array(input.utf8), algorithm: algorithm)
        return input + "." + Base64URL.encode(signature)
    }
}

/// A parsed compact JWT. Parsing does not verify: call ``verify(using:)`` before trusting the claims.
public struct JWT: Sendable, CustomStringConvertible {
    /// The decoded header.
    public let header: JWTObject
    /// The decoded claim set.
    public let claims: JWTObject
    /// `base64url(header).base64url(payload)`, the bytes the signature covers.
    public let signingInput: String
    /// The raw signature bytes.
    public let signature: [UInt8]

    /// Splits and decodes `compact` (`header.payload.signature`); the header and payload must be JSON objects.
    /// - Throws: ``SigningError`` `.malformedToken`.
    public init(compact: String) throws {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw SigningError(.malformedToken, "a compact JWT has 3 dot-separated parts, this one has \(parts.count)")
        }
        guard let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else { throw SigningError(.malformedToken, "a JWT part is not base64url") }
        guard let header = try JSONReader.parse(headerBytes).objectValue else {
            throw SigningError(.malformedToken, "the JWT header is not a JSON object")
        }
        guard let claims = try JSONReader.parse(payloadBytes).objectValue else {
            throw SigningError(.malformedToken, "the JWT payload is not a JSON object")
        }
        self.header = header
        self.claims = claims
        self.signingInput = parts[0] + "." + parts[1]
        self.signature = signature
    }

    /// The header's `alg` if it is one this library supports.
    public var algorithm: JWTAlgorithm? { header["alg"]?.stringValue.flatMap(JWTAlgorithm.init(rawValue:)) }

    /// Checks the signature with `key` under the header's `alg`.
    /// - Throws: ``SigningError`` `.unsupportedAlgorithm` for an `alg` other than RS256/PS256 (`none` included),
    ///   `.signatureMismatch` when the signature does not verify.
    public func verify(using key: RSAPublicKey) throws {
        guard let algorithm else {
            let name = header["alg"]?.stringValue ?? "(missing)"
            throw SigningError(.unsupportedAlgorithm, "JWT alg \(name) is not supported (RS256, PS256)")
        }
        guard key.isValidSignature(signature, for: Array(signingInput.utf8), algorithm: algorithm) else {
            throw SigningError(.signatureMismatch, "the JWT signature does not verify with the given key (\(algorithm.name))")
        }
    }

    /// Checks the signature with the public key of `certificate`.
    public func verify(using certificate: X509Certificate) throws {
        try verify(using: try certificate.publicKey)
    }

    /// Shows the header only; claims may carry identifiers and the token itself is a credential.
    public var description: String { "JWT(header: \(header.jsonText), claims: \(claims.keys.count) members)" }
}
