import Foundation
import GRDB

/// The only door to the catalog's SQLite database (GRDB's AppDatabase pattern).
///
/// A `Sendable` value over a GRDB `DatabaseWriter`: a `DatabasePool` (WAL) on disk, a `DatabaseQueue`
/// in memory for tests. Every write method is one transaction; every read uses GRDB's async `read`.
///
/// ```swift
/// let catalog = try CatalogDatabase.open(path: "/var/lib/modelgate/catalog.sqlite")
/// let outcome = try await catalog.apply(page: page, source: .sync, at: Date())
/// let champions = try await catalog.versions(VersionQuery(alias: "champion"))
/// ```
public struct CatalogDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Wraps `writer` and migrates its schema to the latest version.
    ///
    /// - Parameter writer: a `DatabasePool` or `DatabaseQueue`, ideally built with ``makeConfiguration(_:)``.
    /// - Throws: `DatabaseError` when a migration fails.
    public init(_ writer: any DatabaseWriter) throws {
        try self.init(writer, migrator: Self.migrator)
    }

    /// Wraps `writer` and runs `migrator`, which must start with the catalog's own migrations.
    ///
    /// Tests use it to append test-only migrations after the shipped ones:
    /// ```swift
    /// var migrator = CatalogDatabase.migrator
    /// migrator.registerMigration("test: v2") { db in try db.alter(table: "model") { $0.add(column: "x", .text) } }
    /// let catalog = try CatalogDatabase(queue, migrator: migrator)
    /// ```
    public init(_ writer: any DatabaseWriter, migrator: DatabaseMigrator) throws {
        self.writer = writer
        try migrator.migrate(writer)
    }

    /// Opens (creating if needed, with its parent directories) the catalog file at `path` as a WAL `DatabasePool`.
    ///
    /// - Throws: a file-system error when the directory cannot be created, or `DatabaseError`.
    public static func open(path: String) throws -> CatalogDatabase {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pool = try DatabasePool(path: url.path, configuration: makeConfiguration())
        return try CatalogDatabase(pool)
    }

    /// An empty catalog in memory (a `DatabaseQueue`), for tests and one-shot commands.
    public static func inMemory() throws -> CatalogDatabase {
        try CatalogDatabase(DatabaseQueue(configuration: makeConfiguration()))
    }

    /// The configuration every catalog connection uses: foreign keys on, a busy timeout for concurrent
    /// processes, and `synchronous = NORMAL` (safe with WAL: a crash loses at most the last transactions,
    /// never consistency).
    public static func makeConfiguration(_ base: Configuration = Configuration()) -> Configuration {
        var config = base
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            if db.configuration.readonly == false {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        return config
    }

    /// The identifiers of the shipped migrations, oldest first.
    public static let migrationIdentifiers: [String] = [CatalogSchema.v1, CatalogSchema.v2Audit, CatalogSchema.v3Leases]

    /// All shipped migrations. A migration is never edited once shipped; changes come as new migrations.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(CatalogSchema.v1, migrate: CatalogSchema.createV1)
        migrator.registerMigration(CatalogSchema.v2Audit, migrate: CatalogSchema.createAudit)
        migrator.registerMigration(CatalogSchema.v3Leases, migrate: CatalogSchema.createLeases)
        return migrator
    }
}

extension CatalogDatabase {
    /// `PRAGMA integrity_check`: `["ok"]` for a sound database file, else SQLite's list of problems.
    public func integrityCheck() async throws -> [String] {
        try await writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}
