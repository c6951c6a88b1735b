import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateCatalog
import ModelGateServer
import Testing

/// The OpenAPI document and the server agree (issue 15 item 4): what the document calls valid is served, what it
/// calls invalid is refused, every status answered is documented, MLflow routes answer MLflow's error shape.
/// `scripts/contract.sh` runs schemathesis for the same promise; these pin the fixes it needed.
@Suite("API contract: the OpenAPI document and the server agree")
struct APIContractTests {
    static func document(_ client: some TestClientProtocol) async throws -> [String: [String: [String: Any]]] {
        let answer = try await client.call(.get, "/api/v1/openapi.json")
        return try #require(answer.object["paths"] as? [String: [String: [String: Any]]])
    }

    @Test func anUndocumentedMethodOnADocumentedPathIs405WithAllow() async throws {
        try await withServer(catalog: try await Fixture.catalog(), tokens: TestTokens.entries) { client, _ in
            let paths = try await Self.document(client)
            for (method, path, allow) in [
                (HTTPRequest.Method.trace, "/api/v1/sync", "POST"), (.delete, "/api/v1/versions", "GET"),
                (.put, "/api/v1/registries/mlflow-prod/models/churn", "GET"), (.post, "/api/2.0/mlflow/registered-models/get", "GET"),
            ] {
                let answer = try await client.call(method, path, token: TestTokens.admin)
                #expect(answer.status == 405, "\(method) \(path): \(answer.status) \(answer.text)")
                #expect(answer.headers[.allow] == allow, "\(method) \(path)")
            }
            #expect(paths["/api/v1/sync"]?.keys.sorted() == ["post"])
            // The MLflow route answers MLflow's shape; an unknown path stays a 404.
            let mlflow = try await client.call(.post, "/api/2.0/mlflow/registered-models/get", token: TestTokens.admin)
            #expect(mlflow.status == 405)
            #expect(mlflow.object["error_code"] is String)
            #expect(try await client.call(.trace, "/api/v1/no-such-thing", token: TestTokens.admin).status == 404)
        }
    }

    @Test func mlflowRoutesDocumentAndAnswerMLflowErrors() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let paths = try await Self.document(client)
            #expect(paths.keys.contains { $0.hasPrefix("/api/2.0/mlflow/") })
            for (path, operations) in paths where path.hasPrefix("/api/2.0/mlflow/") {
                let responses = try #require(operations["get"]?["responses"] as? [String: [String: Any]])
                let schema = (responses["400"]?["content"] as? [String: [String: Any]])?["application/json"]?["schema"]
                #expect((schema as? [String: String])?["$ref"] == "#/components/schemas/MLflowError", "\(path)")
            }
            let answer = try await client.call(.get, "/api/2.0/mlflow/registered-models/get?name=")
            #expect(answer.status == 400)
            #expect(answer.object.keys.sorted() == ["error_code", "message"])
            #expect(answer.object["error_code"] as? String == "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func schemaValidRequestsAreServedAndTheDocumentBoundsWhatIsRefused() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let paths = try await Self.document(client)
            func parameter(_ path: String, _ name: String) -> [String: Any]? {
                let parameters = paths[path]?["get"]?["parameters"] as? [[String: Any]]
                return parameters?.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
            }
            // max_results=0 was refused while the document allowed it: now the document says minimum 1.
            #expect(parameter("/api/2.0/mlflow/registered-models/search", "max_results")?["minimum"] as? Int == 1)
            #expect(try await client.call(.get, "/api/2.0/mlflow/registered-models/search?max_results=0").status == 400)
            #expect(try await client.call(.get, "/api/2.0/mlflow/registered-models/search?max_results=1").status == 200)
            #expect(parameter("/api/v1/versions", "limit")?["minimum"] as? Int == 1)
            #expect((parameter("/api/v1/conflicts", "status")?["enum"] as? [String]) == ["open", "resolved"])
            // The document's integers, booleans and enums are refused when empty or repeated on the API...
            for uri in [
                "/api/v1/versions?limit=", "/api/v1/versions?limit=1&limit=2", "/api/v1/versions?lifecycle=",
                "/api/v1/versions?include_deleted=yes", "/api/v1/conflicts?status=", "/api/v1/versions?registry=a&registry=b",
                "/api/v1/versions?tag=", "/api/v1/lineage?ref=mlflow-prod:churn&depth=",
            ] {
                let answer = try await client.call(.get, uri)
                #expect(answer.status == 400, "\(uri): \(answer.status)")
                #expect(answer.error["code"] as? String == "invalid_parameter", "\(uri)")
            }
            // ...while a web form's empty select means "any", as the document says for those pages.
            #expect((parameter("/", "lifecycle")?["enum"] as? [String])?.first == "")
            #expect(try await client.call(.get, "/?lifecycle=&include_deleted=&tag=").status == 200)
            #expect(try await client.call(.get, "/conflicts?status=").status == 200)
            // Tokenless paths say so.
            for path in ["/healthz", "/metrics", "/api/v1/openapi.json"] {
                #expect((paths[path]?["get"]?["security"] as? [Any])?.isEmpty == true, "\(path)")
            }
        }
    }

    @Test func everyStatusAnOperationAnswersIsDocumented() async throws {
        try await withServer(catalog: try await Fixture.catalog(), tokens: TestTokens.entries) { client, _ in
            let paths = try await Self.document(client)
            func documented(_ method: String, _ path: String) -> Set<String> {
                Set((paths[path]?[method]?["responses"] as? [String: Any])?.keys.map { $0 } ?? [])
            }
            let sync = try await client.call(.post, "/api/v1/sync", token: TestTokens.admin, body: "{}")
            #expect(sync.status == 409)  // no registries configured
            #expect(documented("post", "/api/v1/sync").contains("409"))
            let plan = try await client.call(.post, "/api/v1/migrations/plan", token: TestTokens.admin, body: #"{"from":"a","to":"b"}"#)
            #expect(plan.status == 409)
            #expect(documented("post", "/api/v1/migrations/plan").contains("409"))
            for (path, status) in [("/", 401), ("/ui/model?registry=x&model=y", 401), ("/models", 401)] {
                #expect(try await client.call(.get, path).status == status)
                #expect(documented("get", String(path.prefix { $0 != "?" })).contains(String(status)), "\(path)")
            }
            let missing = try await client.call(.get, "/ui/model?registry=nope&model=nope", token: TestTokens.reader)
            #expect(missing.status == 404)
            #expect(documented("get", "/ui/model").isSuperset(of: ["200", "400", "401", "404", "421", "500"]))
        }
    }
}
