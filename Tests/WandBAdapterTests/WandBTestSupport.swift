import Foundation
import Hummingbird
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Synchronization
import Testing
import WandBAdapter

/// A running W&B simulator and an adapter talking to it over libcurl with Basic `api:<key>` auth.
final class WandBHarness: StoppableHarness {
    static let entity = "acme"
    static let organization = "acme-org"
    static let wandbRegistry = "model"
    static let registry = "wandb-test"
    /// Not a real key: the simulator accepts whatever it is given.
    static let apiKey = "local-simulator-key-0001"
    static let curl = CurlTransport(options: TransportOptions(proxy: .none))
    static let retries = RetryPolicy(maxAttempts: 12, base: .milliseconds(1), cap: .milliseconds(5))

    let simulator: WandBSimulator
    let host: SimulatorHost
    let stats = TransportStats()
    let adapter: WandBAdapter
    /// Every wait the retrying transport asked for (the test sleeps at most a few ms of each).
    let waits = WaitLog()

    init(
        faults: FaultPlan = .none, pageSize: Int = 3, apiKey: String = WandBHarness.apiKey,
        retries: RetryPolicy = WandBHarness.retries
    ) async throws {
        simulator = WandBSimulator(
            entity: Self.entity, organization: Self.organization, apiKeys: [Self.apiKey], faults: FaultInjector(faults))
        simulator.createRegistry(Self.wandbRegistry)
        let router = Router()
        simulator.addRoutes(to: router)
        host = try await SimulatorHost.start(router)
        let waits = self.waits
        let transport = TransportStack.make(
            base: Self.curl, authorizer: BasicAuthorizer.wandb(apiKey: apiKey), retryPolicy: retries, stats: stats,
            sleep: { duration in
                waits.record(duration)
                try await Task.sleep(for: min(duration, .milliseconds(5)))
            })
        adapter = WandBAdapter(
            registry: Self.registry, baseURL: host.baseURL, entity: Self.entity, registryName: Self.wandbRegistry,
            transport: transport, pageSize: pageSize)
    }

    func stop() async { await host.stop() }

    func sync(_ catalog: CatalogDatabase, full: Bool = false) async -> RegistrySyncReport {
        await SyncService(catalog: catalog).sync(
            SyncTarget(adapter: adapter, endpoint: host.baseURL, counters: { [stats] in (stats.snapshot.requests, stats.snapshot.retries) }),
            options: SyncOptions(full: full))
    }

    func requests(named name: String) -> Int { simulator.requestLog.filter { $0 == name }.count }
}

/// The waits the retrying transport asked for.
final class WaitLog: Sendable {
    private let value = Mutex<[Duration]>([])
    func record(_ duration: Duration) { value.withLock { $0.append(duration) } }
    var all: [Duration] { value.withLock { $0 } }
}

/// A transport with Basic `api:<key>` auth and (by default) no retries.
enum TransportStackForTests {
    static func make(apiKey: String = WandBHarness.apiKey, retries: RetryPolicy = .none) -> any HTTPTransport {
        TransportStack.make(base: WandBHarness.curl, authorizer: BasicAuthorizer.wandb(apiKey: apiKey), retryPolicy: retries)
    }
}

/// The seeded truth: collections with 1–4 versions, tags, aliases, runs, metadata and times.
enum WandBFixtures {
    static let base = Date(timeIntervalSince1970: 1_780_000_000)
    static func time(_ minutes: Int) -> Date { base.addingTimeInterval(Double(minutes) * 60) }

    static func collections(count: Int = 8) -> [WandBSeedCollection] {
        (0..<count).map { index in
            let versionCount = index % 4 + 1
            return WandBSeedCollection(
                name: "model-\(index)", description: index % 2 == 0 ? "collection \(index)" : nil,
                tags: ["team-\(index % 3)"], createdAt: time(index * 100),
                versions: (0..<versionCount).map { v in
                    WandBSeedVersion(
                        description: v == 0 ? nil : "version \(v) of \(index)",
                        metadata: ["accuracy": .double(0.5 + Double(v) / 10), "framework": "xgboost", "epochs": .int(Int64(v + 1))],
                        tags: v % 2 == 0 ? ["baseline"] : ["candidate", "gpu run"],
                        aliases: v == 0 && versionCount > 1 ? ["champion", "golden-\(index)"] : [],
                        createdBy: v == 1 ? WandBSeedRun(name: "run\(index)x\(v)", project: "training") : nil,
                        artifactCreatedAt: time(index * 100 + v * 10), linkedAt: time(index * 100 + v * 10 + 3))
                })
        }
    }
}

/// Checks that the catalog holds exactly the simulator's current truth for the registry.
func expectCatalogMatches(_ catalog: CatalogDatabase, _ simulator: WandBSimulator, sourceLocation: SourceLocation = #_sourceLocation)
    async throws
{
    let stored = try await catalog.versions(VersionQuery(registry: WandBHarness.registry, limit: 10_000)).items
        .filter { !$0.deleted }
    var truth: [String: JSONValue] = [:]
    for name in simulator.collectionNames(registry: WandBHarness.wandbRegistry) {
        for json in simulator.membershipsJSON(registry: WandBHarness.wandbRegistry, collection: name) {
            truth["\(name)@v\(json["versionIndex"]?.int64Value ?? -1)"] = json
        }
    }
    let keys = stored.map { "\($0.model)@\($0.version)" }
    #expect(keys.count == Set(keys).count, "duplicated versions", sourceLocation: sourceLocation)
    #expect(Set(keys) == Set(truth.keys), "catalog and simulator differ", sourceLocation: sourceLocation)
    for version in stored {
        guard let json = truth["\(version.model)@\(version.version)"] else { continue }
        let aliases = json["aliases"]?.arrayValue?.compactMap { $0["alias"]?.stringValue } ?? []
        #expect(Set(version.aliases) == Set(aliases), "\(version.model)@\(version.version) aliases", sourceLocation: sourceLocation)
        let tags = json["artifact"]?["tags"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(version.tags == Dictionary(uniqueKeysWithValues: tags.map { ($0, "") }), sourceLocation: sourceLocation)
        #expect(version.description == json["artifact"]?["description"]?.stringValue, sourceLocation: sourceLocation)
        #expect(
            version.createdAt.map(Timestamp.milliseconds) == json["createdAt"]?.stringValue.flatMap(Timestamp.parseMilliseconds),
            sourceLocation: sourceLocation)
    }
}
