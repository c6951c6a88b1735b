import Foundation
import ModelGateCore
import ModelGateTestKit
import Testing
import WandBAdapter

/// Issue 15 item 9: W&B's decoders against hostile numbers in every field.
@Suite("Reliability: attacks — W&B numbers")
struct ReliabilityAttacksWandBNumbersTests {
    static let collection: JSONValue = [
        "__typename": "ArtifactPortfolio", "id": "QXJ0", "name": "churn", "description": "d",
        "tags": ["edges": [["node": ["name": "baseline"]]]], "createdAt": "2026-11-20T10:00:00",
        "updatedAt": "2026-11-21T08:00:00.123Z",
    ]

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or a decoding error
    // (which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfACollectionAndMembershipSurvivesHostileNumbers() {
        for (path, json) in HostileNumbers.variants(of: Self.collection, seed: 15_09_41) {
            do {
                let model = try WandBMapping.model(json, registry: "wb")
                #expect(HostileNumbers.isKeepable(model.createdAt) && HostileNumbers.isKeepable(model.updatedAt), "\(path)")
            } catch {}  // WandBMapping.DecodingError: a per-object error
        }
        for (path, json) in HostileNumbers.variants(of: WandBMappingTests.membership, seed: 15_09_42) {
            do {
                let version = try WandBMapping.version(
                    json, model: "churn", registry: "wb", entity: "acme", project: "wandb-registry-model")
                #expect(HostileNumbers.isKeepable(version.createdAt) && HostileNumbers.isKeepable(version.updatedAt), "\(path)")
                let finite = version.metrics.values.allSatisfy { $0.isFinite }
                #expect(finite, "\(path)")
            } catch {}
        }
    }
}
