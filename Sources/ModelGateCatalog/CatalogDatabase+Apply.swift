import Foundation
import GRDB
import ModelGateCore

extension CatalogDatabase {
    /// Writes one page of a sync in ONE transaction, comparing before writing.
    ///
    /// Models, versions and lineage edges are upserted; a change row is written only for what differs:
    /// `created` (new model or version), `updated` (a mutable field, or un-deletion with field `deleted`),
    /// `deleted` (the registry reports it deleted), `lifecycle_changed`, `tag_changed` (field `tag:KEY`),
    /// `alias_moved` (field `alias:NAME`, computed per model), and `error` for each per-object error.
    /// A change only in `raw` or `updated_at` rewrites the row without a change row; an identical page
    /// writes nothing at all. An immutable field (`source_uri`, `run_id`, `created_at`, `created_by`)
    /// that changes under the same id is stored and opens an `integrity` conflict holding both values.
    ///
    /// - Parameters:
    ///   - page: the models, versions, lineage and errors of one page; all of `page.registry`.
    ///   - source: which activity observed the page (`sync`, `import`, …); written on each change row.
    ///   - at: the observation time written on change rows and conflicts.
    /// - Returns: counts and the change rows written.
    /// - Throws: ``CatalogError`` when an object belongs to another registry; `DatabaseError`.
    public func apply(page: CatalogPage, source: ChangeSource, at: Date) async throws -> PageOutcome {
        for model in page.models where model.registry != page.registry {
            throw CatalogError("model '\(model.name)' belongs to '\(model.registry)', not to the page's registry '\(page.registry)'")
        }
        for version in page.versions where version.registry != page.registry {
            throw CatalogError(
                "version '\(version.model)@\(version.version)' belongs to '\(version.registry)', not to the page's registry '\(page.registry)'"
            )
        }
        return try await writer.write { db in
            var pageWriter = try PageWriter(db: db, page: page, source: source, at: at)
            try pageWriter.run()
            return pageWriter.outcome
        }
    }
}

/// The mutable columns of a `modelVersion` row, as stored or as a page reports them.
struct VersionFields: Equatable, Decodable, FetchableRecord {
    var description: String?
    var status: String
    var lifecycle: String
    var lifecycleRaw: String?
    var sourceURI: String?
    var artifactDigest: String?
    var runID: String?
    var runURI: String?
    var metrics: String
    var createdAt: Int64?
    var updatedAt: Int64?
    var createdBy: String?
    var deleted: Bool
    var raw: String?

    init(_ version: ModelVersion) {
        description = version.description
        status = version.status.rawValue
        lifecycle = version.lifecycle.rawValue
        lifecycleRaw = version.lifecycleRaw
        sourceURI = version.sourceURI
        artifactDigest = version.artifactDigest
        runID = version.run?.id
        runURI = version.run?.uri
        metrics = CatalogEncoding.json(version.metrics)
        createdAt = version.createdAt.map(Timestamp.milliseconds)
        updatedAt = version.updatedAt.map(Timestamp.milliseconds)
        createdBy = version.createdBy
        deleted = version.deleted
        raw = version.raw.map(CatalogEncoding.json)
    }

    /// The columns of ``PageWriter/versionColumns``, by name.
    enum CodingKeys: String, CodingKey {
        case description, status, lifecycle, lifecycleRaw, sourceURI, artifactDigest, runURI, metrics, createdAt
        case updatedAt, createdBy, deleted, raw
        case runID = "runId"
    }

    var arguments: [(any DatabaseValueConvertible)?] {
        [
            description, status, lifecycle, lifecycleRaw, sourceURI, artifactDigest, runID, runURI, metrics,
            createdAt, updatedAt, createdBy, deleted, raw,
        ]
    }
}

/// One `apply(page:)` transaction: loads what the catalog holds for each model of the page, compares,
/// and writes only the differences.
struct PageWriter {
    static let versionColumns =
        "description, status, lifecycle, lifecycleRaw, sourceURI, artifactDigest, runId, runURI, metrics, createdAt, updatedAt, createdBy, deleted, raw"

    let db: Database
    let page: CatalogPage
    let source: ChangeSource
    let atMilliseconds: Int64
    let at: Date
    var outcome = PageOutcome()
    /// How each already-stored version of the model being applied was counted, so that an alias change
    /// (applied after the versions) can count an otherwise unchanged version as updated.
    private var counted: [String: Counted] = [:]
    private enum Counted { case updated, refreshed, unchanged }
    // The statements of the insert path, prepared once per page (the hot loop of a first sync).
    private let insertVersion: Statement
    private let insertVersionTag: Statement
    private let insertChange: Statement

    init(db: Database, page: CatalogPage, source: ChangeSource, at: Date) throws {
        self.db = db
        self.page = page
        self.source = source
        self.atMilliseconds = Timestamp.milliseconds(at)
        self.at = Timestamp.date(milliseconds: atMilliseconds)
        insertVersion = try db.cachedStatement(
            sql: """
                INSERT INTO modelVersion (registryName, model, version, versionSort, \(Self.versionColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertVersionTag = try db.cachedStatement(
            sql: #"INSERT INTO versionTag (versionId, "key", "value") VALUES (?, ?, ?)"#)
        insertChange = try db.cachedStatement(sql: CatalogDatabase.insertChangeSQL)
    }

    private var registry: String { page.registry }

    mutating func run() throws {
        try db.cachedStatement(sql: "INSERT INTO registry (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .execute(arguments: [registry, page.kind.rawValue])

        var order: [String] = []
        var modelsByName: [String: RegistryModel] = [:]
        var versionsByModel: [String: [ModelVersion]] = [:]
        for model in page.models {
            if modelsByName[model.name] == nil, versionsByModel[model.name] == nil { order.append(model.name) }
            modelsByName[model.name] = model
        }
        for version in page.versions {
            if modelsByName[version.model] == nil, versionsByModel[version.model] == nil { order.append(version.model) }
            versionsByModel[version.model, default: []].append(version)
        }
        for name in order {
            try applyModel(name: name, model: modelsByName[name], versions: versionsByModel[name] ?? [])
        }
        for edge in page.lineage { try upsert(edge) }
        for failure in page.errors { try record(failure) }
    }

    // MARK: Models

    private mutating func applyModel(name: String, model: RegistryModel?, versions: [ModelVersion]) throws {
        let stored = try StoredModel.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, displayName, description, createdAt, updatedAt, deleted, missCount, raw
                    FROM model WHERE registryName = ? AND name = ?
                    """),
            arguments: [registry, name])
        let modelID: Int64
        if let stored {
            modelID = stored.id
            try update(stored, with: model, name: name, reported: !versions.isEmpty)
        } else {
            modelID = try insertModel(name: name, model: model)
        }
        try applyVersions(model: name, modelID: modelID, versions: versions)
    }

    private mutating func insertModel(name: String, model: RegistryModel?) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO model (registryName, name, displayName, description, createdAt, updatedAt, deleted, raw)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            registry, name, model?.displayName, model?.description, model?.createdAt.map(Timestamp.milliseconds),
            model?.updatedAt.map(Timestamp.milliseconds), model?.deleted ?? false, model?.raw.map(CatalogEncoding.json),
        ])
        let id = db.lastInsertedRowID
        for (key, value) in model?.tags ?? [:] {
            try db.cachedStatement(sql: #"INSERT INTO modelTag (modelId, "key", "value") VALUES (?, ?, ?)"#)
                .execute(arguments: [id, key, value])
        }
        try change(model: name, version: nil, kind: .created, actor: nil)
        outcome.modelsCreated += 1
        return id
    }

    private mutating func update(_ stored: StoredModel, with model: RegistryModel?, name: String, reported: Bool) throws {
        guard let model else {
            // Only named through its versions: un-delete it if it was tombstoned, reset its misses.
            if stored.deleted, reported {
                try db.cachedStatement(sql: "UPDATE model SET deleted = 0, missCount = 0 WHERE id = ?")
                    .execute(arguments: [stored.id])
                try change(model: name, version: nil, kind: .updated, field: "deleted", before: "true", after: "false")
                outcome.modelsUpdated += 1
            } else if stored.missCount != 0 {
                try db.cachedStatement(sql: "UPDATE model SET missCount = 0 WHERE id = ?").execute(arguments: [stored.id])
            }
            return
        }
        let before = outcome.changes.count
        let createdAt = model.createdAt.map(Timestamp.milliseconds)
        let updatedAt = model.updatedAt.map(Timestamp.milliseconds)
        let raw = model.raw.map(CatalogEncoding.json)
        if stored.displayName != model.displayName {
            try change(
                model: name, version: nil, kind: .updated, field: "display_name", before: stored.displayName,
                after: model.displayName)
        }
        if stored.description != model.description {
            try change(
                model: name, version: nil, kind: .updated, field: "description", before: stored.description,
                after: model.description)
        }
        if stored.createdAt != createdAt {
            try change(
                model: name, version: nil, kind: .updated, field: "created_at",
                before: stored.createdAt.map { Timestamp.format(milliseconds: $0) },
                after: createdAt.map { Timestamp.format(milliseconds: $0) })
        }
        if stored.deleted != model.deleted {
            if model.deleted {
                try change(model: name, version: nil, kind: .deleted)
            } else {
                try change(model: name, version: nil, kind: .updated, field: "deleted", before: "true", after: "false")
            }
        }
        let rowDiffers =
            outcome.changes.count != before || stored.updatedAt != updatedAt || stored.raw != raw
            || stored.missCount != 0
        if rowDiffers {
            try db.cachedStatement(
                sql: """
                    UPDATE model SET displayName = ?, description = ?, createdAt = ?, updatedAt = ?, deleted = ?,
                    missCount = 0, raw = ? WHERE id = ?
                    """
            ).execute(arguments: [
                model.displayName, model.description, createdAt, updatedAt, model.deleted, raw, stored.id,
            ])
        }
        let storedTags = try tags(
            sql: #"SELECT "key", "value" FROM modelTag WHERE modelId = ?"#, id: stored.id)
        try applyTags(
            stored: storedTags, reported: model.tags, model: name, version: nil,
            insert: #"INSERT INTO modelTag (modelId, "key", "value") VALUES (?, ?, ?)"#,
            update: #"UPDATE modelTag SET "value" = ? WHERE modelId = ? AND "key" = ?"#,
            delete: #"DELETE FROM modelTag WHERE modelId = ? AND "key" = ?"#, ownerID: stored.id)
        if outcome.changes.count != before { outcome.modelsUpdated += 1 }
    }

    // MARK: Versions

    private mutating func applyVersions(model: String, modelID: Int64, versions: [ModelVersion]) throws {
        var stored: [String: StoredVersion] = [:]
        var versionByID: [Int64: String] = [:]
        let rows = try StoredVersion.fetchCursor(
            db.cachedStatement(
                sql: "SELECT id, version, missCount, \(Self.versionColumns) FROM modelVersion WHERE registryName = ? AND model = ?"
            ),
            arguments: [registry, model])
        while let version = try rows.next() {
            stored[version.version] = version
            versionByID[version.id] = version.version
        }
        if !stored.isEmpty {
            let tagRows = try StoredVersionTag.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT v.version, t."key", t."value" FROM modelVersion v JOIN versionTag t ON t.versionId = v.id
                        WHERE v.registryName = ? AND v.model = ?
                        """),
                arguments: [registry, model])
            while let tag = try tagRows.next() { stored[tag.version]?.tags[tag.key] = tag.value }
        }

        // Versions, last occurrence wins when a page repeats one.
        var reported: [String: ModelVersion] = [:]
        var reportedOrder: [String] = []
        for version in versions {
            if reported.updateValue(version, forKey: version.version) == nil { reportedOrder.append(version.version) }
        }
        var idByVersion: [String: Int64] = [:]
        counted = [:]
        for name in reportedOrder {
            guard let version = reported[name] else { continue }
            idByVersion[name] = try apply(version, stored: stored[name])
        }

        if stored.isEmpty, !versions.contains(where: { !$0.aliases.isEmpty }) { return }
        let changesBefore = outcome.changes.count
        try applyAliases(
            model: model, reported: reportedOrder.compactMap { reported[$0] }, idByVersion: idByVersion,
            versionByID: versionByID)
        // A version whose only difference is an alias that arrived or left is updated, not unchanged.
        var touched: Set<String> = []
        for change in outcome.changes[changesBefore...] where change.kind == .aliasMoved {
            if let version = change.version { touched.insert(version) }
            if let before = change.before { touched.insert(before) }
        }
        for name in touched {
            switch counted[name] {
            case .unchanged?:
                outcome.unchanged -= 1
                outcome.updated += 1
            case .refreshed?:
                outcome.refreshed -= 1
                outcome.updated += 1
            case .updated?, nil:
                break
            }
            counted[name] = .updated
        }
    }

    /// Inserts or compares one version; returns its row id.
    private mutating func apply(_ version: ModelVersion, stored: StoredVersion?) throws -> Int64 {
        let fields = VersionFields(version)
        guard let stored else {
            try insertVersion.execute(
                arguments: StatementArguments(
                    [registry, version.model, version.version, CatalogEncoding.versionSort(version.version)]
                        + fields.arguments))
            let id = db.lastInsertedRowID
            for (key, value) in version.tags {
                try insertVersionTag.execute(arguments: [id, key, value])
            }
            try change(model: version.model, version: version.version, kind: .created, actor: version.createdBy)
            outcome.created += 1
            return id
        }

        let before = outcome.changes.count
        let old = stored.fields
        let model = version.model
        let name = version.version
        func updated(_ field: String, _ from: String?, _ to: String?) throws {
            if from != to { try change(model: model, version: name, kind: .updated, field: field, before: from, after: to) }
        }
        try updated("description", old.description, fields.description)
        try updated("status", old.status, fields.status)
        if old.lifecycle != fields.lifecycle {
            try change(
                model: model, version: name, kind: .lifecycleChanged, field: "lifecycle", before: old.lifecycle,
                after: fields.lifecycle)
        } else {
            try updated("lifecycle_raw", old.lifecycleRaw, fields.lifecycleRaw)
        }
        try updated("artifact_digest", old.artifactDigest, fields.artifactDigest)
        try updated("run_uri", old.runURI, fields.runURI)
        try updated("metrics", old.metrics, fields.metrics)
        try immutable("source_uri", old.sourceURI, fields.sourceURI, model: model, version: name)
        try immutable("run_id", old.runID, fields.runID, model: model, version: name)
        try immutable(
            "created_at", old.createdAt.map { Timestamp.format(milliseconds: $0) },
            fields.createdAt.map { Timestamp.format(milliseconds: $0) }, model: model, version: name)
        try immutable("created_by", old.createdBy, fields.createdBy, model: model, version: name)
        if old.deleted != fields.deleted {
            if fields.deleted {
                try change(model: model, version: name, kind: .deleted)
            } else {
                try change(model: model, version: name, kind: .updated, field: "deleted", before: "true", after: "false")
            }
        }
        let rowDiffers = old != fields || stored.missCount != 0
        if rowDiffers {
            try db.cachedStatement(
                sql: """
                    UPDATE modelVersion SET description = ?, status = ?, lifecycle = ?, lifecycleRaw = ?, sourceURI = ?,
                    artifactDigest = ?, runId = ?, runURI = ?, metrics = ?, createdAt = ?, updatedAt = ?, createdBy = ?,
                    deleted = ?, raw = ?, missCount = 0 WHERE id = ?
                    """
            ).execute(arguments: StatementArguments(fields.arguments + [stored.id]))
        }
        try applyTags(
            stored: stored.tags, reported: version.tags, model: model, version: name,
            insert: #"INSERT INTO versionTag (versionId, "key", "value") VALUES (?, ?, ?)"#,
            update: #"UPDATE versionTag SET "value" = ? WHERE versionId = ? AND "key" = ?"#,
            delete: #"DELETE FROM versionTag WHERE versionId = ? AND "key" = ?"#, ownerID: stored.id)
        if outcome.changes.count != before {
            outcome.updated += 1
            counted[name] = .updated
        } else if rowDiffers {
            outcome.refreshed += 1
            counted[name] = .refreshed
        } else {
            outcome.unchanged += 1
            counted[name] = .unchanged
        }
        return stored.id
    }

    /// An immutable field that differs: store the new value, log it, and open an integrity conflict
    /// unless the catalog had no value yet (then it is simply learned).
    private mutating func immutable(_ field: String, _ old: String?, _ new: String?, model: String, version: String) throws {
        guard old != new else { return }
        try change(model: model, version: version, kind: .updated, field: field, before: old, after: new)
        guard let old else { return }
        let values: JSONValue = .object(["catalog": .string(old), registry: new.map(JSONValue.string) ?? .null])
        try db.cachedStatement(
            sql: """
                INSERT INTO conflict (kind, registryName, model, version, field, "values", status, createdAt, updatedAt)
                VALUES ('integrity', ?, ?, ?, ?, ?, 'open', ?, ?)
                """
        ).execute(arguments: [
            registry, model, version, field, CatalogEncoding.json(values), atMilliseconds, atMilliseconds,
        ])
        outcome.conflictIDs.append(db.lastInsertedRowID)
    }

    // MARK: Tags and aliases

    private func tags(sql: String, id: Int64) throws -> [String: String] {
        var tags: [String: String] = [:]
        let rows = try ModelTagRecord.fetchCursor(db.cachedStatement(sql: sql), arguments: [id])
        while let tag = try rows.next() { tags[tag.key] = tag.value }
        return tags
    }

    private mutating func applyTags(
        stored: [String: String], reported: [String: String], model: String, version: String?, insert: String,
        update: String, delete: String, ownerID: Int64
    ) throws {
        guard stored != reported else { return }
        for key in Set(stored.keys).union(reported.keys).sorted() {
            let old = stored[key]
            let new = reported[key]
            guard old != new else { continue }
            switch (old, new) {
            case (nil, let value?):
                try db.cachedStatement(sql: insert).execute(arguments: [ownerID, key, value])
            case (_?, let value?):
                try db.cachedStatement(sql: update).execute(arguments: [value, ownerID, key])
            default:
                try db.cachedStatement(sql: delete).execute(arguments: [ownerID, key])
            }
            try change(model: model, version: version, kind: .tagChanged, field: "tag:\(key)", before: old, after: new)
        }
    }

    private mutating func applyAliases(
        model: String, reported: [ModelVersion], idByVersion: [String: Int64], versionByID: [Int64: String]
    ) throws {
        var stored: [String: StoredAlias] = [:]
        let rows = try StoredAlias.fetchCursor(
            db.cachedStatement(sql: "SELECT id, name, versionId FROM alias WHERE registryName = ? AND model = ?"),
            arguments: [registry, model])
        while let alias = try rows.next() { stored[alias.name] = alias }

        var wanted: [String: String] = [:]
        for version in reported {
            for alias in version.aliases { wanted[alias] = version.version }
        }
        for alias in wanted.keys.sorted() {
            guard let target = wanted[alias], let targetID = idByVersion[target] else { continue }
            if let existing = stored[alias] {
                guard existing.versionID != targetID else { continue }
                try db.cachedStatement(sql: "UPDATE alias SET versionId = ? WHERE id = ?")
                    .execute(arguments: [targetID, existing.id])
                try change(
                    model: model, version: target, kind: .aliasMoved, field: "alias:\(alias)",
                    before: versionByID[existing.versionID], after: target)
            } else {
                try db.cachedStatement(sql: "INSERT INTO alias (registryName, model, name, versionId) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [registry, model, alias, targetID])
                try change(
                    model: model, version: target, kind: .aliasMoved, field: "alias:\(alias)", before: nil, after: target)
            }
        }
        for alias in stored.keys.sorted() where wanted[alias] == nil {
            guard let existing = stored[alias] else { continue }
            let old = versionByID[existing.versionID]
            // A version the registry failed to report this time keeps its aliases.
            let unreadable = page.errors.contains { failure in
                failure.model == model && (failure.version == nil || failure.version == old)
            }
            if unreadable { continue }
            try db.cachedStatement(sql: "DELETE FROM alias WHERE id = ?").execute(arguments: [existing.id])
            try change(model: model, version: old, kind: .aliasMoved, field: "alias:\(alias)", before: old, after: nil)
        }
    }

    // MARK: Lineage and errors

    private mutating func upsert(_ edge: LineageEdge) throws {
        let properties = CatalogEncoding.json(edge.properties)
        let existing = try StoredEdge.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, properties FROM lineageEdge
                    WHERE fromNode = ? AND toNode = ? AND relation = ? AND assertedBy = ?
                    """),
            arguments: [edge.from, edge.to, edge.relation.rawValue, edge.assertedBy])
        if let existing {
            guard existing.properties != properties else { return }
            try db.cachedStatement(sql: "UPDATE lineageEdge SET properties = ?, observedAt = ? WHERE id = ?")
                .execute(arguments: [properties, Timestamp.milliseconds(edge.observedAt), existing.id])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO lineageEdge (fromNode, toNode, relation, assertedBy, observedAt, properties)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                edge.from, edge.to, edge.relation.rawValue, edge.assertedBy, Timestamp.milliseconds(edge.observedAt),
                properties,
            ])
        }
    }

    /// An `error` row, unless the latest row about the same object is already this very error
    /// (so re-applying a page does not repeat it).
    private mutating func record(_ failure: CatalogPage.ObjectFailure) throws {
        let model = failure.model ?? ""
        let last = try LatestChange.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT kind, "after" FROM change WHERE registryName = ? AND model = ? AND version IS ?
                    ORDER BY at DESC, id DESC LIMIT 1
                    """),
            arguments: [registry, model, failure.version])
        if let last, last.kind == ChangeKind.error.rawValue, last.after == failure.message { return }
        try change(model: model, version: failure.version, kind: .error, after: failure.message)
    }

    private mutating func change(
        model: String, version: String?, kind: ChangeKind, field: String? = nil, before: String? = nil,
        after: String? = nil, actor: String? = nil
    ) throws {
        var entry = ChangeEntry(
            at: at, registry: registry, model: model, version: version, kind: kind, field: field, before: before,
            after: after, actor: actor, source: source)
        try insertChange.execute(arguments: CatalogDatabase.changeArguments(entry, atMilliseconds: atMilliseconds))
        entry.id = db.lastInsertedRowID
        outcome.changes.append(entry)
    }
}

extension CatalogDatabase {
    /// Inserts one change row; returns its id.
    static func insert(_ entry: ChangeEntry, atMilliseconds: Int64, db: Database) throws -> Int64 {
        try db.cachedStatement(sql: insertChangeSQL).execute(arguments: changeArguments(entry, atMilliseconds: atMilliseconds))
        return db.lastInsertedRowID
    }

    static let insertChangeSQL = """
        INSERT INTO change (at, registryName, model, version, kind, field, "before", "after", actor, source)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func changeArguments(_ entry: ChangeEntry, atMilliseconds: Int64) -> StatementArguments {
        [
            atMilliseconds, entry.registry, entry.model, entry.version, entry.kind.rawValue, entry.field,
            entry.before, entry.after, entry.actor, entry.source.rawValue,
        ]
    }
}
