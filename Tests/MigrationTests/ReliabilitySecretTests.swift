import Foundation
import ModelGateSimulators
import Testing

/// The reliability suite's secrets part: a whole run with real credentials configured — sync with verbose logs,
/// a failing registry, a migration, an export, a report, lineage — and then every output, log line, the catalog
/// file, the bundle and the report are searched for each secret. None may appear.
@Suite("Reliability: secrets", .serialized)
struct ReliabilitySecretTests {
    @Test func noSecretReachesLogsErrorsTheCatalogABundleOrAReport() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ReliabilityCrashTests.binary.path), "build modelgate first")
        try await MigrationWorld.with { world in
            _ = ReliabilityFaultTests.seed(world.cloud, models: 2, versions: 2)
            let (config, catalog) = try ReliabilityCrashTests.writeConfig(world)
            // A registry whose credential is refused, so that error paths print too.
            try (try String(contentsOfFile: config, encoding: .utf8)
                + """
                  - name: gitlab-wrong
                    kind: gitlab
                    url: \(world.cloud.host.baseURL)
                    project: \(SimulatedCloud.gitLabProject)
                    auth: {type: token, token: "${WRONG_GITLAB_TOKEN}"}
                    retry: {max_attempts: 1}

                """).write(toFile: config, atomically: true, encoding: .utf8)
            let wrongToken = "glpat-wrong-" + UUID().uuidString
            let key = try String(contentsOfFile: world.cloud.keyFile, encoding: .utf8)
            let privateKeyLine = try #require(key.split(separator: "\\n").first { $0.count > 40 && !$0.contains("BEGIN") })
            var secrets = Array(world.cloud.environment.values) + [wrongToken, String(privateKeyLine)]
            secrets.append(contentsOf: world.cloud.tokens.issuedTokens)
            var environment = world.cloud.environment
            environment["WRONG_GITLAB_TOKEN"] = wrongToken

            let bundle = world.directory.appendingPathComponent("bundle").path
            let report = world.directory.appendingPathComponent("report.html").path
            var outputs: [String] = []
            for arguments in [
                ["sync", "--verbose"], ["sync", "--full", "--output", "json"],
                ["migrate", "apply", "--from", "vertex:model-0", "--to", "azureml", "--rename", "copied",
                    "--artifact-map", "gs://b/=https://replica.example.com/", "--verbose"],
                ["request", "gitlab", "GET", "/api/v4/projects/\(SimulatedCloud.gitLabProject)/ml/mlflow/api/2.0/mlflow/registered-models/search", "--dry-run"],
                ["request", "azureml", "GET", "/subscriptions/\(SimulatedCloud.subscription)/resourceGroups/\(SimulatedCloud.resourceGroup)/providers/Microsoft.MachineLearningServices/workspaces/\(SimulatedCloud.workspace)/models", "--verbose"],
                ["export", "--out", bundle], ["report", "--format", "html", "--out", report],
                ["lineage", "azureml:copied@1", "--format", "openlineage"], ["registries", "--output", "json"],
            ] {
                let result = try await run(arguments + ["--config", config], environment: environment)
                outputs.append("$ modelgate \(arguments.joined(separator: " "))\n\(result)")
            }
            secrets.append(contentsOf: world.cloud.tokens.issuedTokens)
            var places: [(String, String)] = outputs.map { ("output", $0) }
            for file in [catalog, catalog + "-wal", report] + ((try? FileManager.default.contentsOfDirectory(atPath: bundle)) ?? [])
                .map({ "\(bundle)/\($0)" })
            {
                if let data = FileManager.default.contents(atPath: file) {
                    places.append((file, String(decoding: data, as: UTF8.self)))
                }
            }
            #expect(places.count >= outputs.count + 6, "the catalog, the report and the bundle files were read")
            #expect(outputs[0].contains("gitlab-wrong"), "the refused registry was reported")
            #expect(outputs[2].contains("Applied"), "\(outputs[2])")
            #expect(outputs[3].contains("Authorization: Bearer ***"), "\(outputs[3])")
            #expect(FileManager.default.fileExists(atPath: report) && FileManager.default.fileExists(atPath: bundle + "/manifest.json"))
            #expect(outputs[7].contains("RunEvent") || outputs[7].contains("eventType"), "\(outputs[7].prefix(300))")
            for secret in Set(secrets) where secret.count >= 8 {
                for (place, text) in places {
                    #expect(!text.contains(secret), "a secret (\(secret.prefix(4))…) appears in \(place)")
                }
            }
        }
    }

    /// Runs the binary; stdout and stderr together (waited for off the concurrency pool, see ReliabilityCrashTests).
    func run(_ arguments: [String], environment: [String: String]) async throws -> String {
        try await ReliabilityCrashTests.offPool { try Self.runBlocking(arguments, environment: environment) }
    }

    static func runBlocking(_ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = ReliabilityCrashTests.binary
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]) { a, _ in a }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
