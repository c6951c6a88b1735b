import Foundation
import ModelGateCatalog
import ModelGateServer
import ModelGateTestKit
import Testing

/// The real `mlflow` Python client (from the repository's `.venv`) browses the federated catalog through
/// `modelgate serve`'s MLflow-compatible API.
@Suite("MLflow client against modelgate serve", .peerPresent(venvPython != nil, "no Python with mlflow: .venv/bin/python or $MODELGATE_TEST_PYTHON"), .peerRequired(venvPython != nil, "no Python with mlflow: .venv/bin/python or $MODELGATE_TEST_PYTHON"))
struct MLflowClientTests {
    static let script = #"""
        import json, sys
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException
        uri = sys.argv[1]
        c = MlflowClient(tracking_uri=uri, registry_uri=uri)
        out = {}
        out["models"] = sorted(m.name for m in c.search_registered_models())
        m = c.get_registered_model("mlflow-prod.fraud-detector")
        out["model"] = {"name": m.name, "aliases": dict(m.aliases), "tags": dict(m.tags), "description": m.description,
                        "latest": sorted([v.version, v.current_stage] for v in m.latest_versions)}
        out["sm_versions"] = sorted([v.version, v.current_stage] for v in c.search_model_versions("name='sm-us.fraud-detector'"))
        out["all_versions"] = len(c.search_model_versions())
        v = c.get_model_version("mlflow-prod.fraud-detector", "10")
        out["version"] = {"name": v.name, "version": v.version, "stage": v.current_stage, "aliases": list(v.aliases),
                          "run_id": v.run_id, "source": v.source, "tags": dict(v.tags), "status": v.status,
                          "created": v.creation_timestamp}
        out["champion"] = c.get_model_version_by_alias("mlflow-prod.fraud-detector", "champion").version
        out["like"] = sorted(m.name for m in c.search_registered_models(filter_string="name LIKE 'mlflow-prod.%'"))
        out["like_versions"] = sorted(v.name + "@" + v.version for v in c.search_model_versions("name LIKE '%churn'"))
        page = c.search_registered_models(max_results=2)
        out["page1"] = [m.name for m in page]
        out["page2"] = [m.name for m in c.search_registered_models(max_results=2, page_token=page.token)]
        try:
            c.get_registered_model("nope.nope")
            out["missing"] = "no error"
        except MlflowException as e:
            out["missing"] = e.error_code
        try:
            c.get_model_version_by_alias("mlflow-prod.fraud-detector", "nobody")
            out["missing_alias"] = "no error"
        except MlflowException as e:
            out["missing_alias"] = e.error_code
        print(json.dumps(out))
        """#

    @Test func mlflowClientListsAndGetsAcrossRegistries() async throws {
        let python = try #require(venvPython)
        let server = try GatewayServer(
            catalog: try await Fixture.catalog(), tokens: [], operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        let result: ProcessResult
        do {
            var environment = ProcessInfo.processInfo.environment
            environment["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
            environment["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "30"
            result = try await runProcess(python, ["-c", Self.script, live.baseURL], environment: environment)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let out = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "stdout: \(result.stdout)")
        #expect(out["models"] as? [String] == ["mlflow-prod.churn", "mlflow-prod.fraud-detector", "sm-us.fraud-detector"])
        let model = try #require(out["model"] as? [String: Any])
        #expect(model["name"] as? String == "mlflow-prod.fraud-detector")
        #expect(model["aliases"] as? [String: String] == ["champion": "10"])
        #expect(model["tags"] as? [String: String] == ["team": "risk"])
        #expect(model["description"] as? String == "Card fraud scoring")
        #expect(model["latest"] as? [[String]] == [["1", "None"], ["10", "Production"], ["2", "Archived"]])
        #expect(out["sm_versions"] as? [[String]] == [["1", "None"], ["2", "None"]])
        #expect(out["all_versions"] as? Int == 7)
        let version = try #require(out["version"] as? [String: Any])
        #expect(version["name"] as? String == "mlflow-prod.fraud-detector")
        #expect(version["stage"] as? String == "Production")
        #expect(version["aliases"] as? [String] == ["champion"])
        #expect(version["run_id"] as? String == "run-c")
        #expect(version["source"] as? String == "s3://models/fraud-detector/10")
        #expect(version["status"] as? String == "READY")
        #expect(version["created"] as? Int == Int(Fixture.t0.timeIntervalSince1970 * 1000) + 180_000)
        #expect(out["champion"] as? String == "10")
        #expect(out["like"] as? [String] == ["mlflow-prod.churn", "mlflow-prod.fraud-detector"])
        #expect(out["like_versions"] as? [String] == ["mlflow-prod.churn@1", "mlflow-prod.churn@2"])
        #expect(out["page1"] as? [String] == ["mlflow-prod.churn", "mlflow-prod.fraud-detector"])
        #expect(out["page2"] as? [String] == ["sm-us.fraud-detector"])
        #expect(out["missing"] as? String == "RESOURCE_DOES_NOT_EXIST")
        #expect(out["missing_alias"] as? String == "RESOURCE_DOES_NOT_EXIST")
    }

    /// With `server.tokens`, the client's `MLFLOW_TRACKING_TOKEN` is the bearer token; without it, 401.
    @Test func mlflowClientSendsItsTrackingToken() async throws {
        let python = try #require(venvPython)
        let server = try GatewayServer(
            catalog: try await Fixture.catalog(), tokens: TestTokens.entries, operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        let script = #"""
            import json, sys
            from mlflow import MlflowClient
            from mlflow.exceptions import MlflowException
            c = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])
            try:
                print(json.dumps({"champion": c.get_model_version_by_alias("mlflow-prod.fraud-detector", "champion").version}))
            except MlflowException as e:
                print(json.dumps({"error": e.error_code, "message": str(e)[:200]}))
            """#
        var results: [ProcessResult] = []
        do {
            for token in [TestTokens.reader, nil] {
                var environment = ProcessInfo.processInfo.environment
                environment["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
                environment["MLFLOW_TRACKING_TOKEN"] = token
                results.append(try await runProcess(python, ["-c", script, live.baseURL], environment: environment))
            }
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(results[0].stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"champion": "10"}"#)
        #expect(results[1].stdout.contains("UNAUTHENTICATED") || results[1].stdout.contains("401"), "\(results[1].stdout)")
    }
}
