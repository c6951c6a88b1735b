import GRDB

/// The catalog schema, written in GRDB's schema language only (no application types), so that a
/// shipped migration never changes meaning. Timestamps are Unix milliseconds (INTEGER); native JSON
/// is TEXT.
enum CatalogSchema {
    static let v1 = "v1"

    static func createV1(_ db: Database) throws {
        try db.create(table: "registry") { t in
            t.primaryKey("name", .text)
            t.column("kind", .text).notNull()
            t.column("endpoint", .text)
            t.column("lastSyncAt", .integer)
            t.column("lastSyncStatus", .text)
            t.column("lastSyncMessage", .text)
        }

        try db.create(table: "model") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("registryName", .text).notNull().references("registry", onDelete: .cascade)
            t.column("name", .text).notNull()
            t.column("displayName", .text)
            t.column("description", .text)
            t.column("createdAt", .integer)
            t.column("updatedAt", .integer)
            t.column("deleted", .boolean).notNull().defaults(to: false)
            t.column("missCount", .integer).notNull().defaults(to: 0)
            t.column("raw", .jsonText)
            t.uniqueKey(["registryName", "name"])  // also the index behind the registryName foreign key
        }

        try db.create(table: "modelTag", options: .withoutRowID) { t in
            t.column("modelId", .integer).notNull().references("model", onDelete: .cascade)
            t.column("key", .text).notNull()
            t.column("value", .text).notNull()
            t.primaryKey(["modelId", "key"])
        }

        // `versionSort` is a numeric-aware sort key followed by the version itself, so that
        // (registryName, model, versionSort) is both the identity and the listing order.
        try db.create(table: "modelVersion") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("registryName", .text).notNull()
            t.column("model", .text).notNull()
            t.column("version", .text).notNull()
            t.column("versionSort", .text).notNull()
            t.column("description", .text)
            t.column("status", .text).notNull()
            t.column("lifecycle", .text).notNull()
            t.column("lifecycleRaw", .text)
            t.column("sourceURI", .text)
            t.column("artifactDigest", .text)
            t.column("runId", .text)
            t.column("runURI", .text)
            t.column("metrics", .jsonText).notNull().defaults(to: "{}")
            t.column("createdAt", .integer)
            t.column("updatedAt", .integer)
            t.column("createdBy", .text)
            t.column("deleted", .boolean).notNull().defaults(to: false)
            t.column("missCount", .integer).notNull().defaults(to: 0)
            t.column("raw", .jsonText)
            t.foreignKey(
                ["registryName", "model"], references: "model", columns: ["registryName", "name"],
                onDelete: .cascade)
            // versionSort ends with the version, so this is the identity, the order, and the FK index.
            t.uniqueKey(["registryName", "model", "versionSort"])
        }
        try db.create(index: "modelVersion_onModel", on: "modelVersion", columns: ["model", "registryName", "versionSort"])
        try db.create(index: "modelVersion_onLifecycle", on: "modelVersion", columns: ["lifecycle"])

        try db.create(table: "versionTag", options: .withoutRowID) { t in
            t.column("versionId", .integer).notNull().references("modelVersion", onDelete: .cascade)
            t.column("key", .text).notNull()
            t.column("value", .text).notNull()
            t.primaryKey(["versionId", "key"])
        }
        // A WITHOUT ROWID index carries the primary key, so this one covers tag lookups.
        try db.create(index: "versionTag_onKeyValue", on: "versionTag", columns: ["key", "value"])

        try db.create(table: "alias") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("registryName", .text).notNull()
            t.column("model", .text).notNull()
            t.column("name", .text).notNull()
            t.column("versionId", .integer).notNull().references("modelVersion", onDelete: .cascade)
            t.foreignKey(
                ["registryName", "model"], references: "model", columns: ["registryName", "name"],
                onDelete: .cascade)
            t.uniqueKey(["registryName", "model", "name"])
        }
        try db.create(index: "alias_onVersionId", on: "alias", columns: ["versionId"])
        try db.create(index: "alias_onName", on: "alias", columns: ["name", "versionId"])

        try db.create(table: "lineageEdge") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("fromNode", .text).notNull()
            t.column("toNode", .text).notNull()
            t.column("relation", .text).notNull()
            t.column("assertedBy", .text).notNull()
            t.column("observedAt", .integer).notNull()
            t.column("properties", .jsonText).notNull().defaults(to: "{}")
            t.uniqueKey(["fromNode", "toNode", "relation", "assertedBy"])
        }
        try db.create(index: "lineageEdge_onToNode", on: "lineageEdge", columns: ["toNode"])

        // Append-only; no foreign keys so that the log outlives what it describes.
        try db.create(table: "change") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .integer).notNull()
            t.column("registryName", .text).notNull()
            t.column("model", .text).notNull()
            t.column("version", .text)
            t.column("kind", .text).notNull()
            t.column("field", .text)
            t.column("before", .text)
            t.column("after", .text)
            t.column("actor", .text)
            t.column("source", .text).notNull()
        }
        try db.create(index: "change_onRegistryModel", on: "change", columns: ["registryName", "model", "at"])

        try db.create(table: "syncState") { t in
            t.primaryKey("registryName", .text).references("registry", onDelete: .cascade)
            t.column("cursor", .text)
            t.column("watermark", .integer)
            t.column("syncCount", .integer).notNull().defaults(to: 0)
            t.column("lastCompleteListingAt", .integer)
        }

        try db.create(table: "conflict") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("kind", .text).notNull()
            t.column("registryName", .text).notNull()
            t.column("model", .text).notNull()
            t.column("version", .text)
            t.column("field", .text)
            t.column("values", .jsonText).notNull()
            t.column("status", .text).notNull()
            t.column("resolution", .text)
            t.column("createdAt", .integer).notNull()
            t.column("updatedAt", .integer).notNull()
        }
        try db.create(index: "conflict_onStatus", on: "conflict", columns: ["status"])
        try db.create(index: "conflict_onRegistryModel", on: "conflict", columns: ["registryName", "model"])

        try db.create(table: "versionMap") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("sourceRegistry", .text).notNull()
            t.column("sourceModel", .text).notNull()
            t.column("sourceVersion", .text).notNull()
            t.column("targetRegistry", .text).notNull()
            t.column("targetModel", .text).notNull()
            t.column("targetVersion", .text).notNull()
            t.column("copyId", .text).notNull()
            t.column("createdAt", .integer).notNull()
            t.uniqueKey(["sourceRegistry", "sourceModel", "sourceVersion", "targetRegistry"])
        }
        try db.create(index: "versionMap_onCopyId", on: "versionMap", columns: ["copyId"])
        try db.create(
            index: "versionMap_onTarget", on: "versionMap", columns: ["targetRegistry", "targetModel", "targetVersion"])
    }
}

extension CatalogSchema {
    static let v3Leases = "v3: leases"

    /// One row per registry being synced: who holds it (`holder`, a person-readable "program on host (pid N)",
    /// and `token`, unique per sync; `host` and `pid` so that a holder on the same host that died can be told
    /// from one that runs), since when and until when. An expired row can be taken over.
    static func createLeases(_ db: Database) throws {
        try db.create(table: "syncLease") { t in
            t.primaryKey("registryName", .text)
            t.column("holder", .text).notNull()
            t.column("token", .text).notNull()
            t.column("host", .text)
            t.column("pid", .integer)
            t.column("acquiredAt", .integer).notNull()
            t.column("expiresAt", .integer).notNull()
        }
    }
}
