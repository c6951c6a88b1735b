import Foundation
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import VertexAdapter

/// The simulator's own rules, seen through the raw client (wire paths and Google error bodies).
@Suite("Vertex simulator behaviour")
struct VertexSimulatorTests {
    func expectError(
        _ status: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected \(status)", sourceLocation: sourceLocation)
        } catch let error as RegistryError {
            #expect(error.providerCode == status, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func getByVersionAliasAndDefault() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            for seed in VertexFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let client = harness.adapter.client
            #expect(try await client.getModel("model-3")["versionId"]?.stringValue == "1")
            #expect(try await client.getModel("model-3", version: "golden-3")["versionId"]?.stringValue == "4")
            #expect(try await client.getModel("model-3", version: "2")["versionId"]?.stringValue == "2")
            let versions = try await client.listVersions(model: "model-3", pageSize: 10, pageToken: nil, orderBy: "update_time desc")
            #expect(versions.models.compactMap { $0["versionId"]?.stringValue } == ["4", "3", "2", "1"])
            #expect(versions.nextPageToken == nil)
            let filtered = try await client.listModels(pageSize: 10, pageToken: nil, filter: "labels.team=team-1")
            #expect(filtered.models.count == 1)
            let byID = try await client.listModels(pageSize: 10, pageToken: nil, filter: "model=model-2")
            #expect(byID.models.first?["name"]?.stringValue?.hasSuffix("/models/model-2") == true)
            await expectError("NOT_FOUND") { _ = try await client.getModel("model-3", version: "nope") }
            await expectError("INVALID_ARGUMENT") { _ = try await client.listModels(pageSize: 2, pageToken: "garbage") }
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.listModels(pageSize: 2, pageToken: nil, orderBy: "name desc")
            }
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.listModels(pageSize: 2, pageToken: nil, filter: "artifact_uri=x")
            }
        }
    }

    @Test func patchAndAliasRulesAreEnforced() async throws {
        try await VertexHarness.with(try await VertexHarness(operationPolls: 1)) { harness in
            for seed in VertexFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let client = harness.adapter.client
            // Model-level and version-level fields never mix in one request.
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.patch("model-3", version: "2", updateMask: ["displayName"], model: ["displayName": "x"])
            }
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.patch("model-3", version: nil, updateMask: ["versionDescription"], model: ["versionDescription": "x"])
            }
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.patch("model-3", version: nil, updateMask: [], model: ["displayName": "x"])
            }
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.patch("model-3", version: nil, updateMask: ["displayName"], model: ["displayName": ""])
            }
            _ = try await client.patch("model-3", version: "-", updateMask: ["display_name"], model: ["displayName": "Renamed"])
            #expect(try await client.getModel("model-3")["displayName"]?.stringValue == "Renamed")
            // Aliases: `default` cannot be removed, aliases are unique, the version id must be explicit.
            await expectError("INVALID_ARGUMENT") { _ = try await client.mergeVersionAliases("model-3", version: "1", aliases: ["-default"]) }
            await expectError("INVALID_ARGUMENT") { _ = try await client.mergeVersionAliases("model-3", version: "1", aliases: ["champion"]) }
            await expectError("INVALID_ARGUMENT") { _ = try await client.mergeVersionAliases("model-3", version: "golden-3", aliases: ["x"]) }
            await expectError("INVALID_ARGUMENT") { _ = try await client.mergeVersionAliases("model-3", version: "1", aliases: ["Bad_Alias"]) }
            let merged = try await client.mergeVersionAliases("model-3", version: "2", aliases: ["canary", "-canary", "blue"])
            #expect(merged["versionAliases"]?.arrayValue == ["blue"])
            // Deletes: not the only version, not the default one.
            await expectError("FAILED_PRECONDITION") { _ = try await client.deleteVersion("model-0", version: "1") }
            await expectError("FAILED_PRECONDITION") { _ = try await client.deleteVersion("model-3", version: "1") }
            // Upload: displayName and a serving image are required; a taken model id is ALREADY_EXISTS.
            await expectError("INVALID_ARGUMENT") {
                _ = try await client.upload(["model": ["containerSpec": ["imageUri": "img"]], "modelId": "abc"])
            }
            await expectError("INVALID_ARGUMENT") { _ = try await client.upload(["model": ["displayName": "x"], "modelId": "abc"]) }
            await expectError("ALREADY_EXISTS") {
                _ = try await client.upload(["model": ["displayName": "x", "containerSpec": ["imageUri": "img"]], "modelId": "model-1"])
            }
            // Without modelId the server picks a numeric id.
            let operation = try await client.upload(["model": ["displayName": "anon", "containerSpec": ["imageUri": "img"]]])
            #expect(operation["done"] == nil)
            let response = try await client.wait(for: operation, interval: .milliseconds(1))
            let name = try #require(response["model"]?.stringValue)
            #expect(name.split(separator: "/").last.map { $0.allSatisfy(\.isNumber) } == true)
            #expect(response["modelVersionId"]?.stringValue == "1")
        }
    }

    @Test func seedFromNormalizedData() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            let created = Date(timeIntervalSince1970: 1_790_000_000)
            harness.simulator.seed(
                model: RegistryModel(registry: "src", kind: .mlflow, name: "fraud", description: "d", tags: ["a": "b"]),
                versions: [
                    ModelVersion(
                        registry: "src", kind: .mlflow, model: "fraud", version: "7", description: "seven",
                        aliases: ["prod"], tags: ["c": "d"], sourceURI: "gs://x/7/", run: RunReference(id: "run-7"),
                        createdAt: created, updatedAt: created)
                ])
            let version = try #require(try await harness.adapter.version(model: "fraud", version: "1"))
            #expect(version.aliases == ["default", "prod"])
            #expect(version.tags == ["a": "b", "c": "d"])
            #expect(version.run?.id == "run-7")
            #expect(version.createdAt.map(Timestamp.milliseconds) == Timestamp.milliseconds(created))
        }
    }
}
