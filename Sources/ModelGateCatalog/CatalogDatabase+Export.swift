import Foundation
import GRDB
import ModelGateCore

/// Reads for `modelgate export`: everything (tombstoned rows included, native JSON kept), one bounded page
/// at a time so that a catalog of millions of rows is streamed, never loaded whole. Versions come from
/// ``CatalogDatabase/versions(_:)`` with `includeDeleted: true` and a `limit`.
extension CatalogDatabase {
    /// Models, deleted ones included, with tags and `raw`, ordered by registry and name.
    ///
    /// - Parameters:
    ///   - registry: only this registry's models.
    ///   - model: only models of this name.
    ///   - cursor: the `nextCursor` of the previous page.
    ///   - limit: the page size (at least 1).
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func exportModels(registry: String?, model: String?, cursor: String?, limit: Int) async throws
        -> ResultPage<RegistryModel>
    {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let registry {
            conditions.append("m.registryName = ?")
            arguments.append(registry)
        }
        if let model {
            conditions.append("m.name = ?")
            arguments.append(model)
        }
        if let cursor {
            let parts = try CatalogEncoding.decodeCursor(cursor, count: 2)
            conditions.append("(m.registryName, m.name) > (?, ?)")
            arguments += [parts[0], parts[1]]
        }
        var sql = """
            SELECT m.id, m.registryName, r.kind, m.name, m.displayName, m.description, m.createdAt, m.updatedAt,
              m.deleted, m.raw
            FROM model m JOIN registry r ON r.name = m.registryName
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY m.registryName, m.name LIMIT ?"
        let pageSize = max(1, limit)
        arguments.append(pageSize + 1)
        let finalSQL = sql
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            var rows = try ModelRecord.fetchAll(db, sql: finalSQL, arguments: finalArguments)
            let next = CatalogEncoding.trimPage(&rows, limit: pageSize) { [$0.registryName ?? "", $0.name ?? ""] }
            let ids = rows.map(\.id)
            var tags: [Int64: [String: String]] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let tagRows = try ModelTagRecord.fetchCursor(
                    db, sql: #"SELECT modelId, "key", "value" FROM modelTag WHERE modelId IN (\#(marks))"#,
                    arguments: StatementArguments(chunk))
                while let tag = try tagRows.next(), let modelID = tag.modelId {
                    tags[modelID, default: [:]][tag.key] = tag.value
                }
            }
            let items = rows.map { $0.model(tags: tags[$0.id] ?? [:]) }
            return ResultPage(items: items, nextCursor: next)
        }
    }

    /// Every lineage edge, in insertion order, one page at a time (callers filter what they export).
    ///
    /// - Parameters:
    ///   - cursor: the `nextCursor` of the previous page.
    ///   - limit: the page size (at least 1).
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func exportLineage(cursor: String?, limit: Int) async throws -> ResultPage<LineageEdge> {
        let after = try cursor.map { try Self.rowID(fromCursor: $0) } ?? 0
        let pageSize = max(1, limit)
        return try await writer.read { db in
            var rows = try LineageEdgeRecord.fetchAll(
                db,
                sql: """
                    SELECT fromNode, toNode, relation, assertedBy, observedAt, properties, id FROM lineageEdge
                    WHERE id > ? ORDER BY id LIMIT ?
                    """,
                arguments: [after, pageSize + 1])
            let next = CatalogEncoding.trimPage(&rows, limit: pageSize) { $0.id.map { [String($0)] } }
            return ResultPage(items: rows.map(\.edge), nextCursor: next)
        }
    }

    /// Change-log rows (with their ids), oldest row first, one page at a time.
    ///
    /// - Parameters:
    ///   - registry: only rows of this registry.
    ///   - model: only rows of models of this name.
    ///   - cursor: the `nextCursor` of the previous page.
    ///   - limit: the page size (at least 1).
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func exportChanges(registry: String?, model: String?, cursor: String?, limit: Int) async throws
        -> ResultPage<ChangeEntry>
    {
        var conditions = ["id > ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [try cursor.map { try Self.rowID(fromCursor: $0) } ?? 0]
        if let registry {
            conditions.append("registryName = ?")
            arguments.append(registry)
        }
        if let model {
            conditions.append("model = ?")
            arguments.append(model)
        }
        let pageSize = max(1, limit)
        arguments.append(pageSize + 1)
        let sql = """
            SELECT id, at, registryName, model, version, kind, field, "before", "after", actor, source FROM change
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?
            """
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            var rows = try ChangeRecord.fetchAll(db, sql: sql, arguments: finalArguments)
            let next = CatalogEncoding.trimPage(&rows, limit: pageSize) { [String($0.id)] }
            let items = rows.map { $0.entry() }
            return ResultPage(items: items, nextCursor: next)
        }
    }

    private static func rowID(fromCursor cursor: String) throws -> Int64 {
        let parts = try CatalogEncoding.decodeCursor(cursor, count: 1)
        guard let id = Int64(parts[0]) else {
            throw CatalogError("invalid cursor '\(cursor)': pass the next_cursor of a previous page")
        }
        return id
    }
}
