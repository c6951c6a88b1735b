import Foundation
import GitLabAdapter
import Hummingbird
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// A running GitLab simulator and an adapter talking to it over libcurl with a token header.
final class GitLabHarness: StoppableHarness {
    static let projectID = "42"
    static let projectPath = "ml-group/models"
    static let registry = "gitlab-test"
    /// A made-up token for the loopback simulator only.
    static let token = "glpat-simulator-0123456789abcdef"
    static let curl = CurlTransport(options: TransportOptions(proxy: .none))
    static let retries = RetryPolicy(maxAttempts: 12, base: .milliseconds(1), cap: .milliseconds(5))

    let simulator: GitLabSimulator
    let host: SimulatorHost
    let stats = TransportStats()
    let adapter: GitLabAdapter

    init(
        faults: FaultPlan = .none, pageSize: Int = 3, token: String = GitLabHarness.token,
        style: TokenAuthorizer.Style = .bearer, project: String = GitLabHarness.projectID,
        retries: RetryPolicy = GitLabHarness.retries
    ) async throws {
        simulator = GitLabSimulator(
            projectID: Self.projectID, projectPath: Self.projectPath, tokens: [Self.token], faults: FaultInjector(faults))
        let router = Router()
        simulator.addRoutes(to: router)
        host = try await SimulatorHost.start(router)
        let transport = TransportStack.make(
            base: Self.curl, authorizer: TokenAuthorizer(token: token, style: style), retryPolicy: retries, stats: stats,
            sleep: Self.shortSleep)
        adapter = GitLabAdapter(
            registry: Self.registry, baseURL: host.baseURL, project: project, transport: transport, pageSize: pageSize)
    }

    static let shortSleep: RetryingTransport.Sleeper = { try await Task.sleep(for: min($0, .milliseconds(5))) }

    func stop() async { await host.stop() }

    func sync(_ catalog: CatalogDatabase, full: Bool = false) async -> RegistrySyncReport {
        await SyncService(catalog: catalog).sync(
            SyncTarget(
                adapter: adapter, endpoint: host.baseURL,
                counters: { [stats] in (stats.snapshot.requests, stats.snapshot.retries) }),
            options: SyncOptions(full: full))
    }

    func requests(containing text: String) -> [String] { simulator.requestLog.filter { $0.contains(text) } }
}

/// The seeded truth: models with 1–4 SemVer versions (some pre-releases), metadata, descriptions, runs, times.
enum GitLabFixtures {
    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    static func time(_ minutes: Int) -> Date { base.addingTimeInterval(Double(minutes) * 60) }

    static let semvers = ["0.9.0-rc.1", "1.0.0", "1.2.0", "10.0.0"]

    static func models(count: Int = 8) -> [GitLabSeedModel] {
        (0..<count).map { index in
            let versionCount = index % 4 + 1
            return GitLabSeedModel(
                name: "model-\(index)", description: index % 2 == 0 ? "model \(index) ✓" : nil,
                tags: ["team": "team-\(index % 3)"], createdAt: time(index * 100),
                versions: (0..<versionCount).map { v in
                    GitLabSeedVersion(
                        version: semvers[v], description: v == 0 ? nil : "version \(v) of \(index)",
                        tags: v % 2 == 0 ? ["framework": "xgboost"] : ["framework": "torch", "gpu": "a100"],
                        runID: v == 1 ? "candidate-\(index)" : nil, createdAt: time(index * 100 + v * 10),
                        updatedAt: time(index * 100 + v * 10 + 5))
                })
        }
    }
}

/// Checks that the catalog holds exactly the simulator's current truth for the registry.
func expectCatalogMatches(
    _ catalog: CatalogDatabase, _ simulator: GitLabSimulator, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let stored = try await catalog.versions(VersionQuery(registry: GitLabHarness.registry)).items
    var truth: [String: JSONValue] = [:]
    for name in simulator.modelNames {
        for json in simulator.versionsJSON(name) {
            truth["\(name)@\(json["aliases"]?.arrayValue?.first?.stringValue ?? "?")"] = json
        }
    }
    let keys = stored.filter { !$0.deleted }.map { "\($0.model)@\($0.version)" }
    #expect(keys.count == Set(keys).count, "duplicated versions", sourceLocation: sourceLocation)
    #expect(Set(keys) == Set(truth.keys), "catalog and simulator differ", sourceLocation: sourceLocation)
    for version in stored {
        guard let json = truth["\(version.model)@\(version.version)"] else { continue }
        let tags = Dictionary(
            (json["tags"]?.arrayValue ?? []).map { ($0["key"]?.stringValue ?? "", $0["value"]?.stringValue ?? "") },
            uniquingKeysWith: { _, last in last })
        #expect(version.tags == tags, "\(version.model)@\(version.version) tags", sourceLocation: sourceLocation)
        let description = json["description"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        #expect(version.description == description, sourceLocation: sourceLocation)
        #expect(version.sourceURI == json["source"]?.stringValue, sourceLocation: sourceLocation)
        #expect(version.run?.id == json["run_id"]?.stringValue, sourceLocation: sourceLocation)
        #expect(version.raw?["version"] == json["version"], sourceLocation: sourceLocation)
        #expect(
            version.updatedAt.map { Int64($0.timeIntervalSince1970) } == json["last_updated_timestamp"]?.int64Value,
            sourceLocation: sourceLocation)
    }
}
