import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Where a migration reads from: a live registry or the snapshots of a bundle.
public protocol MigrationSource: Sendable {
    var registry: String { get }
    var kind: RegistryKind { get }
    /// The model called `model` with all its versions (nil: every model). Throws when the model does not exist.
    func snapshots(model: String?) async throws -> [ModelSnapshot]
}

/// A live registry as a migration source: reads the registry now, not the catalog.
public struct AdapterSource: MigrationSource {
    public let adapter: any RegistryAdapter
    public init(_ adapter: any RegistryAdapter) { self.adapter = adapter }
    public var registry: String { adapter.registry }
    public var kind: RegistryKind { adapter.kind }

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
    public let registry: String
    public let kind: RegistryKind
    public let all: [ModelSnapshot]

    public init(registry: String, kind: RegistryKind, snapshots: [ModelSnapshot]) {
        self.registry = registry
        self.kind = kind
        self.all = snapshots
    }

    public func snapshots(model: String?) async throws -> [ModelSnapshot] {
        guard let model else { return all }
        let found = all.filter { $0.model.name == model }
        if found.isEmpty { throw MigrationError(.invalid, "the bundle's registry '\(registry)' has no model '\(model)'") }
        return found
    }
}
