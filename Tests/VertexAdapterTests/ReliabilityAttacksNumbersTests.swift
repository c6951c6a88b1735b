import Foundation
import ModelGateCore
import ModelGateTestKit
import Testing
import VertexAdapter

/// Issue 15 item 9: Vertex AI's decoders against hostile numbers in every field.
@Suite("Reliability: attacks — Vertex numbers")
struct ReliabilityAttacksVertexNumbersTests {
    static let model: JSONValue = [
        "name": "projects/p/locations/us-central1/models/churn", "displayName": "churn", "description": "d",
        "labels": ["team": "ml"], "createTime": "2026-11-26T10:00:00.123456Z", "updateTime": "2026-11-27T10:00:00Z",
        "versionId": "3", "versionAliases": ["default", "champion"], "versionCreateTime": "2026-11-26T10:00:00Z",
        "versionUpdateTime": "2026-11-27T10:00:00Z", "artifactUri": "gs://b/m", "trainingPipeline": "pipelines/1",
        "versionDescription": "v3",
    ]

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or a decoding error
    // (which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfAModelSurvivesHostileNumbers() {
        for (path, json) in HostileNumbers.variants(of: Self.model, seed: 15_09_31) {
            do {
                let model = try VertexMapping.model(json, registry: "vx")
                #expect(HostileNumbers.isKeepable(model.createdAt) && HostileNumbers.isKeepable(model.updatedAt), "\(path)")
            } catch {}  // VertexMapping.DecodingError: a per-object error
            do {
                let version = try VertexMapping.version(json, model: "churn", registry: "vx")
                #expect(HostileNumbers.isKeepable(version.createdAt) && HostileNumbers.isKeepable(version.updatedAt), "\(path)")
            } catch {}
        }
    }
}
