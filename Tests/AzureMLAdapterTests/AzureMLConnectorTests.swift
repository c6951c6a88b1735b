import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// The composition root builds the Azure ML adapter from a `kind: azureml` registry of the config.
@Suite(.serialized) struct AzureMLConnectorTests {
    @Test func anAzureMLRegistryGetsTheAzureMLAdapter() throws {
        #expect(RegistryConnector.syncableKinds.contains(.azureml))
        let config = RegistryConfig(
            name: "aml", kind: .azureml, subscription: "sub-1", resourceGroup: "rg", registryName: "reg",
            auth: .azureClientSecret(tenant: "t", clientID: "c", clientSecret: "s"), pageSize: 500)
        let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
        let adapter = try #require(try connection.requireAdapter() as? AzureMLAdapter)
        #expect(adapter.kind == .azureml)
        #expect(adapter.client.baseURL == "https://management.azure.com")
        #expect(adapter.client.scope == .registry(subscription: "sub-1", resourceGroup: "rg", registry: "reg"))
        #expect(adapter.client.pageSize == 100, "page_size is capped")
    }

    @Test func aConfiguredWorkspaceSyncsThroughTheConnector() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 2)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-config", models: 3)
            let config = RegistryConfig(
                name: "aml-config", kind: .azureml, endpoint: h.host.baseURL, subscription: AzureHarness.subscription,
                resourceGroup: AzureHarness.resourceGroup, workspace: "ws-main", authority: h.host.baseURL,
                auth: .azureClientSecret(tenant: AzureHarness.tenant, clientID: AzureHarness.clientID, clientSecret: AzureHarness.secret),
                pageSize: 2)
            let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
            let adapter = try connection.requireAdapter()
            expectMatches(try await adapter.allSnapshots().flatMap(\.versions), truth.versions)
            #expect(connection.stats.snapshot.requests > 0)
        }
    }
}
