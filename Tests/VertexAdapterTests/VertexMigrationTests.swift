import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import VertexAdapter

@Suite("Vertex migration contract")
struct VertexMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "mlflow-prod", model: "Fraud Detector", version: "7"), digest: "sha256:abc",
        targetRegistry: VertexHarness.registry, targetModel: "fraud-detector")

    @Test func provenanceIsWrittenInTheUploadAndReadBack() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            let created = try await harness.adapter.createVersion(
                NewVersion(
                    model: "fraud-detector", description: "first cut\nsecond line", sourceURI: "gs://models/fraud/7/",
                    tags: ["team": "risk"], provenance: Self.provenance))
            // One upload carries everything: no PATCH afterwards.
            #expect(harness.requests(containing: "PATCH").isEmpty)
            #expect(created.description == "first cut\nsecond line")
            #expect(created.tags[VertexNames.copyIDLabel] == Self.provenance.copyID)
            #expect(created.tags[VertexNames.sourceLabel] == VertexNames.sourceHash("mlflow-prod:Fraud Detector@7"))
            #expect(created.tags[VertexNames.sourceLabel]?.count == 64)
            #expect(created.tags["team"] == "risk")
            let raw = try #require(created.raw?["versionDescription"]?.stringValue)
            #expect(
                raw == "first cut\nsecond line\nmodelgate: source=mlflow-prod:Fraud%20Detector@7 source_version=7 "
                    + "copy_id=\(Self.provenance.copyID) digest=sha256:abc")

            let read = try #require(try await harness.adapter.version(model: "fraud-detector", version: created.version))
            #expect(harness.adapter.provenance(of: read) == Self.provenance)
            #expect(read.description == "first cut\nsecond line")

            // A version without provenance has none; a description that is only the line normalizes to nil.
            let plain = try await harness.adapter.createVersion(
                NewVersion(model: "fraud-detector", description: "plain", sourceURI: "gs://models/fraud/8/"))
            #expect(harness.adapter.provenance(of: plain) == nil)
            let bare = try await harness.adapter.createVersion(
                NewVersion(model: "fraud-detector", sourceURI: "gs://models/fraud/9/", provenance: Self.provenance))
            #expect(bare.description == nil)
            #expect(harness.adapter.provenance(of: bare) == Self.provenance)

            // A new description keeps the provenance line.
            try await harness.adapter.setVersionDescription(
                model: "fraud-detector", version: read.version, description: "rewritten")
            let described = try #require(try await harness.adapter.version(model: "fraud-detector", version: read.version))
            #expect(described.description == "rewritten")
            #expect(harness.adapter.provenance(of: described) == Self.provenance)

            // The label must agree with the line: a changed copy-id label voids the provenance.
            try await harness.adapter.setVersionTags(
                model: "fraud-detector", version: read.version, tags: [VertexNames.copyIDLabel: "0000"])
            let tampered = try #require(try await harness.adapter.version(model: "fraud-detector", version: read.version))
            #expect(harness.adapter.provenance(of: tampered) == nil)
        }
    }

    @Test func withoutAServingImageNothingIsUploaded() async throws {
        try await VertexHarness.with(try await VertexHarness(containerImage: nil)) { harness in
            let error = await #expect(throws: RegistryError.self) {
                _ = try await harness.adapter.createVersion(NewVersion(model: "churn", sourceURI: "gs://b/churn/1/"))
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.description.contains("conflicts.serving_image.\(VertexHarness.registry)") == true)
            #expect(harness.simulator.requestLog.isEmpty)
            let prepared = harness.adapter.prepare(NewVersion(model: "churn", sourceURI: "gs://b/churn/1/"))
            #expect(prepared.blocker == "Vertex needs a serving container image: set conflicts.serving_image.vertex-test")
        }
    }

    @Test func theConnectorPassesTheConfiguredServingImage() throws {
        let config = RegistryConfig(
            name: "vertex-eu", kind: .vertex, endpoint: "http://vertex.invalid", project: "p", location: "europe-west4",
            auth: .none)
        let image = "europe-docker.pkg.dev/vertex-ai/prediction/xgboost-cpu.1-7:latest"
        let with = try RegistryConnector(environment: [:], homeDirectory: nil, servingImages: ["vertex-eu": image])
            .connect(config)
        #expect((try with.requireAdapter() as? VertexAdapter)?.containerImage == image)
        let without = try RegistryConnector(environment: [:], homeDirectory: nil, servingImages: ["other": image])
            .connect(config)
        #expect((try without.requireAdapter() as? VertexAdapter)?.containerImage == nil)
    }

    @Test func modelIDsMapDeterministicallyAndIdempotently() {
        #expect(VertexNames.modelID(for: "churn_model-2") == "churn_model-2")
        let mapped = VertexNames.modelID(for: "Fraud.Detector")
        #expect(mapped.hasPrefix("fraud-detector-"))
        #expect(mapped.count == "fraud-detector-".count + 8)
        #expect(VertexNames.modelID(for: "fraud.detector") != mapped)  // case differences do not collide
        #expect(VertexNames.modelID(for: "9lives").hasPrefix("lives-"))
        #expect(VertexNames.modelID(for: "-x").hasPrefix("x-"))
        #expect(VertexNames.modelID(for: "---").hasPrefix("m-"))
        let long = VertexNames.modelID(for: String(repeating: "A", count: 100))
        #expect(long.count == 63)
        for name in ["Fraud.Detector", "9lives", "---", String(repeating: "A", count: 100), "ünïcode model", ""] {
            let id = VertexNames.modelID(for: name)
            #expect(VertexNames.isValidModelID(id), "\(id)")
            #expect(VertexNames.modelID(for: id) == id)
        }
        let adapter = VertexAdapter(
            registry: "v", project: "p", location: "l", transport: TransportStack.make(base: VertexHarness.curl))
        #expect(adapter.targetModelName(for: "Fraud.Detector") == mapped)
        #expect(adapter.targetVersion(forSourceVersion: "7") == nil)
    }

    @Test func prepareMapsTagsOntoLabels() {
        let adapter = VertexAdapter(
            registry: "v", project: "p", location: "l", transport: TransportStack.make(base: VertexHarness.curl),
            containerImage: "img")
        let prepared = adapter.prepare(
            NewVersion(
                model: "m", sourceURI: "gs://b/m/1/",
                tags: [
                    "team": "risk", "Framework": "xgboost", "mlflow.source.git": "abc123", "owner": "Alice",
                    "framework": "sklearn", "1st": "yes", String(repeating: "k", count: 65): "v",
                    "modelgate.copy_id": "feed",
                ],
                provenance: Self.provenance))
        #expect(prepared.blocker == nil)
        #expect(
            prepared.version.tags == [
                "team": "risk", "framework": "xgboost", "mlflow_source_git": "abc123", "k_1st": "yes",
            ])
        #expect(
            Set(prepared.droppedTags.keys) == ["framework", "modelgate.copy_id", "owner", String(repeating: "k", count: 65)])
        #expect(prepared.droppedTags["owner"]?.contains("label values") == true)
        #expect(prepared.droppedTags["framework"]?.contains("another tag") == true)
        #expect(prepared.droppedTags["modelgate.copy_id"]?.contains("provenance") == true)

        let s3 = adapter.prepare(NewVersion(model: "m", sourceURI: "s3://b/m/1/"))
        #expect(s3.blocker?.contains("gs://") == true)
        let none = adapter.prepare(NewVersion(model: "m"))
        #expect(none.blocker?.contains("needs an artifact URI") == true)
    }

    @Test func theProvenanceLineSurvivesOddValues() {
        let odd = Provenance(source: "w&b:a b=c%d@v1", sourceVersion: "v1", copyID: String(repeating: "a", count: 32))
        let line = VertexNames.provenanceLine(odd)
        #expect(!line.contains("a b"))
        let (description, parsed) = VertexNames.splitDescription("hello\n" + line)
        #expect(description == "hello")
        #expect(parsed == odd)
        #expect(VertexNames.splitDescription("hello\nmodelgate: nothing").provenance == nil)
        #expect(VertexNames.splitDescription("modelgate: source=x@1 copy_id=y\nlater").provenance == nil)
    }
}
