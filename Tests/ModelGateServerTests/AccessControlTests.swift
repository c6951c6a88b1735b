import Foundation
import Hummingbird
import HummingbirdTesting
import ModelGateTestKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServer
import Testing

@Suite("Tokens, roles and the audit log")
struct AccessControlTests {
    @Test func withoutTokensReadsWorkAndWritesAreRefused() async throws {
        let catalog = try await Fixture.catalog()
        try await withServer(catalog: catalog) { client, _ in
            #expect(try await client.call(.get, "/api/v1/versions").status == 200)
            let sync = try await client.call(.post, "/api/v1/sync", body: "{}")
            #expect(sync.status == 403)
            #expect(sync.error["code"] as? String == "read_only")
            let plan = try await client.call(.post, "/api/v1/migrations/plan", body: #"{"from":"a","to":"b"}"#)
            #expect(plan.status == 403)
        }
        let audit = try await catalog.auditLog()
        #expect(audit.count == 2)
        #expect(audit.allSatisfy { $0.tokenName == "anonymous" && $0.status == 403 && $0.detail == "read_only" })
        #expect(Set(audit.map(\.path)) == ["/api/v1/sync", "/api/v1/migrations/plan"])
    }

    @Test func rolesDecideWhatATokenMayDo() async throws {
        let catalog = try await Fixture.catalog()
        let operations = StubOperations(registries: ["mem-a": MemoryRegistry.mlflow("mem-a")])
        try await withServer(catalog: catalog, tokens: TestTokens.entries, operations: operations) { client, _ in
            // No token, a wrong token, a malformed header.
            let none = try await client.call(.get, "/api/v1/versions")
            #expect(none.status == 401)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await client.call(.get, "/api/v1/versions", token: "wrong").status == 401)
            #expect(try await client.call(.get, "/api/2.0/mlflow/registered-models/search", token: "wrong").status == 401)
            // The reader (configured by its SHA-256) reads, but cannot sync, migrate or read the audit log.
            #expect(try await client.call(.get, "/api/v1/versions", token: TestTokens.reader).status == 200)
            #expect(try await client.call(.get, "/", token: TestTokens.reader).status == 200)
            let readerSync = try await client.call(.post, "/api/v1/sync", token: TestTokens.reader, body: "{}")
            #expect(readerSync.status == 403)
            #expect(readerSync.error["code"] as? String == "forbidden")
            #expect(try await client.call(.post, "/api/v1/migrations/plan", token: TestTokens.reader, body: "{}").status == 403)
            #expect(try await client.call(.get, "/api/v1/audit", token: TestTokens.reader).status == 403)
            // The operator syncs; only the admin reads the audit log.
            let sync = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: "{}")
            #expect(sync.status == 202, "\(sync.text)")
            #expect(try await client.call(.get, "/api/v1/audit", token: TestTokens.operatorToken).status == 403)
            let audit = try await client.call(.get, "/api/v1/audit", token: TestTokens.admin)
            #expect(audit.status == 200)
            let rows = audit.items
            #expect(rows.count == 3)
            let newest = try #require(rows.first)
            #expect(newest["token_name"] as? String == "ci-bot")
            #expect(newest["role"] as? String == "operator")
            #expect(newest["status"] as? Int == 202)
            #expect((newest["detail"] as? String)?.hasPrefix("sync:") == true)
            #expect(rows.dropFirst().allSatisfy { $0["token_name"] as? String == "viewer" && $0["status"] as? Int == 403 }, "\(rows)")
        }
    }

    @Test func tokenStoreKeepsOnlyDigests() throws {
        let store = try TokenStore(TestTokens.entries)
        #expect(store.caller(presenting: TestTokens.reader) == Caller(name: "viewer", role: .reader))
        #expect(store.caller(presenting: TestTokens.admin) == Caller(name: "root", role: .admin))
        #expect(store.caller(presenting: TestTokens.admin + "x") == nil)
        #expect(store.caller(presenting: "") == nil)
        #expect(!String(describing: store).contains(TestTokens.admin))
        #expect(throws: ServerSetupError.self) {
            try TokenStore([ServerToken(name: "bad", role: .reader, secret: .sha256("abc"))])
        }
    }

    @Test func noTokensMeansLoopbackOnly() async throws {
        let server = try GatewayServer(catalog: try CatalogDatabase.inMemory(), tokens: [], operations: StubOperations(registries: [:]))
        #expect(throws: ServerSetupError.self) { try server.checkAddress(host: "0.0.0.0") }
        try server.checkAddress(host: "127.0.0.1")
        try server.checkAddress(host: "::1")
        let withTokens = try GatewayServer(
            catalog: try CatalogDatabase.inMemory(), tokens: TestTokens.entries, operations: StubOperations(registries: [:]))
        try withTokens.checkAddress(host: "0.0.0.0")
    }

    @Test func bodyLimitsAndBadBodies() async throws {
        let operations = StubOperations(registries: ["mem-a": MemoryRegistry.mlflow("mem-a")])
        try await withServer(
            catalog: try await Fixture.catalog(), tokens: TestTokens.entries, operations: operations,
            limits: ServerLimits(maxBodyBytes: 64)
        ) { client, _ in
            let big = try await client.call(
                .post, "/api/v1/sync", token: TestTokens.operatorToken,
                body: #"{"registries":[""# + String(repeating: "x", count: 200) + #""]}"#)
            #expect(big.status == 413)
            #expect(big.error["field"] as? String == "body")
            let notJSON = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: "[1,2")
            #expect(notJSON.status == 400)
            #expect(notJSON.error["field"] as? String == "body")
            let unknown = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"ful":true}"#)
            #expect(unknown.status == 400)
            #expect(unknown.error["field"] as? String == "ful")
            let wrongType = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"full":"yes"}"#)
            #expect(wrongType.error["field"] as? String == "full")
            let noSuch = try await client.call(.post, "/api/v1/sync", token: TestTokens.operatorToken, body: #"{"registries":["nope"]}"#)
            #expect(noSuch.status == 400)
            #expect(noSuch.error["field"] as? String == "registries")
            let plan = try await client.call(.post, "/api/v1/migrations/plan", token: TestTokens.operatorToken, body: #"{"from":"mem-a"}"#)
            #expect(plan.status == 400)
            #expect(plan.error["field"] as? String == "to")
        }
    }
}
