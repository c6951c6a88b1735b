import Foundation
import ModelGateCore
import ModelGateTestKit
import Testing

/// `modelgate sync` and `modelgate request` against the real peers `make test` starts: an `mlflow server`
/// (plain and with basic auth) and moto with SigV4 verification on. Skipped when the peers are not running.
@Suite(.peerPresent(PeerEnvironment.mlflowURL != nil, "needs MODELGATE_TEST_MLFLOW_URL (make test starts mlflow server)"), .peerRequired(PeerEnvironment.mlflowURL != nil, "needs MODELGATE_TEST_MLFLOW_URL (make test starts mlflow server)"))
struct MLflowCommandTests {
    let cli: CLI

    init() throws {
        cli = try CLI()
        try cli.writeConfig(
            """
            catalog: ./catalog.sqlite
            sync: {tombstone_after_misses: 2}
            registries:
              - name: mlflow-local
                kind: mlflow
                url: \(PeerEnvironment.mlflowURL ?? "")
                page_size: 2
              - name: mlflow-down
                kind: mlflow
                url: http://127.0.0.1:9
                retry: {max_attempts: 2, base: 10ms, cap: 20ms}
                timeout: {connect: 2s, total: 5s}
            """)
    }

    /// POSTs to the MLflow REST API through `modelgate request` (which is also under test here).
    func post(_ path: String, _ body: String) throws {
        let result = try cli.run("request", "mlflow-local", "POST", "/api/2.0/mlflow/\(path)", "--data", body)
        try #require(result.status == 0, "POST \(path): \(result.stderr)")
    }

    func versionsJSON(_ model: String, _ extra: String...) throws -> [JSONValue] {
        let result = try cli.run(arguments: ["versions", "--model", model, "--output", "json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.json().array
    }

    @Test func syncFillsTheCatalogAndHistoryShowsTheAliasMove() throws {
        let model = PeerEnvironment.unique("cli-fraud")
        try post("registered-models/create", #"{"name":"\#(model)","tags":[{"key":"team","value":"risk"}]}"#)
        for i in 1...3 {
            try post("model-versions/create", #"{"name":"\#(model)","source":"s3://b/\#(model)/\#(i)"}"#)
        }
        try post("registered-models/alias", #"{"name":"\#(model)","alias":"champion","version":"2"}"#)

        let first = try cli.run("sync", "mlflow-local", "--output", "json")
        #expect(first.status == 0, "\(first.stderr)")
        let report = try first.json()
        #expect(report["ok"] == .bool(true))
        let registry = try #require(report["registries"]?.array.first)
        #expect(registry["status"]?.stringValue == "ok")
        #expect(registry["complete"] == .bool(true))
        #expect((registry["created"]?.int64Value ?? 0) >= 3)
        #expect((registry["requests"]?.int64Value ?? 0) >= 3)
        #expect(try versionsJSON(model).compactMap { $0["version"]?.stringValue } == ["1", "2", "3"])
        #expect(try versionsJSON(model, "--alias", "champion").compactMap { $0["version"]?.stringValue } == ["2"])

        try post("registered-models/alias", #"{"name":"\#(model)","alias":"champion","version":"3"}"#)
        try post(
            "model-versions/transition-stage",
            #"{"name":"\#(model)","version":"3","stage":"Production","archive_existing_versions":false}"#)
        #expect(try cli.run("sync", "--quiet", "mlflow-local").status == 0)
        let history = try cli.run("history", "mlflow-local:\(model)", "--alias", "champion", "--output", "json").json()
        #expect(
            history.array.map { [$0["before"]?.stringValue, $0["after"]?.stringValue] } == [[nil, "2"], ["2", "3"]])
        #expect(try versionsJSON(model, "--lifecycle", "production").compactMap { $0["version"]?.stringValue } == ["3"])
        let text = try cli.run("history", "mlflow-local:\(model)", "--alias", "champion")
        #expect(text.stdout.contains("champion moved from 2 to 3"))

        // A sync with nothing changed for this model adds nothing to its history.
        let before = try cli.run("history", "mlflow-local:\(model)", "--output", "json").json().array.count
        #expect(try cli.run("sync", "--quiet", "mlflow-local").status == 0)
        #expect(try cli.run("history", "mlflow-local:\(model)", "--output", "json").json().array.count == before)
    }

    @Test func oneUnreachableRegistryFailsAloneAndTheExitCodeIs1() throws {
        let model = PeerEnvironment.unique("cli-iso")
        try post("registered-models/create", #"{"name":"\#(model)"}"#)
        try post("model-versions/create", #"{"name":"\#(model)","source":"s3://b/x"}"#)
        let result = try cli.run("sync", "--output", "json")
        #expect(result.status == 1)
        let report = try result.json()
        #expect(report["ok"] == .bool(false))
        let rows = Dictionary(uniqueKeysWithValues: report["registries"]!.array.map { ($0["registry"]!.stringValue!, $0) })
        #expect(rows["mlflow-local"]?["status"]?.stringValue == "ok")
        #expect(rows["mlflow-down"]?["status"]?.stringValue == "failed")
        let message = rows["mlflow-down"]?["errors"]?.array.first?["message"]?.stringValue ?? ""
        #expect(message.contains("mlflow-down"))
        #expect(try versionsJSON(model).count == 1, "the healthy registry committed")
        let registries = try cli.run("registries", "--output", "json").json().array
        #expect(registries.first { $0["name"]?.stringValue == "mlflow-down" }?["last_sync_status"]?.stringValue == "failed")
    }

    @Test func progressGoesToStderrAndTheTableToStdout() throws {
        let result = try cli.run("sync", "mlflow-local")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("REGISTRY"))
        #expect(result.stderr.contains("mlflow-local: ok"))
        let quiet = try cli.run("sync", "mlflow-local", "--quiet")
        #expect(quiet.stderr.isEmpty)
    }
}

@Suite(.peerPresent(PeerEnvironment.mlflowAuthURL != nil, "needs the basic-auth mlflow server of make test"), .peerRequired(PeerEnvironment.mlflowAuthURL != nil, "needs the basic-auth mlflow server of make test"))
struct MLflowBasicAuthRequestTests {
    let password = PeerEnvironment.mlflowAuthPassword ?? ""
    let user = PeerEnvironment.mlflowAuthUser ?? "admin"

    func cli() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(
            """
            registries:
              - name: mlflow-auth
                kind: mlflow
                url: \(PeerEnvironment.mlflowAuthURL ?? "")
                auth: {type: basic, username: \(user), password: "${MG_PASSWORD}"}
            """)
        return cli
    }

    @Test func theRightPasswordGetsJSONAndAWrongOneAClear401WithoutTheSecret() throws {
        let cli = try cli()
        let ok = try cli.run(
            "request", "mlflow-auth", "GET", "/api/2.0/mlflow/registered-models/search?max_results=5",
            environment: ["MG_PASSWORD": password])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect((try? JSONValue.parse(Data(ok.stdout.utf8))) != nil)

        let wrong = "wrong-\(UUID().uuidString)"
        let denied = try cli.run(
            "request", "mlflow-auth", "GET", "/api/2.0/mlflow/registered-models/search", environment: ["MG_PASSWORD": wrong])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("mlflow-auth"))
        #expect(denied.stderr.contains("401"))
        #expect(!denied.stderr.contains(wrong) && !denied.stdout.contains(wrong))
    }

    @Test func dryRunShowsTheRequestWithTheCredentialsMasked() throws {
        let cli = try cli()
        let result = try cli.run(
            "request", "mlflow-auth", "GET", "/api/2.0/mlflow/registered-models/search?max_results=5", "--dry-run",
            environment: ["MG_PASSWORD": password])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "GET \(PeerEnvironment.mlflowAuthURL ?? "")/api/2.0/mlflow/registered-models/search?max_results=5")
        #expect(lines.contains("Authorization: Basic ***"))
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        #expect(!result.stdout.contains(password) && !result.stdout.contains(basic))
    }
}

@Suite(.peerPresent(PeerEnvironment.motoURL != nil, "needs MODELGATE_TEST_MOTO_URL (make test starts moto)"), .peerRequired(PeerEnvironment.motoURL != nil, "needs MODELGATE_TEST_MOTO_URL (make test starts moto)"))
struct SageMakerRequestTests {
    let keyID = PeerEnvironment.awsAccessKeyID ?? ""
    let secret = PeerEnvironment.awsSecretAccessKey ?? ""

    func cli() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(
            """
            registries:
              - name: sm-us
                kind: sagemaker
                region: us-east-1
                endpoint: \(PeerEnvironment.motoURL ?? "")
                auth: {type: aws, access_key_id: "${MG_KEY}", secret_access_key: "${MG_SECRET}"}
            """)
        return cli
    }

    @Test func listsModelPackageGroupsWithSigV4() throws {
        let cli = try cli()
        let group = PeerEnvironment.unique("cli-group")
        let env = ["MG_KEY": keyID, "MG_SECRET": secret]
        let created = try cli.run(
            "request", "sm-us", "POST", "/", "--header", "X-Amz-Target: SageMaker.CreateModelPackageGroup",
            "--data", #"{"ModelPackageGroupName":"\#(group)"}"#, environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try cli.run(
            "request", "sm-us", "POST", "/", "--header", "X-Amz-Target: SageMaker.ListModelPackageGroups", "--data", "{}",
            "--output", "json", environment: env)
        #expect(listed.status == 0, "\(listed.stderr)")
        let names = try listed.json()["ModelPackageGroupSummaryList"]?.array.compactMap { $0["ModelPackageGroupName"]?.stringValue }
        #expect(names?.contains(group) == true)
    }

    @Test func aWrongSecretPrintsMotosXML403ClearlyAndExits1() throws {
        let cli = try cli()
        let wrong = "wrong\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        let result = try cli.run(
            "request", "sm-us", "POST", "/", "--header", "X-Amz-Target: SageMaker.ListModelPackageGroups", "--data", "{}",
            environment: ["MG_KEY": keyID, "MG_SECRET": wrong])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: sm-us: SageMaker.ListModelPackageGroups failed (HTTP 403)"), "\(result.stderr)")
        #expect(result.stderr.contains("SignatureDoesNotMatch"))
        #expect(!result.stderr.contains("<"), "the XML is parsed, not dumped")
        #expect(!result.stderr.contains(wrong))
    }

    @Test func dryRunShowsTheSigV4AuthorizationAndDateButNoSecret() throws {
        let cli = try cli()
        let result = try cli.run(
            "request", "sm-us", "POST", "/", "--header", "X-Amz-Target: SageMaker.ListModelPackageGroups", "--data", "{}",
            "--dry-run", environment: ["MG_KEY": keyID, "MG_SECRET": secret])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "POST \(PeerEnvironment.motoURL ?? "")/")
        #expect(lines.contains("Content-Type: application/x-amz-json-1.1"), "SageMaker's Content-Type is added")
        #expect(lines.contains { $0.hasPrefix("X-Amz-Date: ") && $0.count == "X-Amz-Date: 20261127T000000Z".count })
        #expect(lines.contains { $0.hasPrefix("Authorization: AWS4-HMAC-SHA256 Credential=\(keyID)/") })
        #expect(result.stdout.hasSuffix("\n\n{}\n"), "a blank line, then the body")
        #expect(!result.stdout.contains(secret))
    }
}
