import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServer
import ModelGateServices
import ModelGateTestKit
import Testing

/// One gated registry behind the sync routes: its listing waits until the test opens the gate.
struct GatedOperations: ServerOperations {
    let gated: GatedRegistry
    var registryNames: [String] { [gated.registry] }
    var syncOptions: SyncOptions { SyncOptions() }
    var tagOwners: [String: String] { [:] }

    func registryInfo(_ name: String) -> RegistryInfo? {
        name == gated.registry ? RegistryInfo(name: name, kind: gated.kind, endpoint: nil) : nil
    }

    func adapter(_ name: String) throws -> (
        adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?
    ) {
        guard name == gated.registry else { throw APIError.notFound("no registry \(name)", field: "registry") }
        return (gated, nil, nil)
    }
}

/// Issue 15, item 8, through `POST /api/v1/sync`.
@Suite("Reliability: attacks — sync jobs")
struct ReliabilityAttacksSyncJobTests {
    static func memory() -> MemoryRegistry {
        let memory = MemoryRegistry.mlflow("mem-a")
        memory.seed("scorer", "1")
        memory.seed("ranker", "1")
        return memory
    }

    // Item 8: simultaneous POSTs reserve the registry atomically: exactly one starts, the others answer 409.
    @Test func simultaneousSyncRequestsStartOneSyncOfARegistry() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let gated = GatedRegistry(Self.memory())
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: GatedOperations(gated: gated)) { client, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await client.call(
                            .post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"registries":["mem-a"]}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 202 }.count == 1, "\(statuses.sorted())")
            #expect(statuses.filter { $0 == 409 }.count == 15)
            gated.gate.open()
        }
        #expect(gated.listingCount <= 1)
    }

    // Item 8: a registry that another process (a cron `modelgate sync`) is syncing is reported busy by the job.
    @Test func aRegistryLeasedByAnotherProcessIsBusyInTheSyncJob() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let cron = try await catalog.acquireLease(
            registry: "mem-a", holder: "modelgate sync on cron-host (pid 4242)", token: "cron", at: Date(), duration: 600)
        guard case .acquired = cron else { Issue.record("the cron lease was not written"); return }
        let gated = GatedRegistry(Self.memory())
        gated.gate.open()
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: GatedOperations(gated: gated)) { client, _ in
            let started = try await client.call(
                .post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"registries":["mem-a"]}"#)
            #expect(started.status == 202, "\(started.text)")
            let id = try #require(started.object["id"] as? String)
            let done = try await OperationsTests.waitForSync(client, id)
            #expect(done["status"] as? String == "failed")
            let progress = try #require(done["registries"] as? [[String: Any]])
            #expect(progress.first?["status"] as? String == "busy")
            let summary = try #require(done["summary"] as? [String: Any])
            let registries = try #require(summary["registries"] as? [[String: Any]])
            #expect(registries.first?["status"] as? String == "failed")
            let errors = try #require(registries.first?["errors"] as? [[String: Any]])
            let message = try #require(errors.first?["message"] as? String)
            #expect(message.contains("busy: modelgate sync on cron-host (pid 4242) has been syncing it since "), "\(message)")
        }
        #expect(gated.listingCount == 0, "the server did not list a registry someone else is syncing")
        #expect(try await catalog.versions(VersionQuery(registry: "mem-a")).items.isEmpty)
    }
}
