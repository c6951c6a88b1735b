import Foundation
import GitLabAdapter
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

@Suite("GitLab migration contract")
struct GitLabMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "mlflow-prod", model: "fraud", version: "7"), digest: nil,
        targetRegistry: GitLabHarness.registry, targetModel: "fraud")

    @Test func provenanceGoesIntoTheCreateCallAndReadsBack() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            let adapter = harness.adapter
            _ = try await adapter.createModel(name: "fraud", description: nil, tags: [:])
            let version = try #require(adapter.targetVersion(forSourceVersion: "7"))
            #expect(version == "7.0.0")
            let created = try await adapter.createVersion(
                NewVersion(
                    model: "fraud", version: version, tags: ["team": "risk"], provenance: Self.provenance))
            #expect(created.version == "7.0.0")
            #expect(harness.requests(containing: "model-versions/create").count == 1)
            let read = try #require(try await adapter.version(model: "fraud", version: "7.0.0"))
            #expect(adapter.provenance(of: read) == Self.provenance)
            #expect(read.tags["team"] == "risk")
            #expect(read.tags[Provenance.digestKey] == nil)
            let plain = try await adapter.createVersion(NewVersion(model: "fraud", version: "8.0.0"))
            #expect(adapter.provenance(of: plain) == nil)

            let snapshot = try #require(try await adapter.snapshot(model: "fraud"))
            #expect(snapshot.versions.map(\.version).sorted() == ["7.0.0", "8.0.0"])
            #expect(snapshot.versions.contains { adapter.provenance(of: $0) == Self.provenance })
            let listed = try #require(try await adapter.allSnapshots().first { $0.model.name == "fraud" })
            #expect(listed.versions == snapshot.versions)
            #expect(harness.requests(containing: "registered-models/get").count >= 1)
            #expect(try await adapter.snapshot(model: "nope") == nil)
        }
    }

    @Test func namesVersionsPrepareAndLifecycle() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            let adapter = harness.adapter
            #expect(adapter.targetModelName(for: "Fraud Detector/v2") == "Fraud Detector/v2")
            #expect(adapter.targetVersion(forSourceVersion: "1.2.3") == "1.2.3")
            #expect(adapter.targetVersion(forSourceVersion: "v1.2.3") == "1.2.3")
            #expect(adapter.targetVersion(forSourceVersion: "12") == "12.0.0")
            #expect(adapter.targetVersion(forSourceVersion: "champion")?.hasPrefix("0.0.0-") == true)
            let prepared = adapter.prepare(NewVersion(model: "m", sourceURI: "runs:/abc/model", tags: ["a": "b"]))
            #expect(prepared.blocker == nil)
            #expect(prepared.droppedTags.isEmpty)
            #expect(prepared.version.tags == ["a": "b"])
            #expect(adapter.prepare(NewVersion(model: "m")).blocker == nil)
            #expect(adapter.capabilities.artifactSchemes.isEmpty)
            #expect(!adapter.capabilities.lifecycle)
            _ = try await adapter.createModel(name: "m", description: nil, tags: [:])
            _ = try await adapter.createVersion(NewVersion(model: "m", version: "1.0.0"))
            let refused = await #expect(throws: RegistryError.self) {
                try await adapter.setLifecycle(model: "m", version: "1.0.0", lifecycle: .production)
            }
            #expect(refused?.code == .invalidRequest)
            #expect(refused?.description.contains("no stages") == true)
        }
    }
}
