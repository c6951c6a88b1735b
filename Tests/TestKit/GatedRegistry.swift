import Foundation
import ModelGateAdapterKit
import ModelGateCore
import Synchronization

/// A gate tasks wait at until the test opens it (no sleeps: the test decides when a sync moves on).
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Returns once the gate is open.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passes = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if passes { continuation.resume() }
        }
    }

    /// Lets every waiter, and everyone after, through.
    public func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A registry whose listing stops at `gate` after saying so on `started`: a sync that is "in the middle" for as long
/// as the test wants. Everything else is `inner`.
public final class GatedRegistry: RegistryAdapter, Sendable {
    public let inner: any RegistryAdapter
    public let gate: Gate
    /// One element each time a listing reaches the gate.
    public let started: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let listings = Atomic<Int>(0)

    public init(_ inner: any RegistryAdapter, gate: Gate = Gate()) {
        self.inner = inner
        self.gate = gate
        (started, continuation) = AsyncStream<Void>.makeStream()
    }

    /// How many listings started (pages asked without a cursor).
    public var listingCount: Int { listings.load(ordering: .relaxed) }

    public var registry: String { inner.registry }
    public var kind: RegistryKind { inner.kind }
    public var capabilities: RegistryCapabilities { inner.capabilities }

    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        if cursor == nil { listings.add(1, ordering: .relaxed) }
        continuation.yield()
        await gate.wait()
        return try await inner.listSnapshots(cursor: cursor, since: since)
    }

    public func version(model: String, version: String) async throws -> ModelVersion? {
        try await inner.version(model: model, version: version)
    }
    public func model(name: String) async throws -> RegistryModel? { try await inner.model(name: name) }
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        try await inner.createModel(name: name, description: description, tags: tags)
    }
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion { try await inner.createVersion(new) }
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        try await inner.setVersionTags(model: model, version: version, tags: tags)
    }
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        try await inner.deleteVersionTag(model: model, version: version, key: key)
    }
    public func setAlias(model: String, alias: String, version: String) async throws {
        try await inner.setAlias(model: model, alias: alias, version: version)
    }
    public func deleteAlias(model: String, alias: String) async throws {
        try await inner.deleteAlias(model: model, alias: alias)
    }
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        try await inner.setLifecycle(model: model, version: version, lifecycle: lifecycle)
    }
}
