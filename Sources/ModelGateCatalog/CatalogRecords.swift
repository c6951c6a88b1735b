import Foundation
import GRDB
import ModelGateCore

// Rows of the catalog's tables, decoded by column name (GRDB `FetchableRecord` through `Decodable`) instead of by
// position: a query selects the columns a record names, and the record turns them into the public model types.
// Timestamps are stored as Unix milliseconds (`Timestamp.milliseconds`), so records hold them as `Int64`.

/// A `syncLease` row (`holder, token, acquiredAt, expiresAt, host, pid`).
struct SyncLeaseRecord: Decodable, FetchableRecord {
    var holder: String
    var token: String
    var acquiredAt: Int64
    var expiresAt: Int64
    var host: String?
    var pid: Int64?

    /// The lease of `registry` this row describes.
    func lease(registry: String) -> SyncLease {
        SyncLease(
            registry: registry, holder: holder, token: token, acquiredAt: Timestamp.date(milliseconds: acquiredAt),
            expiresAt: Timestamp.date(milliseconds: expiresAt), host: host, pid: pid.flatMap { Int32(exactly: $0) })
    }
}

/// An `auditLog` row.
struct AuditRecord: Decodable, FetchableRecord {
    var id: Int64
    var at: Int64
    var tokenName: String
    var role: String?
    var method: String
    var path: String
    var status: Int
    var detail: String?

    var entry: AuditEntry {
        AuditEntry(
            id: id, at: Timestamp.date(milliseconds: at), tokenName: tokenName, role: role, method: method, path: path,
            status: status, detail: detail)
    }
}

/// A `change` row. `registryName`, `model` and `kind` may be left out of the query when the caller knows them.
struct ChangeRecord: Decodable, FetchableRecord {
    var id: Int64
    var at: Int64
    var registryName: String?
    var model: String?
    var version: String?
    var kind: String?
    var field: String?
    var before: String?
    var after: String?
    var actor: String?
    var source: String

    /// The entry, with `registry`, `model` and `kind` taken from the row when it has them, else from the arguments.
    func entry(registry: String? = nil, model: String? = nil, kind: ChangeKind? = nil) -> ChangeEntry {
        ChangeEntry(
            id: id, at: Timestamp.date(milliseconds: at), registry: registryName ?? registry ?? "",
            model: self.model ?? model ?? "", version: version,
            kind: self.kind.flatMap(ChangeKind.init(rawValue:)) ?? kind ?? .updated, field: field, before: before,
            after: after, actor: actor, source: ChangeSource(rawValue: source) ?? .sync)
    }
}

/// A `versionMap` row, selected with ``columns``.
struct VersionMapRecord: Decodable, FetchableRecord {
    var sourceRegistry: String
    var sourceModel: String
    var sourceVersion: String
    var targetRegistry: String
    var targetModel: String
    var targetVersion: String
    var copyId: String
    var createdAt: Int64

    static let columns =
        "sourceRegistry, sourceModel, sourceVersion, targetRegistry, targetModel, targetVersion, copyId, createdAt"

    var entry: VersionMapEntry {
        VersionMapEntry(
            source: VersionRef(registry: sourceRegistry, model: sourceModel, version: sourceVersion),
            target: VersionRef(registry: targetRegistry, model: targetModel, version: targetVersion), copyID: copyId,
            createdAt: Timestamp.date(milliseconds: createdAt))
    }
}

/// A `conflict` row, selected with ``columns``.
struct ConflictRecord: Decodable, FetchableRecord {
    var id: Int64
    var kind: String
    var registryName: String
    var model: String
    var version: String?
    var field: String?
    var values: String
    var status: String
    var resolution: String?
    var createdAt: Int64
    var updatedAt: Int64

    static let columns =
        #"id, kind, registryName, model, version, field, "values", status, resolution, createdAt, updatedAt"#

    var conflict: CatalogConflict {
        CatalogConflict(
            id: id, kind: kind, registry: registryName, model: model, version: version, field: field,
            values: CatalogEncoding.parseJSON(values)?.objectValue ?? [:],
            status: CatalogConflict.Status(rawValue: status) ?? .open, resolution: resolution,
            createdAt: Timestamp.date(milliseconds: createdAt), updatedAt: Timestamp.date(milliseconds: updatedAt))
    }
}

/// A `model` row joined with its registry's `kind`. The model detail leaves `registryName` and `name` out (the
/// caller knows them); the summaries add a `versionCount` column.
struct ModelRecord: Decodable, FetchableRecord {
    var id: Int64
    var registryName: String?
    var kind: String
    var name: String?
    var displayName: String?
    var description: String?
    var createdAt: Int64?
    var updatedAt: Int64?
    var deleted: Bool
    var raw: String?
    var versionCount: Int?

    /// The model, with `registry` and `name` taken from the row when it has them, else from the arguments.
    func model(tags: [String: String], registry: String? = nil, name: String? = nil) -> RegistryModel {
        RegistryModel(
            registry: registryName ?? registry ?? "", kind: RegistryKind(rawValue: kind) ?? .mlflow,
            name: self.name ?? name ?? "", displayName: displayName, description: description, tags: tags,
            createdAt: createdAt.map { Timestamp.date(milliseconds: $0) },
            updatedAt: updatedAt.map { Timestamp.date(milliseconds: $0) }, deleted: deleted,
            raw: CatalogEncoding.parseJSON(raw))
    }

    /// The summary (`models` listing), which needs `registryName`, `name` and `versionCount` in the row.
    func summary(tags: [String: String]) -> ModelSummary {
        ModelSummary(
            registry: registryName ?? "", kind: RegistryKind(rawValue: kind) ?? .mlflow, name: name ?? "",
            description: description, tags: tags, createdAt: createdAt.map { Timestamp.date(milliseconds: $0) },
            updatedAt: updatedAt.map { Timestamp.date(milliseconds: $0) }, versionCount: versionCount ?? 0,
            deleted: deleted)
    }
}

/// A `modelTag` row.
struct ModelTagRecord: Decodable, FetchableRecord {
    var modelId: Int64?
    var key: String
    var value: String
}

/// A `versionTag` row.
struct VersionTagRecord: Decodable, FetchableRecord {
    var versionId: Int64
    var key: String
    var value: String
}

/// An `alias` row.
struct AliasRecord: Decodable, FetchableRecord {
    var versionId: Int64
    var name: String
}

/// A `lineageEdge` row, selected with ``columns`` (plus `id` where a page needs its cursor).
struct LineageEdgeRecord: Decodable, FetchableRecord {
    var id: Int64?
    var fromNode: String
    var toNode: String
    var relation: String
    var assertedBy: String
    var observedAt: Int64
    var properties: String?

    var edge: LineageEdge {
        LineageEdge(
            from: fromNode, to: toNode, relation: LineageRelation(rawValue: relation) ?? .derivedFrom,
            assertedBy: assertedBy, observedAt: Timestamp.date(milliseconds: observedAt),
            properties: CatalogEncoding.parseStrings(properties))
    }
}

/// A `registry` row's name and kind.
struct RegistryKindRecord: Decodable, FetchableRecord {
    var name: String
    var kind: String
}

/// A `modelVersion` row selected with ``VersionSQL/columns``: its keys, and the fields ``VersionFields`` reads
/// by name from the same row.
struct VersionRecord: FetchableRecord {
    enum Columns {
        static let id = Column("id")
        static let registryName = Column("registryName")
        static let model = Column("model")
        static let version = Column("version")
        static let versionSort = Column("versionSort")
    }

    var id: Int64
    var registryName: String
    var model: String
    var version: String
    var versionSort: String
    var fields: VersionFields

    init(row: Row) throws {
        id = row[Columns.id]
        registryName = row[Columns.registryName]
        model = row[Columns.model]
        version = row[Columns.version]
        versionSort = row[Columns.versionSort]
        fields = try VersionFields(row: row)
    }
}

/// A `registry` row (`name, kind, endpoint, lastSyncAt, lastSyncStatus, lastSyncMessage`).
struct RegistryRecord: Decodable, FetchableRecord {
    var name: String
    var kind: String
    var endpoint: String?
    var lastSyncAt: Int64?
    var lastSyncStatus: String?
    var lastSyncMessage: String?

    var info: RegistryInfo {
        RegistryInfo(
            name: name, kind: RegistryKind(rawValue: kind) ?? .mlflow, endpoint: endpoint,
            lastSyncAt: lastSyncAt.map { Timestamp.date(milliseconds: $0) }, lastSyncStatus: lastSyncStatus,
            lastSyncMessage: lastSyncMessage)
    }
}

/// A `syncState` row (`cursor, watermark, syncCount, lastCompleteListingAt`).
struct SyncStateRecord: Decodable, FetchableRecord {
    var cursor: String?
    var watermark: Int64?
    var syncCount: Int
    var lastCompleteListingAt: Int64?

    func state(registry: String) -> SyncState {
        SyncState(
            registry: registry, cursor: cursor, watermark: watermark, syncCount: syncCount,
            lastCompleteListingAt: lastCompleteListingAt.map { Timestamp.date(milliseconds: $0) })
    }
}

/// A live version as a complete listing accounts for it (`id, model, version, missCount`).
struct ListedVersionRecord: Decodable, FetchableRecord {
    var id: Int64
    var model: String
    var version: String
    var missCount: Int
}

/// A live model as a complete listing accounts for it (`id, name, missCount`).
struct ListedModelRecord: Decodable, FetchableRecord {
    var id: Int64
    var name: String
    var missCount: Int
}
