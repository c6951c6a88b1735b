import Foundation
import ModelGateCore
import Testing

/// `modelgate demo`: the embedded default runs end to end, prints what it promises and serves the catalog.
@Suite("modelgate demo", .serialized)
struct DemoCommandTests {
    @Test func noServePrintsTheCatalogLineageReportAndPlanAndExits0() throws {
        let cli = try CLI()
        let result = try cli.run("demo", "--no-serve")
        #expect(result.status == 0, "\(result.stderr)")
        // Everything on stdout but the times matches the checked-in file (regenerate it with
        // MODELGATE_UPDATE_FIXTURES=1 when the output changes on purpose; see ExpectedOutput).
        let stdout = ExpectedOutput.sortTimedRows(ExpectedOutput.normalizeTimes(result.stdout))
        try ExpectedOutput.expectMatches(stdout, fixture: "demo-no-serve.txt")
        // The copies ModelGate made, in the one catalog view.
        #expect(result.stdout.contains("# One catalog: 15 versions in 6 registries"))
        // The Vertex copy's lineage reaches the MLflow run, its dataset and its commit.
        #expect(result.stdout.contains("migrated_from → mlflow:fraud-detector@3"))
        #expect(result.stdout.contains("used → dataset transactions-2026q3@9f2c41d0"))
        #expect(result.stdout.contains("built_from → commit c71d5e0"))
        #expect(result.stdout.contains("# ModelGate catalog report"))
        #expect(result.stdout.contains("vertex:fraud-detector@1 ← sagemaker:fraud-detector@1 ← mlflow:fraud-detector@3"))
        #expect(result.stdout.contains("Migration plan"))
        #expect(result.stdout.contains("+ create version  fraud-detector@4 → fraud-detector@(new)"))
        #expect(result.stderr.contains("==> Syncing all six registries"))
        // Issue 15 item 20: the simulators' address is labelled as such, and no file copy is claimed.
        #expect(result.stderr.contains("Simulated registries (stand-ins for the six registries' APIs, not the page to open)"))
        #expect(!result.stderr.contains("replicated"))
        #expect(result.stderr.contains("copies none"))
    }

    @Test func itServesTheCatalogUntilInterrupted() async throws {
        let cli = try CLI()
        let demo = try cli.launch(arguments: ["demo", "--port", "0"])
        defer { demo.send(SIGKILL) }
        // The URL appears on stderr once the server listens.
        let pattern = /open (http:\/\/127\.0\.0\.1:[0-9]+)\//
        _ = try await demo.waitForStderr(seconds: 120) { $0.firstMatch(of: pattern) != nil }
        let seen = demo.stderr
        let url = seen.firstMatch(of: pattern).map { String($0.1) }
        let base = try #require(url, "no URL in: \(seen.suffix(500))")
        // The one URL offered to open is the web page's; the server's own info log stays out of the demo's output.
        #expect(seen.contains("==> ModelGate's web page: open \(base)/"))
        #expect(!seen.contains(" info "), "\(seen)")
        let versions = try curl(base + "/api/v1/versions?limit=100")
        let items = try #require(try JSONValue.parse(Data(versions.utf8))["items"]?.arrayValue)
        #expect(items.count == 15)
        let page = try curl(base + "/")
        #expect(page.contains("fraud-detector") && page.contains("<table"))
        let mlflowAPI = try curl(base + "/api/2.0/mlflow/registered-models/get?name=sagemaker.fraud-detector")
        #expect(mlflowAPI.contains("\"sagemaker.fraud-detector\""))
        demo.send(SIGINT)
        #expect(await demo.exit() == 0, "Ctrl-C ends the demo cleanly")
    }

    func curl(_ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "20", url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
