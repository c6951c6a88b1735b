import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServer
import ModelGateServices
import Testing

/// Registries whose adapter fails with an error whose text must not reach a client.
struct LeakyOperations: ServerOperations {
    struct LeakyError: Error, CustomStringConvertible {
        var description: String { "sqlite3 at /var/lib/modelgate/secret-catalog.sqlite: disk I/O error" }
    }
    var registryNames: [String] { ["a", "b"] }
    var syncOptions: SyncOptions { SyncOptions() }
    var tagOwners: [String: String] { [:] }
    func registryInfo(_ name: String) -> RegistryInfo? { RegistryInfo(name: name, kind: .mlflow, endpoint: nil) }
    func adapter(_ name: String) throws -> (
        adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?
    ) {
        throw LeakyError()
    }
}

/// The audit log and the answers' errors and headers (issue 15, items 5 and 7).
@Suite("Server hardening: audit log, errors, headers, tokens")
struct ServerHardeningTests {
    // MARK: Item 5: the audit log

    /// Item 5: unauthenticated writes to paths that route nowhere leave no row; routed or authenticated ones do.
    @Test func unauthenticatedFloodToRandomPathsIsNotAudited() async throws {
        let catalog = try await Fixture.catalog()
        try await withServer(catalog: catalog, tokens: TestTokens.entries) { client, _ in
            for index in 0..<40 {
                let answer = try await client.call(.post, "/random/\(index)/\(UUID().uuidString)", body: "{}")
                #expect(answer.status == 401)
                _ = try await client.call(.put, "/api/v1/nothing-\(index)", token: "not-a-token", body: "{}")
                _ = try await client.call(.delete, "//api/v1/sync", body: "{}")
            }
            #expect(try await catalog.auditCount() == 0)
            // A routed write without a valid token is audited (someone tried to sync).
            #expect(try await client.call(.post, "/api/v1/sync", token: "not-a-token", body: "{}").status == 401)
            // An authenticated write to a path that routes nowhere is audited under its token.
            #expect(try await client.call(.post, "/api/v1/nothing", token: TestTokens.operatorToken, body: "{}").status == 404)
        }
        let rows = try await catalog.auditLog()
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.map(\.path) == ["/api/v1/nothing", "/api/v1/sync"])
        #expect(rows.map(\.tokenName) == ["ci-bot", "anonymous"])
    }

    /// Item 5: without tokens, writes to unknown paths are not audited either; writes to routes are (refused).
    @Test func withoutTokensOnlyRoutedWritesAreAudited() async throws {
        let catalog = try await Fixture.catalog()
        try await withServer(catalog: catalog) { client, _ in
            for index in 0..<20 {
                let answer = try await client.call(.post, "/x/\(index)", body: "{}")
                #expect(answer.status == 404)
            }
            #expect(try await catalog.auditCount() == 0)
            #expect(try await client.call(.post, "/api/v1/sync", body: "{}").status == 403)
        }
        #expect(try await catalog.auditCount() == 1)
    }

    /// Item 5: the stored path is cut to 512 characters.
    @Test func auditedPathIsTruncated() async throws {
        let catalog = try await Fixture.catalog()
        let long = "/api/v1/" + String(repeating: "x", count: 5000)
        try await withServer(catalog: catalog, tokens: TestTokens.entries) { client, _ in
            let answer = try await client.call(.post, long, token: TestTokens.admin, body: "{}")
            #expect(answer.status == 404)
        }
        let row = try #require(try await catalog.auditLog().first)
        #expect(row.path.count == AuditEntry.maxPathLength)
        #expect(row.path.hasPrefix("/api/v1/xxx"))
        #expect(row.path.hasSuffix("…"))
        let direct = try await catalog.recordAudit(
            AuditEntry(at: Date(), tokenName: "t", role: nil, method: "POST", path: long, status: 404))
        #expect(direct.path.count == 512)
    }

    /// Item 5: rows older than `server.audit_retention_days` are deleted when the server starts and, after that,
    /// when a write is audited (at most hourly).
    @Test func auditRetentionPrunesOldRows() async throws {
        let catalog = try await Fixture.catalog()
        let day: TimeInterval = 86_400
        for age in [200.0, 100, 40, 10, 1] {
            _ = try await catalog.recordAudit(
                AuditEntry(at: Date().addingTimeInterval(-age * day), tokenName: "old-\(Int(age))", role: "admin",
                           method: "POST", path: "/api/v1/sync", status: 202))
        }
        // At start: the default keeps 90 days.
        let server = try GatewayServer(catalog: catalog, tokens: TestTokens.entries, operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        await live.stop()
        #expect(try await catalog.auditLog().map(\.tokenName) == ["old-1", "old-10", "old-40"])
        // On insert: a 30-day server prunes when it audits its first write.
        try await withServer(
            catalog: catalog, tokens: TestTokens.entries, limits: ServerLimits(auditRetentionDays: 30)
        ) { client, _ in
            let answer = try await client.call(.post, "/api/v1/sync", token: TestTokens.reader, body: "{}")
            #expect(answer.status == 403)
        }
        #expect(try await catalog.auditLog().map(\.tokenName) == ["viewer", "old-1", "old-10"])
        #expect(try await catalog.pruneAudit(before: Date().addingTimeInterval(-5 * day)) == 1)
    }

    // MARK: Item 7: errors and headers

    /// Item 7: an unexpected error answers a 500 naming a request id (also in `X-Request-Id`), never its text.
    @Test func internalErrorsNameOnlyARequestID() async throws {
        try await withServer(
            catalog: try await Fixture.catalog(), tokens: TestTokens.entries, operations: LeakyOperations()
        ) { client, _ in
            let answer = try await client.call(
                .post, "/api/v1/migrations/plan", token: TestTokens.operatorToken, body: #"{"from":"a","to":"b"}"#)
            #expect(answer.status == 500)
            let leaked = answer.text.contains("sqlite") || answer.text.contains("/var/lib") || answer.text.contains("LeakyError")
            #expect(!leaked, "\(answer.text)")
            let id = try #require(answer.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id.count == 16)
            #expect(answer.error["code"] as? String == "internal")
            #expect(answer.error["message"] as? String == "internal error (request id \(id))")
            // Each request has its own id.
            let again = try await client.call(.get, "/api/v1/versions", token: TestTokens.reader)
            #expect(again.headers[HTTPField.Name("X-Request-Id")!].map { $0 != id && $0.count == 16 } == true)
        }
    }

    /// Item 7: every answer says `nosniff`; HTML pages carry a script-free CSP that forbids framing.
    @Test func everyAnswerCarriesSecurityHeaders() async throws {
        try await withServer(catalog: try await Fixture.catalog(), tokens: TestTokens.entries) { client, _ in
            let answers = [
                try await client.call(.get, "/", token: TestTokens.reader),
                try await client.call(.get, "/ui/version?registry=mlflow-prod&model=fraud-detector&version=10", token: TestTokens.reader),
                try await client.call(.get, "/api/v1/versions", token: TestTokens.reader),
                try await client.call(.get, "/api/v1/versions"),
                try await client.call(.get, "/nothing", token: TestTokens.reader),
                try await client.call(.get, "/healthz"),
                try await client.call(.get, "/metrics"),
                try await client.call(.get, "/api/2.0/mlflow/registered-models/get?name=x.y", token: TestTokens.reader),
            ]
            for answer in answers {
                #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(answer.status)")
                let policy = answer.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("frame-ancestors 'none'"), "\(answer.status): \(policy)")
                #expect(policy.contains("default-src 'none'"))
                #expect(!policy.contains("script-src"))
            }
            let page = answers[0]
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("style-src 'unsafe-inline'") == true)
        }
    }

    /// Item 7: a token shorter than 16 characters is refused when the server is built, and the error does not
    /// print it; a `token_sha256` entry is not checked.
    @Test func shortTokensAreRefusedAtStart() throws {
        let short = ServerToken(name: "ci-bot", role: .operator, secret: .token("hunter2-secret"))
        let error = try #require(throws: ServerSetupError.self) {
            try GatewayServer(catalog: try CatalogDatabase.inMemory(), tokens: [short], operations: StubOperations(registries: [:]))
        }
        #expect(error.description.contains("ci-bot"))
        #expect(!error.description.contains("hunter2"))
        #expect(throws: ServerSetupError.self) { try TokenStore([ServerToken(name: "empty", role: .reader, secret: .token(""))]) }
        _ = try TokenStore([ServerToken(name: "hashed", role: .reader, secret: .sha256(TestTokens.readerSHA256))])
        _ = try TokenStore([ServerToken(name: "long", role: .reader, secret: .token(String(repeating: "k", count: 16)))])
    }
}

/// Item 7: the pages still render in Chromium under their content security policy, without a violation.
@Suite("Headless Chromium under the CSP", .enabled(if: chromiumPath != nil, "chromium is not installed (apt-get install chromium)"))
struct ChromiumPolicyTests {
    @Test func pagesRenderWithoutPolicyViolations() async throws {
        let server = try GatewayServer(
            catalog: try await Fixture.catalog(), tokens: [], operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        do {
            for path in ["/", "/ui/model?registry=mlflow-prod&model=fraud-detector",
                         "/ui/version?registry=mlflow-prod&model=fraud-detector&version=10", "/conflicts"] {
                let profile = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-csp-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: profile) }
                var environment = ProcessInfo.processInfo.environment
                environment["HOME"] = profile.path
                let result = try await runProcess(
                    try #require(chromiumPath),
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--dump-dom",
                        live.baseURL + path,
                    ], environment: environment)
                #expect(result.status == 0, "\(path): \(result.stderr.suffix(1000))")
                #expect(result.stdout.contains("<main>"), "\(path) did not render")
                let violation = result.stderr.contains("Content Security Policy") || result.stderr.contains("Refused to")
                #expect(!violation, "\(path): \(result.stderr.suffix(2000))")
            }
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
