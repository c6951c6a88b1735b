import Foundation
import ModelGateCore
import ModelGateSimulators
import Synchronization
import Testing

@testable import ModelGateCredentials

/// Issue 15 item 15: key files readable by group or others are warned about (once per file).
@Suite("Reliability: attacks — credentials files")
struct ReliabilityAttacksCredentialsTests {
    @Test func keyFilesReadableByOthersAreWarnedAboutOnce() async throws {
        let warnings = Mutex<[String]>([])
        SecretFilePermissions.setWarningHandler { line in warnings.withLock { $0.append(line) } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = try directory.write("sa.json", String(decoding: try GoogleServiceAccountTests.keyJSON(), as: UTF8.self))
        let certificate = try directory.write("app.pem", SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate)
        let aws = try directory.write("credentials", "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t\n")
        for path in [key, certificate, aws] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        for _ in 0..<2 {
            _ = try GoogleServiceAccountKey.load(path: key, registry: "vx")
            _ = try AzureClientCertificate.load(path: certificate, registry: "aml")
            _ = try await SharedFileAWSCredentialProvider(
                environment: ["AWS_SHARED_CREDENTIALS_FILE": aws, "AWS_CONFIG_FILE": directory.path + "/none"],
                homeDirectory: directory.path
            ).credential()
        }
        let lines = warnings.withLock { $0 }
        for path in [key, certificate, aws] {
            #expect(lines.filter { $0.contains(path) }.count == 1, "one warning for \(path): \(lines)")
        }
        #expect(!lines.joined().contains("s3cr3t") && !lines.joined().contains("PRIVATE KEY"))
        let quiet = try directory.write("sa2.json", String(decoding: try GoogleServiceAccountTests.keyJSON(), as: UTF8.self))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: quiet)
        _ = try GoogleServiceAccountKey.load(path: quiet, registry: "vx")
        #expect(!warnings.withLock { $0 }.joined().contains(quiet))
    }
}
