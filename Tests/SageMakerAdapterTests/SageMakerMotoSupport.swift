import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateTransport
import SageMakerAdapter
import Synchronization
import ModelGateTestKit
import Testing

/// What the tests against moto share; moto itself is `PeerEnvironment`'s (unset: the suites are skipped).
enum Moto {
    static let region = "us-east-1"

    static let isAvailable = PeerEnvironment.available(.moto, for: "SageMakerMotoTests")

    /// One libcurl transport for every test; loopback only, so no proxy from the environment.
    static let curl = CurlTransport(options: TransportOptions(proxy: .none))

    /// Few, quick retries.
    static let quickRetries = RetryPolicy(maxAttempts: 2, base: .milliseconds(20), cap: .milliseconds(50))

    static func credential() throws -> AWSCredential {
        AWSCredential(
            accessKeyID: try #require(PeerEnvironment.awsAccessKeyID),
            secretAccessKey: try #require(PeerEnvironment.awsSecretAccessKey))
    }
}

/// Records the `X-Amz-Target` of every request that reaches the wire (below the signer).
final class TargetRecorder: HTTPTransport, Sendable {
    let inner: any HTTPTransport
    private let seen = Mutex<[String]>([])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        seen.withLock { $0.append(request.header("X-Amz-Target") ?? "?") }
        return try await inner.send(request)
    }

    var targets: [String] { seen.withLock { $0 } }
    func count(_ operation: String) -> Int { targets.filter { $0 == "SageMaker.\(operation)" }.count }
}

/// Hides the groups of other tests sharing moto, so that a test can count exactly. Everything else is the
/// real adapter: each listing walks every group moto holds, `pageSize` at a time.
struct OwnGroups: RegistryAdapter {
    let inner: SageMakerAdapter
    let prefix: String

    var registry: String { inner.registry }
    var kind: RegistryKind { inner.kind }
    var capabilities: RegistryCapabilities { inner.capabilities }

    func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        var page = try await inner.listSnapshots(cursor: cursor, since: since)
        page.snapshots.removeAll { !$0.model.name.hasPrefix(prefix) }
        page.errors.removeAll { error in error.model.map { !$0.hasPrefix(prefix) } ?? false }
        return page
    }

    func version(model: String, version: String) async throws -> ModelVersion? {
        try await inner.version(model: model, version: version)
    }
    func model(name: String) async throws -> RegistryModel? { try await inner.model(name: name) }
    func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        try await inner.createModel(name: name, description: description, tags: tags)
    }
    func createVersion(_ new: NewVersion) async throws -> ModelVersion { try await inner.createVersion(new) }
    func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        try await inner.setVersionTags(model: model, version: version, tags: tags)
    }
    func deleteVersionTag(model: String, version: String, key: String) async throws {
        try await inner.deleteVersionTag(model: model, version: version, key: key)
    }
    func setAlias(model: String, alias: String, version: String) async throws {
        try await inner.setAlias(model: model, alias: alias, version: version)
    }
    func deleteAlias(model: String, alias: String) async throws {
        try await inner.deleteAlias(model: model, alias: alias)
    }
    func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        try await inner.setLifecycle(model: model, version: version, lifecycle: lifecycle)
    }
}

/// One test's world against moto: a registry name, a group-name prefix, an in-memory catalog, and an adapter
/// over the real stack (libcurl, SigV4 with the IAM user's key, retries).
struct MotoHarness {
    static let servingImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"

    let registry: String
    let id: String
    let prefix: String
    let catalog: CatalogDatabase
    let stats = TransportStats()
    let recorder: TargetRecorder
    /// Signs with the IAM user's key; creates versions with the serving image.
    let adapter: SageMakerAdapter

    init(registry: String = "sm-moto", pageSize: Int = 2) throws {
        self.registry = registry
        id = PeerEnvironment.uniqueID()
        prefix = "mg-\(id)-"
        catalog = try CatalogDatabase.inMemory()
        recorder = TargetRecorder(Moto.curl)
        adapter = try Self.adapter(
            registry: registry, pageSize: pageSize, credentials: StaticAWSCredentialProvider(Moto.credential()),
            base: recorder, stats: stats)
    }

    /// An adapter to moto over `base` signing with `credentials`.
    static func adapter(
        registry: String, pageSize: Int = 2, credentials: any AWSCredentialProvider,
        base: any HTTPTransport = Moto.curl,
        stats: TransportStats = TransportStats(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> SageMakerAdapter {
        let signer = SigV4Authorizer(region: Moto.region, service: "sagemaker", credentials: credentials, now: now)
        let transport = TransportStack.make(
            base: base, authorizer: signer, retryPolicy: Moto.quickRetries, stats: stats)
        return SageMakerAdapter(
            registry: registry, baseURL: try #require(PeerEnvironment.motoURL), transport: transport, pageSize: pageSize,
            servingImage: servingImage)
    }

    func name(_ suffix: String) -> String { prefix + suffix }

    func target(_ adapter: SageMakerAdapter? = nil) -> SyncTarget {
        let stats = self.stats
        return SyncTarget(
            adapter: OwnGroups(inner: adapter ?? self.adapter, prefix: prefix), endpoint: PeerEnvironment.motoURL,
            counters: { (stats.snapshot.requests, stats.snapshot.retries) })
    }

    func sync(_ adapter: SageMakerAdapter? = nil) async -> RegistrySyncReport {
        await SyncService(catalog: catalog).sync(target(adapter), options: SyncOptions())
    }

    /// Creates a group with `count` versions (artifact `s3://models/<id>/<suffix>/<n>.tar.gz`, description `v<n>`).
    @discardableResult
    func seed(_ suffix: String, versions count: Int, tags: [String: String] = [:]) async throws -> String {
        let group = name(suffix)
        _ = try await adapter.createModel(name: group, description: "group \(suffix)", tags: tags)
        for index in stride(from: 1, through: count, by: 1) {
            _ = try await adapter.createVersion(
                NewVersion(
                    model: group, description: "v\(index)", sourceURI: "s3://models/\(id)/\(suffix)/\(index).tar.gz"))
        }
        return group
    }

    func catalogVersions() async throws -> [ModelVersion] {
        try await catalog.versions(VersionQuery(registry: registry)).items
    }

    func history(_ model: String) async throws -> [ChangeEntry] {
        try await catalog.history(registry: registry, model: model)
    }
}

extension RegistrySyncReport {
    /// One line for a failed expectation.
    var summary: String {
        "\(registry): \(status.rawValue) complete=\(complete) created=\(created) updated=\(updated) "
            + "deleted=\(deleted) unchanged=\(unchanged) pages=\(pages) requests=\(requests) errors=\(errors.map(\.message))"
    }
}
