import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServer
import ModelGateServices
import ModelGateTestKit
import Testing

/// `mem-a` syncs; `broken`, a SageMaker registry, cannot even be set up (its credentials are missing).
struct BrokenSetupOperations: ServerOperations {
    struct MissingCredentials: Error, CustomStringConvertible {
        var description: String { "broken: AWS_ACCESS_KEY_ID is not set; export it or use a credentials file" }
    }
    let memory: MemoryRegistry
    var registryNames: [String] { ["mem-a", "broken"] }
    var syncOptions: SyncOptions { SyncOptions() }
    var tagOwners: [String: String] { [:] }

    func registryInfo(_ name: String) -> RegistryInfo? {
        switch name {
        case "mem-a": RegistryInfo(name: name, kind: memory.kind, endpoint: nil)
        case "broken": RegistryInfo(name: name, kind: .sagemaker, endpoint: "https://api.sagemaker.eu-west-1.amazonaws.com")
        default: nil
        }
    }

    func adapter(_ name: String) throws -> (
        adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?
    ) {
        guard name == "mem-a" else { throw MissingCredentials() }
        return (memory, nil, nil)
    }
}

/// `POST /api/v1/sync` runs the same sync sequence as `modelgate sync` (issue 16): a registry that cannot be set up
/// is reported under its own kind and recorded in the catalog, and a failed conflict check fails the job.
@Suite("Sync through the API: failures reported like the CLI's")
struct ServerSyncOrchestrationTests {
    @Test func aRegistryThatCannotBeSetUpIsReportedUnderItsKindAndRecordedAsFailed() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let memory = MemoryRegistry.mlflow("mem-a")
        memory.seed("scorer", "1")
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: BrokenSetupOperations(memory: memory)) {
            client, _ in
            let started = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: "{}")
            #expect(started.status == 202, "\(started.text)")
            let done = try await OperationsTests.waitForSync(client, try #require(started.object["id"] as? String))
            #expect(done["status"] as? String == "failed")
            let summary = try #require(done["summary"] as? [String: Any])
            let registries = try #require(summary["registries"] as? [[String: Any]])
            #expect(registries.map { $0["registry"] as? String } == ["mem-a", "broken"])
            #expect(registries.map { $0["status"] as? String } == ["ok", "failed"])
            #expect(registries.last?["kind"] as? String == "sagemaker")
            let errors = try #require(registries.last?["errors"] as? [[String: Any]])
            #expect((errors.first?["message"] as? String)?.contains("AWS_ACCESS_KEY_ID is not set") == true)
            // GET /api/v1/registries shows the failure, as after `modelgate sync`.
            let listed = try await client.call(.get, "/api/v1/registries", token: TestTokens.reader)
            #expect(listed.text.contains("AWS_ACCESS_KEY_ID is not set"), "\(listed.text)")
        }
        let broken = try #require(try await catalog.registries().first { $0.name == "broken" })
        #expect(broken.kind == .sagemaker)
        #expect(broken.endpoint == "https://api.sagemaker.eu-west-1.amazonaws.com")
        #expect(broken.lastSyncStatus == "failed")
        #expect(broken.lastSyncMessage?.contains("AWS_ACCESS_KEY_ID is not set") == true)
    }

    @Test func aConflictCheckThatFailsFailsTheSyncJob() async throws {
        // A catalog that refuses to record conflicts (a trigger aborts every insert).
        var migrator = CatalogDatabase.migrator
        migrator.registerMigration("test: conflicts cannot be written") { db in
            try db.execute(
                sql: "CREATE TRIGGER refuseConflicts BEFORE INSERT ON conflict BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        let catalog = try CatalogDatabase(DatabaseQueue(configuration: CatalogDatabase.makeConfiguration()), migrator: migrator)
        // mem-b:scorer@1 is a copy of mem-a:scorer@1 whose tag disagrees: the check after the sync records a conflict.
        let a = MemoryRegistry.mlflow("mem-a")
        a.seed("scorer", "1", tags: ["team": "risk"])
        let b = MemoryRegistry.mlflow("mem-b")
        b.seed("scorer", "1", tags: ["team": "fraud"])
        try await catalog.insertVersionMap(
            VersionMapEntry(
                source: VersionRef(registry: "mem-a", model: "scorer", version: "1"),
                target: VersionRef(registry: "mem-b", model: "scorer", version: "1"), copyID: "copy-1", createdAt: Date()))
        let operations = StubOperations(registries: ["mem-a": a, "mem-b": b])
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: operations) { client, _ in
            let started = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: "{}")
            #expect(started.status == 202, "\(started.text)")
            let done = try await OperationsTests.waitForSync(client, try #require(started.object["id"] as? String))
            #expect(done["status"] as? String == "failed")
            let error = try #require(done["error"] as? String)
            #expect(error.contains("conflict detection failed"), "\(error)")
            // The registries themselves synced; their results stand.
            let summary = try #require(done["summary"] as? [String: Any])
            let registries = try #require(summary["registries"] as? [[String: Any]])
            #expect(registries.map { $0["status"] as? String } == ["ok", "ok"])
        }
        #expect(try await catalog.versions(VersionQuery()).items.count == 2)
    }
}
