import Foundation
import GitLabAdapter
import MLflowAdapter
import ModelGateCore
import ModelGateTestKit
import Testing

/// Issue 15 item 9: GitLab's decoders (MLflow's wire types, Unix seconds) against hostile numbers in every field.
@Suite("Reliability: attacks — GitLab numbers")
struct ReliabilityAttacksGitLabNumbersTests {
    static let version: JSONValue = [
        "name": "churn", "version": "gid://gitlab/Ml::ModelVersion/7", "creation_timestamp": 1_795_707_086,
        "last_updated_timestamp": 1_795_707_090, "current_stage": "development", "description": "d",
        "source": "mlflow-artifacts:/7", "run_id": "r1", "status": "READY", "aliases": ["1.2.3"],
        "tags": [["key": "k", "value": "v"]],
    ]
    static let model: JSONValue = [
        "name": "churn", "creation_timestamp": 1_795_707_000, "last_updated_timestamp": 1_795_707_100, "description": "d",
        "tags": [["key": "team", "value": "ml"]],
    ]

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or an error (decoding
    // or mapping, which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfAModelAndVersionSurvivesHostileNumbers() {
        for (path, json) in HostileNumbers.variants(of: Self.version, seed: 15_09_51) {
            do {
                let version = try GitLabMapping.version(try MLflowModelVersion(json: json), registry: "gl")
                #expect(HostileNumbers.isKeepable(version.createdAt) && HostileNumbers.isKeepable(version.updatedAt), "\(path)")
            } catch {}  // MLflowDecodingError or GitLabMapping.MappingError: a per-object error
        }
        for (path, json) in HostileNumbers.variants(of: Self.model, seed: 15_09_52) {
            do {
                let model = GitLabMapping.model(try MLflowRegisteredModel(json: json), registry: "gl")
                #expect(HostileNumbers.isKeepable(model.createdAt) && HostileNumbers.isKeepable(model.updatedAt), "\(path)")
            } catch {}
        }
    }

    // Item 9: seconds that fit MLflow's millisecond range but not × 1000 (year 300 000) are a mapping error.
    @Test func secondsPastYear9999AreAMappingError() throws {
        guard case .object(var object) = Self.version else { return }
        object["creation_timestamp"] = .int(253_402_300_800)
        let wire = try MLflowModelVersion(json: .object(object))
        #expect(throws: GitLabMapping.MappingError.self) { _ = try GitLabMapping.version(wire, registry: "gl") }
    }
}
