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
