import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import VertexAdapter

@Suite("Vertex write side against the simulator")
struct VertexWriteTests {
    @Test func uploadIsALongRunningOperationPolledUntilDone() async throws {
        try await VertexHarness.with(try await VertexHarness(operationPolls: 4)) { harness in
            let created = try await harness.adapter.createVersion(
                NewVersion(
                    model: "churn", description: "first cut", sourceURI: "gs://models/churn/1/", runID: "ignored",
                    tags: ["team": "growth"]))
            #expect(created.model == "churn")
            #expect(created.version == "1")
            #expect(created.aliases == ["default"])
            #expect(created.tags == ["team": "growth"])
            #expect(created.sourceURI == "gs://models/churn/1/")
            #expect(created.description == "first cut")
            let polls = harness.requests(containing: "/models/churn/operations/")
            #expect(polls.count == 4, "\(polls)")
            #expect(harness.requests(containing: "POST /v1/projects/demo-project/locations/us-central1/models:upload").count == 1)

            let second = try await harness.adapter.createVersion(
                NewVersion(model: "churn", description: "second", sourceURI: "gs://models/churn/2/", tags: ["team": "growth"]))
            #expect(second.version == "2")
            #expect(second.aliases.isEmpty)
            let model = try #require(try await harness.adapter.model(name: "churn"))
            #expect(model.displayName == "churn")
            #expect(model.description == "first cut")
            #expect(harness.simulator.versionsJSON("churn").count == 2)
        }
    }

    @Test func patchAliasesAndLabelsAreReadBack() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            for seed in VertexFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let adapter = harness.adapter

            // Version-level labels (merge, then delete one).
            try await adapter.setVersionTags(model: "model-3", version: "2", tags: ["reviewed": "yes", "stage": "canary"])
            var version = try #require(try await adapter.version(model: "model-3", version: "2"))
            #expect(version.tags["reviewed"] == "yes" && version.tags["stage"] == "canary" && version.tags["framework"] == "xgboost")
            try await adapter.deleteVersionTag(model: "model-3", version: "2", key: "reviewed")
            version = try #require(try await adapter.version(model: "model-3", version: "2"))
            #expect(version.tags["reviewed"] == nil)
            #expect(harness.requests(containing: "PATCH").allSatisfy { $0.contains("updateMask=labels") })

            // Version description (version level) and model fields (model level) in separate requests.
            try await adapter.setVersionDescription(model: "model-3", version: "3", description: "calibrated")
            #expect(try await adapter.version(model: "model-3", version: "3")?.description == "calibrated")
            let model = try await adapter.updateModel(name: "model-3", displayName: "Churn v3", description: "renamed")
            #expect(model.displayName == "Churn v3" && model.description == "renamed")
            #expect(try await adapter.model(name: "model-3")?.displayName == "Churn v3")

            // Aliases: move `champion` (unique per model), move `default`, remove one; read by alias.
            try await adapter.setAlias(model: "model-3", alias: "champion", version: "2")
            #expect(try await adapter.version(model: "model-3", version: "champion")?.version == "2")
            #expect(try await adapter.version(model: "model-3", version: "4")?.aliases == ["golden-3"])
            try await adapter.setAlias(model: "model-3", alias: "default", version: "4")
            #expect(try await adapter.version(model: "model-3", version: "1")?.aliases == [])
            #expect(try await adapter.version(model: "model-3", version: "4")?.aliases == ["default", "golden-3"])
            #expect(try await adapter.model(name: "model-3")?.raw?["versionId"]?.stringValue == "4")
            try await adapter.deleteAlias(model: "model-3", alias: "golden-3")
            #expect(try await adapter.version(model: "model-3", version: "4")?.aliases == ["default"])
            try await adapter.deleteAlias(model: "model-3", alias: "never-set")  // nothing to do
            #expect(try await adapter.version(model: "model-3", version: "nope") == nil)
            #expect(try await adapter.model(name: "missing") == nil)

            // Deletes are operations too.
            try await adapter.deleteVersion(model: "model-3", version: "3")
            #expect(try await adapter.version(model: "model-3", version: "3") == nil)
            try await adapter.deleteModel(name: "model-0")
            #expect(try await adapter.model(name: "model-0") == nil)
        }
    }

    @Test func unsupportedAndRefusedWritesSayWhy() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            for seed in VertexFixtures.models(count: 2) { harness.simulator.seed(seed) }
            let adapter = harness.adapter

            let lifecycle = await #expect(throws: RegistryError.self) {
                try await adapter.setLifecycle(model: "model-1", version: "1", lifecycle: .production)
            }
            #expect(lifecycle?.code == .invalidRequest)
            #expect(lifecycle?.description.contains("vertex-test") == true)
            #expect(lifecycle?.description.contains("no stage") == true)

            let removeDefault = await #expect(throws: RegistryError.self) {
                try await adapter.deleteAlias(model: "model-1", alias: "default")
            }
            #expect(removeDefault?.description.contains("default") == true)

            let createModel = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createModel(name: "empty", description: nil, tags: [:])
            }
            #expect(createModel?.description.contains("first version") == true)

            // Server-side constraints come back as Google errors.
            let badLabel = await #expect(throws: RegistryError.self) {
                try await adapter.setVersionTags(model: "model-1", version: "1", tags: ["Team": "UPPER"])
            }
            #expect(badLabel?.code == .invalidRequest)
            #expect(badLabel?.providerCode == "INVALID_ARGUMENT")
            #expect(badLabel?.httpStatus == 400)

            let badAlias = await #expect(throws: RegistryError.self) {
                try await adapter.setAlias(model: "model-1", alias: "123", version: "1")
            }
            #expect(badAlias?.providerCode == "INVALID_ARGUMENT")

            let noSource = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createVersion(NewVersion(model: "model-1"))
            }
            #expect(noSource?.description.contains("artifact URI") == true)

            let s3 = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createVersion(NewVersion(model: "model-1", sourceURI: "s3://bucket/x"))
            }
            #expect(s3?.providerCode == "INVALID_ARGUMENT")

            let badID = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createVersion(NewVersion(model: "9lives", sourceURI: "gs://b/x/"))
            }
            #expect(badID?.providerCode == "INVALID_ARGUMENT")
        }
    }
}
