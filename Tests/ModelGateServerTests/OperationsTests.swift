import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateTestKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServer
import Testing

@Suite("Sync and migrations through the API")
struct OperationsTests {
    static func world() -> StubOperations {
        let a = MemoryRegistry.mlflow("mem-a")
        a.seed("scorer", "1", tags: ["team": "risk"])
        a.seed("scorer", "2", tags: ["team": "risk"], aliases: ["champion"], lifecycle: .production)
        a.seed("ranker", "1")
        return StubOperations(registries: ["mem-a": a, "mem-b": MemoryRegistry.sagemaker("mem-b")])
    }

    /// Polls `GET /api/v1/sync/{id}` until the sync has finished.
    static func waitForSync(_ client: any TestClientProtocol, _ id: String) async throws -> [String: Any] {
        for _ in 0..<200 {
            let answer = try await client.call(.get, "/api/v1/sync/\(id)", token: TestTokens.reader)
            #expect(answer.status == 200)
            if answer.object["status"] as? String != "running" { return answer.object }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("sync \(id) did not finish")
        return [:]
    }

    @Test func syncRunsInTheBackgroundAndReportsItsSummary() async throws {
        let catalog = try CatalogDatabase.inMemory()
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: Self.world()) { client, _ in
            let started = try await client.call(
                .post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"registries":["mem-a"],"full":true}"#)
            #expect(started.status == 202, "\(started.text)")
            let id = try #require(started.object["id"] as? String)
            #expect(started.headers[.location] == "/api/v1/sync/\(id)")
            let done = try await Self.waitForSync(client, id)
            #expect(done["status"] as? String == "succeeded")
            #expect(done["started_by"] as? String == "ci-bot")
            let summary = try #require(done["summary"] as? [String: Any])
            #expect(summary["ok"] as? Bool == true)
            let registries = try #require(summary["registries"] as? [[String: Any]])
            #expect(registries.map { $0["registry"] as? String } == ["mem-a"])
            #expect(registries.first?["created"] as? Int == 3)
            let progress = try #require(done["registries"] as? [[String: Any]])
            #expect(progress.first?["status"] as? String == "ok")
            let versions = try await client.call(.get, "/api/v1/versions?registry=mem-a", token: TestTokens.reader)
            #expect(versions.items.count == 3)
            #expect(try await client.call(.get, "/api/v1/sync/unknown", token: TestTokens.reader).status == 404)
        }
    }

    @Test func planThenApplyAMigration() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let world = Self.world()
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: world) { client, _ in
            let plan = try await client.call(
                .post, "/api/v1/migrations/plan", token: TestTokens.operatorToken,
                body: #"{"from":"mem-a:scorer","to":"mem-b","carry_lifecycle":true}"#)
            #expect(plan.status == 200, "\(plan.text)")
            let id = try #require(plan.object["id"] as? String)
            #expect(!id.isEmpty)
            let actions = try #require(plan.object["actions"] as? [[String: Any]])
            #expect(actions.contains { $0["op"] as? String == "create_version" })
            let applied = try await client.call(.post, "/api/v1/migrations/\(id)/apply", token: TestTokens.operatorToken)
            #expect(applied.status == 200, "\(applied.text)")
            #expect(world.registries["mem-b"]?.versions(of: "scorer").count == 2)
            // Unknown plans and bad endpoints name the field.
            let unknown = try await client.call(.post, "/api/v1/migrations/nope/apply", token: TestTokens.operatorToken)
            #expect(unknown.status == 404)
            #expect(unknown.error["field"] as? String == "id")
            let badFrom = try await client.call(
                .post, "/api/v1/migrations/plan", token: TestTokens.operatorToken, body: #"{"from":"zzz:m","to":"mem-b"}"#)
            #expect(badFrom.error["field"] as? String == "from")
            let badMap = try await client.call(
                .post, "/api/v1/migrations/plan", token: TestTokens.operatorToken,
                body: #"{"from":"mem-a","to":"mem-b","artifact_map":["nope"]}"#)
            #expect(badMap.error["field"] as? String == "artifact_map")
        }
        let audit = try await catalog.auditLog()
        #expect(audit.contains { $0.path == "/api/v1/migrations/plan" && $0.status == 200 && $0.tokenName == "ci-bot" && ($0.detail ?? "").hasPrefix("plan:") })
        #expect(audit.contains { $0.path.hasSuffix("/apply") && $0.status == 200 })
    }
}
