import Foundation
import MLflowAdapter
import ModelGateCore
import ModelGateTransport
import Testing

@Suite struct MLflowClientTests {
    @Test(arguments: [
        ("gw-model", "name='gw-model'"),
        (#"back\slash"#, #"name='back\slash'"#),
        ("it's", #"name="it's""#),
        (#"q'b"c"#, "name LIKE 'q_b_c'"),
    ])
    func nameFiltersAvoidQuotesMLflowCannotEscape(name: String, filter: String) {
        #expect(MLflowClient.nameFilter(name) == filter)
    }

    @Test func aLikeFilterKeepsOnlyTheExactModel() async throws {
        let name = #"q'b"c"#
        let transport = FakeTransport(routes: [
            "GET model-versions/search": { _ in
                FakeTransport.json(
                    #"{"model_versions": [{"name": "q'b\"c", "version": "1"}, {"name": "qxbyc", "version": "1"}]}"#)
            }
        ])
        let client = MLflowClient(registry: "r", baseURL: "http://mlflow.invalid", transport: transport)
        let items = try await client.allModelVersions(name: name, pageSize: 10)
        #expect(items.count == 1)
        #expect(items.first?["name"]?.stringValue == name)
        #expect(transport.requests.first?.query("filter") == "name LIKE 'q_b_c'")
    }

    @Test func buildsURLsUnderAConfigurableBasePathWithEncodedQueries() async throws {
        let base = "/api/v4/projects/42/ml/mlflow/api/2.0/mlflow"
        let transport = FakeTransport(
            basePath: base, routes: ["GET registered-models/get": { _ in FakeTransport.json(MLflowFixtures.m2Get) }])
        let client = MLflowClient(
            registry: "gitlab", baseURL: "https://gitlab.invalid/", apiBasePath: base + "/", transport: transport)
        #expect(
            client.url("registered-models/get", query: [("name", "a b&c='d'+é")])
                == "https://gitlab.invalid\(base)/registered-models/get?name=a%20b%26c%3D%27d%27%2B%C3%A9")
        let model = try await client.getRegisteredModel(name: "m2")
        #expect(model.name == "m2")
        let request = try #require(transport.requests.first)
        #expect(request.request.operation == "GET \(base)/registered-models/get")
        #expect(request.request.registry == "gitlab")
        #expect(request.request.retrySafe)
        #expect(request.body == nil)
    }

    @Test func errorAnswersBecomeRegistryErrorsWithMLflowsCode() async throws {
        let transport = FakeTransport(routes: [
            "POST registered-models/create": { _ in FakeTransport.json(MLflowFixtures.alreadyExists, status: 400) },
            "POST registered-models/alias": { _ in FakeTransport.json(MLflowFixtures.reservedAlias, status: 400) },
            "GET model-versions/get": { _ in FakeTransport.json(MLflowFixtures.versionNotFound, status: 404) },
            "GET registered-models/search": { _ in FakeTransport.text(401, MLflowFixtures.notAuthenticated) },
            "POST registered-models/set-tag": { _ in FakeTransport.text(403, "Permission denied") },
            "GET runs/get": { _ in FakeTransport.text(200, "<html>proxy login</html>") },
        ])
        let client = MLflowClient(registry: "mlflow-prod", baseURL: "http://mlflow.invalid", transport: transport)

        let exists = try await #require(throws: RegistryError.self) {
            try await client.createRegisteredModel(name: "gw-model")
        }
        #expect(exists.code == .conflict)
        #expect(exists.httpStatus == 400)
        #expect(exists.providerCode == "RESOURCE_ALREADY_EXISTS")
        #expect(exists.message == "Registered Model (name=gw-model) already exists.")
        #expect(exists.operation == "POST /api/2.0/mlflow/registered-models/create")
        #expect(exists.description.hasPrefix("mlflow-prod: POST /api/2.0/mlflow/registered-models/create failed"))

        let reserved = try await #require(throws: RegistryError.self) {
            try await client.setAlias(name: "gw-model", alias: "v3", version: "3")
        }
        #expect(reserved.code == .invalidRequest)
        #expect(reserved.providerCode == "INVALID_PARAMETER_VALUE")

        let missing = try await #require(throws: RegistryError.self) {
            try await client.getModelVersion(name: "gw-model", version: "99")
        }
        #expect(missing.code == .notFound)
        #expect(missing.message.contains("version=99"))

        let unauthenticated = try await #require(throws: RegistryError.self) {
            try await client.searchRegisteredModels()
        }
        #expect(unauthenticated.code == .unauthorized)
        #expect(unauthenticated.message.contains("You are not authenticated"))
        #expect(unauthenticated.description.contains("mlflow-prod"))

        let denied = try await #require(throws: RegistryError.self) {
            try await client.setRegisteredModelTag(name: "admin-model", key: "k", value: "v")
        }
        #expect(denied.code == .forbidden)
        #expect(denied.message == "Permission denied")

        let notJSON = try await #require(throws: RegistryError.self) { try await client.getRun(id: "x") }
        #expect(notJSON.code == .malformedPayload)
        #expect(notJSON.operation == "GET /api/2.0/mlflow/runs/get")
    }

    @Test func postingToVersionSearchGetsMLflowsHTMLPageAsAReadableError() async throws {
        let transport = FakeTransport(routes: [
            "POST model-versions/search": { _ in FakeTransport.html(405, title: "405 Method Not Allowed") }
        ])
        let client = MLflowClient(registry: "r", baseURL: "http://mlflow.invalid", transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            try await client.call(.POST, "model-versions/search", body: ["filter": "name='x'"])
        }
        #expect(error.code == .invalidRequest)
        #expect(error.httpStatus == 405)
        #expect(error.message == "405 Method Not Allowed")
    }

    @Test func aRepeatedPageTokenStopsTheWalkInsteadOfLoopingForever() async throws {
        let transport = FakeTransport(routes: [
            "GET model-versions/search": { _ in FakeTransport.json(MLflowFixtures.gwVersionsPage1) }
        ])
        let client = MLflowClient(registry: "r", baseURL: "http://mlflow.invalid", transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            try await client.allModelVersions(name: "gw-model", pageSize: 2)
        }
        #expect(error.code == .malformedPayload)
        #expect(transport.requests.count == 2)
    }

    @Test func readsARunsMetricsParamsTagsAndDatasets() async throws {
        let transport = FakeTransport(routes: ["GET runs/get": { _ in FakeTransport.json(MLflowFixtures.runGet) }])
        let client = MLflowClient(registry: "r", baseURL: "http://mlflow.invalid", transport: transport)
        let run = try await client.getRun(id: MLflowFixtures.runID)
        #expect(transport.requests.first?.query("run_id") == MLflowFixtures.runID)
        #expect(run.runID == MLflowFixtures.runID)
        #expect(run.experimentID == "1")
        #expect(run.runName == "train-1")
        #expect(run.userID == nil)
        #expect(run.lifecycleStage == "active")
        #expect(run.startTime == 1_764_170_000_000)
        #expect(run.metrics == ["accuracy": 0.93, "f1": 0.88])
        #expect(run.gitCommit == "abc123def456")
        #expect(run.datasetInputs.map(\.name) == ["iris"])
        #expect(run.datasetInputs.first?.digest == "d41d8cd9")
        #expect(run.datasetInputs.first?.tags == ["mlflow.data.context": "training"])
    }
}
