import Foundation
import ModelGateCore
import Testing

@testable import ModelGateTransport

/// Issue 15 item 12: token requests verify TLS against the system roots (plus the registry's `ca_bundle`), whatever
/// `insecure_skip_tls_verify` says.
@Suite struct TokenEndpointTLSTests {
    func request(_ port: Int, token: Bool) -> TransportRequest {
        var request = TransportRequest(url: "https://127.0.0.1:\(port)/", registry: "vx", operation: "token")
        request.requiresSystemTrust = token
        return request
    }

    @Test func aRegistryCABundleIsAddedToTheSystemRootsNotSwapped() throws {
        let path = NSTemporaryDirectory() + "modelgate-ca-\(UUID().uuidString).pem"
        let bundle = "-----BEGIN CERTIFICATE-----\nTUdDQQ==\n-----END CERTIFICATE-----\n"
        try bundle.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The blob handed to libcurl holds the system bundle first, then the registry's.
        let system = try #require(TLSSettings.wellKnownSystemBundles.first { FileManager.default.isReadableFile(atPath: $0) })
        let combined = try TLSSettings.systemBundle(plus: path, defaultPath: system)
        let systemBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: system)))
        #expect(systemBytes.count > 1000, "a real system bundle")
        #expect(Array(combined.prefix(systemBytes.count)) == systemBytes)
        #expect(Array(combined.suffix(bundle.utf8.count)) == Array(bundle.utf8))
    }

    @Test func theTLSDecisionForEachKindOfRequest() {
        let options = TransportOptions(caBundlePath: "/etc/ca.pem", insecureSkipTLSVerify: true, proxy: .none)
        let registryCall = TLSSettings(options: options, request: request(1, token: false))
        #expect(registryCall.verify == false && registryCall.roots == .replacedBy("/etc/ca.pem"))
        let tokenCall = TLSSettings(options: options, request: request(1, token: true))
        #expect(tokenCall.verify && tokenCall.roots == .systemPlus("/etc/ca.pem"))
        let noBundle = TLSSettings(options: TransportOptions(insecureSkipTLSVerify: true, proxy: .none), request: request(1, token: true))
        #expect(noBundle.verify && noBundle.roots == .system)
    }
}
