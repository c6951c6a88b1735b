import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Where a migration reads from: a live registry or the snapshots of a bundle.
public protocol MigrationSource: Sendable {
    /// The registry the models come from, as provenance and the plan's `from` name it.
    var registry: String { get }
    /// That registry's kind, which decides how its lifecycle words and managed aliases are read.
    var kind: RegistryKind { get }
    /// The model called `model` with all its versions (nil: every model). Throws when the model does not exist.
    func snapshots(model: String?) async throws -> [ModelSnapshot]
}

/// A live registry as a migration source: reads the registry now, not the catalog.
public struct AdapterSource: MigrationSource {
    /// The adapter of the configured source registry.
    public let adapter: any RegistryAdapter
    /// A source that reads `adapter`'s registry live.
    public init(_ adapter: any RegistryAdapter) { self.adapter = adapter }
    /// The adapter's configured registry name.
    public var registry: String { adapter.registry }
    /// The adapter's registry kind.
    public var kind: RegistryKind { adapter.kind }

    /// Every model read live (nil `model`), or the one named; throws `MigrationError` when the registry has no such model.
    public func snapshots(model: String?) async throws -> [ModelSnapshot] {
        guard let model else { return try await adapter.allSnapshots() }
        guard let snapshot = try await adapter.snapshot(model: model) else {
            throw MigrationError(.invalid, "\(registry) has no model '\(model)'")
        }
        return [snapshot]
    }
}

/// Snapshots already in hand (a bundle, an mlflow-export-import directory) as a migration source.
public struct SnapshotSource: MigrationSource {
    /// The registry name the snapshots came from (the original registry, for a bundle).
    public let registry: String
    /// That registry's kind, which decides how its lifecycle and aliases are read.
    public let kind: RegistryKind
    /// Every snapshot in hand, in bundle order.
    public let all: [ModelSnapshot]

    /// A source over `snapshots`, taken as they are (nothing is re-read).
    public init(registry: String, kind: RegistryKind, snapshots: [ModelSnapshot]) {
        self.registry = registry
        self.kind = kind
        self.all = snapshots
    }

    /// All snapshots (nil `model`), or those of the named model; throws `MigrationError` when there are none.
    public func snapshots(model: String?) async throws -> [ModelSnapshot] {
        guard let model else { return all }
        let found = all.filter { $0.model.name == model }
        if found.isEmpty { throw MigrationError(.invalid, "the bundle's registry '\(registry)' has no model '\(model)'") }
        return found
    }
}
