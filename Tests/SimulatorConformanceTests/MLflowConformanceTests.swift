import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTransport
import ModelGateTestKit
import Testing

/// The same requests against the real `mlflow server` (3.17.2, `scripts/peers/mlflow.sh`) and `MLflowSimulator`,
/// through the MLflow adapter and its client built from config, compared step by step. Differences are fixed in the
/// simulator or listed in `Sources/ModelGateSimulators/MLflow/README.md`.
@Suite("MLflow simulator conformance", .peerPresent(Conformance.mlflowAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"), .peerRequired(Conformance.mlflowAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"))
struct MLflowConformanceTests {
    static func config(url: String, authURL: String?, user: String?, password: String?) -> String {
        var yaml = """
            registries:
              - name: mlflow
                kind: mlflow
                url: \(url)
                page_size: 2
                retry: {max_attempts: 2, base: 10ms, cap: 50ms}

            """
        if let user, let password {
            yaml += """
                    auth: {type: basic, username: \(user), password: "\(password)"}

                """
        }
        if let authURL, let user {
            yaml += """
                  - name: wrong
                    kind: mlflow
                    url: \(authURL)
                    auth: {type: basic, username: \(user), password: "not-the-password"}
                    retry: {max_attempts: 1}

                """
        }
        return yaml
    }

    /// The conformance script: every adapter call ModelGate makes, plus the client calls for errors the adapter
    /// does not reach. `prefix` is unique per run; it is replaced by `P` in the transcript.
    static func script(_ registries: Configured, prefix: String, withWrongCredentials: Bool) async throws -> Transcript {
        let adapter = try registries.adapter("mlflow")
        let connection = try registries.connection("mlflow")
        let client = MLflowClient(registry: "mlflow", baseURL: connection.baseURL, transport: connection.transport)
        let name = "\(prefix)-main"
        var t = Transcript(replacements: [(prefix, "P")])

        // Create, get, already exists, bad parameters.
        await t.step("create model") { describe(try await adapter.createModel(name: name, description: "first", tags: ["team": "ml"])) }
        await t.step("create model again", message: "already exists") {
            describe(try await adapter.createModel(name: name, description: nil, tags: [:]))
        }
        await t.step("create model with a slash", message: "Names cannot contain '/' or ':'") {
            _ = try await client.createRegisteredModel(name: "\(prefix)/slash")
            return "created"
        }
        await t.step("create model without a name", message: "Missing value for required parameter 'name'") {
            _ = try await client.call(.POST, "registered-models/create", body: ["name": ""])
            return "created"
        }
        await t.step("get model") { describe(try await adapter.model(name: name)) }
        await t.step("get missing model") { describe(try await adapter.model(name: "\(prefix)-missing")) }
        await t.step("get missing model (client)", message: "Registered Model with name=P-missing not found|not found") {
            _ = try await client.getRegisteredModel(name: "\(prefix)-missing")
            return "found"
        }

        // Versions: create five (three pages of two), read them back.
        for i in 1...5 {
            await t.step("create version \(i)") {
                describe(
                    try await adapter.createVersion(
                        NewVersion(model: name, description: "v\(i)", sourceURI: "s3://bucket/\(prefix)/\(i)", tags: ["k": "\(i)"])))
            }
        }
        await t.step("create version of a missing model", message: "not found") {
            describe(try await adapter.createVersion(NewVersion(model: "\(prefix)-missing", sourceURI: "s3://b/m")))
        }
        await t.step("create version from a local path", message: "Invalid model version source") {
            _ = try await client.createModelVersion(name: name, source: "/etc/passwd")
            return "created"
        }
        await t.step("create version from another host", message: "cannot use the 'https' scheme") {
            _ = try await client.createModelVersion(name: name, source: "https://example.com/model")
            return "created"
        }
        await t.step("snapshot across version pages") { describe(try await adapter.snapshot(model: name)) }
        await t.step("get version 2") { describe(try await adapter.version(model: name, version: "2")) }
        await t.step("get missing version") { describe(try await adapter.version(model: name, version: "99")) }
        await t.step("get missing version (client)", message: "Model Version (name=P-main, version=99) not found") {
            _ = try await client.getModelVersion(name: name, version: "99")
            return "found"
        }
        await t.step("get version 'abc'", message: "must be an integer") {
            _ = try await client.getModelVersion(name: name, version: "abc")
            return "found"
        }

        // Paging of registered models (filter on this run's prefix).
        for extra in ["x1", "x2"] {
            await t.step("create model \(extra)") { describe(try await adapter.createModel(name: "\(prefix)-\(extra)", description: nil, tags: [:])) }
        }
        // Wire shapes: which fields each entity carries (MLflow omits empty lists and an unset model description).
        await t.step("fields of a bare model") {
            let json = try await client.call(.GET, "registered-models/get", query: [("name", "\(prefix)-x1")])
            return (json["registered_model"]?.objectValue?.keys.sorted() ?? []).joined(separator: ",")
        }
        await t.step("fields of a model with versions") {
            let json = try await client.call(.GET, "registered-models/get", query: [("name", name)])
            return (json["registered_model"]?.objectValue?.keys.sorted() ?? []).joined(separator: ",")
        }
        await t.step("fields of a version") {
            let json = try await client.call(.GET, "model-versions/get", query: [("name", name), ("version", "1")])
            let object = json["model_version"]?.objectValue ?? [:]
            let types = object.sorted { $0.key < $1.key }.map { key, value -> String in
                switch value {
                case .string: return "\(key):string"
                case .int, .double: return "\(key):number"
                case .array: return "\(key):array"
                case .object: return "\(key):object"
                default: return "\(key):other"
                }
            }
            return types.joined(separator: ",")
        }
        await t.step("search models in pages of 2") {
            var pages: [String] = []
            var token: String?
            repeat {
                let page = try await client.searchRegisteredModels(
                    filter: "name LIKE '\(prefix)%'", maxResults: 2, orderBy: ["name ASC"], pageToken: token)
                pages.append(page.items.compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                token = page.nextPageToken
            } while token != nil && pages.count < 10
            return pages.joined(separator: " | ")
        }
        await t.step("search versions in pages of 2") {
            var pages: [String] = []
            var token: String?
            repeat {
                let page = try await client.searchModelVersions(
                    filter: "name='\(name)'", maxResults: 2, orderBy: ["version_number DESC"], pageToken: token)
                pages.append(page.items.compactMap { $0["version"]?.stringValue }.joined(separator: ","))
                token = page.nextPageToken
            } while token != nil && pages.count < 10
            return pages.joined(separator: " | ")
        }
        await t.step("search with max_results 1001", message: "Invalid value \"1001\" for parameter 'max_results'") {
            _ = try await client.searchRegisteredModels(maxResults: 1001)
            return "listed"
        }
        await t.step("search with a garbage page token", message: "Invalid page token") {
            _ = try await client.searchModelVersions(pageToken: "garbage")
            return "listed"
        }
        await t.step("search with a bad order_by", message: "Invalid attribute key 'foo'") {
            _ = try await client.searchModelVersions(orderBy: ["foo DESC"])
            return "listed"
        }
        await t.step("search versions with POST") {
            _ = try await client.call(.POST, "model-versions/search", body: ["filter": .string("name='\(name)'")])
            return "listed"
        }

        // Tags.
        await t.step("set version tags") {
            try await adapter.setVersionTags(model: name, version: "1", tags: ["a": "x", "b": "y"])
            return describe(try await adapter.version(model: name, version: "1"))
        }
        await t.step("delete version tag") {
            try await adapter.deleteVersionTag(model: name, version: "1", key: "a")
            return describe(try await adapter.version(model: name, version: "1"))
        }
        await t.step("delete missing version tag") {
            try await adapter.deleteVersionTag(model: name, version: "1", key: "never-set")
            return describe(try await adapter.version(model: name, version: "1"))
        }
        await t.step("set tag of a missing version", message: "not found") {
            try await adapter.setVersionTags(model: name, version: "99", tags: ["a": "x"])
            return "set"
        }
        await t.step("set and delete model tags") {
            try await client.setRegisteredModelTag(name: name, key: "owner", value: "gw")
            try await client.deleteRegisteredModelTag(name: name, key: "team")
            return describe(try await adapter.model(name: name))
        }
        await t.step("update version description") {
            let version = try await client.updateModelVersion(name: name, version: "4", description: "changed")
            return version.description ?? "-"
        }

        // Aliases.
        await t.step("set alias") {
            try await adapter.setAlias(model: name, alias: "champion", version: "2")
            return describe(try await adapter.version(model: name, version: "2"))
        }
        await t.step("move alias") {
            try await adapter.setAlias(model: name, alias: "champion", version: "3")
            let two = describe(try await adapter.version(model: name, version: "2"))
            return two + " / " + describe(try await adapter.version(model: name, version: "3"))
        }
        await t.step("alias 'latest'", message: "'latest' alias name (case insensitive) is reserved") {
            try await adapter.setAlias(model: name, alias: "Latest", version: "1")
            return "set"
        }
        await t.step("alias 'v3'", message: "Version alias name 'v3' is reserved") {
            try await adapter.setAlias(model: name, alias: "v3", version: "1")
            return "set"
        }
        await t.step("alias with a slash", message: "Invalid alias name") {
            try await adapter.setAlias(model: name, alias: "a/b", version: "1")
            return "set"
        }
        await t.step("alias to a missing version", message: "Model Version (name=P-main, version=99) not found") {
            try await adapter.setAlias(model: name, alias: "ghost", version: "99")
            return "set"
        }
        await t.step("get by alias") {
            let json = try await client.call(.GET, "registered-models/alias", query: [("name", name), ("alias", "champion")])
            return "\(json["model_version"]?["version"]?.stringValue ?? "-") \(json["model_version"]?["aliases"]?.jsonString() ?? "-")"
        }
        await t.step("get by missing alias", message: "Registered model alias ghost not found") {
            _ = try await client.call(.GET, "registered-models/alias", query: [("name", name), ("alias", "ghost")])
            return "found"
        }
        await t.step("delete alias") {
            try await adapter.deleteAlias(model: name, alias: "champion")
            return describe(try await adapter.version(model: name, version: "3"))
        }
        await t.step("delete missing alias") {
            try await adapter.deleteAlias(model: name, alias: "never-set")
            return "deleted"
        }
        await t.step("delete alias with query parameters", message: "Missing value for required parameter 'name'") {
            _ = try await client.call(.DELETE, "registered-models/alias?name=\(name)&alias=champion")
            return "deleted"
        }

        // Stages.
        for (version, lifecycle) in [("1", Lifecycle.production), ("2", .staging), ("3", .archived), ("2", .none)] {
            await t.step("lifecycle \(version) → \(lifecycle.rawValue)") {
                try await adapter.setLifecycle(model: name, version: version, lifecycle: lifecycle)
                return describe(try await adapter.version(model: name, version: version))
            }
        }
        await t.step("transition to a bogus stage", message: "Invalid Model Version stage: Bogus") {
            _ = try await client.transitionStage(name: name, version: "1", stage: "Bogus")
            return "moved"
        }
        await t.step("transition a missing version", message: "not found") {
            _ = try await client.transitionStage(name: name, version: "99", stage: "Staging")
            return "moved"
        }
        await t.step("transition with archive_existing_versions") {
            _ = try await client.transitionStage(name: name, version: "5", stage: "Production", archiveExistingVersions: true)
            let one = describe(try await adapter.version(model: name, version: "1"))
            return one + " / " + describe(try await adapter.version(model: name, version: "5"))
        }
        await t.step("latest versions in the model") {
            let json = try await client.call(.GET, "registered-models/get", query: [("name", name)])
            let latest = json["registered_model"]?["latest_versions"]?.arrayValue ?? []
            return latest.map { "\($0["version"]?.stringValue ?? "-"):\($0["current_stage"]?.stringValue ?? "-")" }.joined(separator: ",")
        }
        await t.step("snapshot after the changes") { describe(try await adapter.snapshot(model: name)) }

        // Deletes.
        await t.step("delete version 4") {
            _ = try await client.call(.DELETE, "model-versions/delete", body: ["name": .string(name), "version": "4"])
            return describe(try await adapter.version(model: name, version: "4"))
        }
        await t.step("delete missing version", message: "Model Version (name=P-main, version=4) not found") {
            _ = try await client.call(.DELETE, "model-versions/delete", body: ["name": .string(name), "version": "4"])
            return "deleted"
        }
        await t.step("version numbers are not reused") {
            describe(try await adapter.createVersion(NewVersion(model: name, sourceURI: "s3://bucket/\(prefix)/6")))
        }
        for model in [name, "\(prefix)-x1", "\(prefix)-x2"] {
            await t.step("delete model") {
                _ = try await client.call(.DELETE, "registered-models/delete", body: ["name": .string(model)])
                return describe(try await adapter.model(name: model))
            }
        }
        await t.step("delete missing model", message: "Registered Model with name=P-main not found") {
            _ = try await client.call(.DELETE, "registered-models/delete", body: ["name": .string(name)])
            return "deleted"
        }
        await t.step("unknown endpoint") {
            _ = try await client.call(.GET, "registered-models/nonsense")
            return "answered"
        }

        // Credentials.
        if withWrongCredentials {
            await t.step("wrong password", message: "not authenticated|unauthorized") {
                _ = try await registries.adapter("wrong").listSnapshots(cursor: nil, since: nil)
                return "listed"
            }
        } else {
            t.note("wrong password: skipped")
        }
        return t
    }

    @Test func realServerAndSimulatorAnswerAlike() async throws {
        let url = try #require(PeerEnvironment.mlflowURL)
        let withAuth = PeerEnvironment.mlflowAuthURL != nil && PeerEnvironment.mlflowAuthUser != nil
        let real = try Configured(
            yaml: Self.config(url: url, authURL: PeerEnvironment.mlflowAuthURL, user: PeerEnvironment.mlflowAuthUser, password: nil),
            environment: [:])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-conf-\(UUID().uuidString)")
        let cloud = try await SimulatedCloud.start(directory: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let simulated = try Configured(
                yaml: Self.config(
                    url: cloud.host.baseURL, authURL: withAuth ? cloud.host.baseURL : nil, user: SimulatedCloud.mlflowUser,
                    password: cloud.mlflowPassword),
                environment: [:])
            // Names that sort after every other suite's: the SQL store pages by offset in name order, so deleting
            // these models never shifts a page of another suite's full listing running at the same time.
            let prefix = PeerEnvironment.unique("zzz-conf")
            let onPeer = try await Self.script(real, prefix: prefix, withWrongCredentials: withAuth)
            let onSimulator = try await Self.script(simulated, prefix: prefix, withWrongCredentials: withAuth)
            expectConformance(real: onPeer, simulated: onSimulator, peer: "mlflow server")
            if ProcessInfo.processInfo.environment["MODELGATE_CONFORMANCE_PRINT"] != nil {
                print(onSimulator.lines.joined(separator: "\n"))
            }
        } catch {
            await cloud.stop()
            throw error
        }
        await cloud.stop()
    }
}
