import Foundation
import ModelGateCore
import Testing

/// Config problems are reported with the file, the line and the key, exit 1, and nothing is synced.
@Suite struct ConfigErrorTests {
    @Test func badYAMLNamesTheFileAndLine() throws {
        let cli = try CLI()
        try cli.writeConfig(
            """
            registries:
              - name: a
                kind: mlflow
                url: [unclosed
            """)
        let result = try cli.run("sync", "--output", "json")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains("modelgate.yaml:"))
    }

    @Test func anUnknownKeyIsNamedWithItsLine() throws {
        let cli = try CLI()
        try cli.writeConfig(
            """
            registries:
              - name: a
                kind: mlflow
                ulr: http://127.0.0.1:1
            """)
        let result = try cli.run("registries")
        #expect(result.status == 1)
        #expect(result.stderr.contains("modelgate.yaml:4"), "\(result.stderr)")
        #expect(result.stderr.contains("ulr"))
    }

    @Test func syncWithoutAConfigSaysWhereItLooked() throws {
        let result = try CLI().run("sync")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no config file"))
        #expect(result.stderr.contains("MODELGATE_CONFIG"))
    }

    @Test func anUnknownRegistryNameSuggestsTheClosest() throws {
        let cli = try CLI()
        try cli.writeConfig("registries:\n  - {name: mlflow-prod, kind: mlflow, url: http://127.0.0.1:1}\n")
        let result = try cli.run("sync", "mlflow-prd")
        #expect(result.status == 1)
        #expect(result.stderr.contains("did you mean 'mlflow-prod'"))
    }

    @Test func anUnsetVariableFailsOnlyTheRegistryThatUsesItAndIsNamed() throws {
        let cli = try CLI()
        try cli.writeConfig(
            """
            catalog: ./c.sqlite
            registries:
              - name: needs-secret
                kind: mlflow
                url: http://127.0.0.1:1
                auth: {type: basic, username: u, password: "${MG_TEST_UNSET_PASSWORD}"}
            """)
        let result = try cli.run("sync", "--output", "json")
        #expect(result.status == 1)
        let json = try result.json()
        #expect(json["ok"] == .bool(false))
        let message = json["registries"]?.array.first?["errors"]?.array.first?["message"]?.stringValue ?? ""
        #expect(message.contains("MG_TEST_UNSET_PASSWORD"))
        #expect(message.contains("registries[0].auth.password"))
    }
}
