import Foundation
import Synchronization

/// How one request verifies TLS: whether it verifies at all and which CA certificates it trusts.
///
/// A registry's `insecure_skip_tls_verify` and `ca_bundle` apply to the registry's own requests (the bundle
/// replaces the system's, as libcurl's `CURLOPT_CAINFO` does). A request that `requiresSystemTrust` (an OAuth
/// token request) always verifies, against the system's certificates plus the registry's bundle (issue 15 item 12).
struct TLSSettings: Equatable {
    enum Roots: Equatable {
        /// libcurl's built-in bundle (the system's).
        case system
        /// Only this PEM file.
        case replacedBy(String)
        /// The system's bundle and this PEM file.
        case systemPlus(String)
    }

    var verify: Bool
    var roots: Roots

    init(options: TransportOptions, request: TransportRequest) {
        if request.requiresSystemTrust {
            verify = true
            roots = options.caBundlePath.map(Roots.systemPlus) ?? .system
        } else {
            verify = !options.insecureSkipTLSVerify
            roots = options.caBundlePath.map(Roots.replacedBy) ?? .system
        }
    }

    /// Where Linux distributions keep the system bundle, when libcurl does not say.
    static let wellKnownSystemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
        "/etc/ssl/ca-bundle.pem",
    ]

    private static let combined = Mutex<[String: [UInt8]]>([:])

    /// The system's PEM bundle followed by the one at `path`, read once per path for the life of the process.
    static func systemBundle(plus path: String, defaultPath: String?) throws -> [UInt8] {
        if let cached = combined.withLock({ $0[path] }) { return cached }
        let fileManager = FileManager.default
        let systemPath = ([defaultPath].compactMap { $0 } + wellKnownSystemBundles).first {
            fileManager.isReadableFile(atPath: $0)
        }
        var pem = systemPath.flatMap { fileManager.contents(atPath: $0) }.map { [UInt8]($0) } ?? []
        pem.append(contentsOf: Array("\n".utf8))
        pem.append(contentsOf: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        combined.withLock { $0[path] = pem }
        return pem
    }
}
