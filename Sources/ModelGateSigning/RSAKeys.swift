import CModelGateOpenSSL

/// Owns one OpenSSL `EVP_PKEY`.
///
/// `@unchecked Sendable`: the key is never modified after it is loaded, and OpenSSL 3 allows one
/// `EVP_PKEY` to be used for signing and verifying from several threads at once (each operation creates
/// its own `EVP_MD_CTX`/`EVP_PKEY_CTX`).
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA }
    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    /// Runs `body` with a read-only memory BIO over `pem`.
    static func withBIO<T>(_ pem: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        let bytes = Array(pem.utf8)
        return try bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw SigningError.openSSL(.cryptoFailure, "cannot allocate a memory BIO")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }
}

/// The algorithms ModelGate signs JWTs with.
public enum JWTAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (deterministic).
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1 SHA-256, salt length 32 (randomized).
    case ps256 = "PS256"

    /// The JOSE `alg` name.
    public var name: String { rawValue }
}

/// An RSA private key loaded from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
///
/// Other PEM blocks in the same text (a certificate) are skipped, so a combined key-and-certificate file
/// loads. Encrypted keys are refused (no passphrase prompt). `description` never shows the key.
public struct RSAPrivateKey: Sendable, CustomStringConvertible {
    let key: EVPKey

    /// Loads the first private key in `pem`.
    /// - Throws: ``SigningError`` `.invalidKey` when there is none, it is encrypted, or it is not RSA.
    public init(pem: String) throws {
        let loaded = try EVPKey.withBIO(pem) { bio in cmg_pem_read_private_key(bio) }
        guard let loaded else {
            throw SigningError.openSSL(
                .invalidKey,
                "no readable RSA private key in the PEM text (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY, unencrypted)")
        }
        key = EVPKey(taking: loaded)
        guard key.isRSA else { throw SigningError(.invalidKey, "the private key is not an RSA key") }
        guard key.bits >= 2048 else {
            throw SigningError(.invalidKey, "the RSA key has \(key.bits) bits; at least 2048 are required")
        }
    }

    /// The matching public key.
    public var publicKey: RSAPublicKey { RSAPublicKey(key: key) }

    /// The modulus size in bits.
    public var bits: Int { key.bits }

    /// Signs `data` with SHA-256 under `algorithm` (`EVP_DigestSign`).
    /// - Throws: ``SigningError`` `.cryptoFailure` if OpenSSL refuses.
    public func sign(_ data: some Collection<UInt8>, algorithm: JWTAlgorithm) throws -> [UInt8] {
        let message = Array(data)
        guard let context = EVP_MD_CTX_new() else {
            throw SigningError.openSSL(.cryptoFailure, "cannot allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        var pkeyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &pkeyContext, EVP_sha256(), nil, key.pointer) == 1, let pkeyContext else {
            throw SigningError.openSSL(.cryptoFailure, "cannot start an \(algorithm.name) signature")
        }
        try configure(pkeyContext, for: algorithm)
        var length = 0
        guard message.withUnsafeBufferPointer({ EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }) == 1
        else { throw SigningError.openSSL(.cryptoFailure, "cannot size the \(algorithm.name) signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let ok = signature.withUnsafeMutableBufferPointer { out in
            message.withUnsafeBufferPointer { EVP_DigestSign(context, out.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        guard ok == 1 else { throw SigningError.openSSL(.cryptoFailure, "\(algorithm.name) signing failed") }
        return Array(signature.prefix(length))
    }

    public var description: String { "RSAPrivateKey(\(bits) bits, ***)" }
}

/// Sets RSA padding for `algorithm` on an `EVP_PKEY_CTX` (PSS: salt = digest length, MGF1 SHA-256).
func configure(_ pkeyContext: OpaquePointer, for algorithm: JWTAlgorithm) throws {
    switch algorithm {
    case .rs256:
        guard EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PADDING) == 1 else {
            throw SigningError.openSSL(.cryptoFailure, "cannot select PKCS#1 v1.5 padding")
        }
    case .ps256:
        guard EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PSS_PADDING) == 1,
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyContext, RSA_PSS_SALTLEN_DIGEST) == 1,
            EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyContext, EVP_sha256()) == 1
        else { throw SigningError.openSSL(.cryptoFailure, "cannot select PSS padding") }
    }
}

/// An RSA public key: from a `BEGIN PUBLIC KEY` PEM, a certificate, or a private key.
public struct RSAPublicKey: Sendable, CustomStringConvertible {
    let key: EVPKey

    init(key: EVPKey) { self.key = key }

    /// Loads the first `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) block in `pem`; a `BEGIN CERTIFICATE`
    /// block is accepted too and its key is used.
    /// - Throws: ``SigningError`` `.invalidKey` when neither is there or the key is not RSA.
    public init(pem: String) throws {
        if pem.contains("-----BEGIN CERTIFICATE-----") && !pem.contains("-----BEGIN PUBLIC KEY-----") {
            self = try X509Certificate(pem: pem).publicKey
            return
        }
        let loaded = try EVPKey.withBIO(pem) { bio in cmg_pem_read_public_key(bio) }
        guard let loaded else {
            throw SigningError.openSSL(.invalidKey, "no readable public key in the PEM text (expected BEGIN PUBLIC KEY)")
        }
        key = EVPKey(taking: loaded)
        guard key.isRSA else { throw SigningError(.invalidKey, "the public key is not an RSA key") }
    }

    /// The modulus size in bits.
    public var bits: Int { key.bits }

    /// Whether `signature` is a valid `algorithm` signature of `data` under this key.
    public func isValidSignature(_ signature: some Collection<UInt8>, for data: some Collection<UInt8>, algorithm: JWTAlgorithm)
        -> Bool
    {
        let message = Array(data)
        let sig = Array(signature)
        guard let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        var pkeyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &pkeyContext, EVP_sha256(), nil, key.pointer) == 1, let pkeyContext,
            (try? configure(pkeyContext, for: algorithm)) != nil
        else { return false }
        let result = sig.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                EVP_DigestVerify(context, s.baseAddress, s.count, m.baseAddress, m.count)
            }
        }
        return result == 1
    }

    /// Whether this is the same key as `other`.
    public func matches(_ other: RSAPublicKey) -> Bool { EVP_PKEY_eq(key.pointer, other.key.pointer) == 1 }

    public var description: String { "RSAPublicKey(\(bits) bits)" }
}

/// An X.509 certificate, kept as its DER bytes.
public struct X509Certificate: Sendable, Hashable {
    /// The DER encoding (what thumbprints hash).
    public let der: [UInt8]

    /// Loads the first `BEGIN CERTIFICATE` block in `pem` (other blocks, such as a private key, are skipped).
    /// - Throws: ``SigningError`` `.invalidCertificate` when there is none.
    public init(pem: String) throws {
        let der: [UInt8] = try EVPKey.withBIO(pem) { bio in
            guard let certificate = cmg_pem_read_certificate(bio) else {
                throw SigningError.openSSL(.invalidCertificate, "no readable certificate in the PEM text (expected BEGIN CERTIFICATE)")
            }
            defer { X509_free(certificate) }
            let length = i2d_X509(certificate, nil)
            guard length > 0 else { throw SigningError.openSSL(.invalidCertificate, "cannot encode the certificate") }
            var out = [UInt8](repeating: 0, count: Int(length))
            let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
                return i2d_X509(certificate, &cursor)
            }
            guard written == length else { throw SigningError.openSSL(.invalidCertificate, "cannot encode the certificate") }
            return out
        }
        self.der = der
    }

    /// Wraps DER bytes; they are parsed when the public key is asked for.
    public init(der: [UInt8]) { self.der = der }

    /// `x5t`: base64url (no padding) of the SHA-1 of the DER.
    public var x5t: String { Base64URL.encode(Digest.sha1(der)) }
    /// `x5t#S256`: base64url (no padding) of the SHA-256 of the DER.
    public var x5tS256: String { Base64URL.encode(Digest.sha256(der)) }
    /// The SHA-1 thumbprint as uppercase hex (as Azure's portal shows it).
    public var sha1Thumbprint: String { Hex.encode(Digest.sha1(der)).uppercased() }

    /// The certificate's public key.
    public var publicKey: RSAPublicKey {
        get throws {
            let pkey: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return nil }
                defer { X509_free(certificate) }
                return X509_get_pubkey(certificate)
            }
            guard let pkey else { throw SigningError.openSSL(.invalidCertificate, "cannot read the certificate's public key") }
            let key = EVPKey(taking: pkey)
            guard key.isRSA else { throw SigningError(.invalidCertificate, "the certificate's key is not an RSA key") }
            return RSAPublicKey(key: key)
        }
    }
}
