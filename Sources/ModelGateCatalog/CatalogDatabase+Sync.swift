import Foundation
import GRDB
import ModelGateCore

extension CatalogDatabase {
    // MARK: Registries

    /// Inserts a configured registry or updates its kind and endpoint; its sync history is kept.
    public func upsertRegistry(_ info: RegistryInfo) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO registry (name, kind, endpoint) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, endpoint = excluded.endpoint
                    WHERE kind IS NOT excluded.kind OR endpoint IS NOT excluded.endpoint
                    """,
                arguments: [info.name, info.kind.rawValue, info.endpoint])
        }
    }

    /// Records the end of a sync of `registry`: when, `ok`/`failed`, and a one-line message.
    ///
    /// - Throws: ``CatalogError`` when the registry is unknown.
    public func recordSyncResult(registry: String, at: Date, status: String, message: String?) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE registry SET lastSyncAt = ?, lastSyncStatus = ?, lastSyncMessage = ? WHERE name = ?",
                arguments: [Timestamp.milliseconds(at), status, message, registry])
            if db.changesCount == 0 { throw CatalogError("unknown registry '\(registry)'") }
        }
    }

    /// Every registry the catalog knows, by name.
    public func registries() async throws -> [RegistryInfo] {
        try await writer.read { db in
            try RegistryRecord.fetchAll(
                db,
                sql: "SELECT name, kind, endpoint, lastSyncAt, lastSyncStatus, lastSyncMessage FROM registry ORDER BY name"
            ).map(\.info)
        }
    }

    /// One registry, or nil if the catalog does not know it.
    public func registry(named name: String) async throws -> RegistryInfo? {
        try await writer.read { db in
            try RegistryRecord.fetchOne(
                db,
                sql: "SELECT name, kind, endpoint, lastSyncAt, lastSyncStatus, lastSyncMessage FROM registry WHERE name = ?",
                arguments: [name]
            ).map(\.info)
        }
    }

    // MARK: Sync state

    /// The sync bookkeeping of `registry`; an empty state (count 0, no cursor) if none was saved.
    public func syncState(registry: String) async throws -> SyncState {
        try await writer.read { db in
            guard
                let record = try SyncStateRecord.fetchOne(
                    db,
                    sql: "SELECT cursor, watermark, syncCount, lastCompleteListingAt FROM syncState WHERE registryName = ?",
                    arguments: [registry])
            else { return SyncState(registry: registry) }
            return record.state(registry: registry)
        }
    }

    /// Saves the sync bookkeeping of `registry`, which must be a known registry (`state.registry` is ignored).
    ///
    /// - Throws: `DatabaseError` (a foreign-key violation) when the registry is unknown.
    public func saveSyncState(registry: String, _ state: SyncState) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO syncState (registryName, cursor, watermark, syncCount, lastCompleteListingAt)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (registryName) DO UPDATE SET cursor = excluded.cursor, watermark = excluded.watermark,
                    syncCount = excluded.syncCount, lastCompleteListingAt = excluded.lastCompleteListingAt
                    """,
                arguments: [
                    registry, state.cursor, state.watermark, state.syncCount,
                    state.lastCompleteListingAt.map(Timestamp.milliseconds),
                ])
        }
    }

    // MARK: Complete listings and tombstones

    /// Accounts for a COMPLETE listing of `registry` (every page read, no error): each live version not in
    /// `seen` gets one more miss and is tombstoned (a `deleted` change row) when its misses reach
    /// `tombstoneAfterMisses`; each seen version's misses go back to 0. When `seenModels` is given, models
    /// are treated the same way. Also stamps the registry's `lastCompleteListingAt`. Only callers holding a
    /// complete listing may call this (DESIGN §5).
    ///
    /// - Parameters:
    ///   - registry: the registry that was listed.
    ///   - seen: every version the listing reported.
    ///   - seenModels: every model the listing reported, or nil to leave models alone.
    ///   - tombstoneAfterMisses: misses that make a deletion (values below 1 count as 1).
    ///   - source: written on the change rows.
    ///   - at: the time of the listing.
    /// - Returns: the `deleted` change rows written.
    public func recordCompleteListing(
        registry: String, seen: Set<CatalogVersionKey>, seenModels: Set<String>? = nil, tombstoneAfterMisses: Int,
        source: ChangeSource = .sync, at: Date
    ) async throws -> [ChangeEntry] {
        let threshold = max(1, tombstoneAfterMisses)
        let atMilliseconds = Timestamp.milliseconds(at)
        let at = Timestamp.date(milliseconds: atMilliseconds)
        return try await writer.write { db in
            var changes: [ChangeEntry] = []
            func tombstone(model: String, version: String?) throws {
                var entry = ChangeEntry(
                    at: at, registry: registry, model: model, version: version, kind: .deleted, source: source)
                entry.id = try Self.insert(entry, atMilliseconds: atMilliseconds, db: db)
                changes.append(entry)
            }

            let rows = try ListedVersionRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT id, model, version, missCount FROM modelVersion WHERE registryName = ? AND deleted = 0"),
                arguments: [registry])
            for row in rows {
                let (id, model, version, misses) = (row.id, row.model, row.version, row.missCount)
                if seen.contains(CatalogVersionKey(model: model, version: version)) {
                    if misses != 0 {
                        try db.cachedStatement(sql: "UPDATE modelVersion SET missCount = 0 WHERE id = ?")
                            .execute(arguments: [id])
                    }
                } else if misses + 1 >= threshold {
                    try db.cachedStatement(sql: "UPDATE modelVersion SET missCount = ?, deleted = 1 WHERE id = ?")
                        .execute(arguments: [misses + 1, id])
                    try tombstone(model: model, version: version)
                } else {
                    try db.cachedStatement(sql: "UPDATE modelVersion SET missCount = ? WHERE id = ?")
                        .execute(arguments: [misses + 1, id])
                }
            }

            if let seenModels {
                let models = try ListedModelRecord.fetchAll(
                    db, sql: "SELECT id, name, missCount FROM model WHERE registryName = ? AND deleted = 0",
                    arguments: [registry])
                for row in models {
                    let (id, name, misses) = (row.id, row.name, row.missCount)
                    if seenModels.contains(name) {
                        if misses != 0 {
                            try db.execute(sql: "UPDATE model SET missCount = 0 WHERE id = ?", arguments: [id])
                        }
                    } else if misses + 1 >= threshold {
                        try db.execute(
                            sql: "UPDATE model SET missCount = ?, deleted = 1 WHERE id = ?", arguments: [misses + 1, id])
                        try tombstone(model: name, version: nil)
                    } else {
                        try db.execute(sql: "UPDATE model SET missCount = ? WHERE id = ?", arguments: [misses + 1, id])
                    }
                }
            }

            try db.execute(
                sql: """
                    INSERT INTO syncState (registryName, lastCompleteListingAt) VALUES (?, ?)
                    ON CONFLICT (registryName) DO UPDATE SET lastCompleteListingAt = excluded.lastCompleteListingAt
                    """,
                arguments: [registry, atMilliseconds])
            return changes
        }
    }

    /// Appends change rows written by other activities (migration, resolution, import); returns them with ids.
    public func appendChanges(_ entries: [ChangeEntry]) async throws -> [ChangeEntry] {
        try await writer.write { db in
            try entries.map { entry in
                var written = entry
                written.id = try Self.insert(entry, atMilliseconds: Timestamp.milliseconds(entry.at), db: db)
                return written
            }
        }
    }
}
