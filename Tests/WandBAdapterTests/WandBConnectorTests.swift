import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import WandBAdapter

/// The composition root builds the W&B adapter from a `kind: wandb` registry with an API key.
struct WandBConnectorTests {
    @Test func aConfiguredWandBRegistrySyncsFromTheSimulator() async throws {
        #expect(RegistryConnector.syncableKinds.contains(.wandb))
        try await WandBHarness.with(try await WandBHarness()) { harness in
            for seed in WandBFixtures.collections(count: 3) { harness.simulator.seed(seed, registry: WandBHarness.wandbRegistry) }
            let config = RegistryConfig(
                name: "wandb-config", kind: .wandb, url: harness.host.baseURL, registryName: WandBHarness.wandbRegistry,
                entity: WandBHarness.entity, auth: .apiKey(WandBHarness.apiKey), pageSize: 2)
            let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
            let adapter = try #require(try connection.requireAdapter() as? WandBAdapter)
            #expect(adapter.pageSize == 2)
            #expect(adapter.client.baseURL == harness.host.baseURL)
            #expect(adapter.registryProject == "wandb-registry-model")
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions())
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.created == 1 + 2 + 3)
            #expect(connection.stats.snapshot.requests > 0)

            // WANDB_API_KEY is the fallback when the config has no auth.
            let fallback = RegistryConfig(
                name: "wandb-env", kind: .wandb, url: harness.host.baseURL, registryName: WandBHarness.wandbRegistry,
                entity: WandBHarness.entity)
            let envConnection = try RegistryConnector(environment: ["WANDB_API_KEY": WandBHarness.apiKey], homeDirectory: nil)
                .connect(fallback)
            let envReport = await SyncService(catalog: try CatalogDatabase.inMemory())
                .sync(SyncTarget(adapter: try envConnection.requireAdapter()), options: SyncOptions())
            #expect(envReport.status == .ok, "\(envReport.errors)")
        }
    }

    @Test func theDefaultHostIsWandBSaaS() throws {
        let connector = RegistryConnector(environment: [:], homeDirectory: nil)
        let config = RegistryConfig(name: "w", kind: .wandb, registryName: "model", entity: "acme", auth: .apiKey("k"))
        let adapter = try #require(try connector.connect(config).requireAdapter() as? WandBAdapter)
        #expect(adapter.client.endpoint == "https://api.wandb.ai/graphql")
        let incomplete = RegistryConfig(name: "w", kind: .wandb, registryName: "model")
        #expect(throws: RegistryError.self) { _ = try connector.connect(incomplete).requireAdapter() }
    }
}
