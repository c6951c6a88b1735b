import Foundation
import GitLabAdapter
import MLflowAdapter
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

/// The composition root builds the GitLab adapter from a `kind: gitlab` registry.
struct GitLabConnectorTests {
    @Test(arguments: [TokenHeader.bearer, .privateToken])
    func aConfiguredGitLabRegistrySyncsFromTheSimulator(header: TokenHeader) async throws {
        #expect(RegistryConnector.syncableKinds.contains(.gitlab))
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            for seed in GitLabFixtures.models(count: 3) { harness.simulator.seed(seed) }
            let config = RegistryConfig(
                name: "gitlab-config", kind: .gitlab, url: harness.host.baseURL, project: GitLabHarness.projectID,
                auth: .token(token: GitLabHarness.token, header: header), pageSize: 2)
            let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
            let adapter = try #require(try connection.requireAdapter() as? GitLabAdapter)
            #expect(adapter.pageSize == 2)
            #expect(adapter.project == GitLabHarness.projectID)
            #expect(adapter.client.baseURL == harness.host.baseURL)
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions())
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.created == 1 + 2 + 3)
            #expect(connection.stats.snapshot.requests > 0)
        }
    }

    @Test func theGitLabTokenVariableIsTheFallback() async throws {
        try await GitLabHarness.with(try await GitLabHarness()) { harness in
            harness.simulator.seed(GitLabSeedModel(name: "solo", versions: [GitLabSeedVersion(version: "0.1.0")]))
            let config = RegistryConfig(
                name: "gitlab-env", kind: .gitlab, url: harness.host.baseURL, project: GitLabHarness.projectPath)
            let connection = try RegistryConnector(environment: ["GITLAB_TOKEN": GitLabHarness.token], homeDirectory: nil)
                .connect(config)
            let adapter = try connection.requireAdapter()
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions())
            #expect(report.status == .ok, "\(report.errors)")
            #expect(try await catalog.version(registry: "gitlab-env", model: "solo", version: "0.1.0") != nil)
        }
    }
}
