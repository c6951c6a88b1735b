import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore

/// How a conflict is decided (`modelgate conflicts resolve ID --take R | --keep-target | --value V`).
public enum ConflictChoice: Sendable, Hashable {
    /// The value this registry holds wins; it is written to the other side.
    case take(String)
    /// The copy's side stays as it is; nothing is written.
    case keepTarget
    /// This value is written to both sides (tags; a lifecycle name for lifecycle conflicts).
    case value(String)
}

/// What resolving did.
public struct ConflictResolution: Sendable, Encodable {
    /// The conflict as it stood before resolving (still `open`).
    public var conflict: CatalogConflict
    /// The note recorded with the resolution, e.g. `kept mlflow-prod's value` or `took vertex-prod's alias 'champion'`.
    public var resolution: String
    /// One result per registry written to (through the migration applier).
    public var writes: [MigrationResult]
}

/// Resolves a conflict by writing through the same plan/apply path a migration uses (so the write is recorded in
/// the change log with source `resolve`), then marks it resolved.
public struct ConflictResolver: Sendable {
    /// The catalog the conflict is read from and marked resolved in.
    public let catalog: CatalogDatabase
    /// The adapter of a configured registry.
    public let adapter: @Sendable (String) throws -> any RegistryAdapter
    let now: @Sendable () -> Date

    /// A resolver that writes through `adapter(registryName)`, stamping changes with `now` (the wall clock by default).
    public init(
        catalog: CatalogDatabase, adapter: @escaping @Sendable (String) throws -> any RegistryAdapter,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.catalog = catalog
        self.adapter = adapter
        self.now = now
    }

    /// Applies `choice` to open conflict `id` and marks it resolved; throws `MigrationError` for an unknown or closed id or a registry the conflict does not name.
    public func resolve(id: Int64, _ choice: ConflictChoice) async throws -> ConflictResolution {
        guard let conflict = try await catalog.conflict(id: id) else {
            throw MigrationError(.invalid, "no conflict with id \(id) (see `modelgate conflicts list`)")
        }
        guard conflict.status == .open else {
            throw MigrationError(.invalid, "conflict \(id) is already resolved (\(conflict.resolution ?? "no note"))")
        }
        if case .take(let registry) = choice, conflict.values[registry] == nil {
            throw MigrationError(
                .invalid,
                "conflict \(id) has values from \(conflict.values.keys.sorted().joined(separator: ", ")), not from '\(registry)'")
        }
        var plans: [(any RegistryAdapter, MigrationPlan)] = []
        let resolution: String
        switch (conflict.kind, choice) {
        case (_, .keepTarget):
            resolution = "kept \(conflict.registry)'s value"
        case ("integrity", .take(let registry)):
            resolution = "took \(registry)'s observation (immutable fields are not written)"
        case ("integrity", .value):
            throw MigrationError(.invalid, "an integrity conflict records what a registry reported; there is nothing to write (use --take or --keep-target)")
        case ("tag", _):
            let key = String((conflict.field ?? "").dropFirst("tag:".count))
            let value: String
            if case .value(let given) = choice { value = given } else { value = try takenValue(conflict, choice) }
            for side in try await sides(of: conflict) where side.version.tags[key] != value {
                plans.append(try plan(conflict, side, .setTags, ["tags": .object([key: .string(value)])]))
            }
            resolution = describe(choice, value: value)
        case ("lifecycle", _):
            let text: String
            if case .value(let given) = choice { text = given } else { text = try takenValue(conflict, choice) }
            guard let lifecycle = Lifecycle(rawValue: text) else {
                throw MigrationError(.invalid, "'\(text)' is not a lifecycle (\(Lifecycle.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            for side in try await sides(of: conflict) where !side.isTakenSide(choice) {
                if LifecycleMapping.holds(side.version, lifecycle, kind: side.version.kind) { continue }
                plans.append(try plan(conflict, side, .setLifecycle, ["lifecycle": .string(lifecycle.rawValue)]))
            }
            resolution = describe(choice, value: text)
        case ("alias", .take(let registry)):
            let alias = String((conflict.field ?? "").dropFirst("alias:".count))
            let sides = try await sides(of: conflict)
            guard let taken = sides.first(where: { $0.version.registry == registry }),
                let other = sides.first(where: { $0.version.registry != registry })
            else { throw MigrationError(.invalid, "conflict \(id): cannot find both sides of the copy in the catalog") }
            // The alias moves on the other side to the version that corresponds to the taken side's holder.
            let takenHolder = conflict.values[registry]?.stringValue ?? taken.version.version
            let counterpart: String?
            if other.version.registry == conflict.registry {
                counterpart = other.version.version  // the copy of the source version that holds the alias
            } else {
                let holderRef = VersionRef(registry: registry, model: taken.version.model, version: takenHolder)
                counterpart = try await catalog.versionMap(target: holderRef)?.source.version
            }
            guard let counterpart else {
                throw MigrationError(
                    .invalid, "the version \(takenHolder) holding '\(alias)' in \(registry) has no copy in \(other.version.registry)")
            }
            var target = other
            target.version.version = counterpart
            plans.append(try plan(conflict, target, .setAlias, ["alias": .string(alias)]))
            resolution = "took \(registry)'s alias '\(alias)'"
        case ("alias", .value):
            throw MigrationError(.invalid, "an alias conflict is resolved with --take REGISTRY or --keep-target")
        default:
            throw MigrationError(.invalid, "conflicts of kind '\(conflict.kind)' are resolved with --keep-target")
        }

        var writes: [MigrationResult] = []
        for (target, plan) in plans {
            var applier = MigrationApplier(target: target, catalog: catalog, now: now)
            applier.changeSource = .resolve
            let result = try await applier.apply(plan)
            writes.append(result)
            if let failure = result.failure {
                throw MigrationError(.invalid, "conflict \(id) stays open: \(failure)")
            }
        }
        let at = now()
        try await catalog.resolveConflict(id: id, resolution: resolution, at: at)
        _ = try await catalog.appendChanges([
            ChangeEntry(
                at: at, registry: conflict.registry, model: conflict.model, version: conflict.version,
                kind: Self.changeKind(conflict.kind), field: conflict.field,
                before: JSONValue.object(conflict.values).jsonString(), after: resolution, actor: "modelgate",
                source: .resolve)
        ])
        var resolved = conflict
        resolved.status = .resolved
        resolved.resolution = resolution
        resolved.updatedAt = at
        return ConflictResolution(conflict: resolved, resolution: resolution, writes: writes)
    }

    static func changeKind(_ kind: String) -> ChangeKind {
        switch kind {
        case "tag": .tagChanged
        case "alias": .aliasMoved
        case "lifecycle": .lifecycleChanged
        default: .updated
        }
    }

    func describe(_ choice: ConflictChoice, value: String) -> String {
        switch choice {
        case .take(let registry): "took \(registry)'s value '\(value)'"
        case .value: "set '\(value)' on both sides"
        case .keepTarget: "kept the target's value"
        }
    }

    func takenValue(_ conflict: CatalogConflict, _ choice: ConflictChoice) throws -> String {
        guard case .take(let registry) = choice, let value = conflict.values[registry]?.stringValue else {
            throw MigrationError(.invalid, "conflict \(conflict.id ?? 0) needs --take REGISTRY or --value V")
        }
        return value
    }

    struct Side {
        var version: ModelVersion
        func isTakenSide(_ choice: ConflictChoice) -> Bool {
            if case .take(let registry) = choice { return registry == version.registry }
            return false
        }
    }

    /// The copy (the conflict's own object) and its source, from the catalog.
    func sides(of conflict: CatalogConflict) async throws -> [Side] {
        guard let version = conflict.version,
            let copy = try await catalog.version(registry: conflict.registry, model: conflict.model, version: version)
        else { throw MigrationError(.invalid, "conflict \(conflict.id ?? 0) names a version the catalog no longer has") }
        var sides = [Side(version: copy)]
        if let entry = try await catalog.versionMap(target: copy.ref), let sourceVersion = entry.source.version,
            let source = try await catalog.version(
                registry: entry.source.registry, model: entry.source.model, version: sourceVersion)
        {
            sides.append(Side(version: source))
        }
        return sides
    }

    func plan(_ conflict: CatalogConflict, _ side: Side, _ op: MigrationOp, _ details: [String: JSONValue]) throws
        -> (any RegistryAdapter, MigrationPlan)
    {
        let target = try adapter(side.version.registry)
        let action = MigrationAction(
            op: op, model: side.version.model, version: side.version.version, targetModel: side.version.model,
            targetVersion: side.version.version, details: details)
        let plan = MigrationPlan(
            from: "conflict:\(conflict.id ?? 0)", to: side.version.registry, createdAt: now(), options: MigrationOptions(),
            names: [:], actions: [action], conflicts: [], skips: [])
        return (target, plan)
    }
}
