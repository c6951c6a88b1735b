import Foundation
import GRDB
import ModelGateCore

extension CatalogDatabase {
    // MARK: Versions

    /// Versions matching every filter of `query`, with aliases and tags filled in, ordered by registry,
    /// model, then numeric-aware version (`2` before `10`), one page at a time.
    ///
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func versions(_ query: VersionQuery) async throws -> ResultPage<ModelVersion> {
        let sql = try VersionSQL(query)
        return try await writer.read { db in
            var rows = try VersionRecord.fetchAll(db, sql: sql.text, arguments: sql.arguments)
            let next = CatalogEncoding.trimPage(&rows, limit: query.limit) { [$0.registryName, $0.model, $0.versionSort] }
            return ResultPage(items: try Self.versions(from: rows, db: db), nextCursor: next)
        }
    }

    /// How many versions `model` has (tombstoned ones too with `includeDeleted`), in one indexed count.
    public func versionCount(registry: String, model: String, includeDeleted: Bool = false) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM modelVersion WHERE registryName = ? AND model = ?"
                    + (includeDeleted ? "" : " AND deleted = 0"),
                arguments: [registry, model]) ?? 0
        }
    }

    /// One version, deleted or not; nil if the catalog does not know it.
    public func version(registry: String, model: String, version: String) async throws -> ModelVersion? {
        try await writer.read { db in
            let rows = try VersionRecord.fetchAll(
                db,
                sql: "SELECT \(VersionSQL.columns) FROM modelVersion v WHERE registryName = ? AND model = ? AND versionSort = ?",
                arguments: [registry, model, CatalogEncoding.versionSort(version)])
            return try Self.versions(from: rows, db: db).first
        }
    }

    /// The `EXPLAIN QUERY PLAN` lines of the SQL behind ``versions(_:)`` for `query`, to check that
    /// filtered queries use an index.
    public func queryPlan(for query: VersionQuery) async throws -> [String] {
        let sql = try VersionSQL(query)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql.text, arguments: sql.arguments).map { $0["detail"] }
        }
    }

    /// Builds versions from rows selected with ``VersionSQL/columns``, fetching their tags and aliases.
    static func versions(from rows: [VersionRecord], db: Database) throws -> [ModelVersion] {
        guard !rows.isEmpty else { return [] }
        var kinds: [String: RegistryKind] = [:]
        for registry in try RegistryKindRecord.fetchAll(db, sql: "SELECT name, kind FROM registry") {
            kinds[registry.name] = RegistryKind(rawValue: registry.kind) ?? .mlflow
        }
        var tags: [Int64: [String: String]] = [:]
        var aliases: [Int64: [String]] = [:]
        let ids = rows.map(\.id)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let tagRows = try VersionTagRecord.fetchCursor(
                db, sql: #"SELECT versionId, "key", "value" FROM versionTag WHERE versionId IN (\#(marks))"#,
                arguments: StatementArguments(chunk))
            while let tag = try tagRows.next() { tags[tag.versionId, default: [:]][tag.key] = tag.value }
            let aliasRows = try AliasRecord.fetchCursor(
                db, sql: "SELECT versionId, name FROM alias WHERE versionId IN (\(marks)) ORDER BY name",
                arguments: StatementArguments(chunk))
            while let alias = try aliasRows.next() { aliases[alias.versionId, default: []].append(alias.name) }
        }
        return rows.map { row in
            let id = row.id
            let registry = row.registryName
            let fields = row.fields
            let run: RunReference? =
                fields.runID == nil && fields.runURI == nil ? nil : RunReference(id: fields.runID, uri: fields.runURI)
            return ModelVersion(
                registry: registry, kind: kinds[registry] ?? .mlflow, model: row.model, version: row.version,
                description: fields.description, status: VersionStatus(rawValue: fields.status) ?? .ready,
                lifecycle: Lifecycle(rawValue: fields.lifecycle) ?? .none, lifecycleRaw: fields.lifecycleRaw,
                aliases: aliases[id] ?? [], tags: tags[id] ?? [:], sourceURI: fields.sourceURI,
                artifactDigest: fields.artifactDigest, run: run, metrics: CatalogEncoding.parseMetrics(fields.metrics),
                createdAt: fields.createdAt.map { Timestamp.date(milliseconds: $0) },
                updatedAt: fields.updatedAt.map { Timestamp.date(milliseconds: $0) }, createdBy: fields.createdBy,
                deleted: fields.deleted, raw: CatalogEncoding.parseJSON(fields.raw))
        }
    }

    // MARK: Models

    /// Model summaries (DESIGN §4 `models`), ordered by registry and name, one page at a time.
    ///
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func models(_ query: ModelQuery) async throws -> ResultPage<ModelSummary> {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let registry = query.registry {
            conditions.append("m.registryName = ?")
            arguments.append(registry)
        }
        if !query.includeDeleted { conditions.append("m.deleted = 0") }
        if let search = query.search, !search.isEmpty {
            let pattern = CatalogEncoding.likeSubstring(search)
            conditions.append(
                #"""
                (m.name LIKE ? ESCAPE '\' OR m.displayName LIKE ? ESCAPE '\' OR m.description LIKE ? ESCAPE '\'
                 OR EXISTS (SELECT 1 FROM modelTag t WHERE t.modelId = m.id AND t."value" LIKE ? ESCAPE '\'))
                """#)
            arguments += [pattern, pattern, pattern, pattern]
        }
        if let cursor = query.cursor {
            let parts = try CatalogEncoding.decodeCursor(cursor, count: 2)
            conditions.append("(m.registryName, m.name) > (?, ?)")
            arguments += [parts[0], parts[1]]
        }
        var sql = """
            SELECT m.id, m.registryName, r.kind, m.name, m.description, m.createdAt, m.updatedAt, m.deleted,
              (SELECT count(*) FROM modelVersion v WHERE v.registryName = m.registryName AND v.model = m.name
               AND v.deleted = 0) AS versionCount
            FROM model m JOIN registry r ON r.name = m.registryName
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY m.registryName, m.name"
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(limit + 1)
        }
        let finalSQL = sql
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            var rows = try ModelRecord.fetchAll(db, sql: finalSQL, arguments: finalArguments)
            let next = CatalogEncoding.trimPage(&rows, limit: query.limit) { [$0.registryName ?? "", $0.name ?? ""] }
            let items = try rows.map { try $0.summary(tags: Self.modelTags($0.id, db: db)) }
            return ResultPage(items: items, nextCursor: next)
        }
    }

    /// One model with its tags and native JSON; nil if the catalog does not know it.
    public func model(registry: String, name: String) async throws -> RegistryModel? {
        try await writer.read { db in
            guard
                let record = try ModelRecord.fetchOne(
                    db,
                    sql: """
                        SELECT m.id, r.kind, m.displayName, m.description, m.createdAt, m.updatedAt, m.deleted, m.raw
                        FROM model m JOIN registry r ON r.name = m.registryName WHERE m.registryName = ? AND m.name = ?
                        """,
                    arguments: [registry, name])
            else { return nil }
            return record.model(tags: try Self.modelTags(record.id, db: db), registry: registry, name: name)
        }
    }

    static func modelTags(_ modelID: Int64, db: Database) throws -> [String: String] {
        var tags: [String: String] = [:]
        for tag in try ModelTagRecord.fetchAll(
            db.cachedStatement(sql: #"SELECT "key", "value" FROM modelTag WHERE modelId = ?"#), arguments: [modelID])
        {
            tags[tag.key] = tag.value
        }
        return tags
    }

    // MARK: History and lineage

    /// The change log of one model, oldest first.
    ///
    /// - Parameters:
    ///   - registry: the registry.
    ///   - model: the model's native name.
    ///   - alias: only `alias_moved` rows of this alias.
    ///   - since: only rows at or after this time.
    public func history(registry: String, model: String, alias: String? = nil, since: Date? = nil) async throws
        -> [ChangeEntry]
    {
        try await history(registry: registry, model: model, alias: alias, since: since, limit: nil, cursor: nil).items
    }

    /// One page of the change log of one model, oldest first (by time, then id).
    ///
    /// - Parameters: as ``history(registry:model:alias:since:)``, and
    ///   - limit: at most this many rows; nil for all.
    ///   - cursor: the `nextCursor` of the previous page of the same query.
    /// - Throws: ``CatalogError`` for a malformed cursor; `DatabaseError`.
    public func history(
        registry: String, model: String, alias: String?, since: Date?, limit: Int?, cursor: String?
    ) async throws -> ResultPage<ChangeEntry> {
        var sql = """
            SELECT id, at, version, kind, field, "before", "after", actor, source FROM change
            WHERE registryName = ? AND model = ?
            """
        var arguments: [(any DatabaseValueConvertible)?] = [registry, model]
        if let alias {
            sql += " AND kind = ? AND field = ?"
            arguments += [ChangeKind.aliasMoved.rawValue, "alias:\(alias)"]
        }
        if let since {
            sql += " AND at >= ?"
            arguments.append(Timestamp.milliseconds(since))
        }
        if let cursor {
            let parts = try CatalogEncoding.decodeIntegerCursor(cursor, count: 2)
            sql += " AND (at, id) > (?, ?)"
            arguments += [parts[0], parts[1]]
        }
        sql += " ORDER BY at, id"
        if let limit {
            sql += " LIMIT ?"
            arguments.append(max(0, limit) + 1)
        }
        let finalSQL = sql
        let finalArguments = StatementArguments(arguments)
        return try await writer.read { db in
            var rows = try ChangeRecord.fetchAll(db, sql: finalSQL, arguments: finalArguments)
            let next = CatalogEncoding.trimPage(&rows, limit: limit) { [String($0.at), String($0.id)] }
            let items = rows.map { $0.entry(registry: registry, model: model) }
            return ResultPage(items: items, nextCursor: next)
        }
    }

    /// The newest `limit` change rows of `kinds` for one model, newest first (the web page's alias and lifecycle
    /// history, bounded however long the log is).
    public func recentChanges(registry: String, model: String, kinds: [ChangeKind], limit: Int) async throws -> [ChangeEntry] {
        guard !kinds.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: kinds.count).joined(separator: ",")
        var values: [(any DatabaseValueConvertible)?] = [registry, model]
        values += kinds.map(\.rawValue)
        values.append(max(0, limit))
        let arguments = StatementArguments(values)
        return try await writer.read { db in
            try ChangeRecord.fetchAll(
                db,
                sql: """
                    SELECT id, at, version, kind, field, "before", "after", actor, source FROM change
                    WHERE registryName = ? AND model = ? AND kind IN (\(marks)) ORDER BY at DESC, id DESC LIMIT ?
                    """,
                arguments: arguments
            ).map { $0.entry(registry: registry, model: model) }
        }
    }

    /// Every lineage edge that starts or ends at `node` (a node id such as `version:REG:MODEL@V`).
    public func lineageEdges(touching node: String) async throws -> [LineageEdge] {
        try await writer.read { db in
            try LineageEdgeRecord.fetchAll(
                db,
                sql: """
                    SELECT fromNode, toNode, relation, assertedBy, observedAt, properties FROM lineageEdge
                    WHERE fromNode = ? UNION
                    SELECT fromNode, toNode, relation, assertedBy, observedAt, properties FROM lineageEdge
                    WHERE toNode = ? ORDER BY fromNode, toNode, relation, assertedBy
                    """,
                arguments: [node, node]
            ).map(\.edge)
        }
    }

    /// Lineage edges that start or end at any of `nodes`, in one query (a page's worth of nodes, not a graph walk).
    public func lineageEdges(touchingAny nodes: [String]) async throws -> [LineageEdge] {
        guard !nodes.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: nodes.count).joined(separator: ",")
        return try await writer.read { db in
            try LineageEdgeRecord.fetchAll(
                db,
                sql: """
                    SELECT fromNode, toNode, relation, assertedBy, observedAt, properties FROM lineageEdge
                    WHERE fromNode IN (\(marks)) UNION
                    SELECT fromNode, toNode, relation, assertedBy, observedAt, properties FROM lineageEdge
                    WHERE toNode IN (\(marks)) ORDER BY fromNode, toNode, relation, assertedBy
                    """,
                arguments: StatementArguments(nodes + nodes)
            ).map(\.edge)
        }
    }

    /// Version-map rows whose source or target is one of `versions` of `model`, in one query.
    public func versionMap(registry: String, model: String, versions: [String]) async throws -> [VersionMapEntry] {
        guard !versions.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: versions.count).joined(separator: ",")
        let arguments = StatementArguments([registry, model] + versions + [registry, model] + versions)
        return try await writer.read { db in
            try VersionMapRecord.fetchAll(
                db,
                sql: """
                    SELECT \(VersionMapRecord.columns) FROM versionMap
                    WHERE (sourceRegistry = ? AND sourceModel = ? AND sourceVersion IN (\(marks)))
                       OR (targetRegistry = ? AND targetModel = ? AND targetVersion IN (\(marks))) ORDER BY id
                    """,
                arguments: arguments
            ).map(\.entry)
        }
    }

    /// The versions of `model` that MLflow's `latest_versions` and `aliases` need, in one query however many
    /// versions it has: the newest live version of each lifecycle (and native stage word), and every live version
    /// an alias points at; in version order.
    public func modelHeads(registry: String, model: String) async throws -> [ModelVersion] {
        try await writer.read { db in
            let rows = try VersionRecord.fetchAll(
                db,
                sql: """
                    SELECT \(VersionSQL.columns) FROM modelVersion v WHERE v.id IN (
                      SELECT id FROM (
                        SELECT id, row_number() OVER (PARTITION BY lifecycle, lifecycleRaw ORDER BY versionSort DESC) AS n
                        FROM modelVersion WHERE registryName = ? AND model = ? AND deleted = 0) WHERE n = 1
                      UNION
                      SELECT a.versionId FROM alias a JOIN modelVersion w ON w.id = a.versionId
                      WHERE w.registryName = ? AND w.model = ? AND w.deleted = 0)
                    ORDER BY v.versionSort
                    """,
                arguments: [registry, model, registry, model])
            return try Self.versions(from: rows, db: db)
        }
    }

    /// Inserts lineage edges (ModelGate's own, e.g. `migrated_from`); an edge already present keeps its row
    /// unless its properties changed.
    public func upsertLineage(_ edges: [LineageEdge]) async throws {
        try await writer.write { db in
            for edge in edges {
                try db.execute(
                    sql: """
                        INSERT INTO lineageEdge (fromNode, toNode, relation, assertedBy, observedAt, properties)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (fromNode, toNode, relation, assertedBy) DO UPDATE
                        SET properties = excluded.properties, observedAt = excluded.observedAt
                        WHERE properties IS NOT excluded.properties
                        """,
                    arguments: [
                        edge.from, edge.to, edge.relation.rawValue, edge.assertedBy,
                        Timestamp.milliseconds(edge.observedAt), CatalogEncoding.json(edge.properties),
                    ])
            }
        }
    }
}

/// The SQL behind ``CatalogDatabase/versions(_:)``: one statement, filters as index-friendly predicates.
struct VersionSQL {
    static let columns =
        "v.id, v.registryName, v.model, v.version, v.versionSort, v.description, v.status, v.lifecycle, v.lifecycleRaw, v.sourceURI, v.artifactDigest, v.runId, v.runURI, v.metrics, v.createdAt, v.updatedAt, v.createdBy, v.deleted, v.raw"

    var text: String
    var arguments: StatementArguments

    init(_ query: VersionQuery) throws {
        var from = "modelVersion v"
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        var tags = query.tags
        let hasIdentityFilter = query.registry != nil || query.model != nil
        if !hasIdentityFilter, let first = tags.first {
            // Drive the query from the tag index; CROSS JOIN keeps SQLite from scanning modelVersion instead.
            tags.removeFirst()
            from = "versionTag t0 CROSS JOIN modelVersion v ON v.id = t0.versionId"
            conditions.append(#"t0."key" = ? AND t0."value" = ?"#)
            values += [first.key, first.value]
        }
        if let registry = query.registry {
            conditions.append("v.registryName = ?")
            values.append(registry)
        }
        if let model = query.model {
            conditions.append("v.model = ?")
            values.append(model)
        }
        for tag in tags {
            conditions.append(#"v.id IN (SELECT versionId FROM versionTag WHERE "key" = ? AND "value" = ?)"#)
            values += [tag.key, tag.value]
        }
        if let alias = query.alias {
            conditions.append("v.id IN (SELECT versionId FROM alias WHERE name = ?)")
            values.append(alias)
        }
        if let lifecycle = query.lifecycle {
            conditions.append("v.lifecycle = ?")
            values.append(lifecycle.rawValue)
        }
        if !query.includeDeleted { conditions.append("v.deleted = 0") }
        if let search = query.search, !search.isEmpty {
            let pattern = CatalogEncoding.likeSubstring(search)
            conditions.append(
                #"""
                (v.model LIKE ? ESCAPE '\' OR v.version LIKE ? ESCAPE '\' OR v.description LIKE ? ESCAPE '\'
                 OR EXISTS (SELECT 1 FROM versionTag st WHERE st.versionId = v.id AND st."value" LIKE ? ESCAPE '\'))
                """#)
            values += [pattern, pattern, pattern, pattern]
        }
        if let cursor = query.cursor {
            let parts = try CatalogEncoding.decodeCursor(cursor, count: 3)
            conditions.append("(v.registryName, v.model, v.versionSort) > (?, ?, ?)")
            values += [parts[0], parts[1], parts[2]]
        }
        var text = "SELECT \(Self.columns) FROM \(from)"
        if !conditions.isEmpty { text += " WHERE " + conditions.joined(separator: " AND ") }
        text += " ORDER BY v.registryName, v.model, v.versionSort"
        if let limit = query.limit {
            text += " LIMIT ?"
            values.append(max(0, limit) + 1)
        }
        self.text = text
        self.arguments = StatementArguments(values)
    }
}

/// Counts the queries (`SELECT` statements, not transaction bookkeeping) a catalog runs, so tests can check that
/// a page costs a fixed number of queries however many versions a model has.
final class StatementCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Statements run so far.
    var count: Int { lock.withLock { value } }

    func increment() { lock.withLock { value += 1 } }
}

extension CatalogDatabase {
    /// An in-memory catalog whose every query bumps `counter`.
    static func testOnly_inMemory(counting counter: StatementCounter) throws -> CatalogDatabase {
        var base = Configuration()
        base.prepareDatabase { db in
            db.trace(options: .statement) { event in
                if event.description.uppercased().hasPrefix("SELECT") { counter.increment() }
            }
        }
        return try CatalogDatabase(DatabaseQueue(configuration: makeConfiguration(base)))
    }
}
