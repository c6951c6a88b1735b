import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Reads the live state of both sides and works out what a migration would do (DESIGN §5).
///
/// Idempotency comes from the target itself: a target version whose provenance names the source version is its
/// copy, so a re-plan after a complete apply is empty even with a fresh catalog.
public struct MigrationPlanner: Sendable {
    /// Where the models are read from: a live registry or a bundle's snapshots.
    public let source: any MigrationSource
    /// The registry the copies would be written to; it is read live to plan.
    public let target: any RegistryAdapter
    /// How to copy: rename, whether aliases and lifecycle are carried, artifact rewrites, force.
    public let options: MigrationOptions
    /// `conflicts.tag_owners`: tag-key prefix → the registry that owns those keys.
    public let tagOwners: [String: String]
    let now: @Sendable () -> Date

    /// A planner from `source` to `target`; no tag owners by default, `now` stamps the plan (the wall clock by default).
    public init(
        source: any MigrationSource, target: any RegistryAdapter, options: MigrationOptions,
        tagOwners: [String: String] = [:], now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.tagOwners = tagOwners
        self.now = now
    }

    /// Aliases a registry sets on its own; never copied.
    static func managedAliases(_ kind: RegistryKind) -> Set<String> {
        switch kind {
        case .vertex: ["default"]
        case .wandb: ["latest"]
        default: []
        }
    }

    /// Plans copying `model` (every model when nil), only `version` when given.
    public func plan(model: String? = nil, version: String? = nil) async throws -> MigrationPlan {
        if options.rename != nil, model == nil {
            throw MigrationError(.invalid, "--rename needs a single model: --from \(source.registry):MODEL")
        }
        if let rename = options.rename, rename.isEmpty { throw MigrationError(.invalid, "--rename needs a name") }
        let snapshots = try await source.snapshots(model: model).sorted { $0.model.name < $1.model.name }
        if source.registry == target.registry {
            let renamed = snapshots.allSatisfy { (options.rename ?? target.targetModelName(for: $0.model.name)) != $0.model.name }
            if !renamed {
                throw MigrationError(.invalid, "source and target are the same registry '\(target.registry)'; pass --rename NEW")
            }
        }
        var draft = Draft()
        var targetsOf: [String: [String]] = [:]
        for snapshot in snapshots {
            let name = options.rename ?? target.targetModelName(for: snapshot.model.name)
            draft.names[snapshot.model.name] = name
            targetsOf[name, default: []].append(snapshot.model.name)
        }
        for snapshot in snapshots {
            let name = draft.names[snapshot.model.name] ?? snapshot.model.name
            if let sharing = targetsOf[name], sharing.count > 1 {
                draft.conflicts.append(
                    MigrationConflict(
                        kind: "name", model: snapshot.model.name, version: nil, targetModel: name, targetVersion: nil,
                        field: "name", values: [source.registry: .string(snapshot.model.name), target.registry: .string(name)],
                        message: "\(sharing.sorted().joined(separator: ", ")) all map to '\(name)' in \(target.registry); "
                            + "migrate them one at a time with --rename"))
                continue
            }
            try await planModel(snapshot, targetName: name, only: version, into: &draft)
        }
        var from = source.registry
        if let model { from += ":\(model)" + (version.map { "@\($0)" } ?? "") }
        return MigrationPlan(
            from: from, to: target.registry, createdAt: now(), options: options,
            names: draft.names.filter { $0.key != $0.value }, actions: draft.actions, conflicts: draft.conflicts,
            skips: draft.skips)
    }

    struct Draft {
        var names: [String: String] = [:]
        var actions: [MigrationAction] = []
        var conflicts: [MigrationConflict] = []
        var skips: [MigrationSkip] = []
    }

    func planModel(_ snapshot: ModelSnapshot, targetName: String, only: String?, into draft: inout Draft) async throws {
        let modelName = snapshot.model.name
        var versions = snapshot.versions.filter { !$0.deleted }.sorted { Self.precedes($0.version, $1.version) }
        if let only {
            versions = versions.filter { $0.version == only }
            if versions.isEmpty { throw MigrationError(.invalid, "\(source.registry):\(modelName) has no version '\(only)'") }
        }
        let existing = try await target.snapshot(model: targetName)
        let targetVersions = (existing?.versions ?? []).filter { !$0.deleted }
        var copies: [String: ModelVersion] = [:]
        for candidate in targetVersions {
            if let found = target.provenance(of: candidate), copies[found.source] == nil { copies[found.source] = candidate }
        }
        let byNumber = Dictionary(targetVersions.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var aliasHolder: [String: String] = [:]
        for candidate in targetVersions { for alias in candidate.aliases { aliasHolder[alias] = candidate.version } }

        var modelActions: [MigrationAction] = []
        for sourceVersion in versions {
            let ref = VersionRef(registry: source.registry, model: modelName, version: sourceVersion.version)
            if sourceVersion.status != .ready {
                draft.skips.append(.init(model: modelName, version: sourceVersion.version,
                    reason: "the version is \(sourceVersion.status.rawValue) in \(source.registry)"))
                continue
            }
            if let origin = sourceProvenance(sourceVersion), let originRef = origin.sourceRef,
                originRef.registry == target.registry
            {
                draft.skips.append(.init(model: modelName, version: sourceVersion.version,
                    reason: "it is a copy of \(origin.source), which is already in \(target.registry)"))
                continue
            }
            let provenance = Provenance(
                copying: ref, digest: sourceVersion.artifactDigest, targetRegistry: target.registry, targetModel: targetName)
            let tags = sourceVersion.tags.filter { !Provenance.isProvenanceKey($0.key) }
            let copy = copies[ref.description]
            var targetVersion: String?
            if let copy {
                targetVersion = copy.version
                let prepared = target.prepare(
                    NewVersion(model: targetName, version: copy.version, sourceURI: copy.sourceURI, tags: tags))
                noteDropped(prepared, model: modelName, version: sourceVersion.version, into: &draft)
                var toSet: [String: String] = [:]
                var previous: [String: JSONValue] = [:]
                for (key, value) in prepared.version.tags.sorted(by: { $0.key < $1.key }) {
                    guard let held = copy.tags[key] else {
                        toSet[key] = value
                        continue
                    }
                    if held == value { continue }
                    let owner = tagOwner(of: key)
                    if owner == target.registry { continue }
                    if owner == source.registry || options.force {
                        toSet[key] = value
                        previous[key] = .string(held)
                        continue
                    }
                    draft.conflicts.append(
                        MigrationConflict(
                            kind: "tag", model: modelName, version: sourceVersion.version, targetModel: targetName,
                            targetVersion: copy.version, field: "tag:\(key)",
                            values: [source.registry: .string(value), target.registry: .string(held)],
                            message: "tag '\(key)' is '\(value)' in \(ref) but '\(held)' on its copy "
                                + "\(target.registry):\(targetName)@\(copy.version); kept as the target has it (--force takes the source's)"))
                }
                if !toSet.isEmpty {
                    var details: [String: JSONValue] = ["tags": .object(toSet.mapValues(JSONValue.string))]
                    if !previous.isEmpty { details["previous"] = .object(previous) }
                    modelActions.append(
                        MigrationAction(op: .setTags, model: modelName, version: sourceVersion.version,
                            targetModel: targetName, targetVersion: copy.version, details: details))
                }
            } else {
                let chosen = target.targetVersion(forSourceVersion: sourceVersion.version)
                if let chosen, let occupant = byNumber[chosen] {
                    draft.conflicts.append(
                        MigrationConflict(
                            kind: "version", model: modelName, version: sourceVersion.version, targetModel: targetName,
                            targetVersion: chosen, field: "version",
                            values: [source.registry: .string(sourceVersion.version), target.registry: .string(occupant.version)],
                            message: "\(target.registry):\(targetName) already has version \(chosen), and it is not a copy of \(ref); "
                                + "migrate into another model with --rename"))
                    continue
                }
                let new = NewVersion(
                    model: targetName, version: chosen, description: sourceVersion.description,
                    sourceURI: options.mapArtifact(sourceVersion.sourceURI), runID: sourceVersion.run?.id, tags: tags,
                    provenance: provenance)
                let prepared = target.prepare(new)
                if let blocker = prepared.blocker {
                    draft.skips.append(.init(model: modelName, version: sourceVersion.version, reason: blocker))
                    continue
                }
                noteDropped(prepared, model: modelName, version: sourceVersion.version, into: &draft)
                targetVersion = chosen
                modelActions.append(
                    MigrationAction(op: .createVersion, model: modelName, version: sourceVersion.version,
                        targetModel: targetName, targetVersion: chosen, details: prepared.version.details))
            }
            if options.copyAliases {
                planAliases(sourceVersion, ref: ref, copy: copy, targetName: targetName, targetVersion: targetVersion,
                    holders: &aliasHolder, actions: &modelActions, draft: &draft)
            }
            if options.carryLifecycle, sourceVersion.lifecycle != .none {
                planLifecycle(sourceVersion, ref: ref, copy: copy, targetName: targetName, targetVersion: targetVersion,
                    actions: &modelActions, draft: &draft)
            }
        }
        let createsVersion = modelActions.contains { $0.op == .createVersion }
        if existing == nil, createsVersion, ![RegistryKind.vertex, .wandb].contains(target.kind) {
            var details: [String: JSONValue] = [:]
            if let description = snapshot.model.description { details["description"] = .string(description) }
            let modelTags = snapshot.model.tags.filter { !Provenance.isProvenanceKey($0.key) }
            if target.capabilities.modelTags, !modelTags.isEmpty {
                details["tags"] = .object(modelTags.mapValues(JSONValue.string))
            }
            modelActions.insert(
                MigrationAction(op: .createModel, model: modelName, version: nil, targetModel: targetName,
                    targetVersion: nil, details: details), at: 0)
        }
        draft.actions += modelActions
    }

    func planAliases(
        _ sourceVersion: ModelVersion, ref: VersionRef, copy: ModelVersion?, targetName: String, targetVersion: String?,
        holders: inout [String: String], actions: inout [MigrationAction], draft: inout Draft
    ) {
        let managed = Self.managedAliases(source.kind).union(Self.managedAliases(target.kind))
        for alias in sourceVersion.aliases.sorted() {
            if managed.contains(alias) { continue }
            guard target.capabilities.aliases else {
                draft.skips.append(.init(model: ref.model, version: ref.version,
                    reason: "alias '\(alias)' not copied: \(target.kind.rawValue) has no aliases"))
                continue
            }
            let holder = holders[alias]
            if let holder, let copy, holder == copy.version { continue }
            var details: [String: JSONValue] = ["alias": .string(alias)]
            if let holder {
                guard options.force else {
                    draft.conflicts.append(
                        MigrationConflict(
                            kind: "alias", model: ref.model, version: ref.version, targetModel: targetName,
                            targetVersion: copy?.version, field: "alias:\(alias)",
                            values: [source.registry: .string(ref.version ?? ""), target.registry: .string(holder)],
                            message: "alias '\(alias)' points at \(ref) in \(source.registry) but at version \(holder) in "
                                + "\(target.registry):\(targetName); --force moves it"))
                    continue
                }
                details["previous"] = .string(holder)
            }
            holders[alias] = targetVersion ?? "(new copy of \(ref.version ?? ""))"
            actions.append(
                MigrationAction(op: .setAlias, model: ref.model, version: ref.version, targetModel: targetName,
                    targetVersion: targetVersion, details: details))
        }
    }

    func planLifecycle(
        _ sourceVersion: ModelVersion, ref: VersionRef, copy: ModelVersion?, targetName: String, targetVersion: String?,
        actions: inout [MigrationAction], draft: inout Draft
    ) {
        let lifecycle = sourceVersion.lifecycle
        guard target.capabilities.lifecycle else {
            draft.skips.append(.init(model: ref.model, version: ref.version,
                reason: "lifecycle '\(lifecycle.rawValue)' not carried: \(target.kind.rawValue) has no lifecycle"))
            return
        }
        guard let raw = LifecycleMapping.targetRaw(lifecycle, kind: target.kind) else {
            draft.skips.append(.init(model: ref.model, version: ref.version,
                reason: "lifecycle '\(lifecycle.rawValue)' has no equivalent in \(target.kind.rawValue)"))
            return
        }
        if let copy {
            if LifecycleMapping.holds(copy, lifecycle, kind: target.kind) { return }
            if copy.lifecycle == .rejected {
                draft.conflicts.append(
                    MigrationConflict(
                        kind: "lifecycle", model: ref.model, version: ref.version, targetModel: targetName,
                        targetVersion: copy.version, field: "lifecycle",
                        values: [source.registry: .string(lifecycle.rawValue), target.registry: .string(copy.lifecycle.rawValue)],
                        message: "the copy \(target.registry):\(targetName)@\(copy.version) is rejected; ModelGate never "
                            + "undoes a rejection on its own (resolve it with `modelgate conflicts resolve`)"))
                return
            }
        }
        actions.append(
            MigrationAction(op: .setLifecycle, model: ref.model, version: ref.version, targetModel: targetName,
                targetVersion: targetVersion,
                details: ["lifecycle": .string(lifecycle.rawValue), "target_raw": .string(raw)]))
    }

    func noteDropped(_ prepared: PreparedVersion, model: String, version: String, into draft: inout Draft) {
        for (key, why) in prepared.droppedTags.sorted(by: { $0.key < $1.key }) {
            draft.skips.append(.init(model: model, version: version, reason: "tag '\(key)' not carried: \(why)"))
        }
    }

    func sourceProvenance(_ version: ModelVersion) -> Provenance? {
        if let live = source as? AdapterSource { return live.adapter.provenance(of: version) }
        return Provenance(tags: version.tags)
    }

    func tagOwner(of key: String) -> String? {
        tagOwners.filter { key.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }

    /// Version order: numerically where both are integers, else as text.
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        let va = a.hasPrefix("v") ? Int(a.dropFirst()) : nil
        let vb = b.hasPrefix("v") ? Int(b.dropFirst()) : nil
        if let va, let vb { return va < vb }
        return a.localizedStandardCompare(b) == .orderedAscending
    }
}

extension NewVersion {
    /// The `create_version` details of a plan.
    var details: [String: JSONValue] {
        var d: [String: JSONValue] = ["tags": .object(tags.mapValues(JSONValue.string))]
        if let version { d["version"] = .string(version) }
        if let description { d["description"] = .string(description) }
        if let sourceURI { d["source_uri"] = .string(sourceURI) }
        if let runID { d["run_id"] = .string(runID) }
        if let provenance {
            var p: [String: JSONValue] = [
                "source": .string(provenance.source), "source_version": .string(provenance.sourceVersion),
                "copy_id": .string(provenance.copyID),
            ]
            if let digest = provenance.digest { p["digest"] = .string(digest) }
            d["provenance"] = .object(p)
        }
        return d
    }

    /// Rebuilds the request from a plan's `create_version` details.
    init(model: String, details: [String: JSONValue]) {
        var provenance: Provenance?
        if let p = details["provenance"], let source = p["source"]?.stringValue, let copyID = p["copy_id"]?.stringValue {
            provenance = Provenance(
                source: source, sourceVersion: p["source_version"]?.stringValue ?? "", copyID: copyID,
                digest: p["digest"]?.stringValue)
        }
        self.init(
            model: model, version: details["version"]?.stringValue, description: details["description"]?.stringValue,
            sourceURI: details["source_uri"]?.stringValue, runID: details["run_id"]?.stringValue,
            tags: (details["tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue), provenance: provenance)
    }
}
