import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateTestKit
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServer
import ModelGateServices
import NIOCore
import Testing

/// Registries for sync and migration routes: in-memory adapters by name.
struct StubOperations: ServerOperations {
    var registries: [String: MemoryRegistry]
    var registryNames: [String] { registries.keys.sorted() }
    var syncOptions: SyncOptions { SyncOptions() }
    var tagOwners: [String: String] { [:] }

    func registryInfo(_ name: String) -> RegistryInfo? {
        registries[name].map { RegistryInfo(name: name, kind: $0.kind, endpoint: "memory://\(name)") }
    }

    func adapter(_ name: String) throws -> (
        adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?
    ) {
        guard let registry = registries[name] else { throw APIError.notFound("no registry \(name)", field: "registry") }
        return (registry, "memory://\(name)", nil)
    }
}

/// Tokens used by the tests: the plain secrets and the config entries (one given as its SHA-256).
enum TestTokens {
    static let reader = "reader-secret-0001"
    static let operatorToken = "operator-secret-0002"
    static let admin = "admin-secret-0003"
    /// SHA-256 of `reader`, so the reader entry is configured as `token_sha256`.
    static let readerSHA256 = "15094cd11dc641b129d1af641544e51bbb5c9580f16a723cac3274ec2944e014"

    static var entries: [ServerToken] {
        [
            ServerToken(name: "viewer", role: .reader, secret: .sha256(readerSHA256)),
            ServerToken(name: "ci-bot", role: .operator, secret: .token(operatorToken)),
            ServerToken(name: "root", role: .admin, secret: .token(admin)),
        ]
    }
}

/// A catalog with two registries, three models, history, lineage and a conflict.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func version(
        _ registry: String, _ kind: RegistryKind, _ model: String, _ version: String, lifecycle: Lifecycle = .none,
        raw: String? = nil, aliases: [String] = [], tags: [String: String] = [:], run: String? = nil,
        description: String? = nil, minutes: Double = 0
    ) -> ModelVersion {
        ModelVersion(
            registry: registry, kind: kind, model: model, version: version, description: description,
            lifecycle: lifecycle, lifecycleRaw: raw, aliases: aliases, tags: tags,
            sourceURI: "s3://models/\(model)/\(version)", run: run.map { RunReference(id: $0) },
            createdAt: t0.addingTimeInterval(minutes * 60), updatedAt: t0.addingTimeInterval(minutes * 60),
            createdBy: "alice")
    }

    static func mlflowPage(championOn: String) -> CatalogPage {
        let r = "mlflow-prod"
        return CatalogPage(
            registry: r, kind: .mlflow,
            models: [
                RegistryModel(registry: r, kind: .mlflow, name: "fraud-detector", description: "Card fraud scoring", tags: ["team": "risk"], createdAt: t0, updatedAt: t0),
                RegistryModel(registry: r, kind: .mlflow, name: "churn", description: "Churn propensity", tags: ["team": "growth"], createdAt: t0, updatedAt: t0),
            ],
            versions: [
                version(r, .mlflow, "fraud-detector", "1", raw: "None", tags: ["team": "risk"], run: "run-a", minutes: 1),
                version(r, .mlflow, "fraud-detector", "2", lifecycle: .archived, raw: "Archived", aliases: championOn == "2" ? ["champion"] : [], tags: ["team": "risk"], run: "run-b", minutes: 2),
                version(r, .mlflow, "fraud-detector", "10", lifecycle: .production, raw: "Production", aliases: championOn == "10" ? ["champion"] : [], tags: ["team": "risk", "framework": "xgboost"], run: "run-c", description: "gradient boosted trees", minutes: 3),
                version(r, .mlflow, "churn", "1", raw: "None", tags: ["team": "growth"], minutes: 4),
                version(r, .mlflow, "churn", "2", lifecycle: .staging, raw: "Staging", aliases: ["candidate"], tags: ["team": "growth"], minutes: 5),
            ],
            lineage: [
                LineageEdge(
                    from: LineageEdge.versionNode(r, "fraud-detector", "10"), to: LineageEdge.runNode(r, "run-c"),
                    relation: .producedBy, assertedBy: r, observedAt: t0)
            ])
    }

    static func sagemakerPage() -> CatalogPage {
        let r = "sm-us"
        return CatalogPage(
            registry: r, kind: .sagemaker,
            models: [RegistryModel(registry: r, kind: .sagemaker, name: "fraud-detector", description: "copy", createdAt: t0, updatedAt: t0)],
            versions: [
                version(r, .sagemaker, "fraud-detector", "1", lifecycle: .approved, raw: "Approved", description: "copy of mlflow-prod 10", minutes: 6),
                version(r, .sagemaker, "fraud-detector", "2", lifecycle: .pendingApproval, raw: "PendingManualApproval", minutes: 7),
            ])
    }

    static func catalog() async throws -> CatalogDatabase {
        let catalog = try CatalogDatabase.inMemory()
        _ = try await catalog.apply(page: mlflowPage(championOn: "2"), source: .sync, at: t0)
        _ = try await catalog.apply(page: mlflowPage(championOn: "10"), source: .sync, at: t0.addingTimeInterval(3600))
        _ = try await catalog.apply(page: sagemakerPage(), source: .sync, at: t0)
        try await catalog.upsertLineage([
            LineageEdge(
                from: LineageEdge.versionNode("sm-us", "fraud-detector", "1"),
                to: LineageEdge.versionNode("mlflow-prod", "fraud-detector", "10"), relation: .migratedFrom,
                assertedBy: "modelgate", observedAt: t0)
        ])
        _ = try await catalog.insertConflict(
            CatalogConflict(
                kind: "tag", registry: "sm-us", model: "fraud-detector", version: "1", field: "tag:team",
                values: ["mlflow-prod": .string("risk"), "sm-us": .string("fraud")], createdAt: t0))
        return catalog
    }
}

/// One answered request.
struct Answer {
    var status: Int
    var headers: HTTPFields
    var text: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var error: [String: Any] { object["error"] as? [String: Any] ?? [:] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil) async throws -> Answer {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Answer(status: response.status.code, headers: response.headers, text: String(buffer: response.body))
        }
    }
}

/// Builds a server over `catalog` and runs `body` against its router.
func withServer(
    catalog: CatalogDatabase, tokens: [ServerToken] = [], operations: any ServerOperations = StubOperations(registries: [:]),
    limits: ServerLimits = ServerLimits(), _ body: @escaping @Sendable (any TestClientProtocol, GatewayServer) async throws -> Void
) async throws {
    let server = try GatewayServer(catalog: catalog, tokens: tokens, operations: operations, limits: limits)
    let app = Application(router: server.buildRouter(), services: server.services)
    try await app.test(.router) { client in try await body(client, server) }
}
