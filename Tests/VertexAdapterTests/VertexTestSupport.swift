import Foundation
import Hummingbird
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
import VertexAdapter

/// A running Vertex simulator with its Google token endpoint, and an adapter talking to it over libcurl
/// with service-account auth (key file → RS256 JWT-bearer → access token from the simulator).
final class VertexHarness: StoppableHarness {
    static let project = "demo-project"
    static let location = "us-central1"
    static let registry = "vertex-test"
    static let clientEmail = "modelgate-sync@demo-project.iam.gserviceaccount.com"
    static let keyID = "0123456789abcdef0123456789abcdef01234567"
    static let curl = CurlTransport(options: TransportOptions(proxy: .none))
    /// The serving image the harness adapter uploads with (`conflicts.serving_image`).
    static let servingImage = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest"
    static let retries = RetryPolicy(maxAttempts: 12, base: .milliseconds(1), cap: .milliseconds(5))

    let tokens: TokenRegistry
    let endpoint: GoogleTokenEndpoint
    let simulator: VertexSimulator
    let host: SimulatorHost
    let provider: GoogleServiceAccountTokenProvider
    let stats = TransportStats()
    let adapter: VertexAdapter

    /// - Parameters:
    ///   - privateKeyPEM: the key written into the key file (the account's real key unless testing a wrong one).
    ///   - clock: the time the token endpoint and the token provider both read (a test clock makes expiry exact).
    ///   - beforeSend: called before each registry request (not token requests) with the request count so far.
    init(
        faults: FaultPlan = .none, operationPolls: Int = 3, pageSize: Int = 3, tokenLifetime: TimeInterval = 3600,
        privateKeyPEM: String = SampleKeys.serviceAccountKey, retries: RetryPolicy = VertexHarness.retries,
        containerImage: String? = VertexHarness.servingImage, clock: Clock = .system,
        beforeSend: (@Sendable (TransportRequest) async -> Void)? = nil
    ) async throws {
        tokens = TokenRegistry(now: clock.now)
        let account = GoogleTokenEndpoint.Account(
            clientEmail: Self.clientEmail, keyID: Self.keyID,
            publicKey: try RSAPublicKey(pem: SampleKeys.serviceAccountPublicKey))
        endpoint = GoogleTokenEndpoint(accounts: [account], tokens: tokens, lifetime: tokenLifetime)
        simulator = VertexSimulator(
            project: Self.project, location: Self.location, tokens: tokens, faults: FaultInjector(faults),
            operationPolls: operationPolls)
        let router = Router()
        endpoint.addRoutes(to: router)
        simulator.addRoutes(to: router)
        host = try await SimulatorHost.start(router)
        endpoint.baseURL = host.baseURL

        let keyFile = try endpoint.keyFile(for: account, privateKeyPEM: privateKeyPEM, projectID: Self.project)
        let key = try GoogleServiceAccountKey(json: keyFile, registry: Self.registry)
        let tokenTransport = TransportStack.make(base: Self.curl, retryPolicy: retries, sleep: Self.shortSleep)
        let provider = GoogleServiceAccountTokenProvider(
            key: key, transport: tokenTransport, registry: Self.registry, now: clock.now)
        self.provider = provider
        var base: any HTTPTransport = Self.curl
        if let beforeSend { base = Hook(inner: Self.curl, before: beforeSend) }
        let transport = TransportStack.make(
            base: base, authorizer: BearerTokenAuthorizer(provider), retryPolicy: retries, stats: stats,
            sleep: Self.shortSleep)
        adapter = VertexAdapter(
            registry: Self.registry, project: Self.project, location: Self.location, baseURL: host.baseURL,
            transport: transport, pageSize: pageSize, containerImage: containerImage, pollInterval: .milliseconds(5),
            onUnauthorized: { await provider.invalidate() })
    }

    /// The time the token endpoint and the provider read (a struct, so a trailing closure never binds to it).
    struct Clock: Sendable {
        let now: @Sendable () -> Date
        static let system = Clock(now: { Date() })
    }

    /// Retry waits capped at a few ms (a 429's `Retry-After: 0` or the tiny policy).
    static let shortSleep: RetryingTransport.Sleeper = { try await Task.sleep(for: min($0, .milliseconds(5))) }

    func stop() async { await host.stop() }

    func sync(_ catalog: CatalogDatabase, full: Bool = false) async -> RegistrySyncReport {
        await SyncService(catalog: catalog).sync(
            SyncTarget(adapter: adapter, endpoint: host.baseURL, counters: { [stats] in (stats.snapshot.requests, stats.snapshot.retries) }),
            options: SyncOptions(full: full))
    }

    /// Requests whose `METHOD path?query` (as logged by the simulator) contains `text`.
    func requests(containing text: String) -> [String] { simulator.requestLog.filter { $0.contains(text) } }
}

/// Calls `before` with each request, then sends it.
struct Hook: HTTPTransport {
    let inner: any HTTPTransport
    let before: @Sendable (TransportRequest) async -> Void
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        await before(request)
        return try await inner.send(request)
    }
}

/// The seeded truth: models with 1–4 versions, labels at both levels, aliases, pipelines, times.
enum VertexFixtures {
    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    static func time(_ minutes: Int) -> Date { base.addingTimeInterval(Double(minutes) * 60) }

    static func models(count: Int = 8) -> [VertexSeedModel] {
        (0..<count).map { index in
            let versionCount = index % 4 + 1
            return VertexSeedModel(
                id: "model-\(index)", displayName: "Model \(index) ✓", description: index % 2 == 0 ? "model \(index)" : nil,
                labels: ["team": "team-\(index % 3)"], createTime: time(index * 100),
                versions: (0..<versionCount).map { v in
                    VertexSeedVersion(
                        description: v == 0 ? nil : "version \(v + 1) of \(index)",
                        labels: v % 2 == 0 ? ["stage": "s\(v)"] : ["team": "override", "framework": "xgboost"],
                        artifactUri: "gs://bucket-\(index)/model/v\(v + 1)/",
                        imageUri: "us-docker.pkg.dev/vertex-ai/prediction/xgboost-cpu.1-7:latest",
                        trainingPipeline: v == 1
                            ? "projects/\(VertexHarness.project)/locations/\(VertexHarness.location)/trainingPipelines/\(9000 + index)"
                            : nil,
                        aliases: v == versionCount - 1 && v > 0 ? ["champion", "golden-\(index)"] : [],
                        createTime: time(index * 100 + v * 10), updateTime: time(index * 100 + v * 10 + 5))
                })
        }
    }

    /// What the adapter must report for version `v` (0-based) of `model`.
    static func expected(_ model: VertexSeedModel, _ v: Int) -> ModelVersion {
        let seed = model.versions[v]
        var aliases = seed.aliases
        if v == 0, !model.versions.contains(where: { $0.aliases.contains("default") }) { aliases.append("default") }
        return ModelVersion(
            registry: VertexHarness.registry, kind: .vertex, model: model.id, version: String(v + 1),
            description: seed.description, aliases: aliases.sorted(),
            tags: model.labels.merging(seed.labels) { _, new in new }, sourceURI: seed.artifactUri,
            run: seed.trainingPipeline.map { RunReference(id: $0) }, createdAt: seed.createTime,
            updatedAt: seed.updateTime)
    }
}

/// Checks that the catalog holds exactly the simulator's current truth for the registry.
func expectCatalogMatches(_ catalog: CatalogDatabase, _ simulator: VertexSimulator, sourceLocation: SourceLocation = #_sourceLocation)
    async throws
{
    let stored = try await catalog.versions(VersionQuery(registry: VertexHarness.registry)).items
    var truth: [String: JSONValue] = [:]
    for id in simulator.modelIDs {
        for json in simulator.versionsJSON(id) { truth["\(id)@\(json["versionId"]?.stringValue ?? "?")"] = json }
    }
    let keys = stored.map { "\($0.model)@\($0.version)" }
    #expect(keys.count == Set(keys).count, "duplicated versions", sourceLocation: sourceLocation)
    #expect(Set(keys) == Set(truth.keys), "catalog and simulator differ", sourceLocation: sourceLocation)
    for version in stored {
        guard let json = truth["\(version.model)@\(version.version)"] else { continue }
        let aliases = json["versionAliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(version.aliases) == Set(aliases), "\(version.model)@\(version.version) aliases", sourceLocation: sourceLocation)
        #expect(
            version.tags == (json["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]),
            "\(version.model)@\(version.version) tags", sourceLocation: sourceLocation)
        #expect(version.description == json["versionDescription"]?.stringValue, sourceLocation: sourceLocation)
        #expect(version.sourceURI == json["artifactUri"]?.stringValue, sourceLocation: sourceLocation)
        #expect(
            version.updatedAt.map(Timestamp.milliseconds)
                == json["versionUpdateTime"]?.stringValue.flatMap(Timestamp.parseMilliseconds),
            sourceLocation: sourceLocation)
    }
}
