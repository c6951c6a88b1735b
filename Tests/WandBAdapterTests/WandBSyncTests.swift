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

@Suite("W&B sync against the simulator")
struct WandBSyncTests {
    @Test func fullSyncMapsEveryFieldOverSeveralPages() async throws {
        try await WandBHarness.with(try await WandBHarness(pageSize: 3)) { harness in
            let seeds = WandBFixtures.collections(count: 8)
            var artifactIDs: [String: [String]] = [:]
            for seed in seeds { artifactIDs[seed.name] = harness.simulator.seed(seed, registry: WandBHarness.wandbRegistry) }
            // A collection in another registry is not listed.
            harness.simulator.seed(WandBSeedCollection(name: "elsewhere", versions: [WandBSeedVersion()]), registry: "dataset")
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.pages == 3)  // 8 collections, 3 per page
            #expect(report.created == seeds.map(\.versions.count).reduce(0, +))
            #expect(harness.requests(named: "FetchOrgInfoFromEntity") == 1)  // resolved once
            #expect(harness.requests(named: "RegistryCollections") == 3)
            // model-3 and model-7 have 4 versions: two RegistryVersions pages each (3 + 1).
            #expect(harness.requests(named: "RegistryVersions") == 8 + 2)
            #expect(try await catalog.model(registry: WandBHarness.registry, name: "elsewhere") == nil)

            for seed in seeds {
                let model = try #require(try await catalog.model(registry: WandBHarness.registry, name: seed.name))
                #expect(model.kind == .wandb)
                #expect(model.displayName == seed.name)
                #expect(model.description == seed.description)
                #expect(model.tags == Dictionary(uniqueKeysWithValues: seed.tags.map { ($0, "") }))
                #expect(model.createdAt.map(Timestamp.milliseconds) == seed.createdAt.map(Timestamp.milliseconds))
                for (index, seeded) in seed.versions.enumerated() {
                    let stored = try #require(
                        try await catalog.version(registry: WandBHarness.registry, model: seed.name, version: "v\(index)"))
                    var aliases = seeded.aliases
                    if index == seed.versions.count - 1 { aliases.append("latest") }
                    #expect(stored.aliases.sorted() == aliases.sorted(), "\(seed.name):v\(index)")
                    #expect(stored.tags == Dictionary(uniqueKeysWithValues: seeded.tags.map { ($0, "") }))
                    #expect(stored.description == seeded.description)
                    #expect(stored.sourceURI == "wandb-artifact://acme/wandb-registry-model/\(seed.name):v\(index)")
                    #expect(stored.run?.id == seeded.createdBy?.name)
                    #expect(stored.status == .ready)
                    #expect(stored.lifecycle == .none)
                    #expect(stored.metrics["accuracy"] == 0.5 + Double(index) / 10)
                    #expect(stored.metrics["epochs"] == Double(index + 1))
                    #expect(stored.metrics["framework"] == nil)
                    #expect(stored.artifactDigest?.isEmpty == false)
                    // created_at is when the artifact was linked into the registry, not when it was logged.
                    #expect(stored.createdAt.map(Timestamp.milliseconds) == seeded.linkedAt.map(Timestamp.milliseconds))
                    #expect(stored.updatedAt.map(Timestamp.milliseconds) == seeded.artifactCreatedAt.map(Timestamp.milliseconds))
                    #expect(stored.raw?["artifact"]?["id"]?.stringValue == artifactIDs[seed.name]?[index])
                    #expect(stored.raw?["__typename"]?.stringValue == "ArtifactCollectionMembership")
                }
            }
            // Lineage: the run that logged the artifact.
            let edges = try await catalog.lineageEdges(touching: LineageEdge.versionNode(WandBHarness.registry, "model-1", "v1"))
            #expect(edges.contains { $0.relation == .producedBy && $0.to == LineageEdge.runNode(WandBHarness.registry, "run1x1") })
            #expect(edges.contains { $0.relation == .versionOf })
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func seedingFromNormalizedDataRoundTrips() async throws {
        try await WandBHarness.with(try await WandBHarness(pageSize: 2)) { harness in
            let model = RegistryModel(registry: "src", kind: .mlflow, name: "churn", description: "churn model", tags: ["team": ""])
            let versions = (1...3).map { n in
                ModelVersion(
                    registry: "src", kind: .mlflow, model: "churn", version: String(n), description: "v\(n)",
                    aliases: n == 2 ? ["champion"] : [], tags: ["reviewed": ""], run: RunReference(id: "r\(n)"),
                    metrics: ["auc": 0.9], createdAt: WandBFixtures.time(n))
            }
            harness.simulator.seed(model: model, versions: versions, registry: WandBHarness.wandbRegistry)
            let snapshots = try await harness.adapter.allSnapshots()
            let snapshot = try #require(snapshots.first)
            #expect(snapshot.model.description == "churn model")
            #expect(snapshot.versions.map(\.version) == ["v0", "v1", "v2"])
            #expect(snapshot.versions.map(\.aliases) == [[], ["champion"], ["latest"]])
            #expect(snapshot.versions.map { $0.run?.id } == ["r1", "r2", "r3"])
            #expect(snapshot.versions.allSatisfy { $0.tags == ["reviewed": ""] && $0.metrics == ["auc": 0.9] })
        }
    }

    @Test func syncConvergesUnderTwentyPercentInjectedFaults() async throws {
        let plan = FaultPlan.mixed(0.2, seed: 20261127)
        try await WandBHarness.with(try await WandBHarness(faults: plan, pageSize: 3)) { harness in
            for seed in WandBFixtures.collections(count: 10) { harness.simulator.seed(seed, registry: WandBHarness.wandbRegistry) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.retries > 0)
            let injected = harness.simulator.faults.injected
            #expect(injected.count >= 3, "\(injected)")
            try await expectCatalogMatches(catalog, harness.simulator)

            // Writes under faults too (every served mutation is idempotent), then a full sync under faults.
            try await harness.adapter.setVersionTags(model: "model-4", version: "v0", tags: ["verified": ""])
            try await harness.adapter.setAlias(model: "model-7", alias: "golden-7", version: "v3")
            try await harness.adapter.deleteAlias(model: "model-5", alias: "champion")
            let second = await harness.sync(catalog, full: true)
            #expect(second.status == .ok, "\(second.errors)")
            #expect(second.complete && second.deleted == 0 && second.created == 0)
            #expect(second.updated >= 3)
            try await expectCatalogMatches(catalog, harness.simulator)
            let moved = try #require(try await catalog.version(registry: WandBHarness.registry, model: "model-7", version: "v3"))
            #expect(moved.aliases.sorted() == ["golden-7", "latest"])
        }
    }

    @Test func throttlingHonoursRateLimitReset() async throws {
        // About half the requests are throttled with `RateLimit-Reset: 2` (and no Retry-After).
        let plan = FaultPlan(throttle: 0.5, retryAfterSeconds: 2, seed: 7)
        try await WandBHarness.with(try await WandBHarness(faults: plan, pageSize: 5)) { harness in
            for seed in WandBFixtures.collections(count: 3) { harness.simulator.seed(seed, registry: WandBHarness.wandbRegistry) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(harness.simulator.faults.injected[.throttle, default: 0] > 0)
            let waits = harness.waits.all
            #expect(!waits.isEmpty)
            #expect(waits.allSatisfy { $0 == .seconds(2) }, "\(waits)")
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func aThrottledAnswerLooksLikeWandBs() async throws {
        try await WandBHarness.with(try await WandBHarness(faults: FaultPlan(throttle: 1, retryAfterSeconds: 3))) { harness in
            let error = await #expect(throws: RegistryError.self) {
                _ = try await WandBAdapter(
                    registry: "wandb-429", baseURL: harness.host.baseURL, entity: WandBHarness.entity,
                    registryName: WandBHarness.wandbRegistry, transport: TransportStackForTests.make()
                ).organization()
            }
            #expect(error?.code == .rateLimited)
            #expect(error?.httpStatus == 429)
            #expect(error?.description.contains("rate limit exceeded") == true, "\(String(describing: error))")
            var request = TransportRequest(method: .POST, url: harness.host.baseURL + "/graphql", registry: "raw")
            request.body = Array(#"{"query": "query FetchOrgInfoFromEntity { entity(name: \"acme\") { id } }"}"#.utf8)
            let response = try await WandBHarness.curl.send(request)
            #expect(response.status == 429)
            #expect(response.header("RateLimit-Reset") == "3")
            #expect(response.header("RateLimit-Remaining") == "0")
            #expect(response.header("Retry-After") == nil)
        }
    }
}
