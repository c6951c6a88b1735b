import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import WandBAdapter

@Suite("W&B migration contract against the simulator")
struct WandBMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "mlflow-prod", model: "churn", version: "4"), digest: "sha256:beef",
        targetRegistry: WandBHarness.registry, targetModel: "churn")

    @Test func provenanceIsArtifactMetadataWrittenBeforeTheLink() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            harness.simulator.logArtifact(
                project: "training", name: "churn-xgb", metadata: ["accuracy": .double(0.91)],
                createdBy: WandBSeedRun(name: "abc123", project: "training"))
            let before = harness.simulator.requestLog.count
            let created = try await harness.adapter.createVersion(
                NewVersion(
                    model: "churn", description: "copied", sourceURI: "wandb-artifact://acme/training/churn-xgb:v0",
                    tags: ["migrated": ""], provenance: Self.provenance))
            let calls = Array(harness.simulator.requestLog.dropFirst(before))
            let update = try #require(calls.firstIndex(of: "UpdateArtifact"))
            let link = try #require(calls.firstIndex(of: "LinkArtifact"))
            #expect(update < link, "\(calls)")
            #expect(calls.filter { $0 == "UpdateArtifact" }.count == 1, "\(calls)")
            #expect(created.description == "copied")
            #expect(created.tags == ["migrated": ""])
            #expect(created.metrics == ["accuracy": 0.91], "the artifact's own metadata is kept")

            let read = try #require(try await harness.adapter.version(model: "churn", version: created.version))
            #expect(harness.adapter.provenance(of: read) == Self.provenance)
            let metadata = try JSONValue.parse(Data(try #require(read.raw?["artifact"]?["metadata"]?.stringValue).utf8))
            #expect(
                metadata["modelgate"]
                    == [
                        "source": "mlflow-prod:churn@4", "source_version": "4", "copy_id": .string(Self.provenance.copyID),
                        "digest": "sha256:beef",
                    ])

            // The same artifact linked into another collection shares the metadata, but it is not that copy.
            let other = try await harness.adapter.createVersion(
                NewVersion(model: "churn-other", sourceURI: "wandb-artifact://acme/training/churn-xgb:v0"))
            #expect(other.raw?["artifact"]?["metadata"]?.stringValue?.contains("modelgate") == true)
            #expect(harness.adapter.provenance(of: other) == nil)
        }
    }

    @Test func prepareDropsValuedTagsAndBlocksUploads() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            let adapter = harness.adapter
            let prepared = adapter.prepare(
                NewVersion(
                    model: "churn", sourceURI: "wandb-artifact://acme/training/churn-xgb:v0",
                    tags: ["migrated": "", "team": "risk", "bad/tag": ""]))
            #expect(prepared.blocker == nil)
            #expect(prepared.version.tags == ["migrated": ""])
            #expect(prepared.droppedTags["team"]?.contains("without values") == true)
            #expect(prepared.droppedTags["bad/tag"]?.contains("letters") == true)
            let s3 = adapter.prepare(NewVersion(model: "churn", sourceURI: "s3://bucket/churn/1/"))
            #expect(s3.blocker?.hasPrefix("needs upload") == true)
            #expect(adapter.prepare(NewVersion(model: "churn")).blocker?.hasPrefix("needs upload") == true)
            #expect(adapter.targetModelName(for: "churn-model") == "churn-model")
            #expect(adapter.targetVersion(forSourceVersion: "v3") == nil)

            let refused = await #expect(throws: RegistryError.self) {
                try await adapter.setLifecycle(model: "churn", version: "v0", lifecycle: .production)
            }
            #expect(refused?.code == .invalidRequest)
            #expect(!adapter.capabilities.lifecycle)
        }
    }
}
