import Foundation
import GRDB
import ModelGateCore
import Testing

@testable import ModelGateCatalog

@Suite struct CatalogApplyTests {
    @Test func upsertedModelsAndVersionsReadBackWithAliasesAndTags() async throws {
        let (catalog, _) = try Fixture.catalog()
        let page = Fixture.page(
            models: [Fixture.model("fraud", description: "fraud model", tags: ["owner": "risk"])],
            versions: [
                Fixture.version("fraud", "1", tags: ["team": "risk", "stage": "old"]),
                Fixture.version("fraud", "2", lifecycle: .production, aliases: ["champion", "latest"], tags: ["team": "risk"]),
            ])

        let outcome = try await catalog.apply(page: page, source: .sync, at: Fixture.t0)

        #expect(outcome.created == 2)
        #expect(outcome.modelsCreated == 1)
        #expect(outcome.unchanged == 0)
        // created: model + 2 versions; alias_moved: 2 new aliases
        #expect(outcome.changes.map(\.kind).filter { $0 == .created }.count == 3)
        #expect(outcome.changes.filter { $0.kind == .aliasMoved }.compactMap(\.field).sorted() == ["alias:champion", "alias:latest"])
        #expect(outcome.changes.allSatisfy { $0.id != nil && $0.source == .sync })

        let two = try #require(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2"))
        #expect(two.aliases == ["champion", "latest"])
        #expect(two.tags == ["team": "risk"])
        #expect(two.lifecycle == .production)
        #expect(two.lifecycleRaw == "Production")
        #expect(two.kind == .mlflow)
        #expect(two.run?.id == "run-fraud-2")
        #expect(two.metrics == ["auc": 0.9])
        #expect(two.createdAt == Fixture.t0)
        #expect(two.raw == ["name": "fraud", "version": "2"])
        let one = try #require(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1"))
        #expect(one.aliases.isEmpty)
        #expect(one.tags == ["team": "risk", "stage": "old"])

        let model = try #require(try await catalog.model(registry: "mlflow-prod", name: "fraud"))
        #expect(model.description == "fraud model")
        #expect(model.tags == ["owner": "risk"])
        #expect(model.raw == ["name": "fraud"])
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "3") == nil)
    }

    @Test func anAliasMovedBetweenTwoAppliesWritesExactlyOneRow() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1", aliases: ["champion"]), Fixture.version("fraud", "2"),
            ]), source: .sync, at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1"), Fixture.version("fraud", "2", aliases: ["champion"]),
            ]), source: .sync, at: Fixture.time(5))

        #expect(outcome.changes.count == 1)
        let moved = try #require(outcome.changes.first)
        #expect(moved.kind == .aliasMoved)
        #expect(moved.field == "alias:champion")
        #expect(moved.version == "2")
        #expect(moved.before == "1")
        #expect(moved.after == "2")
        #expect(moved.at == Fixture.time(5))
        let history = try await catalog.history(registry: "mlflow-prod", model: "fraud", alias: "champion")
        #expect(history.map { [$0.before, $0.after] } == [[nil, "1"], ["1", "2"]])
        let one = try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")
        let two = try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2")
        #expect(one?.aliases == [])
        #expect(two?.aliases == ["champion"])
    }

    @Test func anAliasNoLongerReportedIsRemovedWithOneRowUnlessItsVersionFailedToRead() async throws {
        let (catalog, queue) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1", aliases: ["champion"]), Fixture.version("fraud", "2", aliases: ["canary"]),
            ]), source: .sync, at: Fixture.t0)

        // Version 2 could not be read this time: its alias stays; champion is gone from version 1
        let outcome = try await catalog.apply(
            page: Fixture.page(
                versions: [Fixture.version("fraud", "1")],
                errors: [.init(model: "fraud", version: "2", message: "HTTP 500 reading version 2")]),
            source: .sync, at: Fixture.time(1))

        let removed = outcome.changes.filter { $0.kind == .aliasMoved }
        #expect(removed.count == 1)
        #expect(removed.first?.field == "alias:champion")
        #expect(removed.first?.before == "1")
        #expect(removed.first?.after == nil)
        #expect(removed.first?.version == "1", "the row names the version the alias left")
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM alias WHERE name = 'canary'") == 1)
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM alias WHERE name = 'champion'") == 0)
    }

    @Test func anAliasMoveCountsBothVersionsItTouchedAsUpdated() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1", aliases: ["champion"]), Fixture.version("fraud", "2"),
                Fixture.version("fraud", "3"),
            ]), source: .sync, at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1"), Fixture.version("fraud", "2", aliases: ["champion"]),
                Fixture.version("fraud", "3"),
            ]), source: .sync, at: Fixture.time(1))

        #expect(outcome.changes.map(\.kind) == [.aliasMoved])
        #expect((outcome.created, outcome.updated, outcome.unchanged, outcome.refreshed) == (0, 2, 1, 0))
    }

    @Test func aLifecycleChangeWritesOneRowWithNormalizedValues() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", lifecycle: .staging)]), source: .sync,
            at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", lifecycle: .production)]), source: .sync,
            at: Fixture.time(1))

        #expect(outcome.changes.count == 1)
        #expect(outcome.changes.first?.kind == .lifecycleChanged)
        #expect(outcome.changes.first?.field == "lifecycle")
        #expect(outcome.changes.first?.before == "staging")
        #expect(outcome.changes.first?.after == "production")
        #expect(outcome.updated == 1)
    }

    @Test func reapplyingAnIdenticalPageWritesNothing() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let page = Fixture.page(
            models: [Fixture.model("fraud", description: "d", tags: ["owner": "risk"])],
            versions: (1...5).map { Fixture.version("fraud", "\($0)", aliases: $0 == 5 ? ["champion"] : [], tags: ["k": "\($0)"]) },
            lineage: [
                LineageEdge(
                    from: LineageEdge.versionNode("mlflow-prod", "fraud", "1"), to: LineageEdge.runNode("mlflow-prod", "r1"),
                    relation: .producedBy, assertedBy: "mlflow-prod", observedAt: Fixture.t0, properties: ["a": "b"])
            ],
            errors: [.init(model: "fraud", version: "6", message: "unreadable")])
        _ = try await catalog.apply(page: page, source: .sync, at: Fixture.t0)
        let changeRows = try await Fixture.count(queue, "SELECT count(*) FROM change")
        let writesBefore = try await queue.read { $0.totalChangesCount }

        let outcome = try await catalog.apply(page: page, source: .sync, at: Fixture.time(10))

        let writesAfter = try await queue.read { $0.totalChangesCount }
        #expect(writesAfter == writesBefore, "no INSERT/UPDATE/DELETE at all")
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM change") == changeRows)
        #expect(outcome.changes.isEmpty)
        #expect(outcome.unchanged == 5)
        #expect(outcome.created == 0 && outcome.updated == 0 && outcome.refreshed == 0)
        #expect(outcome.modelsUpdated == 0)
    }

    @Test func aChangeOnlyInRawOrUpdatedAtRewritesTheRowWithoutAChangeRow() async throws {
        let (catalog, queue) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1")]), source: .sync, at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1", updatedAt: Fixture.time(3), raw: ["name": "fraud", "etag": "x"])
            ]), source: .sync, at: Fixture.time(3))

        #expect(outcome.changes.isEmpty)
        #expect(outcome.refreshed == 1)
        let version = try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")
        #expect(version?.raw == ["name": "fraud", "etag": "x"])
        #expect(version?.updatedAt == Fixture.time(3))
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM change WHERE kind != 'created'") == 0)
    }

    @Test func descriptionAndTagDifferencesAreLoggedFieldByField() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(
                models: [Fixture.model("fraud", description: "old", tags: ["owner": "a"])],
                versions: [Fixture.version("fraud", "1", description: "v1", tags: ["keep": "1", "edit": "a", "drop": "x"])]),
            source: .sync, at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(
                models: [Fixture.model("fraud", description: "new", tags: ["owner": "b"])],
                versions: [Fixture.version("fraud", "1", description: "v1 better", tags: ["keep": "1", "edit": "b", "add": "y"])]),
            source: .sync, at: Fixture.time(1))

        let rows = outcome.changes.map { [$0.version ?? "-", $0.kind.rawValue, $0.field ?? "-", $0.before ?? "nil", $0.after ?? "nil"] }
        #expect(rows.contains(["-", "updated", "description", "old", "new"]))
        #expect(rows.contains(["-", "tag_changed", "tag:owner", "a", "b"]))
        #expect(rows.contains(["1", "updated", "description", "v1", "v1 better"]))
        #expect(rows.contains(["1", "tag_changed", "tag:add", "nil", "y"]))
        #expect(rows.contains(["1", "tag_changed", "tag:edit", "a", "b"]))
        #expect(rows.contains(["1", "tag_changed", "tag:drop", "x", "nil"]))
        #expect(rows.count == 6)
        #expect(outcome.updated == 1 && outcome.modelsUpdated == 1)
        let version = try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")
        #expect(version?.tags == ["keep": "1", "edit": "b", "add": "y"])
        #expect(version?.description == "v1 better")
    }

    @Test func anImmutableFieldChangedUnderTheSameIDOpensAnIntegrityConflictAndKeepsBothValues() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", sourceURI: "s3://a/model")]), source: .sync,
            at: Fixture.t0)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", sourceURI: "s3://b/model")]), source: .sync,
            at: Fixture.time(1))

        #expect(outcome.conflictIDs.count == 1)
        let conflicts = try await catalog.conflicts(status: .open)
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(conflict.id == outcome.conflictIDs.first)
        #expect(conflict.kind == "integrity")
        #expect(conflict.registry == "mlflow-prod" && conflict.model == "fraud" && conflict.version == "1")
        #expect(conflict.field == "source_uri")
        #expect(conflict.values == ["catalog": "s3://a/model", "mlflow-prod": "s3://b/model"])
        #expect(conflict.createdAt == Fixture.time(1))
        // The new observation is stored and logged
        let version = try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")
        #expect(version?.sourceURI == "s3://b/model")
        #expect(outcome.changes.map(\.field) == ["source_uri"])

        // Seeing the same value again opens nothing new
        let again = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", sourceURI: "s3://b/model")]), source: .sync,
            at: Fixture.time(2))
        #expect(again.conflictIDs.isEmpty)
        #expect(try await catalog.conflicts().count == 1)

        // Resolving it closes it
        try await catalog.resolveConflict(id: conflict.id ?? -1, resolution: "took mlflow-prod", at: Fixture.time(3))
        #expect(try await catalog.conflicts(status: .open).isEmpty)
        let resolved = try await catalog.conflict(id: conflict.id ?? -1)
        #expect(resolved?.status == .resolved)
        #expect(resolved?.resolution == "took mlflow-prod")
        await #expect(throws: CatalogError.self) {
            try await catalog.resolveConflict(id: 999, resolution: "x", at: Fixture.time(3))
        }
    }

    @Test func perObjectErrorsBecomeErrorRowsOncePerDistinctError() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let failing = Fixture.page(
            versions: [Fixture.version("fraud", "1")],
            errors: [.init(model: "fraud", version: "2", message: "HTTP 500")])

        let first = try await catalog.apply(page: failing, source: .sync, at: Fixture.t0)
        _ = try await catalog.apply(page: failing, source: .sync, at: Fixture.time(1))
        let other = try await catalog.apply(
            page: Fixture.page(
                versions: [Fixture.version("fraud", "1")],
                errors: [.init(model: "fraud", version: "2", message: "HTTP 403")]),
            source: .sync, at: Fixture.time(2))

        let errorRow = try #require(first.changes.first { $0.kind == .error })
        #expect(errorRow.version == "2")
        #expect(errorRow.after == "HTTP 500")
        #expect(other.changes.map(\.kind) == [.error])
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM change WHERE kind = 'error'") == 2)
    }

    @Test func aTombstonedVersionThatReappearsIsUndeletedWithAnUpdatedRow() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1"), Fixture.version("fraud", "2")]), source: .sync,
            at: Fixture.t0)
        let deleted = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: [CatalogVersionKey(model: "fraud", version: "1")], tombstoneAfterMisses: 1,
            at: Fixture.time(1))
        #expect(deleted.map(\.version) == ["2"])
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2")?.deleted == true)

        let outcome = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1"), Fixture.version("fraud", "2")]), source: .sync,
            at: Fixture.time(2))

        #expect(outcome.changes.count == 1)
        let row = try #require(outcome.changes.first)
        #expect(row.kind == .updated && row.field == "deleted" && row.before == "true" && row.after == "false")
        #expect(row.version == "2")
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2")?.deleted == false)
    }

    @Test func lineageEdgesAreStoredOnceAndFoundFromEitherEnd() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let node = LineageEdge.versionNode("mlflow-prod", "fraud", "1")
        let run = LineageEdge.runNode("mlflow-prod", "r1")
        let edges = [
            LineageEdge(from: node, to: run, relation: .producedBy, assertedBy: "mlflow-prod", observedAt: Fixture.t0),
            LineageEdge(
                from: LineageEdge.versionNode("sm-us", "fraud", "3"), to: node, relation: .migratedFrom,
                assertedBy: "modelgate", observedAt: Fixture.t0),
        ]
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1")], lineage: edges), source: .sync, at: Fixture.t0)
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1")], lineage: edges), source: .sync, at: Fixture.t0)

        #expect(try await Fixture.count(queue, "SELECT count(*) FROM lineageEdge") == 2)
        let touching = try await catalog.lineageEdges(touching: node)
        #expect(Set(touching) == Set(edges))
        #expect(try await catalog.lineageEdges(touching: run).map(\.relation) == [.producedBy])
        #expect(try await catalog.lineageEdges(touching: "run:none").isEmpty)
    }

    @Test func aPageWithAnObjectOfAnotherRegistryIsRefusedBeforeWriting() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let page = Fixture.page(versions: [Fixture.version("fraud", "1"), Fixture.version("fraud", "2", registry: "sm-us")])

        await #expect(throws: CatalogError.self) { try await catalog.apply(page: page, source: .sync, at: Fixture.t0) }
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM modelVersion") == 0)
    }
}
