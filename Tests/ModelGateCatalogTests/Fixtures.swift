import Foundation
import GRDB
import ModelGateCore

@testable import ModelGateCatalog

/// Builders for test pages; every value is explicit so tests read as Given/When/Then.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static func time(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }

    static func model(
        _ name: String, registry: String = "mlflow-prod", description: String? = nil, tags: [String: String] = [:],
        deleted: Bool = false
    ) -> RegistryModel {
        RegistryModel(
            registry: registry, kind: .mlflow, name: name, displayName: name, description: description, tags: tags,
            createdAt: t0, updatedAt: t0, deleted: deleted, raw: ["name": .string(name)])
    }

    static func version(
        _ model: String, _ version: String, registry: String = "mlflow-prod", description: String? = nil,
        lifecycle: Lifecycle = .none, aliases: [String] = [], tags: [String: String] = [:],
        sourceURI: String? = nil, runID: String? = nil, createdBy: String? = "alice", updatedAt: Date? = nil,
        raw: JSONValue? = nil, deleted: Bool = false
    ) -> ModelVersion {
        ModelVersion(
            registry: registry, kind: .mlflow, model: model, version: version, description: description,
            lifecycle: lifecycle, lifecycleRaw: lifecycle == .none ? "None" : lifecycle.rawValue.capitalized,
            aliases: aliases, tags: tags, sourceURI: sourceURI ?? "s3://bucket/\(model)/\(version)",
            run: RunReference(id: runID ?? "run-\(model)-\(version)", uri: nil), metrics: ["auc": 0.9],
            createdAt: t0, updatedAt: updatedAt ?? t0, createdBy: createdBy, deleted: deleted,
            raw: raw ?? ["name": .string(model), "version": .string(version)])
    }

    static func page(
        registry: String = "mlflow-prod", models: [RegistryModel] = [], versions: [ModelVersion],
        lineage: [LineageEdge] = [], errors: [CatalogPage.ObjectFailure] = []
    ) -> CatalogPage {
        CatalogPage(
            registry: registry, kind: .mlflow, models: models, versions: versions, lineage: lineage, errors: errors)
    }

    /// A catalog in memory plus the queue behind it, so tests can look at raw SQL and change counters.
    static func catalog() throws -> (CatalogDatabase, DatabaseQueue) {
        let queue = try DatabaseQueue(configuration: CatalogDatabase.makeConfiguration())
        return (try CatalogDatabase(queue), queue)
    }

    static func count(_ queue: DatabaseQueue, _ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-catalog-tests-\(UUID().uuidString)")
    }
}
