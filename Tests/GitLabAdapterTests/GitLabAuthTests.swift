import Foundation
import GitLabAdapter
import MLflowAdapter
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

@Suite("GitLab auth, rate limits and the simulator's surface")
struct GitLabAuthTests {
    @Test func wrongTokenIsRejectedClearlyWithNoCatalogChange() async throws {
        let wrong = "glpat-wrong-token-value-42"
        try await GitLabHarness.with(try await GitLabHarness(token: wrong, retries: .none)) { harness in
            for seed in GitLabFixtures.models(count: 3) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .failed)
            let message = try #require(report.errors.last?.message)
            #expect(message.contains(GitLabHarness.registry), "\(message)")
            #expect(message.contains("401"), "\(message)")
            #expect(message.contains("Unauthorized") || message.contains("unauthorized"), "\(message)")
            #expect(!message.contains(wrong))
            #expect(try await catalog.versions(VersionQuery(registry: GitLabHarness.registry)).items.isEmpty)
            #expect(try await catalog.model(registry: GitLabHarness.registry, name: "model-0") == nil)
            #expect(harness.simulator.requestLog.isEmpty, "nothing reached the API")
        }
    }

    @Test func privateTokenHeaderAndProjectPathWork() async throws {
        let harness = try await GitLabHarness(style: .privateToken, project: GitLabHarness.projectPath)
        try await GitLabHarness.with(harness) { harness in
            #expect(harness.adapter.client.apiBasePath == "/api/v4/projects/ml-group%2Fmodels/ml/mlflow/api/2.0/mlflow")
            for seed in GitLabFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func throttlingIsGitLabsPlainText429AndIsRetried() async throws {
        let plan = FaultPlan(throttle: 1, retryAfterSeconds: 0, seed: 3)
        try await GitLabHarness.with(try await GitLabHarness(faults: plan, pageSize: 1)) { harness in
            let url = harness.adapter.client.url("registered-models/search")
            var request = TransportRequest(method: .GET, url: url, registry: GitLabHarness.registry, operation: "probe")
            request.setHeader("Authorization", "Bearer \(GitLabHarness.token)")
            let throttled = try await GitLabHarness.curl.send(request)
            #expect(throttled.status == 429)
            #expect(throttled.bodyText.trimmingCharacters(in: .whitespacesAndNewlines) == "Retry later")
            #expect(throttled.header("Retry-After") == "0")
            #expect(throttled.header("RateLimit-Remaining") == "0")
            #expect(throttled.header("RateLimit-Reset") != nil)

            // Half of the calls throttled: the retry layer gets through.
            harness.simulator.faults.plan = FaultPlan(throttle: 0.5, retryAfterSeconds: 0, seed: 9)
            for seed in GitLabFixtures.models(count: 8) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect((harness.simulator.faults.injected[.throttle] ?? 0) > 0)

            // Normal answers carry the rate-limit headers too.
            harness.simulator.faults.plan = .none
            let ok = try await GitLabHarness.curl.send(request)
            #expect(ok.status == 200)
            #expect(ok.header("RateLimit-Limit") == "2000")
            #expect(ok.header("RateLimit-Observed") != nil)
        }
    }

    @Test func simulatorKeepsGitLabsSurface() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            harness.simulator.seed(
                GitLabSeedModel(name: "m", versions: [GitLabSeedVersion(version: "1.0.0"), GitLabSeedVersion(version: "1.1.0")]))
            let client = harness.adapter.client
            func status(_ method: HTTPMethod, _ endpoint: String, query: [(String, String)] = [], body: JSONValue? = nil)
                async -> Int?
            {
                do {
                    _ = try await client.call(method, endpoint, query: query, body: body)
                    return 200
                } catch let error as RegistryError {
                    return error.httpStatus
                } catch {
                    return nil
                }
            }
            // get-latest-versions is POST only; version search and tag/alias writes do not exist.
            #expect(await status(.GET, "registered-models/get-latest-versions", query: [("name", "m")]) == 405)
            #expect(await status(.POST, "registered-models/get-latest-versions", body: ["name": "m"]) == 200)
            #expect(await status(.GET, "model-versions/search", query: [("filter", "name='m'")]) == 404)
            #expect(await status(.POST, "model-versions/set-tag", body: ["name": "m", "version": "1.0.0", "key": "a", "value": "b"]) == 404)
            #expect(await status(.POST, "registered-models/alias", body: ["name": "m", "alias": "x", "version": "1"]) == 405)
            #expect(await status(.GET, "registered-models/search", query: [("filter", "tags.a='b'")]) == 400)
            // Every success is 200 (a create too), timestamps are seconds, latest_versions lists every version.
            let created = try await client.call(.POST, "registered-models/create", body: ["name": "new"])
            #expect(created["registered_model"]?["name"]?.stringValue == "new")
            let model = try await client.call(.GET, "registered-models/get", query: [("name", "m")])
            #expect(model["registered_model"]?["latest_versions"]?.arrayValue?.count == 2)
            let seconds = try #require(model["registered_model"]?["creation_timestamp"]?.int64Value)
            #expect(seconds < 10_000_000_000)
            // Keyset paging by update time, newest first, and the only filter GitLab knows.
            for seed in GitLabFixtures.models(count: 5) { harness.simulator.seed(seed) }
            var seen: [Int64] = []
            var names: [String] = []
            var token: String?
            repeat {
                let page = try await client.searchRegisteredModels(
                    maxResults: 2, orderBy: ["last_updated_timestamp DESC"], pageToken: token)
                #expect(page.items.count <= 2)
                seen += page.items.compactMap { $0["last_updated_timestamp"]?.int64Value }
                names += page.items.compactMap { $0["name"]?.stringValue }
                token = page.nextPageToken
            } while token != nil
            #expect(names.count == 7 && Set(names).count == 7, "\(names)")
            #expect(seen == seen.sorted(by: >))
            let filtered = try await client.searchRegisteredModels(filter: "name='model-3'")
            #expect(filtered.items.map { $0["name"]?.stringValue } == ["model-3"])
            // The MLflow client of another project is refused.
            let other = MLflowProbe.url(client.url("registered-models/search"), replacing: "/projects/42/", with: "/projects/43/")
            var request = TransportRequest(method: .GET, url: other, registry: GitLabHarness.registry, operation: "probe")
            request.setHeader("Authorization", "Bearer \(GitLabHarness.token)")
            let missing = try await GitLabHarness.curl.send(request)
            #expect(missing.status == 404)
            #expect(missing.bodyText.contains("404 Project Not Found"))
        }
    }
}

enum MLflowProbe {
    static func url(_ url: String, replacing: String, with: String) -> String {
        url.replacingOccurrences(of: replacing, with: with)
    }
}
