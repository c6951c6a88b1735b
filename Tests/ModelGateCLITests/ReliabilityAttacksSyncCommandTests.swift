import Foundation
import ModelGateCatalog
import ModelGateCore
import Testing

/// Issue 15, item 8, on the built binary: `modelgate sync` next to another sync of the same registry (a cron job
/// next to `serve`, or two terminals) says "busy" naming the other sync, or waits for it with `--wait`.
@Suite("Reliability: attacks — sync command leases")
struct ReliabilityAttacksSyncCommandTests {
    static let holder = "modelgate serve on api-host (pid 4242)"

    /// A config whose one registry refuses connections at once, and a catalog where `holder` is syncing it.
    static func held() async throws -> (CLI, CatalogDatabase) {
        let cli = try CLI()
        try cli.writeConfig(
            """
            catalog: ./catalog.sqlite
            registries:
              - {name: mlflow-prod, kind: mlflow, url: "http://127.0.0.1:1", retry: {max_attempts: 1}}

            """)
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        let lease = try await catalog.acquireLease(
            registry: "mlflow-prod", holder: holder, token: "serve-token", at: Date(), duration: 600)
        guard case .acquired = lease else { throw CatalogError("the test's lease was not taken") }
        return (cli, catalog)
    }

    // Item 8.
    @Test func aSyncOfARegistryAnotherSyncHoldsExitsOneNamingTheHolder() async throws {
        let (cli, _) = try await Self.held()
        let result = try cli.run("sync")
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("mlflow-prod: busy: \(Self.holder) has been syncing it since 20"), "\(result.stderr)")
        #expect(result.stderr.contains("--wait"))
        #expect(result.stdout.contains("busy"))

        let json = try cli.run("sync", "--output", "json")
        #expect(json.status == 1)
        let registry = try #require(try json.json()["registries"]?.arrayValue?.first)
        #expect(registry["status"] == .string("failed"))
        let message = try #require(registry["errors"]?.arrayValue?.first?["message"]?.stringValue)
        #expect(message.contains("busy: \(Self.holder)"))
    }

    // Item 8: `--wait` waits (saying so on stderr) until the holder is done, then syncs.
    @Test func syncWaitWaitsUntilTheLeaseIsFree() async throws {
        let (cli, catalog) = try await Self.held()
        let sync = try cli.launch(arguments: ["sync", "--wait", "--output", "json"])
        defer { sync.send(SIGKILL) }

        // It says it waits, and who for, and keeps waiting while the lease is held.
        let waitingLine = try await sync.waitForStderr(seconds: 30) { $0.contains("mlflow-prod: waiting: \(Self.holder)") }
        #expect(waitingLine, "stderr: \(sync.stderr)")
        #expect(sync.process.isRunning, "it waits while the lease is held")

        try await catalog.releaseLease(registry: "mlflow-prod", token: "serve-token")
        _ = await sync.exit()
        // It then synced: the registry was actually called (and refused the connection), it was not busy.
        let json = try #require(try? JSONValue.parse(Data(sync.stdout.utf8)), "stdout: \(sync.stdout)")
        let registry = try #require(json["registries"]?.arrayValue?.first)
        let message = registry["errors"]?.arrayValue?.first?["message"]?.stringValue ?? ""
        #expect(!message.contains("busy"), "\(message)")
        #expect(message.contains("127.0.0.1:1") || message.lowercased().contains("connect"), "\(message)")
        #expect(try await catalog.registry(named: "mlflow-prod")?.lastSyncStatus == "failed", "the sync ran and recorded its result")
        #expect(try await catalog.lease(registry: "mlflow-prod") == nil)
    }
}
