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
