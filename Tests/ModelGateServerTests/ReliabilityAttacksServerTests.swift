import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateCatalog
import ModelGateConfig
import ModelGateServer
import Testing

/// Hostile requests to `modelgate serve` (issue 15, items 1–3), each failing before its fix.
@Suite("Reliability: attacks — server")
struct ReliabilityAttacksServerTests {
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Runs `body` against a live server on 127.0.0.1 (a real socket, so paths and Host headers go out raw).
    static func withLiveServer(
        tokens: [ServerToken], _ body: @Sendable (LiveServer, CatalogDatabase) async throws -> Void
    ) async throws {
        let catalog = try await Fixture.catalog()
        let server = try GatewayServer(catalog: catalog, tokens: tokens, operations: StubOperations(registries: [:]))
        let live = try await LiveServer.start(server)
        do {
            try await body(live, catalog)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    // MARK: Item 1: LIKE patterns

    /// Item 1: `name LIKE '%%%%%%%%%%%%%%%%%%%%%%%%!'` held a worker for 20 s as a backtracking regex; it now
    /// answers at once, and correctly. (The time limit only stops a hang; nothing is timed.)
    @Test(.timeLimit(.minutes(1)))
    func regexBlowUpLikePatternAnswersAtOnce() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let percents = String(repeating: "%", count: 24)
            let none = try await client.call(
                .get, "/api/2.0/mlflow/registered-models/search?filter=" + Self.query("name LIKE '\(percents)!'"))
            #expect(none.status == 200, "\(none.text)")
            #expect((none.object["registered_models"] as? [Any])?.isEmpty == true, "\(none.text)")
            let some = try await client.call(
                .get, "/api/2.0/mlflow/registered-models/search?filter=" + Self.query("name LIKE '\(percents)detector'"))
            let names = (some.object["registered_models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.sorted() == ["mlflow-prod.fraud-detector", "sm-us.fraud-detector"], "\(some.text)")
            let versions = try await client.call(
                .get, "/api/2.0/mlflow/model-versions/search?filter=" + Self.query("name ILIKE '\(percents)_\(percents)!'"))
            #expect(versions.status == 200)
            #expect((versions.object["model_versions"] as? [Any])?.isEmpty == true, "\(versions.text)")
        }
    }

    /// Item 1: the pattern length is capped with MLflow's own 400 error.
    @Test func regexBlowUpOverlongLikePatternIsRefused() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let pattern = String(repeating: "%a", count: 300)
            for path in ["registered-models/search", "model-versions/search"] {
                let answer = try await client.call(
                    .get, "/api/2.0/mlflow/\(path)?filter=" + Self.query("name LIKE '\(pattern)'"))
                #expect(answer.status == 400, "\(path): \(answer.text.prefix(300))")
                #expect(answer.object["error_code"] as? String == "INVALID_PARAMETER_VALUE")
                #expect((answer.object["message"] as? String)?.contains("at most") == true)
            }
        }
    }

    /// Item 1: the rest of the filter is scanned, not matched by a regex: quote- and space-heavy clauses, AND inside
    /// a quoted value, several LIKE clauses (each must hold).
    @Test(.timeLimit(.minutes(1)))
    func regexBlowUpFilterGrammarIsLinear() async throws {
        try await withServer(catalog: try await Fixture.catalog()) { client, _ in
            let quotes = "name = '" + String(repeating: "' ", count: 1500) + "x"
            let unterminated = try await client.call(
                .get, "/api/2.0/mlflow/registered-models/search?filter=" + Self.query(quotes))
            #expect(unterminated.status == 400)
            #expect(unterminated.object["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            let tooLong = try await client.call(
                .get, "/api/2.0/mlflow/registered-models/search?filter=" + Self.query(String(repeating: " ", count: 5000) + "name = 'x'"))
            #expect(tooLong.status == 400)
            let both = try await client.call(
                .get,
                "/api/2.0/mlflow/registered-models/search?filter="
                    + Self.query("name LIKE 'mlflow-prod.%' AND name LIKE '%detector' and tags.`team` != 'growth'"))
            let names = (both.object["registered_models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["mlflow-prod.fraud-detector"], "\(both.text)")
            let quotedAnd = try await client.call(
                .get, "/api/2.0/mlflow/registered-models/search?filter=" + Self.query("name = 'a AND b'"))
            #expect(quotedAnd.status == 200, "\(quotedAnd.text)")
        }
    }

    // MARK: Item 2: the role check on the matched route

    /// Item 2: with a reader token, `//api/v1/audit` and `/api/v1//audit` returned the admin-only audit log.
    /// Non-canonical paths are now refused before routing, and roles are checked on the matched route.
    @Test func roleCheckOnRawPathNonCanonicalPathsAreRefused() async throws {
        try await Self.withLiveServer(tokens: TestTokens.entries) { live, _ in
            let reader = ["Authorization": "Bearer \(TestTokens.reader)"]
            let admin = ["Authorization": "Bearer \(TestTokens.admin)"]
            // The raw client does reach the audit log with the right token, and the reader is refused there.
            #expect(try await RawHTTPClient.send(port: live.port, target: "/api/v1/audit", headers: admin).status == 200)
            #expect(try await RawHTTPClient.send(port: live.port, target: "/api/v1/audit", headers: reader).status == 403)
            for target in [
                "//api/v1/audit", "/api/v1//audit", "/api//v1/audit", "/api/v1/audit/", "/api/v1/./audit",
                "/api/v1/x/../audit", "/api/v1/%2e%2e/v1/audit", "/api/v1%2Faudit", "/api/v1/audit%2f", "///api/v1/audit?limit=5",
            ] {
                let answer = try await RawHTTPClient.send(port: live.port, target: target, headers: reader)
                #expect([400, 404].contains(answer.status), "\(target): \(answer.status) \(answer.body.prefix(200))")
                #expect(!answer.body.contains("token_name"), "\(target) leaked the audit log")
                // Not even the admin reaches a route through a non-canonical path.
                let asAdmin = try await RawHTTPClient.send(port: live.port, target: target, headers: admin)
                #expect([400, 404].contains(asAdmin.status), "\(target) as admin: \(asAdmin.status)")
            }
            // Writes too: an operator cannot reach an admin-only write, and a reader cannot sync, by any spelling.
            for target in ["//api/v1/sync", "/api/v1//sync"] {
                let answer = try await RawHTTPClient.send(
                    port: live.port, method: "POST", target: target, headers: reader, body: "{}")
                #expect([400, 404].contains(answer.status), "\(target): \(answer.status)")
            }
        }
    }

    /// Item 2: the role comes from the route that matched, whatever the path string looked like.
    @Test func roleCheckOnRawPathUsesTheMatchedRoute() async throws {
        try await withServer(catalog: try await Fixture.catalog(), tokens: TestTokens.entries) { client, _ in
            let disguised = try await client.call(.get, "/api/v1/audit?x=/api/v1/versions", token: TestTokens.reader)
            #expect(disguised.status == 403)
            #expect(try await client.call(.get, "/api/v1/audit", token: TestTokens.operatorToken).status == 403)
            #expect(try await client.call(.get, "/api/v1/versions", token: TestTokens.reader).status == 200)
            // Open routes stay open, but only by their own path.
            #expect(try await client.call(.get, "/healthz").status == 200)
            #expect(try await client.call(.get, "//healthz").status == 404)
        }
    }

    // MARK: Item 3: DNS rebinding

    /// Item 3: without tokens (loopback only), a `Host` that is not a loopback name was served: a page on
    /// attacker.example rebound to 127.0.0.1 could read the catalog. It now gets 421 with a JSON error.
    @Test func dnsRebindingForeignHostIsMisdirected() async throws {
        try await Self.withLiveServer(tokens: []) { live, _ in
            for host in [
                "attacker.example", "attacker.example:\(live.port)", "localhost.attacker.example", "127.0.0.1.nip.io",
                "127.0.0.2:\(live.port)", "[::2]", "localhost:\(live.port):1", "localhost:port",
            ] {
                let answer = try await RawHTTPClient.send(port: live.port, target: "/api/v1/versions", host: host)
                #expect(answer.status == 421, "Host: \(host) → \(answer.status)")
                #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
                let error = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any], "\(answer.body)")
                #expect((error["error"] as? [String: Any])?["code"] as? String == "misdirected_request")
                let leaked = answer.body.contains("fraud-detector")
                #expect(!leaked, "Host: \(host) was served the catalog")
            }
            // The web page too, and the MLflow API (in its own error shape).
            let page = try await RawHTTPClient.send(port: live.port, target: "/", host: "attacker.example")
            #expect(page.status == 421)
            let pageServed = page.body.contains("<html")
            #expect(!pageServed)
            let mlflow = try await RawHTTPClient.send(
                port: live.port, target: "/api/2.0/mlflow/registered-models/search", host: "attacker.example")
            #expect(mlflow.status == 421)
            let mlflowShape = mlflow.body.contains("error_code")
            #expect(mlflowShape)
        }
    }

    /// Item 3: the loopback names are served, with or without the port, in any letter case.
    @Test func dnsRebindingLoopbackHostsAreServed() async throws {
        try await Self.withLiveServer(tokens: []) { live, _ in
            for host in ["localhost", "localhost:\(live.port)", "LOCALHOST", "127.0.0.1", "127.0.0.1:\(live.port)", "[::1]", "[::1]:\(live.port)"] {
                let answer = try await RawHTTPClient.send(port: live.port, target: "/api/v1/versions", host: host)
                #expect(answer.status == 200, "Host: \(host) → \(answer.status) \(answer.body.prefix(200))")
            }
        }
        // With tokens the server may sit behind any name: the bearer token is the check.
        try await Self.withLiveServer(tokens: TestTokens.entries) { live, _ in
            let answer = try await RawHTTPClient.send(
                port: live.port, target: "/api/v1/versions", host: "models.example.com",
                headers: ["Authorization": "Bearer \(TestTokens.reader)"])
            #expect(answer.status == 200)
        }
    }
}
