import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// The migration contract against the simulator: provenance in the create PUT, names, versions, prepare, lifecycle.
@Suite(.serialized) struct AzureMLMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "mlflow-prod", model: "fraud.detector", version: "3"), digest: "sha256:00ff",
        targetRegistry: "aml-m", targetModel: "fraud-detector")

    @Test func provenanceGoesIntoTheCreatePutAndReadsBack() async throws {
        try await AzureHarness.with(try await AzureHarness.start()) { h in
            let adapter = try h.connect("aml-m", scope: AzureHarness.workspace).adapter
            let created = try await adapter.createVersion(
                NewVersion(
                    model: "fraud-detector", version: "3", sourceURI: "azureml://datastores/x/paths/3",
                    tags: ["team": "risk", Provenance.copyIDKey: "stale"], provenance: Self.provenance))
            #expect(created.tags[Provenance.copyIDKey] == Self.provenance.copyID)  // provenance wins over a source tag
            let puts = h.simulator.requestLog.filter { $0.hasPrefix("PUT") && $0.contains("/versions/3") }
            #expect(puts.count == 1, "\(puts)")
            let read = try #require(try await adapter.version(model: "fraud-detector", version: "3"))
            #expect(adapter.provenance(of: read) == Self.provenance)
            #expect(read.tags["team"] == "risk")
            let plain = try await adapter.createVersion(
                NewVersion(model: "fraud-detector", version: "4", sourceURI: "azureml://datastores/x/paths/4"))
            #expect(adapter.provenance(of: plain) == nil)
        }
    }

    @Test func lifecycleFollowsTheMigrationMapping() async throws {
        try await AzureHarness.with(try await AzureHarness.start()) { h in
            let adapter = try h.connect("aml-l", scope: AzureHarness.workspace).adapter
            _ = try await adapter.createVersion(NewVersion(model: "m", version: "1", sourceURI: "https://example.com/m.tgz"))
            for (lifecycle, stage) in [
                (Lifecycle.production, "Production"), (.staging, "Staging"), (.approved, "Approved"), (.rejected, "Rejected"),
            ] {
                try await adapter.setLifecycle(model: "m", version: "1", lifecycle: lifecycle)
                let read = try #require(try await adapter.version(model: "m", version: "1"))
                #expect(read.lifecycleRaw == stage)
                #expect(read.lifecycle == lifecycle)
                #expect(read.raw?["properties"]?["isArchived"]?.boolValue == false)
            }
        }
    }

    @Test func namesVersionsAndPrepare() throws {
        let adapter = AzureMLAdapter(
            registry: "aml", baseURL: "http://azure.invalid",
            scope: .workspace(subscription: "s", resourceGroup: "g", workspace: "w"), transport: TransportStack.make(base: CurlTransport(options: TransportOptions(proxy: .none))))
        #expect(adapter.targetModelName(for: "fraud_detector-2") == "fraud_detector-2")
        let mapped = adapter.targetModelName(for: "fraud.detector")
        #expect(mapped.hasPrefix("fraud-detector-") && mapped.count == "fraud-detector-".count + 8)
        #expect(adapter.targetModelName(for: "fraud detector") != mapped)
        for name in ["fraud.detector", "_x", "", "ünï", String(repeating: "a.", count: 200)] {
            let target = adapter.targetModelName(for: name)
            #expect(AzureMLNames.isValidModelName(target), "\(target)")
            #expect(adapter.targetModelName(for: target) == target)
        }
        #expect(adapter.targetVersion(forSourceVersion: "7") == "7")
        #expect(adapter.targetVersion(forSourceVersion: "2024.11.3") == "2024.11.3")
        #expect(adapter.targetVersion(forSourceVersion: "v1") == "v1")
        #expect(adapter.targetVersion(forSourceVersion: "a/b") == nil)
        #expect(adapter.targetVersion(forSourceVersion: ".1") == nil)
        #expect(adapter.targetVersion(forSourceVersion: "") == nil)

        #expect(adapter.prepare(NewVersion(model: "m", sourceURI: "azureml://x")).blocker == nil)
        #expect(adapter.prepare(NewVersion(model: "m", sourceURI: "https://example.com/m")).blocker == nil)
        #expect(adapter.prepare(NewVersion(model: "m")).blocker?.contains("model URI") == true)
        #expect(adapter.prepare(NewVersion(model: "m", sourceURI: "s3://b/m")).blocker?.contains("--artifact-map") == true)
        #expect(adapter.capabilities.artifactSchemes == ["azureml", "https"])
    }
}
