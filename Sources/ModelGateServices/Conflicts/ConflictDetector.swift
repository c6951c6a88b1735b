import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore

/// Finds disagreements between a source version and its copies in the catalog (DESIGN §5), after a sync: the same
/// tag key with different values, an alias that points at another version on the copy's side, and a lifecycle that
/// does not match the source's under the mapping. Each is recorded once and closed when the registries agree again.
public struct ConflictDetector: Sendable {
    /// The catalog whose copies are compared and where conflicts are recorded and closed.
    public let catalog: CatalogDatabase
    /// `conflicts.tag_owners`: an owned key is the owner's to decide, never a conflict.
    public let tagOwners: [String: String]

    /// A detector over `catalog`; `tagOwners` is `conflicts.tag_owners` (tag-key prefix → owning registry), none by default.
    public init(catalog: CatalogDatabase, tagOwners: [String: String] = [:]) {
        self.catalog = catalog
        self.tagOwners = tagOwners
    }

    static let aliasKinds: Set<RegistryKind> = [.mlflow, .vertex, .wandb]

    /// Checks every copy touching `registries`; returns the conflicts opened by this check.
    public func check(registries: [String], at: Date = Date()) async throws -> [CatalogConflict] {
        var entries: [VersionMapEntry] = []
        var seen = Set<String>()
        for registry in registries {
            for entry in try await catalog.versionMap(touching: registry)
            where seen.insert("\(entry.source) -> \(entry.target)").inserted {
                entries.append(entry)
            }
        }
        var opened: [CatalogConflict] = []
        for entry in entries {
            guard let sourceVersion = entry.source.version, let targetVersion = entry.target.version,
                let source = try await catalog.version(
                    registry: entry.source.registry, model: entry.source.model, version: sourceVersion),
                let copy = try await catalog.version(
                    registry: entry.target.registry, model: entry.target.model, version: targetVersion),
                !source.deleted, !copy.deleted
            else { continue }
            for (field, values) in try await disagreements(source: source, copy: copy) {
                let conflict = CatalogConflict(
                    kind: field.kind, registry: copy.registry, model: copy.model, version: copy.version, field: field.name,
                    values: values ?? [:], createdAt: at)
                if values == nil {
                    try await catalog.settleConflicts(
                        kind: field.kind, registry: copy.registry, model: copy.model, version: copy.version,
                        field: field.name, at: at)
                } else if let recorded = try await catalog.recordConflict(conflict), recorded.isNew {
                    opened.append(recorded.conflict)
                }
            }
        }
        return opened
    }

    struct Field: Hashable {
        var kind: String
        var name: String
    }

    /// Each checked field of the pair: the values when they disagree, nil when they agree.
    func disagreements(source: ModelVersion, copy: ModelVersion) async throws -> [(Field, [String: JSONValue]?)] {
        var found: [(Field, [String: JSONValue]?)] = []
        for key in Set(source.tags.keys).intersection(copy.tags.keys).sorted()
        where !Provenance.isProvenanceKey(key) && tagOwner(of: key) == nil {
            let values: [String: JSONValue]? =
                source.tags[key] == copy.tags[key]
                ? nil : [source.registry: .string(source.tags[key] ?? ""), copy.registry: .string(copy.tags[key] ?? "")]
            found.append((Field(kind: "tag", name: "tag:\(key)"), values))
        }
        if source.lifecycle != .none, let expected = LifecycleMapping.targetRaw(source.lifecycle, kind: copy.kind) {
            let agrees = copy.lifecycleRaw?.lowercased() == expected.lowercased()
            found.append((
                Field(kind: "lifecycle", name: "lifecycle"),
                agrees
                    ? nil
                    : [source.registry: .string(source.lifecycle.rawValue), copy.registry: .string(copy.lifecycle.rawValue)]
            ))
        }
        if Self.aliasKinds.contains(source.kind), Self.aliasKinds.contains(copy.kind) {
            let managed = MigrationPlanner.managedAliases(source.kind).union(MigrationPlanner.managedAliases(copy.kind))
            for alias in source.aliases.sorted() where !managed.contains(alias) {
                let holders = try await catalog.versions(VersionQuery(registry: copy.registry, model: copy.model, alias: alias))
                guard let holder = holders.items.first else { continue }  // not copied: nothing disagrees
                let values: [String: JSONValue]? =
                    holder.version == copy.version
                    ? nil : [source.registry: .string(source.version), copy.registry: .string(holder.version)]
                found.append((Field(kind: "alias", name: "alias:\(alias)"), values))
            }
        }
        return found
    }

    func tagOwner(of key: String) -> String? {
        tagOwners.filter { key.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}
