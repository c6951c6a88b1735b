import Foundation
import ModelGateTestKit
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import Testing

/// Conflicts between a source and its copies: found after a sync, recorded once, resolved through the apply path.
@Suite("Conflicts between copies")
struct ConflictTests {
    struct World {
        let mlflow = MemoryRegistry.mlflow("mlflow-prod")
        let dr = MemoryRegistry.mlflow("mlflow-dr")
        let sm = MemoryRegistry.sagemaker("sm-us")
        let catalog: CatalogDatabase

        init() async throws {
            catalog = try CatalogDatabase.inMemory()
            mlflow.seed("fraud-detector", "1", tags: ["team": "risk"], aliases: ["champion"], lifecycle: .production,
                source: "s3://models/fd/1")
            mlflow.seed("fraud-detector", "2", tags: ["team": "risk"], source: "s3://models/fd/2")
            for target in [dr, sm] {
                let plan = try await MigrationPlanner(
                    source: AdapterSource(mlflow), target: target, options: MigrationOptions(copyAliases: true)
                ).plan()
                _ = try await MigrationApplier(target: target, catalog: catalog).apply(plan)
            }
        }

        func sync() async throws -> [CatalogConflict] {
            _ = await SyncService(catalog: catalog).run(
                [mlflow, dr, sm].map { SyncTarget(adapter: $0) }, options: SyncOptions(full: true))
            return try await ConflictDetector(catalog: catalog).check(registries: ["mlflow-prod", "mlflow-dr", "sm-us"])
        }

        func resolver() -> ConflictResolver {
            let registries: [String: MemoryRegistry] = ["mlflow-prod": mlflow, "mlflow-dr": dr, "sm-us": sm]
            return ConflictResolver(catalog: catalog) { name in
                guard let found = registries[name] else { throw MigrationError(.invalid, "unknown \(name)") }
                return found
            }
        }
    }

    @Test func aLifecycleThatWasNotCarriedIsAConflictAndTakeWritesTheMappedValue() async throws {
        let world = try await World()
        let opened = try await world.sync()
        // SageMaker's copy of a production version is still PendingManualApproval.
        // Both copies disagree with their production source: MLflow's copy has no stage, SageMaker's is pending.
        #expect(opened.map(\.kind) == ["lifecycle", "lifecycle"])
        #expect(Set(opened.map(\.registry)) == ["mlflow-dr", "sm-us"])
        let conflict = try #require(opened.first { $0.registry == "sm-us" })
        #expect(conflict.version == "1")
        #expect(conflict.values == ["mlflow-prod": "production", "sm-us": "pending_approval"])
        // A second check records nothing new.
        #expect(try await world.sync().isEmpty)
        #expect(try await world.catalog.conflicts(status: .open).count == 2)

        let done = try await world.resolver().resolve(id: try #require(conflict.id), .take("mlflow-prod"))
        #expect(done.writes.map(\.to) == ["sm-us"])
        #expect(world.sm.versions(of: "fraud-detector").first?.lifecycleRaw == "Approved")
        #expect(try await world.catalog.conflict(id: conflict.id!)?.status == .resolved)
        let history = try await world.catalog.history(registry: "sm-us", model: "fraud-detector")
        #expect(history.contains { $0.source == .resolve && $0.kind == .lifecycleChanged && $0.after == "approved" })
        #expect(history.contains { $0.source == .resolve && $0.field == "lifecycle" && $0.actor == "modelgate" })
        #expect(try await world.sync().isEmpty)
    }

    @Test func aTagChangedOnTheCopyIsAConflictTheOwnerSilencesAndTakeRestores() async throws {
        let world = try await World()
        _ = try await world.sync()
        world.dr.mutate("fraud-detector", "2") { $0.tags["team"] = "platform" }
        let opened = try await world.sync()
        let conflict = try #require(opened.first { $0.kind == "tag" })
        #expect(conflict.field == "tag:team")
        #expect(conflict.values == ["mlflow-prod": "risk", "mlflow-dr": "platform"])
        #expect(try await ConflictDetector(catalog: world.catalog, tagOwners: ["team": "mlflow-prod"])
            .check(registries: ["mlflow-dr"]).isEmpty)

        _ = try await world.resolver().resolve(id: try #require(conflict.id), .take("mlflow-prod"))
        #expect(world.dr.versions(of: "fraud-detector")[1].tags["team"] == "risk")
        #expect(world.mlflow.versions(of: "fraud-detector")[1].tags["team"] == "risk")
        // Once the registries agree again nothing reopens.
        #expect(try await world.sync().filter { $0.kind == "tag" }.isEmpty)
    }

    @Test func valueWritesBothSidesAndKeepTargetWritesNothingButStaysDecided() async throws {
        let world = try await World()
        world.dr.mutate("fraud-detector", "2") { $0.tags["team"] = "platform" }
        let conflict = try #require(try await world.sync().first { $0.kind == "tag" })
        _ = try await world.resolver().resolve(id: conflict.id!, .value("shared"))
        #expect(world.dr.versions(of: "fraud-detector")[1].tags["team"] == "shared")
        #expect(world.mlflow.versions(of: "fraud-detector")[1].tags["team"] == "shared")

        world.dr.mutate("fraud-detector", "2") { $0.tags["team"] = "mine" }
        let again = try #require(try await world.sync().first { $0.kind == "tag" })
        let writes = world.dr.writes + world.mlflow.writes
        let kept = try await world.resolver().resolve(id: again.id!, .keepTarget)
        #expect(kept.writes.isEmpty)
        #expect(world.dr.writes + world.mlflow.writes == writes)
        // The same disagreement, already decided, is not reopened by the next sync.
        #expect(try await world.sync().filter { $0.kind == "tag" }.isEmpty)
        await #expect(throws: MigrationError.self) { _ = try await world.resolver().resolve(id: again.id!, .keepTarget) }
    }

    @Test func anAliasMovedOnTheCopysSideIsAConflictAndTakeMovesItBack() async throws {
        let world = try await World()
        try await world.dr.setAlias(model: "fraud-detector", alias: "champion", version: "2")
        let conflict = try #require(try await world.sync().first { $0.kind == "alias" })
        #expect(conflict.registry == "mlflow-dr" && conflict.version == "1" && conflict.field == "alias:champion")
        #expect(conflict.values == ["mlflow-prod": "1", "mlflow-dr": "2"])
        await #expect(throws: MigrationError.self) {
            _ = try await world.resolver().resolve(id: conflict.id!, .take("nowhere"))
        }
        _ = try await world.resolver().resolve(id: conflict.id!, .take("mlflow-prod"))
        #expect(world.dr.versions(of: "fraud-detector")[0].aliases == ["champion"])
        let moves = try await world.catalog.history(registry: "mlflow-dr", model: "fraud-detector", alias: "champion")
        #expect(moves.contains { $0.source == .resolve && $0.kind == .aliasMoved && $0.after == "1" })
    }
}
