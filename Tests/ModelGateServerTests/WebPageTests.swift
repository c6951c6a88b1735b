import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateCatalog
@testable import ModelGateServer
import ModelGateTestKit
import Testing

@Suite("Web pages")
struct WebPageTests {
    @Test func pagesRenderWithoutScripts() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let catalog = try await client.call(.get, "/?lifecycle=production")
            #expect(catalog.status == 200)
            #expect(catalog.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(catalog.text.contains(#"data-ref="mlflow-prod:fraud-detector@10""#))
            #expect(!catalog.text.contains(#"data-ref="mlflow-prod:churn@2""#))
            #expect(!catalog.text.lowercased().contains("<script"))
            #expect(!catalog.text.contains("http://") && !catalog.text.contains("https://"))
            let search = try await client.call(.get, "/?search=churn")
            #expect(search.text.components(separatedBy: "class=\"version-row").count - 1 == 2)
            let paged = try await client.call(.get, "/?limit=3")
            #expect(paged.text.contains("rel=\"next\""))
            let models = try await client.call(.get, "/models")
            #expect(models.text.components(separatedBy: "class=\"model-row\"").count - 1 == 3)
            let model = try await client.call(.get, "/ui/model?registry=mlflow-prod&model=fraud-detector")
            #expect(model.status == 200)
            #expect(model.text.components(separatedBy: "class=\"version-row").count - 1 == 3)
            #expect(model.text.contains("class=\"alias-row\""))
            #expect(model.text.contains("alias:champion"))
            #expect(model.text.contains(#"class="copy-row" data-ref="sm-us:fraud-detector@1""#))
            let version = try await client.call(.get, "/ui/version?registry=mlflow-prod&model=fraud-detector&version=10")
            #expect(version.status == 200)
            #expect(version.text.contains("<svg id=\"lineage-graph\""))
            #expect(version.text.contains("version:sm-us:fraud-detector@1"))
            #expect(version.text.contains("run:mlflow-prod:run-c"))
            let conflicts = try await client.call(.get, "/conflicts")
            #expect(conflicts.text.components(separatedBy: "class=\"conflict-row\"").count - 1 == 1)
            #expect(try await client.call(.get, "/ui/model?registry=mlflow-prod&model=nope").status == 404)
            #expect(try await client.call(.get, "/?lifecycle=bad").status == 400)
        }
    }

    @Test func textIsEscaped() {
        #expect(HTML.escape("<b>\"x\" & 'y'</b>") == "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;")
    }
}

/// Headless Chromium loads the pages from a running server; the rendered DOM has the expected rows.
@Suite("Headless Chromium", .peerPresent(chromiumPath != nil, "chromium is not installed (apt-get install chromium)"), .peerRequired(chromiumPath != nil, "chromium is not installed (apt-get install chromium)"))
struct ChromiumTests {
    static let screenshots = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-serve-screenshots")

    func chromium(_ arguments: [String]) async throws -> ProcessResult {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        return try await runProcess(
            try #require(chromiumPath),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--window-size=1400,1000",
            ] + arguments, environment: environment)
    }

    @Test func catalogAndModelPagesInChromium() async throws {
        let server = try GatewayServer(
            catalog: try await Fixture.catalog(), tokens: [], operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        do {
            let catalog = try await chromium(["--dump-dom", live.baseURL + "/"])
            #expect(catalog.status == 0, "\(catalog.stderr.suffix(2000))")
            #expect(catalog.stdout.components(separatedBy: "class=\"version-row").count - 1 == 7, "\(catalog.stdout.prefix(3000))")
            for ref in ["mlflow-prod:fraud-detector@10", "mlflow-prod:churn@2", "sm-us:fraud-detector@1"] {
                #expect(catalog.stdout.contains("data-ref=\"\(ref)\""), "missing row \(ref)")
            }
            let modelURL = live.baseURL + "/ui/model?registry=mlflow-prod&model=fraud-detector"
            let model = try await chromium(["--dump-dom", modelURL])
            #expect(model.status == 0)
            #expect(model.stdout.contains("<h1>mlflow-prod:fraud-detector</h1>"))
            #expect(model.stdout.components(separatedBy: "class=\"version-row").count - 1 == 3)
            #expect(model.stdout.contains("class=\"alias-row\""))
            try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
            for (name, url) in [("catalog.png", live.baseURL + "/"), ("model.png", modelURL)] {
                let file = Self.screenshots.appendingPathComponent(name)
                try? FileManager.default.removeItem(at: file)
                let shot = try await chromium(["--screenshot=\(file.path)", url])
                #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                #expect(size > 10_000, "screenshot \(file.path) has \(size) bytes")
            }
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
