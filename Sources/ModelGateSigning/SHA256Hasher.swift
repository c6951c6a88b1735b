import CModelGateOpenSSL

/// Incremental SHA-256 through OpenSSL's EVP API, for data too large to hold at once (bundle files).
///
/// ```swift
/// let hasher = SHA256Hasher()
/// chunk.withUnsafeBytes { hasher.update($0) }
/// let digest = hasher.finalize()   // 32 bytes
/// ```
/// Not thread-safe: one owner feeds it, then calls `finalize()` once.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    public init() {
        // Allocation or init fails only when OpenSSL cannot allocate; there is no meaningful recovery.
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed in OpenSSL") }
        self.context = context
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex failed in OpenSSL")
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds `bytes` into the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed in OpenSSL")
    }

    /// Feeds `bytes` into the hash.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The SHA-256 of everything fed so far (32 bytes); the hasher cannot be used afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finished, "SHA256Hasher.finalize called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(ok == 1 && length == 32, "EVP_DigestFinal_ex failed in OpenSSL")
        return Array(out.prefix(32))
    }
}
