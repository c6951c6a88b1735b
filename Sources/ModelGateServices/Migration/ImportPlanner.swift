import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Plans applying a bundle (or an mlflow-export-import directory) into a registry: the migration planner with the
/// bundle's snapshots as the source, so provenance names each version's original registry and a re-import is a no-op.
///
/// A bundle holding several registries is imported one registry at a time with `fromRegistry`; without it, every
/// registry is planned and a model name that more than one of them holds is a `name` conflict (left out).
public struct ImportPlanner: Sendable {
    /// What the bundle holds, already verified.
    public let contents: BundleContents
    /// The registry the bundle is imported into; it is read to plan, not written.
    public let target: any RegistryAdapter
    /// How to copy (rename, aliases, lifecycle, artifact rewrites, force), applied to every registry of the bundle.
    public let options: MigrationOptions
    /// `conflicts.tag_owners`: tag-key prefix → the registry that owns those keys.
    public let tagOwners: [String: String]

    /// A planner for importing `contents` into `target`; no tag owners by default.
    public init(
        contents: BundleContents, target: any RegistryAdapter, options: MigrationOptions, tagOwners: [String: String] = [:]
    ) {
        self.contents = contents
        self.target = target
        self.options = options
        self.tagOwners = tagOwners
    }

    /// One plan for the selected registries (all when `fromRegistry` is nil), restricted to `model` when given; `label` becomes the plan's `from`.
    public func plan(label: String, fromRegistry: String?, model: String?) async throws -> MigrationPlan {
        let names = contents.registryNames
        if names.isEmpty { throw MigrationError(.invalid, "the bundle holds no registry") }
        var selected = names
        if let fromRegistry {
            guard names.contains(fromRegistry) else {
                throw MigrationError(
                    .invalid, "the bundle has no registry '\(fromRegistry)' (it holds \(names.joined(separator: ", ")))")
            }
            selected = [fromRegistry]
        }
        if options.rename != nil, model == nil {
            throw MigrationError(.invalid, "--rename needs --model")
        }
        // Same-named models in several of the selected registries would land on one target model.
        var holders: [String: [String]] = [:]
        for registry in selected {
            for snapshot in contents.snapshots(of: registry) where model == nil || snapshot.model.name == model {
                holders[snapshot.model.name, default: []].append(registry)
            }
        }
        if let model, holders[model] == nil {
            throw MigrationError(.invalid, "the bundle has no model '\(model)'\(fromRegistry.map { " in \($0)" } ?? "")")
        }
        var actions: [MigrationAction] = []
        var conflicts: [MigrationConflict] = []
        var skips: [MigrationSkip] = []
        var mapped: [String: String] = [:]
        for (name, registries) in holders.sorted(by: { $0.key < $1.key }) where registries.count > 1 {
            conflicts.append(
                MigrationConflict(
                    kind: "name", model: name, version: nil, targetModel: target.targetModelName(for: name),
                    targetVersion: nil, field: "name",
                    values: Dictionary(uniqueKeysWithValues: registries.map { ($0, JSONValue.string(name)) }),
                    message: "the bundle's registries \(registries.joined(separator: ", ")) all hold a model '\(name)'; "
                        + "import one at a time with --from-registry"))
        }
        for registry in selected {
            let kind = contents.registries.first { $0.name == registry }?.kind ?? .mlflow
            let snapshots = contents.snapshots(of: registry).filter {
                (model == nil || $0.model.name == model) && (holders[$0.model.name]?.count ?? 0) == 1
            }
            if snapshots.isEmpty { continue }
            let planner = MigrationPlanner(
                source: SnapshotSource(registry: registry, kind: kind, snapshots: snapshots), target: target,
                options: options, tagOwners: tagOwners)
            let plan = try await planner.plan(model: model)
            actions += plan.actions
            conflicts += plan.conflicts
            skips += plan.skips
            mapped.merge(plan.names) { first, _ in first }
        }
        return MigrationPlan(
            from: label, to: target.registry, createdAt: Date(), options: options, names: mapped, actions: actions,
            conflicts: conflicts, skips: skips)
    }
}
