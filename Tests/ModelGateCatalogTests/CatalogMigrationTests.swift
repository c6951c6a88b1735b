import Foundation
import GRDB
import ModelGateCore
import Testing

@testable import ModelGateCatalog

@Suite struct CatalogMigrationTests {
    @Test func openingAFreshFileCreatesItsDirectoriesAndMigratesWithWALAndForeignKeys() async throws {
        // Given a path whose parent directories do not exist yet
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/deeper/catalog.sqlite").path

        // When the catalog is opened
        let catalog = try CatalogDatabase.open(path: path)

        // Then the file exists, is a WAL pool with foreign keys on, and holds the v1 schema
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(catalog.writer is DatabasePool)
        let (journal, foreignKeys, applied, tables) = try await catalog.writer.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try CatalogDatabase.migrator.appliedIdentifiers(db),
                try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(applied == Set(CatalogDatabase.migrationIdentifiers))
        for table in [
            "registry", "model", "modelTag", "modelVersion", "versionTag", "alias", "lineageEdge", "change",
            "syncState", "conflict", "versionMap",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }

        // And a foreign key is enforced: a version of an unknown model is refused
        await #expect(throws: DatabaseError.self) {
            try await catalog.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO modelVersion (registryName, model, version, versionSort, status, lifecycle)
                        VALUES ('nope', 'nope', '1', '1', 'ready', 'none')
                        """)
            }
        }

        // And data written survives reopening the file
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("churn", "1")]), source: .sync, at: Fixture.t0)
        let reopened = try CatalogDatabase.open(path: path)
        let version = try await reopened.version(registry: "mlflow-prod", model: "churn", version: "1")
        #expect(version?.sourceURI == "s3://bucket/churn/1")
    }

    @Test func migratingFromV1ToALaterTestOnlyMigrationKeepsTheData() async throws {
        // Given a database migrated up to v1 only, holding data
        let queue = try DatabaseQueue(configuration: CatalogDatabase.makeConfiguration())
        try CatalogDatabase.migrator.migrate(queue, upTo: "v1")
        let v1 = try CatalogDatabase(queue)
        _ = try await v1.apply(
            page: Fixture.page(versions: [Fixture.version("churn", "1", aliases: ["champion"], tags: ["team": "risk"])]),
            source: .sync, at: Fixture.t0)

        // When a later (test-only) migration adds a column and a table
        var migrator = CatalogDatabase.migrator
        migrator.registerMigration("test: v2 add approvedBy") { db in
            try db.alter(table: "modelVersion") { t in t.add(column: "approvedBy", .text) }
            try db.create(table: "testNote") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("versionId", .integer).notNull().references("modelVersion", onDelete: .cascade)
            }
        }
        let v2 = try CatalogDatabase(queue, migrator: migrator)
        let extended = migrator

        // Then both migrations are applied, the new column exists, and the old rows read back unchanged
        let (applied, columns) = try await queue.read { db in
            (try extended.appliedIdentifiers(db), try db.columns(in: "modelVersion").map(\.name))
        }
        #expect(Set(applied) == Set(CatalogDatabase.migrationIdentifiers + ["test: v2 add approvedBy"]))
        #expect(columns.contains("approvedBy"))
        let version = try #require(try await v2.version(registry: "mlflow-prod", model: "churn", version: "1"))
        #expect(version.aliases == ["champion"])
        #expect(version.tags == ["team": "risk"])

        // And the catalog keeps working on the migrated schema
        let outcome = try await v2.apply(
            page: Fixture.page(versions: [Fixture.version("churn", "1"), Fixture.version("churn", "2", aliases: ["champion"])]),
            source: .sync, at: Fixture.time(1))
        #expect(outcome.created == 1)
        #expect(outcome.changes.filter { $0.kind == .aliasMoved }.count == 1)
    }
}
