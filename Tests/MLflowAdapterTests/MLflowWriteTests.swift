import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import Testing

@Suite struct MLflowWriteTests {
    static let writeRoutes: [String: FakeTransport.Handler] = [
        "POST registered-models/create": { _ in FakeTransport.json(MLflowFixtures.createdModel) },
        "POST model-versions/create": { _ in FakeTransport.json(MLflowFixtures.createdVersion1) },
        "POST model-versions/set-tag": { _ in FakeTransport.json("{}") },
        "DELETE model-versions/delete-tag": { _ in FakeTransport.json("{}") },
        "POST registered-models/alias": { _ in FakeTransport.json("{}") },
        "DELETE registered-models/alias": { _ in FakeTransport.json("{}") },
        "POST model-versions/transition-stage": { _ in FakeTransport.json(MLflowFixtures.transitioned) },
        "GET model-versions/get": { request in
            request.query("version") == "2"
                ? FakeTransport.json(MLflowFixtures.gwVersion2Get)
                : FakeTransport.json(MLflowFixtures.versionNotFound, status: 404)
        },
        "GET registered-models/get": { _ in FakeTransport.json(MLflowFixtures.modelNotFound, status: 404) },
        "GET runs/get": { _ in FakeTransport.json(MLflowFixtures.runGet) },
    ]

    @Test func createModelSendsNameDescriptionAndTagsAndMapsTheAnswer() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let model = try await makeAdapter(transport).createModel(
            name: "gw-model", description: "gateway test model", tags: ["team": "ml"])
        let request = try #require(transport.requests.first)
        #expect(
            request.body
                == ["name": "gw-model", "description": "gateway test model", "tags": [["key": "team", "value": "ml"]]])
        #expect(request.request.header("Content-Type") == "application/json")
        #expect(request.request.retrySafe == false)
        #expect(model.name == "gw-model")
        #expect(model.tags == ["team": "ml"])
        #expect(model.createdAt == date(ms: 1_795_707_079_937))
    }

    @Test func createVersionSendsSourceRunTagsAndDescriptionAndReturnsTheNormalizedVersion() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let version = try await makeAdapter(transport).createVersion(
            NewVersion(
                model: "gw-model", version: "7", description: "v1 desc",
                sourceURI: "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts/model",
                runID: MLflowFixtures.runID, tags: ["framework": "sklearn"]))
        let body = try #require(transport.requests.first?.body)
        #expect(
            body == [
                "name": "gw-model", "source": "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts/model",
                "run_id": .string(MLflowFixtures.runID), "description": "v1 desc",
                "tags": [["key": "framework", "value": "sklearn"]],
            ])
        #expect(version.version == "1")  // the server numbers versions; "7" is not sent
        #expect(version.model == "gw-model")
        #expect(version.description == "v1 desc")
        #expect(version.tags == ["framework": "sklearn"])
        #expect(version.run == RunReference(id: MLflowFixtures.runID, uri: "http://example.invalid/run/1"))
        #expect(version.lifecycle == .none)
    }

    @Test func createVersionWithoutASourceIsRefusedBeforeAnyCall() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let error = try await #require(throws: RegistryError.self) {
            try await makeAdapter(transport).createVersion(NewVersion(model: "gw-model"))
        }
        #expect(error.code == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }

    @Test func versionTagsAreSetOneCallPerKeyAndDeletedWithAJSONBody() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let adapter = makeAdapter(transport)
        try await adapter.setVersionTags(model: "gw-model", version: "1", tags: ["validated": "true", "owner": "gw"])
        try await adapter.deleteVersionTag(model: "gw-model", version: "1", key: "validated")

        let sets = transport.requests("POST model-versions/set-tag").map(\.body)
        #expect(
            sets == [
                ["name": "gw-model", "version": "1", "key": "owner", "value": "gw"],
                ["name": "gw-model", "version": "1", "key": "validated", "value": "true"],
            ])
        let delete = try #require(transport.requests("DELETE model-versions/delete-tag").first)
        #expect(delete.body == ["name": "gw-model", "version": "1", "key": "validated"])
        #expect(delete.query.isEmpty)  // MLflow ignores DELETE query strings
    }

    @Test func aliasesAreSetWithPOSTAndDeletedWithAJSONBody() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let adapter = makeAdapter(transport)
        try await adapter.setAlias(model: "gw-model", alias: "champion", version: "2")
        try await adapter.deleteAlias(model: "gw-model", alias: "champion")
        #expect(
            transport.requests("POST registered-models/alias").first?.body
                == ["name": "gw-model", "alias": "champion", "version": "2"])
        let delete = try #require(transport.requests("DELETE registered-models/alias").first)
        #expect(delete.body == ["name": "gw-model", "alias": "champion"])
        #expect(delete.query.isEmpty)
    }

    @Test(arguments: [
        (Lifecycle.production, "Production"), (.staging, "Staging"), (.approved, "Staging"), (.rejected, "Archived"),
        (.archived, "Archived"), (.none, "None"), (.pendingApproval, "None"),
    ])
    func lifecycleIsWrittenAsAnMLflowStageWithoutArchivingOthers(lifecycle: Lifecycle, stage: String) async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        try await makeAdapter(transport).setLifecycle(model: "gw-model", version: "3", lifecycle: lifecycle)
        #expect(
            transport.requests("POST model-versions/transition-stage").first?.body
                == ["name": "gw-model", "version": "3", "stage": .string(stage), "archive_existing_versions": false])
    }

    @Test func versionReadsOneVersionWithItsAliasesAndRunMetricsAndNilWhenMissing() async throws {
        let transport = FakeTransport(routes: Self.writeRoutes)
        let adapter = makeAdapter(transport)
        let version = try #require(try await adapter.version(model: "gw-model", version: "2"))
        #expect(version.aliases == ["champion"])
        #expect(version.metrics == ["accuracy": 0.93, "f1": 0.88])
        #expect(version.description == nil)
        #expect(try await adapter.version(model: "gw-model", version: "99") == nil)
        #expect(try await adapter.model(name: "gw-model-2") == nil)
    }

    @Test func capabilitiesDescribeMLflow() {
        let adapter = makeAdapter(FakeTransport(routes: [:]))
        #expect(adapter.kind == .mlflow)
        #expect(
            adapter.capabilities
                == RegistryCapabilities(
                    clientChosenVersions: false, aliases: true, lifecycle: true, versionTags: true, modelTags: true,
                    deletes: true, incrementalListing: false))
    }
}
