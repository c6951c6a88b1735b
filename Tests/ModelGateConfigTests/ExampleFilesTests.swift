import Foundation
import ModelGateConfig
import ModelGateCore
import Testing

/// The example configs in `config/` at the repository root.
private let configDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("config")

/// Values for every variable the examples reference.
private let exampleEnvironment = [
    "MLFLOW_TRACKING_USERNAME": "alice", "MLFLOW_TRACKING_PASSWORD": "pw", "GOOGLE_APPLICATION_CREDENTIALS": "/k.json",
    "AZURE_CLIENT_SECRET": "az", "GITLAB_TOKEN": "gl", "WANDB_API_KEY": "wb", "MODELGATE_CI_TOKEN": "ci",
]

@Suite struct ExampleFilesTests {
    @Test(arguments: [
        ("mlflow.yaml", RegistryKind.mlflow), ("sagemaker.yaml", .sagemaker), ("vertex.yaml", .vertex),
        ("azureml.yaml", .azureml), ("gitlab.yaml", .gitlab), ("wandb.yaml", .wandb),
    ])
    func eachKindExampleParses(file: String, kind: RegistryKind) throws {
        let path = configDirectory.appendingPathComponent(file).path
        let config = try ModelGateConfig.load(path: path, environment: exampleEnvironment)
        #expect(config.registries.count == 1)
        let registry = try #require(config.registries.first)
        #expect(registry.kind == kind)
        #expect(registry.auth.type != .none)
        try registry.checkResolved()
        #expect(registry.baseURL.hasPrefix("http"))
        // Every variable an example references is one the test sets, so nothing is left unresolved.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let withoutEnvironment = try ModelGateConfig.load(path: path, environment: [:])
        let referenced = exampleEnvironment.keys.filter { text.contains("${\($0)}") }
        #expect(Set(withoutEnvironment.registries[0].unresolvedVariables.map(\.name)) == Set(referenced))
    }

    @Test func fullExampleHasEveryKindAndSection() throws {
        let path = configDirectory.appendingPathComponent("modelgate.example.yaml").path
        let config = try ModelGateConfig.load(path: path, environment: exampleEnvironment)
        #expect(Set(config.registries.map(\.kind)) == Set(RegistryKind.allCases))
        #expect(config.registries.map(\.name) == ["mlflow-prod", "sm-us", "vertex-eu", "aml", "gitlab", "wandb"])
        for registry in config.registries { try registry.checkResolved() }
        try config.checkResolved()
        try config.server.checkResolved()
        #expect(try config.catalogPath() == configDirectory.path + "/modelgate.sqlite")
        #expect(config.registry(named: "mlflow-prod")?.auth == .basic(username: "alice", password: "pw"))
        #expect(config.registry(named: "sm-us")?.baseURL == "http://127.0.0.1:5001")
        #expect(config.registry(named: "aml")?.authority == "https://login.microsoftonline.com")
        #expect(config.registry(named: "gitlab")?.retry == RetrySettings(maxAttempts: 3, base: .milliseconds(500), cap: .seconds(10)))
        #expect(config.sync == SyncSettings(concurrency: 4, tombstoneAfterMisses: 2, fullEvery: 24))
        #expect(config.conflicts.sourceOfTruth == ["fraud-detector": "mlflow-prod"])
        #expect(config.conflicts.tagOwners == ["team.": "mlflow-prod"])
        #expect(config.conflicts.servingImage.keys.sorted() == ["sm-us", "vertex-eu"])
        #expect(config.server.listen == "127.0.0.1:8080")
        #expect(config.server.tokens.map(\.role) == [.operator, .reader])

        let bare = try ModelGateConfig.load(path: path, environment: [:])
        let error = try #require(throws: ConfigError.self) { try bare.registry(named: "aml")?.checkResolved() }
        #expect(error.message == "environment variable AZURE_CLIENT_SECRET is not set")
        #expect(error.key == "registries[3].auth.client_secret")
        try bare.registry(named: "sm-us")?.checkResolved()
    }

    @Test func everyExampleFileIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: configDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == [
            "azureml.yaml", "gitlab.yaml", "mlflow.yaml", "modelgate.example.yaml", "sagemaker.yaml", "vertex.yaml",
            "wandb.yaml",
        ])
    }
}
