import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateSigning
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Synchronization
import Testing

/// The Azure ML simulator with its Entra ID token endpoint, served on 127.0.0.1, and adapters wired to it
/// through the real libcurl transport and the real Entra client-credentials provider.
final class AzureHarness: StoppableHarness {
    static let tenant = "00000000-0000-0000-0000-00000000a2e1"
    static let clientID = "11111111-2222-3333-4444-5555555a2e10"
    /// A made-up test secret (the simulator's registered one).
    static let secret = "sim~entra-secret.for-tests_1"
    static let subscription = "00000000-1111-2222-3333-444444444444"
    static let resourceGroup = "rg-ml"
    static let workspace = AzureMLScope.workspace(subscription: subscription, resourceGroup: resourceGroup, workspace: "ws-main")
    static let registryScope = AzureMLScope.registry(subscription: subscription, resourceGroup: resourceGroup, registry: "reg-shared")

    let tokens: TokenRegistry
    let entra: EntraTokenEndpoint
    let simulator: AzureMLSimulator
    let host: SimulatorHost
    /// The time the token endpoint, the simulator and every connection's token provider read.
    let now: @Sendable () -> Date

    private init(
        tokens: TokenRegistry, entra: EntraTokenEndpoint, simulator: AzureMLSimulator, host: SimulatorHost,
        now: @escaping @Sendable () -> Date
    ) {
        self.tokens = tokens
        self.entra = entra
        self.simulator = simulator
        self.host = host
        self.now = now
    }

    /// Starts the simulator (workspace and registry scopes exist, empty) with the token endpoint; `now` is the
    /// clock tokens are issued, checked and renewed by (a `ManualClock` makes expiry exact).
    static func start(
        pageSize: Int = 3, lroPolls: Int = 3, lroRetryAfterSeconds: Int = 0, tokenLifetime: TimeInterval = 3600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> AzureHarness {
        let tokens = TokenRegistry(now: now)
        let certificate = try X509Certificate(pem: SampleKeys.appCertificate)
        let entra = EntraTokenEndpoint(
            applications: [.init(tenantID: tenant, clientID: clientID, clientSecret: secret, certificate: certificate)],
            tokens: tokens, lifetime: tokenLifetime)
        let simulator = AzureMLSimulator(
            tokens: tokens, pageSize: pageSize, lroPolls: lroPolls, lroRetryAfterSeconds: lroRetryAfterSeconds)
        simulator.addScope(workspace)
        simulator.addScope(registryScope)
        let host = try await SimulatorHost.start(simulator.makeRouter(tokenEndpoint: entra))
        entra.baseURL = host.baseURL
        simulator.baseURL = host.baseURL
        return AzureHarness(tokens: tokens, entra: entra, simulator: simulator, host: host, now: now)
    }

    func stop() async {
        await host.stop()
    }

    enum Credential {
        case secret(String)
        case certificate(JWTAlgorithm)
    }

    /// What a test needs from one configured registry.
    struct Connection: Sendable {
        var adapter: AzureMLAdapter
        var provider: AzureClientCredentialsTokenProvider
        var stats: TransportStats
        var sleeps: Sleeps
    }

    /// Records the waits of long-running-operation polling instead of sleeping.
    final class Sleeps: Sendable {
        private let waits = Mutex<[Duration]>([])
        var all: [Duration] { waits.withLock { $0 } }
        func record(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    }

    static let curl = CurlTransport(
        options: TransportOptions(connectTimeout: .seconds(2), totalTimeout: .seconds(10), maxResponseBytes: 8 << 20, proxy: .none))

    /// An adapter for `scope` authenticated with `credential` through the simulator's Entra endpoint.
    func connect(
        _ name: String, scope: AzureMLScope, credential: Credential = .secret(AzureHarness.secret), pageSize: Int? = 3,
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(5)),
        refreshOnUnauthorized: Bool = true
    ) throws -> Connection {
        let settings: AzureCredentialSettings
        // The certificate file (key + certificate PEM) lives only while the provider loads it.
        let certificatePath = FileManager.default.temporaryDirectory.appendingPathComponent("azureml-app-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: certificatePath) }
        switch credential {
        case .secret(let secret):
            settings = AzureCredentialSettings(
                tenantID: Self.tenant, clientID: Self.clientID, clientSecret: secret, authority: host.baseURL)
        case .certificate(let algorithm):
            try (SampleKeys.appPrivateKey + "\n" + SampleKeys.appCertificate + "\n").write(
                toFile: certificatePath, atomically: true, encoding: .utf8)
            settings = AzureCredentialSettings(
                tenantID: Self.tenant, clientID: Self.clientID, certificatePath: certificatePath, algorithm: algorithm,
                authority: host.baseURL)
        }
        let tokenTransport = TransportStack.make(base: Self.curl, retryPolicy: retry)
        let provider = try AzureClientCredentialsTokenProvider.make(
            settings: settings, environment: [:], transport: tokenTransport, registry: name, now: now)
        let stats = TransportStats()
        let transport = TransportStack.make(
            base: Self.curl, authorizer: BearerTokenAuthorizer(provider), retryPolicy: retry, stats: stats)
        let sleeps = Sleeps()
        let refresh: (@Sendable () async -> Void)? = refreshOnUnauthorized ? { @Sendable in await provider.invalidate() } : nil
        let clientScope: AzureMLClient.Scope =
            scope.kind == .workspace
            ? .workspace(subscription: scope.subscription, resourceGroup: scope.resourceGroup, workspace: scope.name)
            : .registry(subscription: scope.subscription, resourceGroup: scope.resourceGroup, registry: scope.name)
        let adapter = AzureMLAdapter(
            registry: name, baseURL: host.baseURL, scope: clientScope, transport: transport, pageSize: pageSize,
            sleep: { sleeps.record($0) }, reauthenticate: refresh)
        return Connection(adapter: adapter, provider: provider, stats: stats, sleeps: sleeps)
    }
}

/// Seeded truth: normalized models and versions, with every mapped field set somewhere.
enum AzureFixtures {
    static func date(_ seconds: Int64, ms: Int64 = 0) -> Date { Timestamp.date(milliseconds: seconds * 1000 + ms) }

    /// `models` containers named `model-00`…, the i-th holding `1 + i % 5` versions (`1`, `2`, … and a
    /// dotted one on every third model); stages, archived versions, tags, URIs and jobs vary.
    static func truth(registry: String, models: Int) -> (models: [RegistryModel], versions: [ModelVersion]) {
        var modelList: [RegistryModel] = []
        var versions: [ModelVersion] = []
        let stages: [(String?, Lifecycle)] = [
            (nil, .none), ("Production", .production), ("staging", .staging), ("Development", .none), ("ARCHIVED", .archived),
        ]
        for m in 0..<models {
            let name = "model-" + (m < 10 ? "0" : "") + String(m) + (m % 4 == 3 ? "_churn" : "")
            let created = date(1_790_000_000 + Int64(m) * 1000, ms: Int64(m))
            modelList.append(
                RegistryModel(
                    registry: registry, kind: .azureml, name: name, displayName: name,
                    description: m % 2 == 0 ? "model \(m)" : nil, tags: m % 3 == 0 ? ["team": "risk", "m": "\(m)"] : [:],
                    createdAt: created, updatedAt: created))
            let count = 1 + m % 5
            for v in 0..<count {
                let version = (m % 3 == 2 && v == count - 1) ? "\(v + 1).0.\(m)" : "\(v + 1)"
                let (stage, lifecycle) = stages[(m + v) % stages.count]
                let archivedByFlag = (m + v) % 7 == 6
                let vCreated = date(1_790_000_000 + Int64(m) * 1000 + Int64(v) * 10, ms: Int64(v * 7 + 1))
                versions.append(
                    ModelVersion(
                        registry: registry, kind: .azureml, model: name, version: version,
                        description: v % 2 == 0 ? "v\(v + 1) of \(name)" : nil, status: .ready,
                        lifecycle: archivedByFlag ? .archived : lifecycle, lifecycleRaw: stage,
                        tags: v % 2 == 1 ? ["framework": "sklearn", "rank": "\(v)"] : [:],
                        sourceURI: "azureml://datastores/workspaceblobstore/paths/\(name)/\(version)/",
                        run: v % 3 == 0 ? RunReference(id: "job-\(m)-\(v)") : nil,
                        createdAt: vCreated, updatedAt: date(1_790_000_000 + Int64(m) * 1000 + Int64(v) * 10 + 5, ms: 9),
                        createdBy: "trainer-\(m % 2)@example.com"))
            }
        }
        return (modelList, versions)
    }

    /// `isArchived` for the seeded versions whose lifecycle is `archived` without an `Archived` stage: the seed
    /// writes `isArchived` for every archived lifecycle.
    static func seed(_ simulator: AzureMLSimulator, scope: AzureMLScope, registry: String, models: Int)
        -> (models: [RegistryModel], versions: [ModelVersion])
    {
        let truth = truth(registry: registry, models: models)
        simulator.seed(scope, models: truth.models, versions: truth.versions)
        return truth
    }
}

/// Compares what ModelGate holds with the seeded truth, field by field.
func expectMatches(_ actual: [ModelVersion], _ expected: [ModelVersion], sourceLocation: SourceLocation = #_sourceLocation) {
    func key(_ v: ModelVersion) -> String { v.model + "@" + v.version }
    let byKey = Dictionary(actual.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
    #expect(actual.count == expected.count, "versions: \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    #expect(byKey.count == actual.count, "no duplicates", sourceLocation: sourceLocation)
    for want in expected {
        guard let got = byKey[key(want)] else {
            Issue.record("missing \(key(want))", sourceLocation: sourceLocation)
            continue
        }
        #expect(got.kind == .azureml, sourceLocation: sourceLocation)
        #expect(got.description == want.description, "\(key(want)) description", sourceLocation: sourceLocation)
        #expect(got.lifecycle == want.lifecycle, "\(key(want)) lifecycle", sourceLocation: sourceLocation)
        #expect(got.lifecycleRaw == want.lifecycleRaw, "\(key(want)) lifecycle_raw", sourceLocation: sourceLocation)
        #expect(got.tags == want.tags, "\(key(want)) tags", sourceLocation: sourceLocation)
        #expect(got.sourceURI == want.sourceURI, "\(key(want)) source_uri", sourceLocation: sourceLocation)
        #expect(got.run?.id == want.run?.id, "\(key(want)) run", sourceLocation: sourceLocation)
        #expect(got.status == .ready, "\(key(want)) status", sourceLocation: sourceLocation)
        #expect(got.aliases.isEmpty, sourceLocation: sourceLocation)
        #expect(got.createdBy == want.createdBy, "\(key(want)) created_by", sourceLocation: sourceLocation)
        #expect(
            got.createdAt.map(Timestamp.format) == want.createdAt.map(Timestamp.format), "\(key(want)) created_at",
            sourceLocation: sourceLocation)
        #expect(
            got.updatedAt.map(Timestamp.format) == want.updatedAt.map(Timestamp.format), "\(key(want)) updated_at",
            sourceLocation: sourceLocation)
        #expect(got.deleted == false, sourceLocation: sourceLocation)
    }
}

extension JWTAlgorithmChoice {
    var value: JWTAlgorithm { self == .ps256 ? .ps256 : .rs256 }
}
