import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing
import WandBAdapter

@Suite("W&B auth against the simulator")
struct WandBAuthTests {
    @Test func wrongKeyIsRejectedWithAClearErrorAndNoCatalogChange() async throws {
        let wrong = "wrong-simulator-key-9999"
        try await WandBHarness.with(try await WandBHarness(apiKey: wrong, retries: .none)) { harness in
            for seed in WandBFixtures.collections(count: 3) { harness.simulator.seed(seed, registry: WandBHarness.wandbRegistry) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .failed)
            let message = try #require(report.errors.last?.message)
            #expect(message.contains(WandBHarness.registry), "\(message)")
            #expect(message.contains("401"), "\(message)")
            #expect(message.contains("user 'api'"), "\(message)")
            #expect(!message.contains(wrong))
            #expect(try await catalog.versions(VersionQuery(registry: WandBHarness.registry)).items.isEmpty)
            #expect(try await catalog.model(registry: WandBHarness.registry, name: "model-0") == nil)
            #expect(harness.simulator.requestLog.isEmpty)  // nothing got past auth
        }
    }

    @Test func missingAuthGets401Unauthorized() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            let anonymous = WandBAdapter(
                registry: "wandb-anon", baseURL: harness.host.baseURL, entity: WandBHarness.entity,
                registryName: WandBHarness.wandbRegistry, transport: TransportStack.make(base: WandBHarness.curl, retryPolicy: .none))
            let error = await #expect(throws: RegistryError.self) {
                _ = try await anonymous.listSnapshots(cursor: nil, since: nil)
            }
            #expect(error?.code == .unauthorized)
            #expect(error?.httpStatus == 401)
            #expect(error?.description.contains("wandb-anon") == true)
        }
    }

    @Test func anUnknownEntityIsAConfigurationError() async throws {
        try await WandBHarness.with(try await WandBHarness()) { harness in
            let adapter = WandBAdapter(
                registry: "wandb-typo", baseURL: harness.host.baseURL, entity: "acme-typo",
                registryName: WandBHarness.wandbRegistry, transport: TransportStackForTests.make())
            let error = await #expect(throws: RegistryError.self) { _ = try await adapter.organization() }
            #expect(error?.code == .configuration)
            #expect(error?.description.contains("acme-typo") == true)
            let org = try await harness.adapter.organization()
            #expect(org.name == WandBHarness.organization)
            #expect(org.entity == WandBHarness.entity)
        }
    }
}
