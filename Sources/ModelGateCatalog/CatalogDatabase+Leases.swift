import Foundation
import GRDB
import ModelGateCore

/// Who is syncing a registry, and until when (DESIGN §11: a lease row per registry).
public struct SyncLease: Sendable, Hashable {
    /// The registry being synced.
    public var registry: String
    /// Who holds it, for people: `modelgate sync on build-7 (pid 4242)`.
    public var holder: String
    /// Unique per sync: two syncs in one process hold different tokens.
    public var token: String
    /// When this holder took it.
    public var acquiredAt: Date
    /// When it lapses unless renewed; an expired lease can be taken over (its holder died).
    public var expiresAt: Date
    /// The holder's host name and process id, when it gave them: a holder on the same host whose process is
    /// gone can be taken over before its lease expires.
    public var host: String?
    public var pid: Int32?

    /// - Parameters:
    ///   - registry: the registry being synced.
    ///   - holder: who holds it, for people.
    ///   - token: unique per sync.
    ///   - acquiredAt: when it was taken.
    ///   - expiresAt: when it lapses unless renewed.
    ///   - host: the holder's host name.
    ///   - pid: the holder's process id.
    public init(
        registry: String, holder: String, token: String, acquiredAt: Date, expiresAt: Date, host: String? = nil,
        pid: Int32? = nil
    ) {
        self.registry = registry
        self.holder = holder
        self.token = token
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.host = host
        self.pid = pid
    }

    /// `busy: modelgate sync on build-7 (pid 4242) has been syncing it since 2026-12-07T22:01:03Z …`, for errors.
    public var busyMessage: String {
        "\(registry): busy: \(holder) has been syncing it since \(Timestamp.format(acquiredAt)) "
            + "(its lease runs until \(Timestamp.format(expiresAt)) unless renewed); "
            + "try again when that sync has finished, or wait for it (`modelgate sync --wait`)"
    }
}

/// The answer of ``CatalogDatabase/acquireLease(registry:holder:token:at:duration:host:pid:replacing:)``.
public enum LeaseAcquisition: Sendable, Hashable {
    /// The caller holds the lease now.
    case acquired(SyncLease)
    /// Someone else holds it; here is who.
    case busy(SyncLease)
}

extension CatalogDatabase {
    /// Takes the sync lease of `registry` for `token`, unless another token holds an unexpired one.
    ///
    /// One statement in one write transaction (SQLite serializes writers), so two processes or two tasks that
    /// ask at once never both get it. An expired lease is taken over; the caller's own lease is extended.
    ///
    /// - Parameters:
    ///   - registry: the registry to sync.
    ///   - holder: who asks, for people (`modelgate sync on HOST (pid N)`).
    ///   - token: unique per sync.
    ///   - at: now.
    ///   - duration: how long the lease lasts unless renewed (seconds).
    ///   - host: the asking process's host name (lets a later sync on that host see whether it still runs).
    ///   - pid: the asking process's id.
    ///   - replacing: the token of a lease whose holder is known to be dead: taken over even if unexpired.
    public func acquireLease(
        registry: String, holder: String, token: String, at: Date, duration: TimeInterval, host: String? = nil,
        pid: Int32? = nil, replacing: String? = nil
    ) async throws -> LeaseAcquisition {
        let now = Timestamp.milliseconds(at)
        let expires = now + Int64((max(duration, 0.001) * 1000).rounded())
        return try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO syncLease (registryName, holder, token, host, pid, acquiredAt, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (registryName) DO UPDATE SET holder = excluded.holder, token = excluded.token,
                    host = excluded.host, pid = excluded.pid, acquiredAt = excluded.acquiredAt,
                    expiresAt = excluded.expiresAt
                    WHERE syncLease.expiresAt <= ? OR syncLease.token = excluded.token OR syncLease.token = ?
                    """,
                arguments: [registry, holder, token, host, pid.map { Int64($0) }, now, expires, now, replacing])
            guard let lease = try Self.lease(registry: registry, db: db) else {
                throw CatalogError("the sync lease of '\(registry)' could not be written")
            }
            return lease.token == token ? .acquired(lease) : .busy(lease)
        }
    }

    /// Extends the lease `token` holds on `registry` to `at + duration`; false when it holds it no more (it
    /// expired and another sync took it over, or it was released).
    public func renewLease(registry: String, token: String, at: Date, duration: TimeInterval) async throws -> Bool {
        let expires = Timestamp.milliseconds(at) + Int64((max(duration, 0.001) * 1000).rounded())
        return try await writer.write { db in
            try db.execute(
                sql: "UPDATE syncLease SET expiresAt = ? WHERE registryName = ? AND token = ?",
                arguments: [expires, registry, token])
            return db.changesCount == 1
        }
    }

    /// Gives the lease `token` holds on `registry` back; does nothing when it holds it no more.
    public func releaseLease(registry: String, token: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM syncLease WHERE registryName = ? AND token = ?", arguments: [registry, token])
        }
    }

    /// The lease row of `registry` (expired or not), or nil when nobody has synced it since the last release.
    public func lease(registry: String) async throws -> SyncLease? {
        try await writer.read { db in try Self.lease(registry: registry, db: db) }
    }

    static func lease(registry: String, db: Database) throws -> SyncLease? {
        try SyncLeaseRecord.fetchOne(
            db, sql: "SELECT holder, token, acquiredAt, expiresAt, host, pid FROM syncLease WHERE registryName = ?",
            arguments: [registry]
        )?.lease(registry: registry)
    }
}
