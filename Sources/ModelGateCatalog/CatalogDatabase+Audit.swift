import Foundation
import GRDB
import ModelGateCore

/// One write request to `modelgate serve`, as the audit log keeps it.
public struct AuditEntry: Sendable, Hashable, Encodable {
    public var id: Int64?
    public var at: Date
    /// The `name` of the server token that made the request (`anonymous` without one).
    public var tokenName: String
    public var role: String?
    public var method: String
    public var path: String
    /// The HTTP status the server answered.
    public var status: Int
    /// What was started or refused: a sync id, a plan id, an error code.
    public var detail: String?

    /// - Parameters: see the properties.
    public init(
        id: Int64? = nil, at: Date, tokenName: String, role: String?, method: String, path: String, status: Int,
        detail: String? = nil
    ) {
        self.id = id
        self.at = at
        self.tokenName = tokenName
        self.role = role
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
    }

    /// The longest path kept, in characters; a longer one is cut and ends with `…`.
    public static let maxPathLength = 512

    /// `path`, cut to ``maxPathLength`` characters.
    public static func truncated(_ path: String) -> String {
        path.count <= maxPathLength ? path : String(path.prefix(maxPathLength - 1)) + "…"
    }

    enum CodingKeys: String, CodingKey {
        case id, at, role, method, path, status, detail
        case tokenName = "token_name"
    }

    /// `{"id","at","token_name","role","method","path","status","detail"}`, `at` in RFC 3339.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(Timestamp.format(at), forKey: .at)
        try c.encode(tokenName, forKey: .tokenName)
        try c.encode(role, forKey: .role)
        try c.encode(method, forKey: .method)
        try c.encode(path, forKey: .path)
        try c.encode(status, forKey: .status)
        try c.encode(detail, forKey: .detail)
    }
}

extension CatalogSchema {
    static let v2Audit = "v2: audit log"

    /// The server's audit log: append-only, no foreign keys (it outlives what it describes).
    static func createAudit(_ db: Database) throws {
        try db.create(table: "auditLog") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .integer).notNull()
            t.column("tokenName", .text).notNull()
            t.column("role", .text)
            t.column("method", .text).notNull()
            t.column("path", .text).notNull()
            t.column("status", .integer).notNull()
            t.column("detail", .text)
        }
        try db.create(index: "auditLog_onAt", on: "auditLog", columns: ["at"])
    }
}

extension CatalogDatabase {
    /// Appends one audit row (its path cut to ``AuditEntry/maxPathLength``) and returns it with its id.
    public func recordAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        var entry = entry
        entry.path = AuditEntry.truncated(entry.path)
        return try await writer.write { [entry] db in
            try db.execute(
                sql: """
                    INSERT INTO auditLog (at, tokenName, role, method, path, status, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Timestamp.milliseconds(entry.at), entry.tokenName, entry.role, entry.method, entry.path,
                    entry.status, entry.detail,
                ])
            var stored = entry
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    /// Deletes the audit rows older than `cutoff` (`server.audit_retention_days`) and returns how many went.
    @discardableResult
    public func pruneAudit(before cutoff: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM auditLog WHERE at < ?", arguments: [Timestamp.milliseconds(cutoff)])
            return db.changesCount
        }
    }

    /// How many rows the audit log holds.
    public func auditCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM auditLog") ?? 0 }
    }

    /// The newest audit rows first, at most `limit`.
    public func auditLog(limit: Int = 100) async throws -> [AuditEntry] {
        try await writer.read { db in
            try AuditRecord.fetchAll(
                db,
                sql: "SELECT id, at, tokenName, role, method, path, status, detail FROM auditLog ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map(\.entry)
        }
    }
}

/// Sizes of the catalog, for the server's `/metrics`.
public struct CatalogCounts: Sendable, Hashable {
    public var registries: Int
    public var models: Int
    public var versions: Int
    public var openConflicts: Int
}

extension CatalogDatabase {
    /// How many registries, live models, live versions and open conflicts the catalog holds.
    public func counts() async throws -> CatalogCounts {
        try await writer.read { db in
            CatalogCounts(
                registries: try Int.fetchOne(db, sql: "SELECT count(*) FROM registry") ?? 0,
                models: try Int.fetchOne(db, sql: "SELECT count(*) FROM model WHERE deleted = 0") ?? 0,
                versions: try Int.fetchOne(db, sql: "SELECT count(*) FROM modelVersion WHERE deleted = 0") ?? 0,
                openConflicts: try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0)
        }
    }
}
