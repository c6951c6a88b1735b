import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTransport
import Synchronization
import ModelGateTestKit
import Testing
import VertexAdapter

@Suite("Vertex auth against the simulator's Google token endpoint")
struct VertexAuthTests {
    @Test func expiredTokenIsRefreshedMidSync() async throws {
        // After the first `models` page, every issued token is expired: the next call gets 401 UNAUTHENTICATED,
        // the adapter drops the cached token, a new assertion is exchanged and the sync goes on.
        let box = ExpiryBox()
        let harness = try await VertexHarness(pageSize: 2) { request in
            if request.url.contains("/models?") { box.listed() }
        }
        box.tokens.withLock { $0 = harness.tokens }
        try await VertexHarness.with(harness) { harness in
            for seed in VertexFixtures.models(count: 6) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(harness.endpoint.hits == 2)
            #expect(harness.tokens.issuedCount == 2)
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func shortLivedTokensAreRefreshedBeforeExpiry() async throws {
        // Tokens live 2 s; the provider refreshes at half-life, so a sync spread over ~3 s needs several. The time
        // is a test clock that each `models` page moves 0.6 s (a real sleep raced the token's expiry under load).
        let clock = ManualClock()
        let harness = try await VertexHarness(pageSize: 1, tokenLifetime: 2, clock: .init(now: clock.function)) { request in
            if request.url.contains("/models?") { clock.advance(by: 0.6) }
        }
        try await VertexHarness.with(harness) { harness in
            for seed in VertexFixtures.models(count: 4) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .ok, "\(report.errors)")
            #expect(harness.endpoint.hits >= 2)
            #expect(harness.requests(containing: "GET").count > 0)
            try await expectCatalogMatches(catalog, harness.simulator)
        }
    }

    @Test func wrongKeyIsRejectedWithAClearErrorAndNoCatalogChange() async throws {
        let harness = try await VertexHarness(privateKeyPEM: SampleKeys.otherPrivateKey, retries: .none)
        try await VertexHarness.with(harness) { harness in
            for seed in VertexFixtures.models(count: 3) { harness.simulator.seed(seed) }
            let catalog = try CatalogDatabase.inMemory()
            let report = await harness.sync(catalog)
            #expect(report.status == .failed)
            let message = try #require(report.errors.last?.message)
            #expect(message.contains(VertexHarness.registry), "\(message)")
            #expect(message.contains("invalid_grant"), "\(message)")
            #expect(!message.contains("BEGIN PRIVATE KEY"))
            #expect(try await catalog.versions(VersionQuery(registry: VertexHarness.registry)).items.isEmpty)
            #expect(try await catalog.model(registry: VertexHarness.registry, name: "model-0") == nil)
            #expect(harness.simulator.requestLog.isEmpty)  // nothing reached the registry API
            #expect(harness.tokens.issuedCount == 0)
        }
    }

    @Test func requestsWithoutAValidTokenGetGoogleUnauthenticated() async throws {
        try await VertexHarness.with(try await VertexHarness()) { harness in
            let anonymous = VertexAdapter(
                registry: "vertex-anon", project: VertexHarness.project, location: VertexHarness.location,
                baseURL: harness.host.baseURL, transport: TransportStack.make(base: VertexHarness.curl, retryPolicy: .none))
            let error = await #expect(throws: RegistryError.self) {
                _ = try await anonymous.listSnapshots(cursor: nil, since: nil)
            }
            #expect(error?.code == .unauthorized)
            #expect(error?.httpStatus == 401)
            #expect(error?.providerCode == "UNAUTHENTICATED")
            #expect(error?.description.contains("vertex-anon") == true)
        }
    }
}

/// Expires every token when the second `models` page is about to be requested.
final class ExpiryBox: Sendable {
    let tokens = Mutex<TokenRegistry?>(nil)
    let listings = Mutex(0)

    func listed() {
        let count = listings.withLock { count in
            count += 1
            return count
        }
        if count == 2 { tokens.withLock { $0?.expireAll() } }
    }
}
