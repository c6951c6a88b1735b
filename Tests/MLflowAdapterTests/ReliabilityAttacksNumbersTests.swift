import Foundation
import MLflowAdapter
import ModelGateCore
import ModelGateTestKit
import Testing

/// Issue 15 item 9: MLflow's decoders against hostile numbers in every field.
@Suite("Reliability: attacks — MLflow numbers")
struct ReliabilityAttacksMLflowNumbersTests {
    func sample(_ text: String, _ key: String) throws -> JSONValue {
        try #require(try JSONValue.parse(Data(text.utf8))[key])
    }

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or a decoding error
    // (which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfAModelVersionAndRunSurvivesHostileNumbers() throws {
        let model = try sample(MLflowFixtures.gwModelGet, "registered_model")
        for (path, json) in HostileNumbers.variants(of: model, seed: 15_09_01) {
            do {
                let wire = try MLflowRegisteredModel(json: json)
                let mapped = MLflowMapping.model(wire, registry: "m")
                #expect(HostileNumbers.isKeepable(mapped.createdAt) && HostileNumbers.isKeepable(mapped.updatedAt), "\(path)")
            } catch {}  // MLflowDecodingError: a per-object error
        }
        let version = try JSONValue.parse(Data(MLflowFixtures.gwVersion1.utf8))
        for (path, json) in HostileNumbers.variants(of: version, seed: 15_09_02) {
            do {
                let wire = try MLflowModelVersion(json: json)
                let mapped = MLflowMapping.version(wire, registry: "m", aliases: [], metrics: [:])
                #expect(HostileNumbers.isKeepable(mapped.createdAt) && HostileNumbers.isKeepable(mapped.updatedAt), "\(path)")
            } catch {}
        }
        let run = try sample(MLflowFixtures.runGet, "run")
        for (path, json) in HostileNumbers.variants(of: run, seed: 15_09_03) {
            do {
                let wire = try MLflowRun(json: json)
                for time in [wire.startTime, wire.endTime] {
                    #expect(time.map { Timestamp.range.contains($0) } ?? true, "\(path)")
                }
            } catch {}
        }
    }

    // Item 9: the exact numbers of the report — a timestamp at Int64.max ms is a decoding error naming the field.
    @Test func aTimestampAtInt64MaxIsADecodingError() throws {
        var object = try #require(try JSONValue.parse(Data(MLflowFixtures.gwVersion1.utf8)).objectValue)
        object["creation_timestamp"] = .int(.max)
        #expect(throws: MLflowDecodingError(field: "creation_timestamp", reason: "timestamp 9223372036854775807 is out of range (years 0000-9999)")) {
            _ = try MLflowModelVersion(json: .object(object))
        }
    }
}
