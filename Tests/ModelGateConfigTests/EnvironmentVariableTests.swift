import ModelGateConfig
import ModelGateCore
import Testing

@Suite struct EnvironmentVariableTests {
    static let twoRegistries = """
        # line 1
        registries:
          - name: mlflow-prod
            kind: mlflow
            url: http://127.0.0.1:5000
            auth:
              type: basic
              username: "${MLFLOW_TRACKING_USERNAME}"
              password: "${MLFLOW_TRACKING_PASSWORD}"
          - name: sm-us
            kind: sagemaker
            region: us-east-1
        """

    @Test func unsetVariableIsReportedOnlyWhenTheRegistryIsChecked() throws {
        let config = try ModelGateConfig.parse(
            yaml: Self.twoRegistries, environment: ["MLFLOW_TRACKING_USERNAME": "alice"])
        let mlflow = try #require(config.registry(named: "mlflow-prod"))
        #expect(mlflow.unresolvedVariables.map(\.name) == ["MLFLOW_TRACKING_PASSWORD"])
        let error = try #require(throws: ConfigError.self) { try mlflow.checkResolved() }
        #expect(error.code == .unsetVariable)
        #expect(error.file == "modelgate.yaml")
        #expect(error.line == 9)
        #expect(error.key == "registries[0].auth.password")
        #expect(
            error.description
                == "modelgate.yaml:9: registries[0].auth.password: environment variable MLFLOW_TRACKING_PASSWORD is not set")
        // The other registry is usable, and so are the global settings.
        try #require(config.registry(named: "sm-us")).checkResolved()
        try config.checkResolved()
        try config.server.checkResolved()
        // Selecting registries by name checks them.
        #expect(throws: ConfigError.self) { try config.registries(named: ["mlflow-prod"]) }
        #expect(try config.registries(named: ["sm-us"]).map(\.name) == ["sm-us"])
    }

    @Test func everyUnsetVariableIsKeptWithItsKeyAndLine() throws {
        let config = try ModelGateConfig.parse(yaml: Self.twoRegistries, environment: [:])
        let unresolved = try #require(config.registry(named: "mlflow-prod")).unresolvedVariables
        #expect(unresolved.map(\.name) == ["MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"])
        #expect(unresolved.map(\.key) == ["registries[0].auth.username", "registries[0].auth.password"])
        #expect(unresolved.map(\.line) == [8, 9])
    }

    @Test func substitutionInsideTextEscapesAndLoneDollars() throws {
        let yaml = """
            registries:
              - name: m
                kind: mlflow
                url: "https://${HOST}:${PORT}/mlflow"
                auth: {type: basic, username: "$$USER", password: "pa$$${SUFFIX}$x$"}
            """
        let config = try ModelGateConfig.parse(
            yaml: yaml, environment: ["HOST": "mlflow.internal", "PORT": "8443", "SUFFIX": "42"])
        let registry = try #require(config.registry(named: "m"))
        #expect(registry.url == "https://mlflow.internal:8443/mlflow")
        #expect(registry.auth == .basic(username: "$USER", password: "pa$42$x$"))
        #expect(registry.unresolvedVariables.isEmpty)
    }

    @Test func anEnvironmentValueIsNotSubstitutedAgain() throws {
        let config = try ModelGateConfig.parse(
            yaml: "registries: [{name: w, kind: wandb, entity: e, registry: r, auth: {type: api_key, api_key: \"${K}\"}}]",
            environment: ["K": "${OTHER}"])
        #expect(config.registries[0].auth == .apiKey("${OTHER}"))
        #expect(config.registries[0].unresolvedVariables.isEmpty)
    }

    @Test func malformedReferencesAreLoadErrors() throws {
        let unterminated = try #require(parseError(
            "registries: [{name: m, kind: mlflow, url: \"http://x\", auth: {type: bearer, token: \"${TOKEN\"}}]"))
        #expect(unterminated.code == .invalidValue)
        #expect(unterminated.key == "registries[0].auth.token")
        #expect(unterminated.message.contains("without a closing '}'"))
        let badName = try #require(parseError("catalog: \"${not a name}\""))
        #expect(badName.key == "catalog")
        #expect(badName.message.contains("variable name"))
    }

    @Test func unsetVariableInATypedKeyFallsBackToTheDefaultUntilChecked() throws {
        let yaml = """
            registries:
              - name: m
                kind: mlflow
                url: ${MLFLOW_URL}
                page_size: ${PAGE}
                timeout: {total: "${TOTAL}"}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
        let registry = try #require(config.registry(named: "m"))
        #expect(registry.pageSize == nil)
        #expect(registry.timeout.total == .seconds(60))
        #expect(registry.unresolvedVariables.map(\.name) == ["MLFLOW_URL", "PAGE", "TOTAL"])
        let error = try #require(throws: ConfigError.self) { try registry.checkResolved() }
        #expect(error.description == "modelgate.yaml:4: registries[0].url: environment variable MLFLOW_URL is not set")

        let set = try ModelGateConfig.parse(
            yaml: yaml, environment: ["MLFLOW_URL": "http://m:5000", "PAGE": "50", "TOTAL": "90s"])
        #expect(set.registries[0].pageSize == 50)
        #expect(set.registries[0].timeout.total == .seconds(90))
        #expect(set.registries[0].baseURL == "http://m:5000")
    }

    @Test func unsetVariableInANameOrKindIsAnErrorAtLoad() throws {
        let error = try #require(parseError("registries:\n  - name: r\n    kind: ${KIND}\n"))
        #expect(error.code == .unsetVariable)
        #expect(error.line == 3)
        #expect(error.key == "registries[0].kind")
        #expect(error.message.contains("KIND"))
        let named = try ModelGateConfig.parse(
            yaml: "registries:\n  - name: ${N}\n    kind: ${KIND}\n    region: us-east-1\n",
            environment: ["N": "sm", "KIND": "sagemaker"])
        #expect(named.registries[0].name == "sm")
        #expect(named.registries[0].kind == .sagemaker)
    }

    @Test func serverAndGlobalVariablesAreCheckedSeparately() throws {
        let yaml = """
            catalog: ${DATA}/catalog.sqlite
            registries:
              - {name: s, kind: sagemaker, region: us-east-1}
            server:
              tokens:
                - {name: ci, role: operator, token: "${CI_TOKEN}"}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
        try config.registries[0].checkResolved()
        let server = try #require(throws: ConfigError.self) { try config.server.checkResolved() }
        #expect(server.description == "modelgate.yaml:6: server.tokens[0].token: environment variable CI_TOKEN is not set")
        let global = try #require(throws: ConfigError.self) { try config.checkResolved() }
        #expect(global.key == "catalog")
        #expect(global.message == "environment variable DATA is not set")
        #expect(throws: ConfigError.self) { try config.catalogPath() }
        let set = try ModelGateConfig.parse(yaml: yaml, environment: ["DATA": "/srv", "CI_TOKEN": "t"])
        try set.checkResolved()
        try set.server.checkResolved()
        #expect(try set.catalogPath() == "/srv/catalog.sqlite")
    }

    @Test func unknownRegistryNameSuggestsAConfiguredOne() throws {
        let config = try ModelGateConfig.parse(yaml: Self.twoRegistries, environment: [
            "MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "p",
        ])
        let error = try #require(throws: ConfigError.self) { try config.registries(named: ["mlflow-prd"]) }
        #expect(error.code == .unknownRegistry)
        #expect(error.message == "no registry named 'mlflow-prd'; did you mean 'mlflow-prod'? (configured: mlflow-prod, sm-us)")
        #expect(try config.registries(named: []).map(\.name) == ["mlflow-prod", "sm-us"])
        #expect(try config.registries(named: ["sm-us", "mlflow-prod"]).map(\.name) == ["sm-us", "mlflow-prod"])
    }
}
