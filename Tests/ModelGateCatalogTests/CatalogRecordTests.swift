import Foundation
import GRDB
import ModelGateCore
import Testing

@testable import ModelGateCatalog

/// Catalog rows are decoded by column name (issue 16): a query that selects the same columns in another order
/// (here the table's own order, `SELECT *`) gives the same values the catalog's own queries give.
@Suite("Catalog records decode by column name")
struct CatalogRecordTests {
    @Test func aVersionReadWithItsColumnsInTableOrderIsTheSameVersion() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let written = Fixture.version(
            "fraud", "3", description: "third", lifecycle: .production, aliases: ["champion"], tags: ["team": "risk"])
        _ = try await catalog.apply(
            page: Fixture.page(models: [Fixture.model("fraud")], versions: [written]), source: .sync, at: Fixture.t0)

        let viaCatalog = try #require(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "3"))
        let viaSelectStar = try await queue.read { db in
            try CatalogDatabase.versions(from: VersionRecord.fetchAll(db, sql: "SELECT * FROM modelVersion"), db: db)
        }

        #expect(viaSelectStar == [viaCatalog])
        #expect(viaCatalog.description == "third")
        #expect(viaCatalog.lifecycle == .production)
        #expect(viaCatalog.run?.id == "run-fraud-3")
        #expect(viaCatalog.sourceURI == "s3://bucket/fraud/3")
        #expect(viaCatalog.aliases == ["champion"])
        #expect(viaCatalog.tags == ["team": "risk"])
    }

    @Test func aChangeRowReadWithItsColumnsReversedIsTheSameEntry() async throws {
        let (catalog, queue) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", aliases: ["champion"])]), source: .sync,
            at: Fixture.t0)
        let history = try await catalog.history(
            registry: "mlflow-prod", model: "fraud", alias: nil, since: nil, limit: nil, cursor: nil
        ).items

        let reversed = try await queue.read { db in
            try ChangeRecord.fetchAll(
                db,
                sql: """
                    SELECT source, actor, "after", "before", field, kind, version, model, registryName, at, id
                    FROM change ORDER BY at, id
                    """
            ).map { $0.entry() }
        }

        #expect(!history.isEmpty)
        #expect(reversed == history)
        #expect(history.contains { $0.kind == .aliasMoved && $0.field == "alias:champion" && $0.after == "1" })
    }
}
