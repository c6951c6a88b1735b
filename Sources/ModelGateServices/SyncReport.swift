import Foundation
import ModelGateCatalog
import ModelGateCore

/// The summary of one registry's sync: the `registries[]` element of `modelgate sync --output json`.
public struct RegistrySyncReport: Sendable, Encodable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable { case ok, failed }

    public typealias ObjectFailure = ObjectError

    public var registry: String
    public var kind: RegistryKind
    public var status: Status
    /// True when the adapter enumerated everything, paging finished and nothing failed.
    public var complete: Bool
    public var created: Int
    public var updated: Int
    public var deleted: Int
    public var unchanged: Int
    /// Per-object errors and, for a failed registry, the error that stopped it (without model/version).
    public var errors: [ObjectFailure]
    public var requests: Int
    public var retries: Int
    public var seconds: Double
    /// Pages committed (one transaction each).
    public var pages: Int
    /// The lease another sync holds when this one found the registry busy (then `status` is `failed`).
    public var busy: SyncLease?

    public init(registry: String, kind: RegistryKind) {
        self.registry = registry
        self.kind = kind
        status = .ok
        complete = false
        created = 0
        updated = 0
        deleted = 0
        unchanged = 0
        errors = []
        requests = 0
        retries = 0
        seconds = 0
        pages = 0
    }

    enum CodingKeys: String, CodingKey {
        case registry, kind, status, complete, created, updated, deleted, unchanged, errors, requests, retries, seconds
    }
}

/// `modelgate sync --output json`: `{"ok": bool, "registries": [...]}`.
public struct SyncReport: Sendable, Encodable, Hashable {
    public var ok: Bool
    public var registries: [RegistrySyncReport]
    public init(registries: [RegistrySyncReport]) {
        self.registries = registries
        ok = registries.allSatisfy { $0.status == .ok }
    }
}

/// Progress of a running sync, for a terminal line or the server's `GET /api/v1/sync/{id}`.
public protocol SyncProgressObserver: Sendable {
    func registryStarted(_ registry: String, full: Bool)
    func pageCommitted(_ registry: String, pages: Int, versions: Int, elapsed: Double)
    func registryFinished(_ report: RegistrySyncReport)
    /// Another sync holds `registry` (`SyncOptions.waitForLease`): called when the wait starts and when the
    /// holder changes.
    func registryWaiting(_ registry: String, for lease: SyncLease)
}

extension SyncProgressObserver {
    /// Observers that do not show waits ignore them.
    public func registryWaiting(_ registry: String, for lease: SyncLease) {}
}

/// Observes nothing.
public struct SilentSyncProgress: SyncProgressObserver {
    public init() {}
    public func registryStarted(_ registry: String, full: Bool) {}
    public func pageCommitted(_ registry: String, pages: Int, versions: Int, elapsed: Double) {}
    public func registryFinished(_ report: RegistrySyncReport) {}
}
