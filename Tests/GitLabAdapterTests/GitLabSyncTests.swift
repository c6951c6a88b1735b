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

@Suite("GitLab sync against the simulator")
struct GitLabSyncTests {
    @Test func fullSyncMapsEveryFieldOverSeveralPages() async throws {
        try await GitLabHarness.with(try await GitLabHarness(pageSize: 3)) { harness in
            let seeds = GitLabFixtures.models(count: 8)
            for seed in seeds { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.pages == 3)  // 8 models, 3 per page
            #expect(report.created == seeds.map(\.versions.count).reduce(0, +))
            #expect(harness.requests(containing: "page_token=").count == 2)
            #expect(harness.requests(containing: "max_results=3").count == 3)
            #expect(harness.requests(containing: "model-versions/search").isEmpty)

            for seed in seeds {
                let model = try #require(try await catalog.model(registry: GitLabHarness.registry, name: seed.name))
                #expect(model.kind == .gitlab)
                #expect(model.displayName == seed.name)
                #expect(model.description == seed.description)
                #expect(model.tags == seed.tags)
                #expect(model.createdAt == seed.createdAt)
                #expect(model.raw?["latest_versions"] == nil)
                let truth = harness.simulator.versionsJSON(seed.name)
                for (index, seeded) in seed.versions.enumerated() {
                    let stored = try #require(
                        try await catalog.version(registry: GitLabHarness.registry, model: seed.name, version: seeded.version))
                    let wire = try #require(truth.first { $0["aliases"]?.arrayValue?.first?.stringValue == seeded.version })
                    let internalID = try #require(wire["version"]?.stringValue)
                    #expect(internalID != seeded.version)
                    #expect(stored.raw?["version"]?.stringValue == internalID, "GitLab's id is kept in raw")
                    #expect(stored.description == seeded.description)
                    #expect(stored.tags == seeded.tags)
                    #expect(stored.aliases.isEmpty)
                    #expect(stored.lifecycle == .none)
                    #expect(stored.lifecycleRaw == "development")
                    #expect(stored.status == .ready)
                    let source = try #require(stored.sourceURI)
                    #expect(source == wire["source"]?.stringValue)
                    #expect(source.hasPrefix("https://gitlab.example.com/\(GitLabHarness.projectPath)/-/ml/models/"))
                    #expect(source.hasSuffix("/versions/\(internalID)"))
                    if let run = seeded.runID { #expect(stored.run?.id == run) } else { #expect(stored.run?.id != nil) }
                    // seconds on the wire, exact dates in the catalog
                    #expect(stored.createdAt == seeded.createdAt, "\(seed.name)@\(seeded.version) #\(index)")
                    #expect(stored.updatedAt == seeded.updatedAt)
                    #expect(stored.createdBy == nil)
                }
            }
            // Versions come back ordered by SemVer precedence (pre-release first, 10.0.0 last).
            let model3 = try await harness.adapter.versions(model: "model-3")
            #expect(model3.map(\.version) == ["0.9.0-rc.1", "1.0.0", "1.2.0", "10.0.0"])

            let edges = try await catalog.lineageEdges(
                touching: LineageEdge.versionNode(GitLabHarness.registry, "model-1", "1.0.0"))
            #expect(edges.contains { $0.relation == .producedBy && $0.to == LineageEdge.runNode(GitLabHarness.registry, "candidate-1") })
            #expect(edges.contains { $0.relation == .versionOf })
            try await expectCatalogMatches(catalog, harness.simulator)

            // A second sync changes nothing.
            let again = await harness.sync(catalog)
            #expect(again.status == .ok && again.created == 0 && again.updated == 0 && again.deleted == 0)
        }
    }

    @Test func syncConvergesUnderTwentyPercentInjectedFaults() async throws {
        let plan = FaultPlan.mixed(0.2, seed: 20261127)
        try await GitLabHarness.with(try await GitLabHarness(faults: plan, pageSize: 1)) { harness in
            for seed in GitLabFixtures.models(count: 40) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.retries > 0)
            let injected = harness.simulator.faults.injected
            #expect(injected.values.reduce(0, +) > 0)
            #expect(injected.count >= 3, "\(injected)")
            try await expectCatalogMatches(catalog, harness.simulator)

            // Writes made without faults, then a sync with faults again.
            harness.simulator.faults.plan = .none
            try await harness.adapter.setVersionDescription(model: "model-5", version: "1.0.0", description: "verified")
            _ = try await harness.adapter.createVersion(NewVersion(model: "model-7", version: "3.0.0", tags: ["new": "yes"]))
            harness.simulator.faults.plan = plan
            let second = await harness.sync(catalog)
            #expect(second.status == .ok, "\(second.errors)")
            #expect(second.created == 1)
            try await expectCatalogMatches(catalog, harness.simulator)

            let third = await harness.sync(catalog, full: true)
            #expect(third.status == .ok && third.complete && third.deleted == 0 && third.created == 0)
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func aDeletedModelsVersionsAreTombstonedAfterCompleteListings() async throws {
        try await GitLabHarness.with(try await GitLabHarness(pageSize: 2)) { harness in
            for seed in GitLabFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            _ = await harness.sync(catalog, full: true)
            _ = try await harness.adapter.client.call(.DELETE, "registered-models/delete", body: ["name": "model-2"])
            _ = await harness.sync(catalog, full: true)
            let third = await harness.sync(catalog, full: true)
            #expect(third.deleted >= 3, "the model's three versions (and the model)")
            for version in ["0.9.0-rc.1", "1.0.0", "1.2.0"] {
                let gone = try await catalog.version(registry: GitLabHarness.registry, model: "model-2", version: version)
                #expect(gone?.deleted == true)
            }
            let kept = try await catalog.version(registry: GitLabHarness.registry, model: "model-3", version: "1.2.0")
            #expect(kept?.deleted == false)
        }
    }
}
