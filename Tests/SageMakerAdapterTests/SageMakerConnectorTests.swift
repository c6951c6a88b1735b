import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateTransport
import SageMakerAdapter
import ModelGateTestKit
import Testing

/// The composition root builds the SageMaker adapter from a `kind: sagemaker` registry of the config.
struct SageMakerConnectorTests {
    @Test func aSageMakerRegistryGetsTheSageMakerAdapter() throws {
        #expect(RegistryConnector.syncableKinds.contains(.sagemaker))
        let config = RegistryConfig(
            name: "sm-eu", kind: .sagemaker, region: "eu-west-1",
            auth: .aws(AWSAuth(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret")), pageSize: 500)
        let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
        let adapter = try #require(try connection.requireAdapter() as? SageMakerAdapter)
        #expect(adapter.registry == "sm-eu")
        #expect(adapter.kind == .sagemaker)
        #expect(adapter.client.endpoint == "https://api.sagemaker.eu-west-1.amazonaws.com")
        #expect(adapter.pageSize == 100, "page_size is capped at the API maximum")
    }

    @Test(.peerPresent(Moto.isAvailable, "moto (scripts/peers/moto.sh start DIR)"), .peerRequired(Moto.isAvailable, "moto (scripts/peers/moto.sh start DIR)")) func aConfiguredRegistrySyncsFromMotoThroughTheConnector() async throws {
        let h = try MotoHarness()
        let group = try await h.seed("connector", versions: 2)
        let config = RegistryConfig(
            name: "sm-config", kind: .sagemaker, endpoint: try #require(PeerEnvironment.motoURL) + "/", region: Moto.region,
            auth: .aws(AWSAuth(accessKeyID: PeerEnvironment.awsAccessKeyID, secretAccessKey: PeerEnvironment.awsSecretAccessKey)),
            pageSize: 2)
        let connection = try RegistryConnector(environment: [:], homeDirectory: nil).connect(config)
        let adapter = try #require(try connection.requireAdapter() as? SageMakerAdapter)
        #expect(try await adapter.model(name: group)?.description == "group connector")
        #expect(try await adapter.version(model: group, version: "2")?.description == "v2")
        #expect(connection.stats.snapshot.requests > 0)
    }
}
