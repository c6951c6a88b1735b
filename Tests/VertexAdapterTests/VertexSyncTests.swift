import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import Testing
import VertexAdapter

@Suite("Vertex sync against the simulator")
struct VertexSyncTests {
    @Test func fullSyncMapsEveryFieldOverSeveralPages() async throws {
        try await VertexHarness.with(try await VertexHarness(pageSize: 3)) { harness in
            let seeds = VertexFixtures.models(count: 8)
            for seed in seeds { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.pages == 3)  // 8 models, 3 per page
            #expect(report.created == seeds.map(\.versions.count).reduce(0, +))
            #expect(harness.requests(containing: "pageToken=").count >= 2)
            // a model with 4 versions pages its versions too (3 + 1)
            #expect(harness.requests(containing: "model-3:listVersions").count == 2)

            for seed in seeds {
                let model = try #require(try await catalog.model(registry: VertexHarness.registry, name: seed.id))
                #expect(model.displayName == seed.displayName)
                #expect(model.description == seed.description)
                #expect(model.kind == .vertex)
                #expect(Timestamp.milliseconds(try #require(model.createdAt)) == Timestamp.milliseconds(try #require(seed.createTime)))
                for index in seed.versions.indices {
                    let expected = VertexFixtures.expected(seed, index)
                    let stored = try #require(
                        try await catalog.version(registry: VertexHarness.registry, model: seed.id, version: expected.version))
                    #expect(stored.description == expected.description)
                    #expect(stored.aliases.sorted() == expected.aliases, "\(seed.id)@\(expected.version)")
                    #expect(stored.tags == expected.tags)
                    #expect(stored.sourceURI == expected.sourceURI)
                    #expect(stored.run?.id == expected.run?.id)
                    #expect(stored.lifecycle == .none)
                    #expect(stored.status == .ready)
                    #expect(stored.createdAt.map(Timestamp.milliseconds) == expected.createdAt.map(Timestamp.milliseconds))
                    #expect(stored.updatedAt.map(Timestamp.milliseconds) == expected.updatedAt.map(Timestamp.milliseconds))
                    #expect(stored.raw?["name"]?.stringValue?.hasSuffix("/models/\(seed.id)@\(expected.version)") == true)
                }
            }
            // Lineage: the training pipeline is the run.
            let edges = try await catalog.lineageEdges(touching: LineageEdge.versionNode(VertexHarness.registry, "model-1", "2"))
            #expect(edges.contains { $0.relation == .producedBy && $0.to.hasSuffix("trainingPipelines/9001") })
            #expect(edges.contains { $0.relation == .versionOf })
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func incrementalSyncReadsOnlyChangedModelsDownToTheWatermark() async throws {
        try await VertexHarness.with(try await VertexHarness(pageSize: 2)) { harness in
            for seed in VertexFixtures.models(count: 8) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let first = await harness.sync(catalog)
            #expect(first.status == .ok && first.complete)

            // Changes after the watermark: a description, an alias move, a new version.
            try await harness.adapter.setVersionDescription(model: "model-2", version: "1", description: "retrained")
            try await harness.adapter.setAlias(model: "model-5", alias: "champion", version: "1")
            _ = try await harness.adapter.createVersion(
                NewVersion(model: "model-6", description: "fresh", sourceURI: "gs://bucket-6/model/v4/", tags: ["stage": "new"]))
            let before = harness.simulator.requestLog.count

            let second = await harness.sync(catalog)
            #expect(second.status == .ok, "\(second.errors)")
            #expect(!second.complete)  // an incremental walk never tombstones
            let log = Array(harness.simulator.requestLog.dropFirst(before))
            #expect(log.contains { $0.contains("orderBy=update_time desc") })
            let versionReads = Set(log.filter { $0.contains(":listVersions") }.compactMap { line in
                line.split(separator: "/").last?.split(separator: ":").first.map(String.init)
            })
            // model-6, model-5, model-2 changed; the walk stops at the first older model (at most one more page).
            #expect(versionReads.isSuperset(of: ["model-2", "model-5", "model-6"]))
            #expect(versionReads.count <= 4, "\(versionReads)")
            #expect(second.created == 1)
            #expect(second.updated >= 2)

            let moved = try #require(try await catalog.version(registry: VertexHarness.registry, model: "model-5", version: "1"))
            #expect(moved.aliases.contains("champion"))
            let retrained = try #require(try await catalog.version(registry: VertexHarness.registry, model: "model-2", version: "1"))
            #expect(retrained.description == "retrained")
            try await expectCatalogMatches(catalog, harness.simulator)

            // Nothing changed: the incremental walk reads the newest model (== watermark) at most.
            let quiet = await harness.sync(catalog)
            #expect(quiet.status == .ok && quiet.created == 0 && quiet.updated == 0)
        }
    }

    @Test func syncConvergesUnderTwentyPercentInjectedFaults() async throws {
        var plan = FaultPlan.mixed(0.2, seed: 20261127)
        plan.exemptPrefixes = ["/sim/", "/token"]
        try await VertexHarness.with(try await VertexHarness(faults: plan, pageSize: 3)) { harness in
            for seed in VertexFixtures.models(count: 10) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.retries > 0)
            let injected = harness.simulator.faults.injected
            #expect(injected.values.reduce(0, +) > 0)
            #expect(injected.count >= 3, "\(injected)")
            try await expectCatalogMatches(catalog, harness.simulator)

            // Changes (made without faults), then an incremental sync with faults again.
            harness.simulator.faults.plan = .none
            try await harness.adapter.setVersionTags(model: "model-4", version: "1", tags: ["verified": "yes"])
            try await harness.adapter.setAlias(model: "model-7", alias: "golden-7", version: "1")
            harness.simulator.faults.plan = plan
            let second = await harness.sync(catalog)
            #expect(second.status == .ok, "\(second.errors)")
            try await expectCatalogMatches(catalog, harness.simulator)

            // A full sync under faults again: nothing lost, nothing duplicated, nothing tombstoned.
            let third = await harness.sync(catalog, full: true)
            #expect(third.status == .ok && third.complete && third.deleted == 0 && third.created == 0)
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func deletedVersionIsTombstonedAfterCompleteListings() async throws {
        try await VertexHarness.with(try await VertexHarness(operationPolls: 2, pageSize: 3)) { harness in
            for seed in VertexFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            _ = await harness.sync(catalog, full: true)
            try await harness.adapter.deleteVersion(model: "model-2", version: "2")
            _ = await harness.sync(catalog, full: true)
            let third = await harness.sync(catalog, full: true)
            #expect(third.deleted == 1)
            let gone = try await catalog.version(registry: VertexHarness.registry, model: "model-2", version: "2")
            #expect(gone?.deleted == true)
        }
    }
}
