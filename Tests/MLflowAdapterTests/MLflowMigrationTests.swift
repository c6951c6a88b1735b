import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import Synchronization
import ModelGateTestKit
import Testing

@Suite struct MLflowMigrationTests {
    static let provenance = Provenance(
        copying: VersionRef(registry: "sm-us", model: "fraud-detector", version: "3"), digest: "sha256:12ab",
        targetRegistry: "mlflow-test", targetModel: "gw-model")

    /// A fake whose `model-versions/get` answers with the tags the last `model-versions/create` sent.
    final class Created: Sendable {
        let value = Mutex<JSONValue?>(nil)
    }

    static func echoRoutes() -> [String: FakeTransport.Handler] {
        let created = Created()
        let routes: [String: FakeTransport.Handler] = [
            "POST model-versions/create": { request in
                let tags = request.body?["tags"] ?? .array([])
                let version = JSONValue.object([
                    "name": "gw-model", "version": "4", "creation_timestamp": 1_795_707_081_733,
                    "last_updated_timestamp": 1_795_707_081_733, "current_stage": "None", "description": "",
                    "source": request.body?["source"] ?? .null, "status": "READY", "tags": tags,
                ])
                created.value.withLock { $0 = version }
                return FakeTransport.json(JSONValue.object(["model_version": version]).jsonString())
            },
            "GET model-versions/get": { _ in
                guard let version = created.value.withLock({ $0 }) else {
                    return FakeTransport.json(MLflowFixtures.versionNotFound, status: 404)
                }
                return FakeTransport.json(JSONValue.object(["model_version": version]).jsonString())
            },
        ]
        return routes
    }

    @Test func provenanceGoesIntoTheCreateCallAndReadsBack() async throws {
        let transport = FakeTransport(routes: Self.echoRoutes())
        let adapter = makeAdapter(transport)
        _ = try await adapter.createVersion(
            NewVersion(
                model: "gw-model", sourceURI: "s3://bucket/fraud/3", tags: ["team": "risk", Provenance.copyIDKey: "old"],
                provenance: Self.provenance))
        #expect(transport.requests.map(\.route) == ["POST model-versions/create"], "one call, no set-tag afterwards")
        let read = try #require(try await adapter.version(model: "gw-model", version: "4"))
        #expect(adapter.provenance(of: read) == Self.provenance)
        #expect(read.tags["team"] == "risk")
        #expect(read.tags[Provenance.copyIDKey] == Self.provenance.copyID)
    }

    @Test func withoutProvenanceThereIsNone() async throws {
        let adapter = makeAdapter(FakeTransport(routes: Self.echoRoutes()))
        let created = try await adapter.createVersion(
            NewVersion(model: "gw-model", sourceURI: "s3://bucket/fraud/3", tags: ["team": "risk"]))
        #expect(adapter.provenance(of: created) == nil)
    }

    @Test func prepareNeedsASourceAndKeepsEverythingElse() {
        let adapter = makeAdapter(FakeTransport(routes: [:]))
        let blocked = adapter.prepare(NewVersion(model: "m", tags: ["a": "b"]))
        #expect(blocked.blocker == "MLflow needs a source URI for a new version and the source has none")
        let ok = adapter.prepare(NewVersion(model: "m", sourceURI: "wandb-artifact://e/p/a:v1", tags: ["a b/c": "v"]))
        #expect(ok.blocker == nil)
        #expect(ok.droppedTags.isEmpty)
        #expect(ok.version.tags == ["a b/c": "v"])
        #expect(adapter.targetModelName(for: "Fraud Detector/v2") == "Fraud Detector/v2")
        #expect(adapter.targetVersion(forSourceVersion: "7") == nil)
        #expect(adapter.capabilities.artifactSchemes.isEmpty)
    }

    @Test func prepareBlocksWhatTheServerRefusesWithAHint() {
        let adapter = makeAdapter(FakeTransport(routes: [:]))
        let local = adapter.prepare(NewVersion(model: "m", sourceURI: "/opt/mlflow/mlruns/1/abc/artifacts/model"))
        #expect(local.blocker?.contains("--artifact-map /opt/mlflow/=") == true)
        for uri in ["https://store.example.com/m/1", "HTTP://h/m", "ftp://h/m", "mlflow-artifacts://other:5000/x"] {
            #expect(adapter.prepare(NewVersion(model: "m", sourceURI: uri)).blocker?.contains("MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES") == true, "\(uri)")
        }
        for uri in ["s3://b/m", "gs://b/m", "mlflow-artifacts:/1/abc/artifacts", "runs:/abc/model", "azureml://x/y"] {
            #expect(adapter.prepare(NewVersion(model: "m", sourceURI: uri)).blocker == nil, "\(uri)")
        }
    }

    @Test func snapshotReadsOneModelAsTheListingDoes() async throws {
        let transport = FakeTransport(routes: transcriptRoutes())
        let adapter = makeAdapter(transport)
        let snapshot = try #require(try await adapter.snapshot(model: "gw-model"))
        #expect(snapshot.model.name == "gw-model")
        #expect(snapshot.versions.map(\.version) == ["1", "2", "3"])
        #expect(snapshot.versions.first { $0.version == "2" }?.aliases == ["champion"])
        #expect(transport.requests("GET registered-models/search").isEmpty, "no walk over every model")
        let listed = try #require(try await adapter.allSnapshots().first { $0.model.name == "gw-model" })
        #expect(listed.versions == snapshot.versions)
        #expect(listed.model == snapshot.model)

        #expect(try await adapter.snapshot(model: "nope") == nil)
    }
}

/// The migration contract against a real MLflow server (skipped without `MODELGATE_TEST_MLFLOW_URL`).
@Suite(.serialized, .peerPresent(RealMLflow.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"), .peerRequired(RealMLflow.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"))
struct MLflowRealServerMigrationTests {
    @Test func provenanceAndSnapshotAgainstTheServer() async throws {
        let url = try #require(PeerEnvironment.mlflowURL)
        let adapter = MLflowAdapter(
            registry: "mlflow-real", baseURL: url, transport: TransportStack.make(base: CurlTransport()), pageSize: 2)
        let name = "mg-\(PeerEnvironment.uniqueID())-copy"
        _ = try await adapter.createModel(name: name, description: nil, tags: [:])
        let provenance = Provenance(
            copying: VersionRef(registry: "sm-us", model: "fraud-detector", version: "3"), digest: nil,
            targetRegistry: "mlflow-real", targetModel: name)
        let created = try await adapter.createVersion(
            NewVersion(model: name, sourceURI: "s3://bucket/fraud/3", tags: ["team": "risk"], provenance: provenance))
        let read = try #require(try await adapter.version(model: name, version: created.version))
        #expect(adapter.provenance(of: read) == provenance)
        _ = try await adapter.createVersion(NewVersion(model: name, sourceURI: "s3://bucket/fraud/4"))
        try await adapter.setAlias(model: name, alias: "champion", version: created.version)
        let snapshot = try #require(try await adapter.snapshot(model: name))
        #expect(snapshot.versions.map(\.version) == [created.version, String((Int(created.version) ?? 0) + 1)])
        #expect(snapshot.versions.first?.aliases == ["champion"])
        #expect(try await adapter.snapshot(model: name + "-missing") == nil)
    }
}
