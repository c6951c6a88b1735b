import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSigning
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// The write side against the simulator: PUTs read back, registry long-running operations polled to their end.
@Suite(.serialized) struct AzureMLWriteTests {
    @Test func workspaceWritesAreReadBack() async throws {
        try await AzureHarness.with(try await AzureHarness.start()) { h in
            let c = try h.connect("aml-w", scope: AzureHarness.workspace)
            let adapter = c.adapter

            let model = try await adapter.createModel(name: "fraud_detector", description: "fraud", tags: ["team": "risk"])
            #expect(model.name == "fraud_detector")
            #expect(model.description == "fraud")
            #expect(model.tags == ["team": "risk"])
            await #expect(throws: RegistryError.self) {
                _ = try await adapter.createModel(name: "fraud_detector", description: nil, tags: [:])
            }

            // The source's version string is kept.
            let created = try await adapter.createVersion(
                NewVersion(
                    model: "fraud_detector", version: "2024.11.3", description: "from mlflow", sourceURI: "https://example.com/m.tgz",
                    runID: "train-42", tags: ["source": "mlflow"]))
            #expect(created.version == "2024.11.3")
            #expect(created.status == .ready)
            let read = try #require(try await adapter.version(model: "fraud_detector", version: "2024.11.3"))
            #expect(read.description == "from mlflow")
            #expect(read.sourceURI == "https://example.com/m.tgz")
            #expect(read.run?.id == "train-42")
            #expect(read.tags == ["source": "mlflow"])
            #expect(read.createdAt != nil && read.updatedAt != nil)

            // Without a version string: the container's nextVersion.
            let next = try await adapter.createVersion(NewVersion(model: "fraud_detector", sourceURI: "azureml://datastores/x/paths/y"))
            #expect(next.version == "1")
            let conflict = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createVersion(NewVersion(model: "fraud_detector", version: "1", sourceURI: "azureml://z"))
            }
            #expect(conflict?.code == .conflict)
            let noSource = await #expect(throws: RegistryError.self) {
                _ = try await adapter.createVersion(NewVersion(model: "fraud_detector", version: "7"))
            }
            #expect(noSource?.code == .invalidRequest)

            // Tags, stage, archive.
            try await adapter.setVersionTags(model: "fraud_detector", version: "2024.11.3", tags: ["owner": "ana", "source": "mlflow3"])
            try await adapter.deleteVersionTag(model: "fraud_detector", version: "2024.11.3", key: "owner")
            try await adapter.setLifecycle(model: "fraud_detector", version: "2024.11.3", lifecycle: .production)
            var after = try #require(try await adapter.version(model: "fraud_detector", version: "2024.11.3"))
            #expect(after.tags == ["source": "mlflow3"])
            #expect(after.lifecycle == .production)
            #expect(after.lifecycleRaw == "Production")
            #expect(after.sourceURI == "https://example.com/m.tgz", "immutable fields survive the read-modify-write")
            try await adapter.setLifecycle(model: "fraud_detector", version: "2024.11.3", lifecycle: .archived)
            after = try #require(try await adapter.version(model: "fraud_detector", version: "2024.11.3"))
            #expect(after.lifecycle == .archived)
            #expect(after.raw?["properties"]?["isArchived"]?.boolValue == true)
            let listed = try await adapter.allSnapshots()
            #expect(listed.flatMap(\.versions).map(\.version).sorted() == ["1", "2024.11.3"], "archived versions are listed")

            // Aliases do not exist in Azure ML.
            let alias = await #expect(throws: RegistryError.self) {
                try await adapter.setAlias(model: "fraud_detector", alias: "champion", version: "1")
            }
            #expect(alias?.code == .invalidRequest)
            #expect(alias?.description.contains("no version aliases") == true)
            await #expect(throws: RegistryError.self) { try await adapter.deleteAlias(model: "fraud_detector", alias: "champion") }
            #expect(adapter.capabilities.clientChosenVersions)
            #expect(!adapter.capabilities.aliases)
            #expect(try await adapter.version(model: "fraud_detector", version: "404") == nil)
            #expect(try await adapter.model(name: "nope") == nil)
        }
    }

    @Test func registryWritesAreLongRunningOperationsPolledUntilTheyEnd() async throws {
        try await AzureHarness.with(try await AzureHarness.start(lroPolls: 4, lroRetryAfterSeconds: 7)) { h in
            let c = try h.connect("aml-r", scope: AzureHarness.registryScope, credential: .certificate(.ps256))
            let model = try await c.adapter.createModel(name: "shared-llm", description: "shared", tags: [:])
            #expect(model.raw?["properties"]?["provisioningState"]?.stringValue == "Succeeded")
            let pollsForModel = h.simulator.operationPolls
            #expect(pollsForModel == 4, "status polled until Succeeded")

            let version = try await c.adapter.createVersion(
                NewVersion(model: "shared-llm", version: "3", description: "v3", sourceURI: "azureml://registries/reg-shared/x"))
            #expect(version.version == "3")
            #expect(version.status == .ready, "the final state is read after Succeeded")
            #expect(h.simulator.operationPolls == 8)
            #expect(c.sleeps.all.count == 8)
            #expect(c.sleeps.all.allSatisfy { $0 == .seconds(7) }, "Retry-After honoured: \(c.sleeps.all)")

            try await c.adapter.setVersionTags(model: "shared-llm", version: "3", tags: ["stage": "eval"])
            let read = try #require(try await c.adapter.version(model: "shared-llm", version: "3"))
            #expect(read.tags == ["stage": "eval"])
            #expect(read.status == .ready)
            let log = h.simulator.requestLog
            #expect(log.contains { $0.hasPrefix("GET ") && $0.contains("/mfeOperationsStatus/") })
            #expect(log.filter { $0.hasPrefix("PUT ") }.count == 3)
        }
    }

    @Test func aVersionIsPendingWhileItsOperationRuns() async throws {
        try await AzureHarness.with(try await AzureHarness.start(lroPolls: 2)) { h in
            // A PUT without polling: the version exists but is still Creating.
            let c = try h.connect("aml-r2", scope: AzureHarness.registryScope)
            let raw = try await c.adapter.client.putVersion(model: "m", version: "1", properties: ["modelUri": "azureml://a"])
            #expect(raw["properties"]?["provisioningState"]?.stringValue == "Succeeded")
            let pending = try await Self.putWithoutPolling(h, model: "m", version: "2")
            #expect(pending == 201)
            let listed = try await c.adapter.allSnapshots().flatMap(\.versions)
            #expect(listed.first { $0.version == "2" }?.status == .pending)
            #expect(listed.first { $0.version == "1" }?.status == .ready)
        }
    }

    static func putWithoutPolling(_ h: AzureHarness, model: String, version: String) async throws -> Int {
        let token = h.tokens.issue(prefix: "test-", scope: "https://management.azure.com/.default", lifetime: 600)
        let url = h.host.baseURL + AzureHarness.registryScope.path + "/models/\(model)/versions/\(version)?api-version=2025-12-01"
        let response = try await AzureHarness.curl.send(
            TransportRequest(
                method: .PUT, url: url, headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: Array(#"{"properties":{"modelUri":"azureml://b"}}"#.utf8)))
        #expect(response.header("Azure-AsyncOperation")?.contains("/mfeOperationsStatus/") == true)
        #expect(response.header("Location") != nil)
        #expect(response.header("Retry-After") != nil)
        return response.status
    }
}
