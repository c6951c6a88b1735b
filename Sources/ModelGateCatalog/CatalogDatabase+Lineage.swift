import Foundation
import GRDB
import ModelGateCore

/// Reads the lineage graph and the cross-registry report need: versions by digest, the whole version map,
/// and changes of one kind across every model.
extension CatalogDatabase {
    /// Every live version whose `artifact_digest` is exactly `digest` (equal strings only, DESIGN §2).
    public func versions(artifactDigest digest: String) async throws -> [ModelVersion] {
        try await writer.read { db in
            let rows = try VersionRecord.fetchAll(
                db,
                sql: """
                    SELECT \(VersionSQL.columns) FROM modelVersion v WHERE v.artifactDigest = ? AND v.deleted = 0
                    ORDER BY v.registryName, v.model, v.versionSort
                    """,
                arguments: [digest])
            return try Self.versions(from: rows, db: db)
        }
    }

    /// Every row of the version map (every copy ModelGate made or learnt from provenance), oldest first.
    public func allVersionMap() async throws -> [VersionMapEntry] {
        try await writer.read { db in
            try VersionMapRecord.fetchAll(db, sql: "SELECT \(VersionMapRecord.columns) FROM versionMap ORDER BY id").map(
                \.entry)
        }
    }

    /// Change rows of `kind` across every registry and model at or after `since`, oldest first.
    public func changes(kind: ChangeKind, since: Date) async throws -> [ChangeEntry] {
        try await writer.read { db in
            try ChangeRecord.fetchAll(
                db,
                sql: """
                    SELECT id, at, registryName, model, version, field, "before", "after", actor, source FROM change
                    WHERE kind = ? AND at >= ? ORDER BY at, id
                    """,
                arguments: [kind.rawValue, Timestamp.milliseconds(since)]
            ).map { $0.entry(kind: kind) }
        }
    }
}
