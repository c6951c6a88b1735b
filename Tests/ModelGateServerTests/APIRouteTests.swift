import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServer
import Testing

@Suite("REST API routes")
struct APIRouteTests {
    @Test func registriesListsBoth() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let answer = try await client.call(.get, "/api/v1/registries")
            #expect(answer.status == 200)
            #expect(answer.items.compactMap { $0["name"] as? String } == ["mlflow-prod", "sm-us"])
            #expect(answer.object.keys.contains("next_cursor"))
        }
    }

    @Test func modelsPageWithCursor() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let first = try await client.call(.get, "/api/v1/models?limit=2")
            #expect(first.status == 200)
            #expect(first.items.map { "\($0["registry"]!):\($0["name"]!)" } == ["mlflow-prod:churn", "mlflow-prod:fraud-detector"])
            let cursor = try #require(first.object["next_cursor"] as? String)
            let second = try await client.call(.get, "/api/v1/models?limit=2&cursor=\(QueryParameters.escape(cursor))")
            #expect(second.items.map { "\($0["registry"]!):\($0["name"]!)" } == ["sm-us:fraud-detector"])
            #expect(second.object["next_cursor"] is NSNull)
            let search = try await client.call(.get, "/api/v1/models?search=churn")
            #expect(search.items.count == 1)
            let registry = try await client.call(.get, "/api/v1/models?registry=sm-us")
            #expect(registry.items.first?["version_count"] as? Int == 2)
        }
    }

    @Test func versionsEveryFilter() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            func refs(_ query: String) async throws -> [String] {
                let answer = try await client.call(.get, "/api/v1/versions?\(query)")
                #expect(answer.status == 200, "\(query): \(answer.text)")
                return answer.items.map { "\($0["registry"]!):\($0["model"]!)@\($0["version"]!)" }
            }
            #expect(try await refs("model=fraud-detector&registry=mlflow-prod") == [
                "mlflow-prod:fraud-detector@1", "mlflow-prod:fraud-detector@2", "mlflow-prod:fraud-detector@10",
            ])
            #expect(try await refs("alias=champion") == ["mlflow-prod:fraud-detector@10"])
            #expect(try await refs("lifecycle=staging") == ["mlflow-prod:churn@2"])
            #expect(try await refs("tag=framework%3Dxgboost") == ["mlflow-prod:fraud-detector@10"])
            #expect(try await refs("tag=team=risk&tag=framework=xgboost") == ["mlflow-prod:fraud-detector@10"])
            #expect(try await refs("search=GRADIENT") == ["mlflow-prod:fraud-detector@10"])
            #expect(try await refs("model=fraud-detector&include_deleted=true").count == 5)
            // Paging: 7 versions in pages of 3.
            var all: [String] = []
            var cursor: String?
            repeat {
                let answer = try await client.call(
                    .get, "/api/v1/versions?limit=3" + (cursor.map { "&cursor=\(QueryParameters.escape($0))" } ?? ""))
                all += answer.items.map { "\($0["registry"]!):\($0["model"]!)@\($0["version"]!)" }
                #expect(answer.items.count <= 3)
                cursor = answer.object["next_cursor"] as? String
            } while cursor != nil
            #expect(all.count == 7)
            #expect(Set(all).count == 7)
            // The list leaves out native JSON.
            let one = try await client.call(.get, "/api/v1/versions?limit=1")
            #expect(one.items.first?["raw"] == nil)
        }
    }

    @Test func badInputNamesTheField() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let cases: [(String, String)] = [
                ("/api/v1/versions?lifecycle=live", "lifecycle"),
                ("/api/v1/versions?limit=5000", "limit"),
                ("/api/v1/versions?limit=0", "limit"),
                ("/api/v1/versions?tag=novalue", "tag"),
                ("/api/v1/versions?include_deleted=maybe", "include_deleted"),
                ("/api/v1/versions?cursor=not-a-cursor", "cursor"),
                ("/api/v1/history?model=churn", "registry"),
                ("/api/v1/history?registry=mlflow-prod&model=churn&since=yesterday", "since"),
                ("/api/v1/lineage?ref=nocolon", "ref"),
                ("/api/v1/lineage?ref=mlflow-prod:churn@1&format=gif", "format"),
                ("/api/v1/conflicts?status=maybe", "status"),
            ]
            for (uri, field) in cases {
                let answer = try await client.call(.get, uri)
                #expect(answer.status == 400, "\(uri): \(answer.status) \(answer.text)")
                #expect(answer.error["field"] as? String == field, "\(uri): \(answer.text)")
                #expect(answer.error["code"] as? String == "invalid_parameter")
                #expect((answer.error["message"] as? String)?.isEmpty == false)
            }
            let missing = try await client.call(.get, "/api/v1/registries/mlflow-prod/models/nope")
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "not_found")
            #expect(missing.error.keys.sorted() == ["code", "field", "message"])
            let noRoute = try await client.call(.get, "/api/v1/nothing-here")
            #expect(noRoute.status == 404)
            #expect(noRoute.error["code"] as? String == "not_found")
        }
    }

    @Test func oneModelAndOneVersionWithLineage() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let model = try await client.call(.get, "/api/v1/registries/mlflow-prod/models/fraud-detector")
            #expect(model.status == 200)
            #expect(model.object["name"] as? String == "fraud-detector")
            #expect((model.object["versions"] as? [[String: Any]])?.map { $0["version"] as? String } == ["1", "2", "10"])
            let version = try await client.call(.get, "/api/v1/registries/mlflow-prod/models/fraud-detector/versions/10")
            #expect(version.status == 200)
            #expect(version.object["aliases"] as? [String] == ["champion"])
            #expect(version.object["lifecycle"] as? String == "production")
            let lineage = try #require(version.object["lineage"] as? [[String: Any]])
            #expect(Set(lineage.compactMap { $0["relation"] as? String }) == ["produced_by", "migrated_from"])
            let copy = try await client.call(.get, "/api/v1/registries/sm-us/models/fraud-detector/versions/1")
            #expect(copy.status == 200)
            let missing = try await client.call(.get, "/api/v1/registries/mlflow-prod/models/fraud-detector/versions/99")
            #expect(missing.status == 404)
            #expect(missing.error["field"] as? String == "version")
        }
    }

    @Test func historyConflictsLineage() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let history = try await client.call(.get, "/api/v1/history?registry=mlflow-prod&model=fraud-detector&alias=champion")
            #expect(history.status == 200)
            #expect(!history.items.isEmpty)
            #expect(history.items.allSatisfy { $0["kind"] as? String == "alias_moved" })
            let since = try await client.call(.get, "/api/v1/history?registry=mlflow-prod&model=fraud-detector&since=2099-01-01")
            #expect(since.items.isEmpty)
            let conflicts = try await client.call(.get, "/api/v1/conflicts")
            #expect(conflicts.items.count == 1)
            #expect(conflicts.items.first?["kind"] as? String == "tag")
            let id = try #require(conflicts.items.first?["id"] as? Int)
            let one = try await client.call(.get, "/api/v1/conflicts/\(id)")
            #expect(one.object["field"] as? String == "tag:team")
            #expect(try await client.call(.get, "/api/v1/conflicts/999").status == 404)
            #expect(try await client.call(.get, "/api/v1/conflicts?status=resolved").items.isEmpty)
            let lineage = try await client.call(.get, "/api/v1/lineage?ref=mlflow-prod:fraud-detector@10&format=json")
            #expect(lineage.status == 200)
            #expect(((lineage.object["edges"] as? [[String: Any]])?.count ?? 0) >= 2)
            #expect(lineage.object["root"] as? String == "version:mlflow-prod:fraud-detector@10")
            for format in ["text", "markdown", "html", "openlineage", "dot", "mermaid"] {
                let rendered = try await client.call(.get, "/api/v1/lineage?ref=mlflow-prod:fraud-detector@10&format=\(format)")
                #expect(rendered.status == 200, "\(format)")
            }
            let missing = try await client.call(.get, "/api/v1/lineage?ref=mlflow-prod:fraud-detector@999")
            #expect(missing.status == 404)
        }
    }

    @Test func healthAndMetricsAreOpen() async throws {
        try await withServer(catalog: try await Fixture.catalog(), tokens: TestTokens.entries) { client, _ in
            #expect(try await client.call(.get, "/healthz").status == 200)
            #expect(try await client.call(.get, "/api/v1/registries").status == 401)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("modelgate_catalog_versions 7"))
            #expect(metrics.text.contains("modelgate_http_requests_total{method=\"GET\",route=\"/api/v1/registries\",status=\"401\"} 1"))
            #expect(metrics.text.contains("# TYPE modelgate_http_request_duration_seconds histogram"))
        }
    }

    @Test func openAPIListsEveryRegisteredRoute() async throws {
        let catalog = try await Fixture.catalog()
        let server = try GatewayServer(catalog: catalog, tokens: [], operations: StubOperations(registries: [:]))
        let router = server.buildRouter()
        let registered = router.routes.map { ($0.method.rawValue.lowercased(), $0.path.description) }
        #expect(registered.count >= 25)
        let app = Application(router: router)
        try await app.test(.router) { client in
            let answer = try await client.call(.get, "/api/v1/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.object["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.object["paths"] as? [String: [String: Any]])
            for (method, path) in registered {
                #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not in openapi.json")
            }
            // Nothing documented that is not served.
            let documented = paths.flatMap { path, operations in operations.keys.map { ($0, path) } }
            for (method, path) in documented {
                #expect(registered.contains { $0 == (method, path) }, "\(method.uppercased()) \(path) is documented but not served")
            }
        }
    }
}
