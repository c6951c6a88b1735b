import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateTransport
import SageMakerAdapter
import Testing

/// The migration contract against `FakeSageMaker`.
struct SageMakerMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "mlflow-prod", model: "fraud_detector", version: "7"), digest: "sha256:0a1b",
        targetRegistry: "sm-test", targetModel: SageMakerNames.groupName(for: "fraud_detector"))

    @Test func provenanceGoesIntoTheCreateCallAndReadsBack() async throws {
        let fake = FakeSageMaker()
        let adapter = makeAdapter(fake)
        let group = adapter.targetModelName(for: "fraud_detector")
        #expect(group == SageMakerNames.groupName(for: "fraud_detector"))
        fake.addGroup(group)
        let created = try await adapter.createVersion(
            NewVersion(
                model: group, sourceURI: "s3://b/m.tar.gz", tags: ["team": "risk", Provenance.sourceKey: "old"],
                provenance: Self.provenance))
        let create = try #require(fake.calls("CreateModelPackage").first)
        #expect(fake.calls("UpdateModelPackage").isEmpty, "no second call writes the provenance")
        var expected = Self.provenance.tags
        expected["team"] = "risk"
        #expect(create.body["CustomerMetadataProperties"] == .object(expected.mapValues(JSONValue.string)))
        let read = try #require(try await adapter.version(model: group, version: created.version))
        #expect(adapter.provenance(of: read) == Self.provenance)
        let plain = try await makeAdapter(fake, clientToken: "00000000-0000-4000-8000-000000000009").createVersion(
            NewVersion(model: group, sourceURI: "s3://b/n.tar.gz"))
        #expect(adapter.provenance(of: plain) == nil)
    }

    @Test func prepareFitsCustomerMetadataAndNeedsAnS3OrHttpsArtifact() {
        let adapter = makeAdapter(FakeSageMaker())
        var tags: [String: String] = ["bad#key": "x", "empty": "", "comma": "a,b", String(repeating: "k", count: 129): "v"]
        for index in 0..<50 { tags[String(format: "t%02d", index)] = "v\(index)" }
        let prepared = adapter.prepare(
            NewVersion(model: "g", sourceURI: "s3://b/m.tar.gz", tags: tags, provenance: Self.provenance))
        #expect(prepared.blocker == nil)
        #expect(prepared.version.tags.count == 50 - Self.provenance.tags.count)
        #expect(prepared.version.tags["t00"] == "v0")
        #expect(prepared.version.tags["t49"] == nil)
        #expect(prepared.droppedTags["t49"]?.contains("at most 50") == true)
        #expect(prepared.droppedTags["bad#key"]?.contains("keys") == true)
        #expect(prepared.droppedTags["empty"]?.contains("values") == true)
        #expect(prepared.droppedTags["comma"]?.contains("values") == true)
        #expect(prepared.droppedTags[String(repeating: "k", count: 129)] != nil)
        #expect(prepared.version.tags.count + prepared.droppedTags.count == tags.count)

        #expect(adapter.prepare(NewVersion(model: "g", sourceURI: "https://h/m.tgz")).blocker == nil)
        #expect(adapter.prepare(NewVersion(model: "g", sourceURI: "gs://b/m")).blocker?.contains("--artifact-map") == true)
        #expect(adapter.prepare(NewVersion(model: "g")).blocker?.contains("needs an artifact URI") == true)
        let badSource = Provenance(source: "w&b:a#b@v1", sourceVersion: "v1", copyID: String(repeating: "0", count: 32))
        let blocked = adapter.prepare(NewVersion(model: "g", sourceURI: "s3://b/m", provenance: badSource))
        #expect(blocked.blocker?.contains("provenance") == true)
        #expect(adapter.capabilities.artifactSchemes == ["s3", "https"])
    }

    @Test func namesAreMappedIdempotently() {
        let adapter = makeAdapter(FakeSageMaker())
        #expect(adapter.targetModelName(for: "fraud-detector") == "fraud-detector")
        for name in ["fraud_detector", "Fraud Detector v2", "---", String(repeating: "x_", count: 60)] {
            let group = adapter.targetModelName(for: name)
            #expect(SageMakerNames.isValidGroupName(group))
            #expect(adapter.targetModelName(for: group) == group)
        }
        #expect(adapter.targetVersion(forSourceVersion: "7") == nil)
    }

    @Test func lifecycleFollowsTheMigrationMapping() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        let adapter = makeAdapter(fake)
        _ = try await adapter.createVersion(NewVersion(model: "g", sourceURI: "s3://b/m.tar.gz"))
        for (lifecycle, status, read) in [
            (Lifecycle.production, "Approved", Lifecycle.approved), (.staging, "PendingManualApproval", .pendingApproval),
            (.approved, "Approved", .approved), (.rejected, "Rejected", .rejected),
        ] {
            try await adapter.setLifecycle(model: "g", version: "1", lifecycle: lifecycle)
            let version = try #require(try await adapter.version(model: "g", version: "1"))
            #expect(version.lifecycleRaw == status)
            #expect(version.lifecycle == read)
        }
    }

    @Test func theConnectorPassesTheConfiguredServingImage() throws {
        let config = RegistryConfig(
            name: "sm-us", kind: .sagemaker, endpoint: "https://api.sagemaker.us-east-1.amazonaws.com",
            region: "us-east-1", auth: .aws(AWSAuth(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret")))
        let image = "123.dkr.ecr.us-east-1.amazonaws.com/serve:1"
        let connection = try RegistryConnector(environment: [:], homeDirectory: nil, servingImages: ["sm-us": image])
            .connect(config)
        #expect((try connection.requireAdapter() as? SageMakerAdapter)?.servingImage == image)
        let without = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
        #expect((try without.requireAdapter() as? SageMakerAdapter)?.servingImage == nil)
    }
}
