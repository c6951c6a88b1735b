import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import WandBAdapter

@Suite("W&B writes against the simulator")
struct WandBWriteTests {
    @Test func linkingAnExistingArtifactCreatesAVersionThatReadsBack() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            harness.simulator.seed(WandBFixtures.collections(count: 2)[1], registry: WandBHarness.wandbRegistry)  // model-1: v0, v1
            let artifactID = harness.simulator.logArtifact(
                project: "training", name: "churn-xgb", description: "logged by a run",
                createdBy: WandBSeedRun(name: "abc123", project: "training"))
            let created = try await harness.adapter.createVersion(
                NewVersion(
                    model: "model-1", description: "linked by ModelGate", sourceURI: "wandb-artifact://acme/training/churn-xgb:v0",
                    tags: ["migrated": ""]))
            #expect(created.version == "v2")
            #expect(created.description == "linked by ModelGate")
            #expect(created.tags == ["migrated": ""])
            #expect(created.aliases == ["latest"])  // latest moved to the newest link
            #expect(created.run?.id == "abc123")
            #expect(created.sourceURI == "wandb-artifact://acme/wandb-registry-model/model-1:v2")
            #expect(created.raw?["artifact"]?["id"]?.stringValue == artifactID)
            let previous = try #require(try await harness.adapter.version(model: "model-1", version: "v1"))
            #expect(!previous.aliases.contains("latest"))

            // Linking the same artifact again is idempotent (a retried call cannot create a duplicate).
            let again = try await harness.adapter.createVersion(
                NewVersion(model: "model-1", sourceURI: "wandb-artifact://acme/training/churn-xgb:latest"))
            #expect(again.version == "v2")

            // A new collection is created by the first link.
            let fresh = try await harness.adapter.createVersion(
                NewVersion(model: "brand-new", sourceURI: "wandb-artifact://acme/training/churn-xgb:v0"))
            #expect(fresh.version == "v0")
            #expect(try await harness.adapter.model(name: "brand-new") != nil)
            #expect(harness.simulator.collectionNames(registry: WandBHarness.wandbRegistry).contains("brand-new"))
        }
    }

    @Test func aSourceNotAlreadyInWandBNeedsUpload() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            let before = harness.simulator.requestLog.count
            let error = await #expect(throws: RegistryError.self) {
                _ = try await harness.adapter.createVersion(NewVersion(model: "churn", sourceURI: "s3://bucket/churn/1/"))
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.description.contains("needs upload") == true, "\(String(describing: error))")
            #expect(error?.description.contains(WandBHarness.registry) == true)
            #expect(harness.simulator.requestLog.count == before)  // refused before any call

            let missing = await #expect(throws: RegistryError.self) {
                _ = try await harness.adapter.createVersion(
                    NewVersion(model: "churn", sourceURI: "wandb-artifact://acme/training/nowhere:v0"))
            }
            #expect(missing?.description.contains("needs upload") == true)
            #expect(harness.simulator.collectionNames(registry: WandBHarness.wandbRegistry).isEmpty)

            let model = await #expect(throws: RegistryError.self) {
                _ = try await harness.adapter.createModel(name: "churn", description: nil, tags: [:])
            }
            #expect(model?.code == .invalidRequest)
        }
    }

    @Test func aliasesTagsAndDescriptionsAreWrittenAndReadBack() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            harness.simulator.seed(WandBFixtures.collections(count: 4)[3], registry: WandBHarness.wandbRegistry)  // model-3: v0…v3
            let adapter = harness.adapter
            // An alias moves: W&B keeps it unique in a collection.
            try await adapter.setAlias(model: "model-3", alias: "champion", version: "v2")
            let holder = try #require(try await adapter.version(model: "model-3", version: "champion"))
            #expect(holder.version == "v2")
            #expect(try await adapter.version(model: "model-3", version: "v0")?.aliases == ["golden-3"])
            try await adapter.deleteAlias(model: "model-3", alias: "golden-3")
            #expect(try await adapter.version(model: "model-3", version: "v0")?.aliases == [])
            try await adapter.deleteAlias(model: "model-3", alias: "never-set")  // nothing to do

            try await adapter.setVersionTags(model: "model-3", version: "v1", tags: ["reviewed": "", "prod ready": ""])
            try await adapter.deleteVersionTag(model: "model-3", version: "v1", key: "gpu run")
            let tagged = try #require(try await adapter.version(model: "model-3", version: "v1"))
            #expect(tagged.tags == ["candidate": "", "reviewed": "", "prod ready": ""])
            try await adapter.setVersionDescription(model: "model-3", version: "v1", description: "retrained")
            #expect(try await adapter.version(model: "model-3", version: "v1")?.description == "retrained")

            // Tags with values cannot be written.
            let valued = await #expect(throws: RegistryError.self) {
                try await adapter.setVersionTags(model: "model-3", version: "v1", tags: ["stage": "prod"])
            }
            #expect(valued?.code == .invalidRequest)
            #expect(valued?.message.contains("names without values") == true)
            let lifecycle = await #expect(throws: RegistryError.self) {
                try await adapter.setLifecycle(model: "model-3", version: "v1", lifecycle: .production)
            }
            #expect(lifecycle?.code == .invalidRequest)
            let absent = await #expect(throws: RegistryError.self) {
                try await adapter.setAlias(model: "model-3", alias: "x", version: "v9")
            }
            #expect(absent?.code == .notFound)

            // A sync sees exactly what was written.
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func aGraphQLErrorWithHTTP200SurfacesClearly() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            harness.simulator.seed(WandBFixtures.collections(count: 1)[0], registry: WandBHarness.wandbRegistry)
            // The simulator refuses the tag name (W&B's tag rule) with `errors` and HTTP 200.
            let error = await #expect(throws: RegistryError.self) {
                try await harness.adapter.setVersionTags(model: "model-0", version: "v0", tags: ["bad/tag": ""])
            }
            #expect(error?.httpStatus == 200)
            #expect(error?.code == .invalidRequest)
            #expect(error?.operation == "GraphQL UpdateArtifact")
            #expect(error?.registry == WandBHarness.registry)
            #expect(error?.description.contains("Invalid tag 'bad/tag'") == true, "\(String(describing: error))")
            #expect(error?.attempts == 1)  // not retried

            // The client ships query texts only for the operations it uses.
            let unknown = await #expect(throws: RegistryError.self) {
                _ = try await harness.adapter.client.execute("FetchOrganization", variables: [:])
            }
            #expect(unknown?.code == .configuration)
            // The simulator answers an operation it does not serve with GraphQL errors and HTTP 200.
            var raw = TransportRequest(
                method: .POST, url: harness.host.baseURL + "/graphql", headers: [("Content-Type", "application/json")],
                registry: "raw", operation: "raw", retrySafe: true)
            raw.body = Array(#"{"query": "query Nope { nope }"}"#.utf8)
            let answer = try await TransportStackForTests.make().send(raw)
            #expect(answer.status == 200)
            #expect(answer.bodyText.contains("Unknown operation 'Nope'"), "\(answer.bodyText)")

            // A registry project that does not exist in W&B: the link fails with a GraphQL error.
            let other = WandBAdapter(
                registry: "wandb-other", baseURL: harness.host.baseURL, entity: WandBHarness.entity, registryName: "nope",
                transport: TransportStackForTests.make())
            harness.simulator.logArtifact(project: "training", name: "a")
            let link = await #expect(throws: RegistryError.self) {
                _ = try await other.createVersion(NewVersion(model: "m", sourceURI: "wandb-artifact://acme/training/a:v0"))
            }
            #expect(link?.httpStatus == 200)
            #expect(link?.code == .notFound)
            #expect(link?.description.contains("wandb-other") == true)
            #expect(link?.description.contains("GraphQL LinkArtifact") == true)
            #expect(link?.description.contains("project not found") == true)
        }
    }
}
