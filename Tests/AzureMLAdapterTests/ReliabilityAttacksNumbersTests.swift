import AzureMLAdapter
import Foundation
import ModelGateCore
import ModelGateTestKit
import Testing

/// Issue 15 item 9: Azure ML's decoders against hostile numbers in every field.
@Suite("Reliability: attacks — Azure ML numbers")
struct ReliabilityAttacksAzureMLNumbersTests {
    static let systemData: JSONValue = [
        "createdAt": "2026-11-26T10:00:00.123Z", "lastModifiedAt": "2026-11-27T10:00:00Z", "createdBy": "alice",
    ]
    static let container: JSONValue = [
        "name": "churn", "properties": ["description": "d", "tags": ["team": "ml"], "latestVersion": "3"],
        "systemData": systemData,
    ]
    static let version: JSONValue = [
        "name": "3",
        "properties": [
            "modelUri": "azureml://x", "stage": "Production", "isArchived": false, "jobName": "job-1",
            "provisioningState": "Succeeded", "tags": ["k": "v"], "description": "v3",
        ],
        "systemData": systemData,
    ]

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or a mapping error
    // (which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfAContainerAndVersionSurvivesHostileNumbers() {
        for (path, json) in HostileNumbers.variants(of: Self.container, seed: 15_09_21) {
            do {
                let model = try AzureMLMapping.model(json, registry: "az")
                #expect(HostileNumbers.isKeepable(model.createdAt) && HostileNumbers.isKeepable(model.updatedAt), "\(path)")
            } catch {}  // AzureMLMappingError: a per-object error
        }
        for (path, json) in HostileNumbers.variants(of: Self.version, seed: 15_09_22) {
            do {
                let version = try AzureMLMapping.version(json, model: "churn", registry: "az")
                #expect(HostileNumbers.isKeepable(version.createdAt) && HostileNumbers.isKeepable(version.updatedAt), "\(path)")
            } catch {}
        }
    }
}
