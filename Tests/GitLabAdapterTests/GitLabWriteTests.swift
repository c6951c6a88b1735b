import Foundation
import GitLabAdapter
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

@Suite("GitLab writes against the simulator")
struct GitLabWriteTests {
    @Test func createdModelAndVersionsReadBack() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            let adapter = harness.adapter
            let model = try await adapter.createModel(name: "fraud", description: "fraud detector", tags: [:])
            #expect(model.name == "fraud" && model.description == "fraud detector" && model.kind == .gitlab)

            // A chosen SemVer goes in the gitlab.version tag; other tags are metadata.
            let chosen = try await adapter.createVersion(
                NewVersion(
                    model: "fraud", version: "2.1.0", description: "migrated", sourceURI: "s3://bucket/fraud/7",
                    runID: "abc", tags: ["modelgate.source": "mlflow-prod:fraud@7"]))
            #expect(chosen.version == "2.1.0")
            #expect(chosen.tags == ["modelgate.source": "mlflow-prod:fraud@7"])
            #expect(chosen.description == "migrated")
            let internalID = try #require(GitLabMapping.internalID(chosen))
            #expect(internalID != "2.1.0")
            let create = try #require(harness.requests(containing: "model-versions/create").first)
            #expect(create == "POST model-versions/create")

            // Without a version GitLab numbers it (patch + 1 of the highest).
            let automatic = try await adapter.createVersion(NewVersion(model: "fraud", description: "auto"))
            #expect(automatic.version == "2.1.1")

            let read = try #require(try await adapter.version(model: "fraud", version: "2.1.0"))
            #expect(read.tags == chosen.tags)
            #expect(read.raw?["version"]?.stringValue == internalID)
            #expect(try await adapter.version(model: "fraud", version: "9.9.9") == nil)
            #expect(try await adapter.model(name: "nope") == nil)

            try await adapter.setVersionDescription(model: "fraud", version: "2.1.0", description: "checked")
            try await adapter.setModelDescription(name: "fraud", description: "fraud v2")
            #expect(try await adapter.version(model: "fraud", version: "2.1.0")?.description == "checked")
            #expect(try await adapter.model(name: "fraud")?.description == "fraud v2")

            // get-latest-versions (POST only) gives the highest SemVer; the alias GET resolves a SemVer.
            #expect(try await adapter.latestVersion(model: "fraud")?.version == "2.1.1")
            let alias = try await adapter.client.call(.GET, "registered-models/alias", query: [("name", "fraud"), ("alias", "2.1.0")])
            #expect(alias["model_version"]?["version"]?.stringValue == internalID)

            // And a sync sees them.
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok && report.created == 2, "\(report.errors)")
            let stored = try #require(try await catalog.version(registry: GitLabHarness.registry, model: "fraud", version: "2.1.0"))
            #expect(stored.description == "checked")
            #expect(stored.tags == ["modelgate.source": "mlflow-prod:fraud@7"])
        }
    }

    @Test func refusedWritesSayWhy() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            let adapter = harness.adapter
            _ = try await adapter.createModel(name: "m", description: nil, tags: [:])
            _ = try await adapter.createVersion(NewVersion(model: "m", version: "1.0.0"))
            let before = harness.simulator.requestLog.count

            func expectInvalid(_ contains: String, _ body: () async throws -> Void) async {
                do {
                    try await body()
                    Issue.record("expected a refusal mentioning \(contains)")
                } catch let error as RegistryError {
                    #expect(error.code == .invalidRequest, "\(error)")
                    #expect(error.description.contains(contains), "\(error)")
                    #expect(error.description.contains(GitLabHarness.registry))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            await expectInvalid("tag") { try await adapter.setVersionTags(model: "m", version: "1.0.0", tags: ["a": "b"]) }
            await expectInvalid("tag") { try await adapter.deleteVersionTag(model: "m", version: "1.0.0", key: "a") }
            await expectInvalid("alias") { try await adapter.setAlias(model: "m", alias: "prod", version: "1.0.0") }
            await expectInvalid("alias") { try await adapter.deleteAlias(model: "m", alias: "prod") }
            await expectInvalid("stage") { try await adapter.setLifecycle(model: "m", version: "1.0.0", lifecycle: .production) }
            await expectInvalid("tags") { _ = try await adapter.createModel(name: "n", description: nil, tags: ["a": "b"]) }
            await expectInvalid("7.0.0") { _ = try await adapter.createVersion(NewVersion(model: "m", version: "7")) }
            #expect(harness.simulator.requestLog.count == before, "refusals send nothing")

            // The server's own checks: a duplicate model, a duplicate SemVer.
            do {
                _ = try await adapter.createModel(name: "m", description: nil, tags: [:])
                Issue.record("duplicate model accepted")
            } catch let error as RegistryError {
                #expect(error.code == .conflict, "\(error)")
                #expect(error.httpStatus == 400)
            }
            do {
                _ = try await adapter.createVersion(NewVersion(model: "m", version: "1.0.0"))
                Issue.record("duplicate version accepted")
            } catch let error as RegistryError {
                #expect(error.code == .invalidRequest, "\(error)")
            }
            #expect(harness.simulator.versionsJSON("m").count == 1)
        }
    }

    @Test(arguments: [
        ("1.2.3", "1.2.3"), ("1.0.0-rc.1+build.5", "1.0.0-rc.1+build.5"), ("7", "7.0.0"), ("v2.0.1", "2.0.1"),
        ("prod candidate/3", "0.0.0-prod-candidate-3"), ("01.2", "0.0.0-01-2"), ("", "0.0.0-unnamed"),
    ])
    func sourceVersionsMapToSemVer(source: String, expected: String) {
        let mapped = GitLabMapping.semVer(forSourceVersion: source)
        #expect(mapped == expected)
        #expect(GitLabMapping.isSemVer(mapped))
    }
}
