import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import ModelGateCatalog
import ModelGateCore
import ModelGateServer
import Testing

/// Reads that could grow without bound are paged or capped (issue 15 item 6): history and conflicts page like
/// versions; a model with thousands of versions answers one bounded page in a fixed number of catalog queries.
@Suite("Bounded work: paging and caps on the server's reads")
struct BoundedWorkTests {
    static let registry = "big-reg"
    static let count = 2000

    /// A catalog with one model of `count` versions (every 500th in production, the last in staging, two aliases),
    /// a model "small" of 5 versions shaped the same way, their creation history, and 25 conflicts.
    static func bigCatalog(counting counter: StatementCounter = StatementCounter()) async throws -> CatalogDatabase {
        let catalog = try CatalogDatabase.testOnly_inMemory(counting: counter)
        let t0 = Fixture.t0
        func versions(_ model: String, _ total: Int, production: Int, champion: Int) -> [ModelVersion] {
            (1...total).map { n -> ModelVersion in
                let lifecycle: Lifecycle = n == total ? .staging : (n % production == 0 ? .production : .none)
                let aliases = n == champion ? ["champion"] : (n == total ? ["candidate"] : [])
                return ModelVersion(
                    registry: registry, kind: .mlflow, model: model, version: String(n), lifecycle: lifecycle,
                    lifecycleRaw: lifecycle == .production ? "Production" : (lifecycle == .staging ? "Staging" : "None"),
                    aliases: aliases, createdAt: t0.addingTimeInterval(Double(n)))
            }
        }
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: registry, kind: .mlflow,
                models: ["big", "small"].map { RegistryModel(registry: registry, kind: .mlflow, name: $0, createdAt: t0) },
                versions: versions("big", count, production: 500, champion: 1500)
                    + versions("small", 5, production: 2, champion: 4)),
            source: .sync, at: t0)
        for n in 1...25 {
            _ = try await catalog.insertConflict(
                CatalogConflict(
                    kind: "tag", registry: registry, model: "big", version: String(n), field: "tag:team",
                    values: ["a": .string("x"), "b": .string("y")], status: n % 3 == 0 ? .resolved : .open, createdAt: t0))
        }
        return catalog
    }

    /// Follows `next_cursor` from `first` and returns every item's value of `key`.
    static func walk(_ client: some TestClientProtocol, _ first: String, key: String) async throws -> [String] {
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let uri = first + (cursor.map { "&cursor=\(QueryParameters.escape($0))" } ?? "")
            let answer = try await client.call(.get, uri)
            #expect(answer.status == 200, "\(uri): \(answer.text)")
            seen += answer.items.map { "\($0[key] ?? "nil")" }
            cursor = answer.object["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 1000
        return seen
    }

    @Test func historyPagesWalkEveryChangeExactlyOnce() async throws {
        let catalog = try await Self.bigCatalog()
        let all = try await catalog.history(registry: Self.registry, model: "big")
        #expect(all.count >= Self.count)
        try await withServer(catalog: catalog) { client, _ in
            let first = try await client.call(.get, "/api/v1/history?registry=\(Self.registry)&model=big")
            #expect(first.items.count == 100)  // the default page, not the whole log
            #expect(first.object["next_cursor"] as? String != nil)
            let ids = try await Self.walk(client, "/api/v1/history?registry=\(Self.registry)&model=big&limit=333", key: "id")
            #expect(ids.count == all.count)
            #expect(Set(ids).count == all.count)
            #expect(ids == all.map { "\($0.id ?? -1)" })  // oldest first, as unpaged
        }
    }

    @Test func conflictPagesWalkEveryConflictExactlyOnce() async throws {
        let catalog = try await Self.bigCatalog()
        let open = try await catalog.conflicts(status: .open).compactMap(\.id).map(String.init)
        try await withServer(catalog: catalog) { client, _ in
            let ids = try await Self.walk(client, "/api/v1/conflicts?limit=4", key: "id")
            #expect(ids.count == 25)
            #expect(Set(ids).count == 25)
            #expect(try await Self.walk(client, "/api/v1/conflicts?status=open&limit=3", key: "id") == open)
            #expect(try await client.call(.get, "/api/v1/conflicts?cursor=bogus").error["field"] as? String == "cursor")
        }
    }

    @Test func aModelWithThousandsOfVersionsAnswersABoundedPageInAFixedNumberOfQueries() async throws {
        let counter = StatementCounter()
        let catalog = try await Self.bigCatalog(counting: counter)
        try await withServer(catalog: catalog) { client, _ in
            /// The statements `uri` runs, for the big model and for the 5-version one.
            func statements(_ uri: (String) -> String) async throws -> (big: Int, small: Int) {
                var counts: [Int] = []
                for model in ["big", "small"] {
                    let before = counter.count
                    let answer = try await client.call(.get, uri(model))
                    #expect(answer.status == 200, "\(uri(model)): \(answer.text.prefix(300))")
                    counts.append(counter.count - before)
                }
                return (counts[0], counts[1])
            }
            // 2,000 versions cost the queries 5 do, plus one count for the "N more" (no query per version).
            let detailCost = try await statements { "/api/v1/registries/\(Self.registry)/models/\($0)" }
            #expect(detailCost.big <= detailCost.small + 1, "model detail: \(detailCost)")
            let mlflowCost = try await statements { "/api/2.0/mlflow/registered-models/get?name=\(Self.registry).\($0)" }
            #expect(mlflowCost.big <= mlflowCost.small, "registered-models/get: \(mlflowCost)")
            let pageCost = try await statements { "/ui/model?registry=\(Self.registry)&model=\($0)" }
            #expect(pageCost.big <= pageCost.small + 1, "model page: \(pageCost)")

            let detail = try await client.call(.get, "/api/v1/registries/\(Self.registry)/models/big")
            #expect((detail.object["versions"] as? [[String: Any]])?.count == 100)
            #expect(detail.object["version_count"] as? Int == Self.count)
            // The pages walk every version once.
            var versions: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/registries/\(Self.registry)/models/big?limit=700" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, uri)
                versions += (page.object["versions"] as? [[String: Any]] ?? []).compactMap { $0["version"] as? String }
                cursor = page.object["versions_next_cursor"] as? String
            } while cursor != nil
            #expect(versions == (1...Self.count).map(String.init))

            let mlflow = try await client.call(.get, "/api/2.0/mlflow/registered-models/get?name=\(Self.registry).big")
            let model = try #require(mlflow.object["registered_model"] as? [String: Any])
            let latest = (model["latest_versions"] as? [[String: Any]] ?? []).map {
                "\($0["current_stage"] ?? "")=\($0["version"] ?? "")"
            }
            #expect(Set(latest) == ["None=1999", "Production=1500", "Staging=2000"])
            let aliases = (model["aliases"] as? [[String: String]] ?? []).map { "\($0["alias"] ?? "")@\($0["version"] ?? "")" }
            #expect(aliases == ["candidate@2000", "champion@1500"])

            let page = try await client.call(.get, "/ui/model?registry=\(Self.registry)&model=big")
            #expect(page.text.components(separatedBy: "class=\"version-row").count - 1 == 100)
            #expect(page.text.contains("Showing 100 of 2000 versions"))
            #expect(page.text.contains("1900 more"))
            #expect(page.text.contains(#"<tr class="alias-row"><td><span class="pill">champion</span></td>"#))
        }
    }

    @Test func lineageOverALargeGraphSaysItWasTruncated() async throws {
        let catalog = try await Self.bigCatalog()
        let model = LineageEdge.modelNode(Self.registry, "big")
        try await catalog.upsertLineage(
            (1...Self.count).map {
                LineageEdge(
                    from: LineageEdge.versionNode(Self.registry, "big", String($0)), to: model, relation: .versionOf,
                    assertedBy: Self.registry, observedAt: Fixture.t0)
            })
        try await withServer(catalog: catalog) { client, _ in
            let json = try await client.call(.get, "/api/v1/lineage?ref=\(Self.registry):big&direction=down&depth=1")
            #expect(json.status == 200)
            // The node cap (500) stops it, or on a very busy machine the 10 s deadline first: either way it says so.
            let truncated = try #require(json.object["truncated"] as? [String: Any])
            #expect(["node_cap", "deadline"].contains(truncated["reason"] as? String ?? ""))
            #expect((json.object["nodes"] as? [Any])?.count ?? .max <= 501)  // the cap, plus the registry node
            let text = try await client.call(.get, "/api/v1/lineage?ref=\(Self.registry):big&direction=down&depth=1&format=text")
            #expect(text.text.contains("truncated: the walk stopped"))
            // A small neighbourhood is whole and says so.
            let small = try await client.call(.get, "/api/v1/lineage?ref=\(Self.registry):big@7")
            #expect(small.object.keys.contains("truncated"))
            #expect(small.object["truncated"] is NSNull)
        }
    }
}
