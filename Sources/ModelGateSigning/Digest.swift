import CModelGateOpenSSL

/// One-shot hashes and HMAC through OpenSSL's EVP and `HMAC()` APIs (no deprecated low-level calls).
public enum Digest {
    /// SHA-256 of `data` (32 bytes).
    public static func sha256(_ data: some Collection<UInt8>) -> [UInt8] {
        evpDigest(data, EVP_sha256(), length: 32)
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }

    /// SHA-1 of `data` (20 bytes). Only for certificate thumbprints (`x5t`), never for security decisions.
    public static func sha1(_ data: some Collection<UInt8>) -> [UInt8] {
        evpDigest(data, EVP_sha1(), length: 20)
    }

    /// HMAC-SHA256 of `data` under `key` (32 bytes).
    public static func hmacSHA256(key: some Collection<UInt8>, data: some Collection<UInt8>) -> [UInt8] {
        let keyBytes = Array(key)
        let dataBytes = Array(data)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outLength: UInt32 = 0
        let result = keyBytes.withUnsafeBytes { k in
            dataBytes.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &outLength)
                }
            }
        }
        // HMAC-SHA256 only fails when OpenSSL cannot allocate; there is no meaningful recovery.
        precondition(result != nil && outLength == 32, "HMAC-SHA256 failed in OpenSSL")
        return Array(out.prefix(Int(outLength)))
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `text` under `key`.
    public static func hmacSHA256(key: some Collection<UInt8>, _ text: String) -> [UInt8] {
        hmacSHA256(key: key, data: Array(text.utf8))
    }

    private static func evpDigest(_ data: some Collection<UInt8>, _ md: OpaquePointer?, length: Int) -> [UInt8] {
        let bytes = Array(data)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outLength: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(d.baseAddress, d.count, o.baseAddress, &outLength, md, nil)
            }
        }
        precondition(ok == 1 && Int(outLength) == length, "EVP_Digest failed in OpenSSL")
        return Array(out.prefix(Int(outLength)))
    }
}
