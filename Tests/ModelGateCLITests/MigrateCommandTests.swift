import Foundation
import ModelGateCore
import ModelGateTestKit
import Testing

/// `migrate plan|apply`, `conflicts`, `export` and `import` run as a user runs them, between the two real MLflow
/// servers `make test` starts (plain, and with basic auth).
@Suite(.enabled(
    if: PeerEnvironment.mlflowURL != nil && PeerEnvironment.mlflowAuthURL != nil, "needs both mlflow servers of make test"))
struct MigrateCommandTests {
    let cli: CLI
    let env: [String: String]

    init() throws {
        cli = try CLI()
        env = ["MG_PASSWORD": PeerEnvironment.mlflowAuthPassword ?? ""]
        let user = PeerEnvironment.mlflowAuthUser ?? "admin"
        try cli.writeConfig(
            """
            catalog: ./catalog.sqlite
            registries:
              - name: prod
                kind: mlflow
                url: \(PeerEnvironment.mlflowURL ?? "")
              - name: dr
                kind: mlflow
                url: \(PeerEnvironment.mlflowAuthURL ?? "")
                auth: {type: basic, username: \(user), password: "${MG_PASSWORD}"}
            """)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result { try cli.run(arguments: arguments, environment: env) }

    func post(_ registry: String, _ path: String, _ body: String) throws {
        let result = try run("request", registry, "POST", "/api/2.0/mlflow/\(path)", "--data", body)
        try #require(result.status == 0, "POST \(path): \(result.stderr)")
    }

    /// `model` in `registry` with versions 1…n (v2 holds `champion` when n ≥ 2).
    func seed(_ registry: String, _ model: String, versions: Int = 2) throws {
        try post(registry, "registered-models/create", #"{"name":"\#(model)","description":"fraud scoring"}"#)
        for i in 1...versions {
            try post(registry, "model-versions/create",
                #"{"name":"\#(model)","source":"s3://b/\#(model)/\#(i)","tags":[{"key":"auc","value":"0.9\#(i)"}]}"#)
        }
        if versions >= 2 { try post(registry, "registered-models/alias", #"{"name":"\#(model)","alias":"champion","version":"2"}"#) }
    }

    func versions(_ registry: String, _ model: String) throws -> [JSONValue] {
        let synced = try run("sync", registry, "--quiet")
        #expect(synced.status == 0, "\(synced.stderr)")
        let listed = try run("versions", "--registry", registry, "--model", model, "--output", "json")
        return try listed.json().array
    }

    @Test func planShowsTheCopyApplyMakesItAndASecondApplyIsANoOp() throws {
        let model = PeerEnvironment.unique("cli-mig")
        try seed("prod", model)
        let plan = try run("migrate", "plan", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases", "--out", "plan.json")
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ create model    \(model) → \(model)"))
        #expect(plan.stdout.contains("+ create version  \(model)@2 → \(model)@(new)"))
        #expect(plan.stdout.contains("~ set alias       champion → \(model)@(new)"))
        #expect(plan.stdout.contains("Plan: 3 to create, 1 to change, 0 conflict(s), 0 skipped."))
        let json = try run("migrate", "plan", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases", "--output", "json")
        #expect(json.status == 2)
        let document = try json.json()
        #expect(document["from"]?.stringValue == "prod:\(model)" && document["to"]?.stringValue == "dr")
        #expect(document["actions"]?.array.count == 4)

        let applied = try run("migrate", "apply", "plan.json")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Applied 4 of 4 actions to dr."))
        #expect(applied.stderr.contains("+ create version"))
        let copies = try versions("dr", model)
        #expect(copies.count == 2)
        #expect(copies.map { $0["tags"]?["modelgate.source"]?.stringValue } == ["prod:\(model)@1", "prod:\(model)@2"])
        #expect(copies.map { $0["tags"]?["auc"]?.stringValue } == ["0.91", "0.92"])
        #expect(copies[1]["aliases"]?.strings == ["champion"])

        // Again: the same plan file and the flags both find nothing to do, with any catalog.
        let again = try run("migrate", "apply", "plan.json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Nothing to do"))
        let replan = try run("migrate", "plan", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases",
            "--catalog", cli.directory.appendingPathComponent("fresh.sqlite").path)
        #expect(replan.status == 0, "\(replan.stdout)")
        #expect(replan.stdout.contains("No changes"))

        // `show` of the copy names its source (and the source names the copy) once both are synced.
        _ = try run("sync", "prod", "--quiet")
        let shown = try run("show", "dr:\(model)@2", "--output", "json")
        #expect(try shown.json()["migrated_from"]?.strings == ["prod:\(model)@2"])
        let source = try run("show", "prod:\(model)@2")
        #expect(source.stdout.contains("  migrated to    dr:\(model)@2"), "\(source.stdout)")
    }

    @Test func anAliasConflictExits2UntilForceMovesItAndTheChangeLogSaysSo() throws {
        let model = PeerEnvironment.unique("cli-alias")
        try seed("prod", model)
        try seed("dr", model, versions: 1)
        try post("dr", "registered-models/alias", #"{"name":"\#(model)","alias":"champion","version":"1"}"#)

        let plan = try run("migrate", "plan", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases")
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("! alias alias:champion"))
        let refused = try run("migrate", "apply", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("nothing was written"))
        #expect(try versions("dr", model).count == 1)

        let forced = try run("migrate", "apply", "--from", "prod:\(model)", "--to", "dr", "--copy-aliases", "--force")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("(moved from 1)"))
        let copies = try versions("dr", model)
        #expect(copies.count == 3)
        let holder = try #require(copies.first { $0["aliases"]?.strings == ["champion"] })
        #expect(holder["tags"]?["modelgate.source"]?.stringValue == "prod:\(model)@2")
        let history = try run("history", "dr:\(model)", "--alias", "champion", "--output", "json")
        let moves = try history.json().array
        #expect(moves.contains {
            $0["kind"]?.stringValue == "alias_moved" && $0["source"]?.stringValue == "migrate"
                && $0["before"]?.stringValue == "1" && $0["after"]?.stringValue == holder["version"]?.stringValue
        }, "\(moves)")
    }

    @Test func aPlanWhoseSourceChangedSinceIsRefused() throws {
        let model = PeerEnvironment.unique("cli-stale")
        try seed("prod", model, versions: 1)
        #expect(try run("migrate", "plan", "--from", "prod:\(model)", "--to", "dr", "--out", "plan.json").status == 2)
        try post("prod", "model-versions/create", #"{"name":"\#(model)","source":"s3://b/\#(model)/late"}"#)
        let stale = try run("migrate", "apply", "plan.json")
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("changed since plan"))
        #expect(stale.stderr.contains("\(model)@2"))
        #expect(try run("migrate", "apply", "nope.json").status == 1)
    }

    @Test func aTagChangedOnACopyBecomesAConflictThatResolveSettles() throws {
        let model = PeerEnvironment.unique("cli-conflict")
        try seed("prod", model, versions: 1)
        #expect(try run("migrate", "apply", "--from", "prod:\(model)", "--to", "dr").status == 0)
        try post("dr", "model-versions/set-tag", #"{"name":"\#(model)","version":"1","key":"auc","value":"0.5"}"#)
        let synced = try run("sync")
        #expect(synced.stderr.contains("new conflict(s)"), "\(synced.stderr)")
        let list = try run("conflicts", "list", "--output", "json")
        let conflict = try #require(try list.json().array.first {
            $0["model"]?.stringValue == model && $0["field"]?.stringValue == "tag:auc"
        })
        #expect(conflict["values"]?["prod"]?.stringValue == "0.91" && conflict["values"]?["dr"]?.stringValue == "0.5")
        let id = String(try #require(conflict["id"]?.int64Value))
        #expect(try run("conflicts", "show", id).stdout.contains("Resolve: modelgate conflicts resolve \(id)"))
        #expect(try run("conflicts", "resolve", id).status == 64)

        // The config names the model's source of truth: resolve takes its value without being told.
        let config = try String(contentsOf: cli.directory.appendingPathComponent("modelgate.yaml"), encoding: .utf8)
        try cli.writeConfig(config + "\nconflicts:\n  source_of_truth: {\(model): prod}\n")
        let resolved = try run("conflicts", "resolve", id)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.stdout.contains("resolved: took prod's value '0.91'"))
        #expect(try versions("dr", model).first?["tags"]?["auc"]?.stringValue == "0.91")
        let open = try run("conflicts", "--output", "json")
        #expect(try open.json().array.allSatisfy { String($0["id"]?.int64Value ?? 0) != id })
        let history = try run("history", "dr:\(model)", "--output", "json")
        #expect(try history.json().array.contains { $0["source"]?.stringValue == "resolve" && $0["field"]?.stringValue == "tag:auc" })
    }

    @Test func exportThenImportIntoAnEmptyRegistryGivesTheSameVersions() throws {
        let model = PeerEnvironment.unique("cli-bundle")
        try seed("prod", model, versions: 3)
        let originals = try versions("prod", model)
        let exported = try run("export", "--out", "bundle", "--registry", "prod", "--model", model)
        #expect(exported.status == 0, "\(exported.stderr)")

        let planned = try run("import", "bundle", "--to", "dr", "--plan", "--copy-aliases")
        #expect(planned.status == 2, "\(planned.stderr)")
        #expect(planned.stdout.contains("+ create version  \(model)@3"))
        let imported = try run("import", "bundle", "--to", "dr", "--copy-aliases")
        #expect(imported.status == 0, "\(imported.stderr)")
        let copies = try versions("dr", model)
        func essentials(_ v: JSONValue) -> String {
            let tags = (v["tags"]?.objectValue ?? [:]).filter { !$0.key.hasPrefix("modelgate.") }
            return "\(v["version"]?.stringValue ?? "") \(v["source_uri"]?.stringValue ?? "") \(v["aliases"]?.strings ?? []) "
                + "\(tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }) \(v["lifecycle"]?.stringValue ?? "")"
        }
        #expect(copies.map(essentials) == originals.map(essentials))
        #expect(copies.map { $0["tags"]?["modelgate.source"]?.stringValue } == (1...3).map { "prod:\(model)@\($0)" })
        let again = try run("import", "bundle", "--to", "dr", "--copy-aliases")
        #expect(again.status == 0)
        #expect(again.stdout.contains("Nothing to do"))
    }

    @Test func aBundleWithAChangedByteIsRefusedBeforeAnythingIsWritten() throws {
        let model = PeerEnvironment.unique("cli-badbundle")
        try seed("prod", model, versions: 1)
        _ = try run("sync", "prod", "--quiet")
        #expect(try run("export", "--out", "bundle", "--registry", "prod", "--model", model).status == 0)
        let file = cli.directory.appendingPathComponent("bundle/versions.jsonl")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "0.91", with: "0.99")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let refused = try run("import", "bundle", "--to", "dr")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("versions.jsonl"), "\(refused.stderr)")
        let listed = try run("request", "dr", "GET", "/api/2.0/mlflow/registered-models/get?name=\(model)")
        #expect(listed.status == 1, "the model must not exist in dr")
    }

    @Test func anMLflowExportImportDirectoryMovesIntoMLflow() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelGateServicesTests/Fixtures/mlflow-export-import/single").path
        let target = PeerEnvironment.unique("cli-wine")
        // Its versions point at the old server's local run directories: the plan says to map them.
        let blocked = try run("import", fixture, "--to", "prod", "--plan", "--model", "sklearn_wine", "--rename", target)
        #expect(blocked.stdout.contains("--artifact-map /opt/mlflow/"), "\(blocked.stdout)")
        let imported = try run(
            "import", fixture, "--to", "prod", "--model", "sklearn_wine", "--rename", target, "--from-registry", "old-mlflow",
            "--artifact-map", "/opt/mlflow/mlruns/=s3://migrated/mlruns/", "--copy-aliases", "--output", "json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try imported.json()["ok"]?.boolValue == true)
        let copies = try versions("prod", target)
        #expect(copies.count == 2)
        #expect(copies.map { $0["source_uri"]?.stringValue } == [
            "s3://migrated/mlruns/1/a1b2c3d4e5f60718293a4b5c6d7e8f90/artifacts/sklearn-model", "s3://models/wine/2",
        ])
        #expect(copies.allSatisfy { $0["tags"]?["modelgate.source"]?.stringValue?.hasPrefix("old-mlflow:sklearn_wine@") == true })
        #expect(copies.map { $0["aliases"]?.strings.sorted() } == [[], ["champion", "prod"]])
    }
}
