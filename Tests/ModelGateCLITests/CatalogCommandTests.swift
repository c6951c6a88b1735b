import Foundation
import ModelGateCatalog
import ModelGateCore
import Testing

/// The catalog commands (`models`, `versions`, `show`, `history`, `registries`) run on the binary over a
/// catalog seeded through the catalog API, as a sync would leave it.
@Suite struct CatalogCommandTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func version(
        _ model: String, _ version: String, registry: String = "mlflow-prod", lifecycle: Lifecycle = .none,
        aliases: [String] = [], tags: [String: String] = [:], description: String? = nil
    ) -> ModelVersion {
        ModelVersion(
            registry: registry, kind: .mlflow, model: model, version: version, description: description,
            lifecycle: lifecycle, lifecycleRaw: lifecycle.rawValue, aliases: aliases, tags: tags,
            sourceURI: "s3://bucket/\(model)/\(version)", run: RunReference(id: "run-\(model)-\(version)"),
            createdAt: t0, updatedAt: t0, createdBy: "alice", raw: ["version": .string(version)])
    }

    static func model(_ name: String, registry: String = "mlflow-prod", description: String? = nil) -> RegistryModel {
        RegistryModel(
            registry: registry, kind: .mlflow, name: name, displayName: name, description: description, tags: [:],
            createdAt: t0, updatedAt: t0, deleted: false)
    }

    /// Two registries: fraud-detector 1–3 (champion on 2, production 2), churn 1 in mlflow-prod;
    /// fraud-detector 1 in mlflow-dev.
    static func seeded() async throws -> CLI {
        let cli = try CLI()
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-prod", kind: .mlflow,
                models: [model("fraud-detector", description: "Card fraud"), model("churn")],
                versions: [
                    version("fraud-detector", "1", lifecycle: .archived, tags: ["team": "risk"]),
                    version(
                        "fraud-detector", "2", lifecycle: .production, aliases: ["champion"],
                        tags: ["team": "risk", "framework": "xgboost"], description: "gradient boosted"),
                    version("fraud-detector", "3", lifecycle: .staging, aliases: ["challenger"], tags: ["team": "risk"]),
                    version("churn", "1", tags: ["team": "growth"]),
                ], lineage: [], errors: []),
            source: .sync, at: t0)
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-dev", kind: .mlflow, models: [model("fraud-detector", registry: "mlflow-dev")],
                versions: [version("fraud-detector", "1", registry: "mlflow-dev", tags: ["team": "risk"])],
                lineage: [], errors: []),
            source: .sync, at: t0)
        // The champion moves from 2 to 3 in a later sync.
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-prod", kind: .mlflow, models: [model("fraud-detector", description: "Card fraud")],
                versions: [
                    version("fraud-detector", "1", lifecycle: .archived, tags: ["team": "risk"]),
                    version(
                        "fraud-detector", "2", lifecycle: .production, tags: ["team": "risk", "framework": "xgboost"],
                        description: "gradient boosted"),
                    version(
                        "fraud-detector", "3", lifecycle: .staging, aliases: ["challenger", "champion"],
                        tags: ["team": "risk"]),
                ], lineage: [], errors: []),
            source: .sync, at: t0.addingTimeInterval(3600))
        return cli
    }

    /// `versions --output json` with `arguments`, as `registry:model@version` strings.
    static func versions(_ cli: CLI, _ arguments: String...) throws -> [String] {
        let result = try cli.run(arguments: ["versions", "--catalog", cli.catalogPath, "--output", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.json().array.map {
            "\($0["registry"]?.stringValue ?? ""):\($0["model"]?.stringValue ?? "")@\($0["version"]?.stringValue ?? "")"
        }
    }

    @Test func helpListsEveryCommandThatExists() throws {
        let result = try CLI().run("--help")
        #expect(result.status == 0)
        for command in ["registries", "sync", "models", "versions", "show", "history", "request"] {
            #expect(result.stdout.contains("  \(command) "), "--help lacks \(command)")
        }
    }

    @Test func versionsOnAnEmptyCatalogPrintsAnEmptyJSONArray() throws {
        let cli = try CLI()
        let result = try cli.run("versions", "--catalog", cli.catalogPath, "--output", "json")
        #expect(result.status == 0)
        #expect(result.stdout == "[]\n")
        // Without --catalog the default lands under $XDG_DATA_HOME.
        let byDefault = try cli.run("versions", "--output", "json")
        #expect(byDefault.stdout == "[]\n")
        #expect(FileManager.default.fileExists(atPath: cli.environment["XDG_DATA_HOME"]! + "/modelgate/catalog.sqlite"))
    }

    @Test(arguments: [
        ["versions", "--bogus"],
        ["versions", "--lifecycle", "live"],
        ["versions", "--tag", "novalue"],
        ["versions", "--limit", "0"],
        ["versions", "--output", "yaml"],
        ["show", "no-colon-here"],
        ["history", "reg:model@1"],
        ["history", "reg:model", "--since", "yesterday"],
        ["request", "reg", "FETCH", "/"],
        ["nosuchcommand"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try CLI().run(arguments: arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test func everyVersionsFilterSelectsWhatItSays() async throws {
        let cli = try await Self.seeded()
        #expect(
            try Self.versions(cli) == [
                "mlflow-dev:fraud-detector@1", "mlflow-prod:churn@1", "mlflow-prod:fraud-detector@1",
                "mlflow-prod:fraud-detector@2", "mlflow-prod:fraud-detector@3",
            ])
        #expect(try Self.versions(cli, "--registry", "mlflow-dev") == ["mlflow-dev:fraud-detector@1"])
        #expect(try Self.versions(cli, "--model", "churn") == ["mlflow-prod:churn@1"])
        #expect(try Self.versions(cli, "--alias", "champion") == ["mlflow-prod:fraud-detector@3"])
        #expect(try Self.versions(cli, "--lifecycle", "production") == ["mlflow-prod:fraud-detector@2"])
        #expect(try Self.versions(cli, "--tag", "team=growth") == ["mlflow-prod:churn@1"])
        #expect(
            try Self.versions(cli, "--tag", "team=risk", "--tag", "framework=xgboost") == ["mlflow-prod:fraud-detector@2"])
        #expect(try Self.versions(cli, "--search", "BOOSTED") == ["mlflow-prod:fraud-detector@2"])
        #expect(
            try Self.versions(cli, "--registry", "mlflow-prod", "--model", "fraud-detector", "--limit", "2") == [
                "mlflow-prod:fraud-detector@1", "mlflow-prod:fraud-detector@2",
            ])
        #expect(try Self.versions(cli, "--tag", "team=nobody").isEmpty)
    }

    @Test func deletedVersionsShowOnlyWithIncludeDeleted() async throws {
        let cli = try await Self.seeded()
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        // Two complete listings without churn@1 tombstone it.
        for minutes in [1, 2] {
            _ = try await catalog.recordCompleteListing(
                registry: "mlflow-prod",
                seen: [CatalogVersionKey(model: "fraud-detector", version: "1"),
                       CatalogVersionKey(model: "fraud-detector", version: "2"),
                       CatalogVersionKey(model: "fraud-detector", version: "3")],
                tombstoneAfterMisses: 2, at: Self.t0.addingTimeInterval(Double(minutes) * 7200))
        }
        #expect(try Self.versions(cli, "--model", "churn").isEmpty)
        #expect(try Self.versions(cli, "--model", "churn", "--include-deleted") == ["mlflow-prod:churn@1"])
        let json = try cli.run("versions", "--catalog", cli.catalogPath, "--output", "json", "--include-deleted", "--model", "churn").json()
        #expect(json.array.first?["deleted"] == .bool(true))
    }

    @Test func versionJSONHasTheDocumentedShape() async throws {
        let cli = try await Self.seeded()
        let result = try cli.run("versions", "--catalog", cli.catalogPath, "--output", "json", "--alias", "champion")
        let version = try #require(try result.json().array.first)
        for key in [
            "registry", "kind", "model", "version", "description", "status", "lifecycle", "lifecycle_raw", "aliases",
            "tags", "source_uri", "artifact_digest", "run", "metrics", "created_at", "updated_at", "created_by", "deleted",
        ] {
            #expect(version[key] != nil, "missing \(key)")
        }
        #expect(version["aliases"]?.strings.sorted() == ["challenger", "champion"])
        #expect(version["tags"]?["team"]?.stringValue == "risk")
        #expect(version["created_at"]?.stringValue == "2026-09-21T14:13:20.000Z")
        #expect(version["raw"] == nil, "the native JSON belongs to `show`, not to listings")
    }

    @Test func modelsListsEveryModelWithItsVersionCount() async throws {
        let cli = try await Self.seeded()
        let json = try cli.run("models", "--catalog", cli.catalogPath, "--output", "json").json()
        let counts = Dictionary(uniqueKeysWithValues: json.array.map {
            ("\($0["registry"]?.stringValue ?? ""):\($0["name"]?.stringValue ?? "")", $0["version_count"]?.int64Value ?? -1)
        })
        #expect(counts == ["mlflow-prod:fraud-detector": 3, "mlflow-prod:churn": 1, "mlflow-dev:fraud-detector": 1])
        let searched = try cli.run("models", "--catalog", cli.catalogPath, "--output", "json", "--search", "card fraud").json()
        #expect(searched.array.compactMap { $0["registry"]?.stringValue } == ["mlflow-prod"])
        let table = try cli.run("models", "--catalog", cli.catalogPath, "--registry", "mlflow-dev")
        #expect(table.stdout.contains("mlflow-dev") && !table.stdout.contains("churn"))
    }

    @Test func showPrintsAVersionWithItsNativeJSONAndAModelWithItsVersions() async throws {
        let cli = try await Self.seeded()
        let version = try cli.run("show", "mlflow-prod:fraud-detector@3", "--catalog", cli.catalogPath, "--output", "json").json()
        #expect(version["version"]?.stringValue == "3")
        #expect(version["raw"]?["version"]?.stringValue == "3")
        #expect(version["lineage"]?.arrayValue != nil)
        let model = try cli.run("show", "mlflow-prod:fraud-detector", "--catalog", cli.catalogPath, "--output", "json").json()
        #expect(model["name"]?.stringValue == "fraud-detector")
        #expect(model["versions"]?.array.compactMap { $0["version"]?.stringValue } == ["1", "2", "3"])
        let text = try cli.run("show", "mlflow-prod:fraud-detector@3", "--catalog", cli.catalogPath)
        #expect(text.stdout.contains("challenger, champion"))
        let missing = try cli.run("show", "mlflow-prod:nope@1", "--catalog", cli.catalogPath)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: mlflow-prod:nope@1 is not in the catalog"))
    }

    @Test func historyShowsTheChampionMove() async throws {
        let cli = try await Self.seeded()
        let json = try cli.run(
            "history", "mlflow-prod:fraud-detector", "--alias", "champion", "--catalog", cli.catalogPath, "--output", "json"
        ).json()
        let moves = json.array.map { [$0["kind"]?.stringValue, $0["before"]?.stringValue, $0["after"]?.stringValue] }
        #expect(moves == [["alias_moved", nil, "2"], ["alias_moved", "2", "3"]])
        #expect(json.array.last?["at"]?.stringValue == "2026-09-21T15:13:20.000Z")
        let text = try cli.run("history", "mlflow-prod:fraud-detector", "--alias", "champion", "--catalog", cli.catalogPath)
        #expect(text.stdout.contains("champion moved from 2 to 3"))
        let since = try cli.run(
            "history", "mlflow-prod:fraud-detector", "--since", "2026-09-21T15:00:00Z", "--catalog", cli.catalogPath,
            "--output", "json"
        ).json()
        #expect(!since.array.isEmpty)
        #expect(since.array.allSatisfy { ($0["at"]?.stringValue ?? "") >= "2026-09-21T15:00:00Z" })
    }

    @Test func registriesListsConfiguredOnesAndCatalogOnesWithTheirLastSync() async throws {
        let cli = try await Self.seeded()
        try cli.writeConfig(
            """
            catalog: \(cli.catalogPath)
            registries:
              - {name: mlflow-prod, kind: mlflow, url: "http://127.0.0.1:5000/"}
            """)
        let json = try cli.run("registries", "--output", "json").json()
        let rows = Dictionary(uniqueKeysWithValues: json.array.map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(rows["mlflow-prod"]?["configured"] == .bool(true))
        #expect(rows["mlflow-prod"]?["endpoint"]?.stringValue == "http://127.0.0.1:5000")
        #expect(rows["mlflow-dev"]?["configured"] == .bool(false))
    }
}
