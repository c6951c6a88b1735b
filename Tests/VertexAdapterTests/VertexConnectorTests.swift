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
import VertexAdapter

/// The composition root builds the Vertex adapter from a `kind: vertex` registry with a key file.
struct VertexConnectorTests {
    @Test func aConfiguredVertexRegistrySyncsFromTheSimulator() async throws {
        #expect(RegistryConnector.syncableKinds.contains(.vertex))
        try await VertexHarness.with(try await VertexHarness()) { harness in
            for seed in VertexFixtures.models(count: 3) { harness.simulator.seed(seed) }
            let account = try #require(harness.endpoint.accounts.first)
            let keyPath = FileManager.default.temporaryDirectory.appendingPathComponent("vertex-sa-\(UUID().uuidString).json").path
            try harness.endpoint.keyFile(for: account, privateKeyPEM: SampleKeys.serviceAccountKey, projectID: VertexHarness.project)
                .write(to: URL(fileURLWithPath: keyPath))
            defer { try? FileManager.default.removeItem(atPath: keyPath) }
            let config = RegistryConfig(
                name: "vertex-config", kind: .vertex, endpoint: harness.host.baseURL, project: VertexHarness.project,
                location: VertexHarness.location, auth: .googleServiceAccount(keyFile: keyPath), pageSize: 2)
            let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
            let adapter = try #require(try connection.requireAdapter() as? VertexAdapter)
            #expect(adapter.pageSize == 2)
            #expect(adapter.client.baseURL == harness.host.baseURL)
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions())
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.created == 1 + 2 + 3)
            #expect(connection.stats.snapshot.requests > 0)

            // The service revokes every token early: the connector's adapter drops its cached token on the
            // 401 and gets a new one, so the next sync still works.
            let issued = harness.tokens.issuedCount
            harness.tokens.expireAll()
            let again = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions(full: true))
            #expect(again.status == .ok, "\(again.errors)")
            #expect(harness.tokens.issuedCount > issued, "a new token was fetched")
        }
    }

    @Test func theDefaultEndpointIsRegional() {
        let adapter = VertexAdapter(
            registry: "v", project: "p", location: "europe-west4", transport: TransportStack.make(base: VertexHarness.curl))
        #expect(adapter.client.baseURL == "https://europe-west4-aiplatform.googleapis.com")
        #expect(adapter.client.url("projects/p/locations/europe-west4/models", query: [("filter", "labels.a=\"b c\"")])
            == "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/models?filter=labels.a%3D%22b%20c%22")
    }
}
