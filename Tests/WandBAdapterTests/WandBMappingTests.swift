import Foundation
import ModelGateCore
import Testing
import WandBAdapter

/// Payload mapping without a server: the shapes of `ArtifactMembershipFragment` and `RegistryCollectionFragment`.
struct WandBMappingTests {
    static let membership: JSONValue = [
        "__typename": "ArtifactCollectionMembership", "id": "QXJ0aWZhY3RDb2xsZWN0aW9uTWVtYmVyc2hpcDox", "versionIndex": 4,
        "createdAt": "2026-11-20T10:00:00",  // W&B DateTimes may come without a zone: UTC
        "aliases": [["__typename": "ArtifactAlias", "id": "a1", "alias": "latest"], ["__typename": "ArtifactAlias", "id": "a2", "alias": "champion"]],
        "artifactCollection": ["__typename": "ArtifactPortfolio", "name": "churn"],
        "artifact": [
            "__typename": "Artifact", "id": "QXJ0aWZhY3Q6OQ==", "versionIndex": 11, "description": "",
            "metadata": #"{"auc": 0.91, "rows": 1200, "framework": "xgboost", "nested": {"a": 1}}"#,
            "tags": [["__typename": "Tag", "id": "t1", "name": "baseline"]], "state": "PENDING", "digest": "abc",
            "createdAt": "2026-11-19T09:00:00Z", "updatedAt": "2026-11-21T08:00:00.123Z",
        ],
    ]

    @Test func aMembershipMapsToAVersion() throws {
        let run: JSONValue = ["__typename": "Run", "id": "UnVuOjE=", "name": "3xk9s2ab", "project": ["name": "training", "entity": ["name": "acme"]]]
        let version = try WandBMapping.version(
            Self.membership, model: "churn", registry: "wb", entity: "acme", project: "wandb-registry-model", run: run)
        #expect(version.version == "v4")
        #expect(version.aliases == ["champion", "latest"])
        #expect(version.tags == ["baseline": ""])
        #expect(version.description == nil)  // "" is no description
        #expect(version.metrics == ["auc": 0.91, "rows": 1200])
        #expect(version.status == .pending)
        #expect(version.sourceURI == "wandb-artifact://acme/wandb-registry-model/churn:v4")
        #expect(version.artifactDigest == "abc")
        #expect(version.run == RunReference(id: "3xk9s2ab", uri: "https://wandb.ai/acme/training/runs/3xk9s2ab"))
        #expect(version.createdAt == Timestamp.parse("2026-11-20T10:00:00Z"))
        #expect(version.updatedAt.map(Timestamp.milliseconds) == Timestamp.parseMilliseconds("2026-11-21T08:00:00.123Z"))
        #expect(version.raw?["createdBy"]?["name"]?.stringValue == "3xk9s2ab")
        let edges = WandBMapping.edges(version, registry: "wb", observedAt: Date())
        #expect(edges.map(\.relation) == [.versionOf, .producedBy])
    }

    @Test func malformedPayloadsAreRefused() {
        #expect(throws: WandBMapping.DecodingError.self) {
            _ = try WandBMapping.version(["id": "x"], model: "m", registry: "wb", entity: "e", project: "p")
        }
        #expect(throws: WandBMapping.DecodingError.self) { _ = try WandBMapping.model(["id": "x"], registry: "wb") }
    }

    @Test func artifactURIsParse() {
        #expect(WandBMapping.parseArtifactURI("wandb-artifact://acme/training/churn:v3")! == ("acme", "training", "churn:v3"))
        #expect(WandBMapping.parseArtifactURI("wandb-artifact:///acme/training/churn:latest")! == ("acme", "training", "churn:latest"))
        #expect(WandBMapping.parseArtifactURI("wandb-artifact://acme/churn:v3") == nil)
        #expect(WandBMapping.parseArtifactURI("wandb-artifact://acme/training/churn") == nil)
        #expect(WandBMapping.parseArtifactURI("s3://bucket/key") == nil)
    }
}
