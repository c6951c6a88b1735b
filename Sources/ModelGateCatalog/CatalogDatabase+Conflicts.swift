import Foundation
import GRDB
import ModelGateCore

extension CatalogDatabase {
    // MARK: Conflicts

    /// Conflicts, oldest first; only those with `status` when given.
    public func conflicts(status: CatalogConflict.Status? = nil) async throws -> [CatalogConflict] {
        try await conflicts(status: status, limit: nil, cursor: nil).items
    }

    /// One page of conflicts, oldest first (by id); only those with `status` when given.
    ///
    /// - Parameters:
    ///   - limit: at most this many; nil for all.
    ///   - cursor: the `nextCursor` of the previous page of the same query.
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func conflicts(status: CatalogConflict.Status?, limit: Int?, cursor: String?) async throws
        -> ResultPage<CatalogConflict>
    {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status {
            conditions.append("status = ?")
            arguments.append(status.rawValue)
        }
        if let cursor {
            let parts = try CatalogEncoding.decodeIntegerCursor(cursor, count: 1)
            conditions.append("id > ?")
            arguments.append(parts[0])
        }
        var sql = "SELECT \(ConflictRecord.columns) FROM conflict"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id"
        if let limit {
            sql += " LIMIT ?"
            arguments.append(max(0, limit) + 1)
        }
        let finalSQL = sql
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            var items = try ConflictRecord.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(\.conflict)
            let next = CatalogEncoding.trimPage(&items, limit: limit) { $0.id.map { [String($0)] } }
            return ResultPage(items: items, nextCursor: next)
        }
    }

    /// One conflict, or nil.
    public func conflict(id: Int64) async throws -> CatalogConflict? {
        try await writer.read { db in
            try ConflictRecord.fetchOne(
                db, sql: "SELECT \(ConflictRecord.columns) FROM conflict WHERE id = ?", arguments: [id]
            ).map(\.conflict)
        }
    }

    /// Records a conflict found by another activity (migration plans, tag owners); returns it with its id.
    public func insertConflict(_ conflict: CatalogConflict) async throws -> CatalogConflict {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO conflict (kind, registryName, model, version, field, "values", status, resolution,
                    createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    conflict.kind, conflict.registry, conflict.model, conflict.version, conflict.field,
                    CatalogEncoding.json(.object(conflict.values)), conflict.status.rawValue, conflict.resolution,
                    Timestamp.milliseconds(conflict.createdAt), Timestamp.milliseconds(conflict.updatedAt),
                ])
            var written = conflict
            written.id = db.lastInsertedRowID
            return written
        }
    }

    /// Marks a conflict resolved with a one-line resolution (`kept catalog`, `took mlflow-prod`, …).
    ///
    /// - Throws: ``CatalogError`` when there is no such conflict.
    public func resolveConflict(id: Int64, resolution: String, at: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE conflict SET status = 'resolved', resolution = ?, updatedAt = ? WHERE id = ?",
                arguments: [resolution, Timestamp.milliseconds(at), id])
            if db.changesCount == 0 { throw CatalogError("no conflict with id \(id)") }
        }
    }

    /// Records a disagreement found by a check that runs again and again (sync, plan): an open conflict with the
    /// same kind, object and field is updated in place; one already resolved with the same values stays decided
    /// (nil is returned); anything else opens a new conflict. Returns the conflict and whether it is new.
    public func recordConflict(_ conflict: CatalogConflict) async throws -> (conflict: CatalogConflict, isNew: Bool)? {
        try await writer.write { db in
            let latest = try ConflictRecord.fetchOne(
                db,
                sql: """
                    SELECT \(ConflictRecord.columns) FROM conflict WHERE kind = ? AND registryName = ? AND model = ?
                    AND version IS ? AND field IS ? ORDER BY id DESC LIMIT 1
                    """,
                arguments: [conflict.kind, conflict.registry, conflict.model, conflict.version, conflict.field]
            ).map(\.conflict)
            if var latest {
                if latest.status == .resolved, latest.values == conflict.values { return nil }
                if latest.status == .open {
                    if latest.values != conflict.values {
                        try db.execute(
                            sql: #"UPDATE conflict SET "values" = ?, updatedAt = ? WHERE id = ?"#,
                            arguments: [
                                CatalogEncoding.json(.object(conflict.values)), Timestamp.milliseconds(conflict.updatedAt),
                                latest.id,
                            ])
                        latest.values = conflict.values
                        latest.updatedAt = conflict.updatedAt
                    }
                    return (latest, false)
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO conflict (kind, registryName, model, version, field, "values", status, resolution,
                    createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, 'open', NULL, ?, ?)
                    """,
                arguments: [
                    conflict.kind, conflict.registry, conflict.model, conflict.version, conflict.field,
                    CatalogEncoding.json(.object(conflict.values)), Timestamp.milliseconds(conflict.createdAt),
                    Timestamp.milliseconds(conflict.updatedAt),
                ])
            var written = conflict
            written.id = db.lastInsertedRowID
            written.status = .open
            return (written, true)
        }
    }

    /// Closes open conflicts of this kind on this object and field whose registries now agree; returns how many.
    @discardableResult
    public func settleConflicts(kind: String, registry: String, model: String, version: String?, field: String?, at: Date)
        async throws -> Int
    {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE conflict SET status = 'resolved', resolution = 'settled: the registries agree now', updatedAt = ?
                    WHERE status = 'open' AND kind = ? AND registryName = ? AND model = ? AND version IS ? AND field IS ?
                    """,
                arguments: [Timestamp.milliseconds(at), kind, registry, model, version, field])
            return db.changesCount
        }
    }

    /// Every copy whose source or target lives in `registry`.
    public func versionMap(touching registry: String) async throws -> [VersionMapEntry] {
        try await writer.read { db in
            try VersionMapRecord.fetchAll(
                db,
                sql: "SELECT \(VersionMapRecord.columns) FROM versionMap WHERE sourceRegistry = ? OR targetRegistry = ? ORDER BY id",
                arguments: [registry, registry]
            ).map(\.entry)
        }
    }

    // MARK: Version map

    /// Records where a migrated version went. A second copy of the same source into the same target
    /// registry replaces the first mapping.
    ///
    /// - Throws: ``CatalogError`` when a reference has no version.
    public func insertVersionMap(_ entry: VersionMapEntry) async throws {
        guard let sourceVersion = entry.source.version, let targetVersion = entry.target.version else {
            throw CatalogError("a version map needs REGISTRY:MODEL@VERSION on both sides")
        }
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO versionMap (sourceRegistry, sourceModel, sourceVersion, targetRegistry, targetModel,
                    targetVersion, copyId, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (sourceRegistry, sourceModel, sourceVersion, targetRegistry) DO UPDATE SET
                    targetModel = excluded.targetModel, targetVersion = excluded.targetVersion,
                    copyId = excluded.copyId, createdAt = excluded.createdAt
                    """,
                arguments: [
                    entry.source.registry, entry.source.model, sourceVersion, entry.target.registry,
                    entry.target.model, targetVersion, entry.copyID, Timestamp.milliseconds(entry.createdAt),
                ])
        }
    }

    /// The copies of `source` (a version reference), optionally only those in `targetRegistry`.
    public func versionMap(source: VersionRef, targetRegistry: String? = nil) async throws -> [VersionMapEntry] {
        var sql = "SELECT \(VersionMapRecord.columns) FROM versionMap WHERE sourceRegistry = ? AND sourceModel = ? AND sourceVersion = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [source.registry, source.model, source.version ?? ""]
        if let targetRegistry {
            sql += " AND targetRegistry = ?"
            arguments.append(targetRegistry)
        }
        let finalSQL = sql + " ORDER BY targetRegistry"
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            try VersionMapRecord.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(\.entry)
        }
    }

    /// The mapping whose copy is `target`, or nil (where did this version come from?).
    public func versionMap(target: VersionRef) async throws -> VersionMapEntry? {
        try await writer.read { db in
            try VersionMapRecord.fetchOne(
                db,
                sql: """
                    SELECT \(VersionMapRecord.columns) FROM versionMap
                    WHERE targetRegistry = ? AND targetModel = ? AND targetVersion = ?
                    """,
                arguments: [target.registry, target.model, target.version ?? ""]
            ).map(\.entry)
        }
    }

    /// The mappings written with ModelGate copy id `copyID`.
    public func versionMap(copyID: String) async throws -> [VersionMapEntry] {
        try await writer.read { db in
            try VersionMapRecord.fetchAll(
                db, sql: "SELECT \(VersionMapRecord.columns) FROM versionMap WHERE copyId = ? ORDER BY id",
                arguments: [copyID]
            ).map(\.entry)
        }
    }
}
