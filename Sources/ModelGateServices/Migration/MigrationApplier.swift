import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore

/// What `migrate apply` did.
public struct MigrationResult: Sendable, Hashable, Encodable {
    /// One action that ran, with the target version it ended on.
    public struct Applied: Sendable, Hashable, Encodable {
        /// The plan action as planned.
        public var action: MigrationAction
        /// The target version the action touched (known after a create).
        public var targetVersion: String?
        enum CodingKeys: String, CodingKey {
            case action
            case targetVersion = "target_version"
        }
        /// Writes `action` and `target_version` (null when unknown).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(action, forKey: .action)
            try c.encode(targetVersion, forKey: .targetVersion)
        }
    }

    /// The id of the plan that was applied.
    public var planID: String
    /// The plan's `from`: `REGISTRY[:MODEL[@VERSION]]` of the source, or the label an import gave it.
    public var from: String
    /// The target registry name.
    public var to: String
    /// The actions that ran, in plan order; those after a failure are not listed.
    public var applied: [Applied] = []
    /// The action that failed and why; nil when every action ran. Running apply again resumes.
    public var failure: String?
    /// The action that failed; nil when every action ran.
    public var failedAction: MigrationAction?
    /// What the plan left out and why, carried over from the plan.
    public var skips: [MigrationSkip] = []
    /// True when every action ran (`failure` is nil).
    public var ok: Bool { failure == nil }

    enum CodingKeys: String, CodingKey {
        case from, to, applied, failure, skips, ok
        case planID = "plan_id"
        case failedAction = "failed_action"
    }

    /// Writes snake_case keys (`plan_id`, `failed_action`) with `null` for an absent failure, plus `ok`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(planID, forKey: .planID)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(applied, forKey: .applied)
        try c.encode(failure, forKey: .failure)
        try c.encode(failedAction, forKey: .failedAction)
        try c.encode(skips, forKey: .skips)
        try c.encode(ok, forKey: .ok)
    }
}

/// Carries out a plan action by action, recording each in the catalog.
///
/// Every action is idempotent against the live target (the plan was just recomputed from it), so a crash midway
/// is resumed by planning and applying again. After the actions of one version, the target model is read back and
/// written to the catalog (source `migrate`): the change log then holds exactly what the migration changed, and
/// the copy's `migrated_from` edge and version-map row are recorded.
public struct MigrationApplier: Sendable {
    /// The registry the actions write to; it must be the plan's `to`.
    public let target: any RegistryAdapter
    /// Where each touched model is recorded after its actions; nil records nothing.
    public let catalog: CatalogDatabase?
    let now: @Sendable () -> Date
    /// Called after each action (tests inject a crash here).
    public var afterAction: (@Sendable (Int, MigrationAction) async throws -> Void)?
    /// One line per action, for progress on stderr.
    public var progress: (@Sendable (String) -> Void)?
    /// The change source written on catalog rows (`migrate`, `import`, `resolve`).
    public var changeSource: ChangeSource = .migrate

    /// An applier writing to `target`, recording in `catalog` when given, stamping rows with `now` (the wall clock by default).
    public init(target: any RegistryAdapter, catalog: CatalogDatabase?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.target = target
        self.catalog = catalog
        self.now = now
    }

    /// Runs the actions in order, stopping at the first failure (reported in the result); throws when the plan targets another registry or recording in the catalog fails.
    public func apply(_ plan: MigrationPlan) async throws -> MigrationResult {
        guard plan.to == target.registry else {
            throw MigrationError(.invalid, "the plan targets '\(plan.to)', not '\(target.registry)'")
        }
        var result = MigrationResult(planID: plan.id, from: plan.from, to: plan.to, skips: plan.skips)
        // Source model@version → the target version it maps to (known for copies; learnt from creates).
        var resolved: [String: String] = [:]
        for action in plan.actions where action.targetVersion != nil {
            resolved[Self.key(action.model, action.version)] = action.targetVersion
        }
        var pendingRecord: Set<String> = []
        var index = 0
        for action in plan.actions {
            let key = Self.key(action.model, action.version)
            do {
                let touched = try await run(action, resolved: &resolved)
                result.applied.append(.init(action: action, targetVersion: touched))
                progress?(Self.describe(action, targetVersion: touched))
                pendingRecord.insert(action.targetModel)
            } catch {
                result.failure = "\(Self.describe(action, targetVersion: resolved[key])) failed: \(error)"
                result.failedAction = action
                try? await record(models: pendingRecord)
                return result
            }
            index += 1
            // The next action belongs to another version: record what this one did before going on.
            let nextKey = index < plan.actions.count ? Self.key(plan.actions[index].model, plan.actions[index].version) : nil
            if nextKey != key, action.op != .createModel {
                try await record(models: pendingRecord)
                pendingRecord = []
            }
            try await afterAction?(index, action)
        }
        try await record(models: pendingRecord)
        return result
    }

    static func key(_ model: String, _ version: String?) -> String { "\(model)@\(version ?? "")" }

    /// Runs one action; returns the target version it touched.
    func run(_ action: MigrationAction, resolved: inout [String: String]) async throws -> String? {
        let key = Self.key(action.model, action.version)
        switch action.op {
        case .createModel:
            do {
                _ = try await target.createModel(
                    name: action.targetModel, description: action.details["description"]?.stringValue,
                    tags: (action.details["tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue))
            } catch let error as RegistryError where error.code == .conflict {
                // Created by an earlier, interrupted run (or by someone else meanwhile): the model is there.
            }
            return nil
        case .createVersion:
            let new = NewVersion(model: action.targetModel, details: action.details)
            let created = try await target.createVersion(new)
            resolved[key] = created.version
            return created.version
        case .setTags:
            let version = try targetVersion(of: action, resolved)
            let tags = (action.details["tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            try await target.setVersionTags(model: action.targetModel, version: version, tags: tags)
            return version
        case .setAlias:
            let version = try targetVersion(of: action, resolved)
            guard let alias = action.details["alias"]?.stringValue else {
                throw MigrationError(.invalid, "a set_alias action without an alias")
            }
            try await target.setAlias(model: action.targetModel, alias: alias, version: version)
            return version
        case .setLifecycle:
            let version = try targetVersion(of: action, resolved)
            guard let text = action.details["lifecycle"]?.stringValue, let lifecycle = Lifecycle(rawValue: text) else {
                throw MigrationError(.invalid, "a set_lifecycle action without a known lifecycle")
            }
            try await target.setLifecycle(model: action.targetModel, version: version, lifecycle: lifecycle)
            return version
        }
    }

    func targetVersion(of action: MigrationAction, _ resolved: [String: String]) throws -> String {
        if let version = action.targetVersion ?? resolved[Self.key(action.model, action.version)] { return version }
        throw MigrationError(
            .invalid, "no target version for \(action.model)@\(action.version ?? "?"): its create_version did not run")
    }

    /// Reads each touched target model back and writes it to the catalog with its copies' lineage.
    func record(models: Set<String>) async throws {
        guard let catalog else { return }
        for model in models.sorted() {
            guard let snapshot = try await target.snapshot(model: model) else { continue }
            let at = now()
            let links = ProvenanceLinks.links(snapshot.versions, at: at) { target.provenance(of: $0) }
            let page = CatalogPage(
                registry: target.registry, kind: target.kind, models: [snapshot.model], versions: snapshot.versions,
                lineage: snapshot.lineage + links.edges)
            _ = try await catalog.apply(page: page, source: changeSource, at: at)
            for entry in links.map { try await catalog.insertVersionMap(entry) }
        }
    }

    /// `+ create version fraud-detector@3 → sm-us:fraud-detector@(new)` and the like.
    public static func describe(_ action: MigrationAction, targetVersion: String? = nil) -> String {
        let source = action.version.map { "\(action.model)@\($0)" } ?? action.model
        let target = "\(action.targetModel)@\(targetVersion ?? action.targetVersion ?? "(new)")"
        switch action.op {
        case .createModel: return "+ create model    \(action.model) → \(action.targetModel)"
        case .createVersion: return "+ create version  \(source) → \(target)"
        case .setTags:
            let keys = (action.details["tags"]?.objectValue ?? [:]).keys.sorted().joined(separator: ", ")
            return "~ set tags        \(target): \(keys)"
        case .setAlias:
            let alias = action.details["alias"]?.stringValue ?? "?"
            let moved = action.details["previous"]?.stringValue.map { " (moved from \($0))" } ?? ""
            return "~ set alias       \(alias) → \(target)\(moved)"
        case .setLifecycle:
            let raw = action.details["target_raw"]?.stringValue ?? action.details["lifecycle"]?.stringValue ?? "?"
            return "~ set lifecycle   \(target) → \(raw)"
        }
    }
}

extension MigrationAction {
    /// True when this (freshly planned) action was foreseen by `saved` (from a plan file): same step on the same
    /// objects with the same values. A version created since the plan was made is known now, not then.
    public func isForeseen(by saved: MigrationAction) -> Bool {
        guard op == saved.op, model == saved.model, version == saved.version, targetModel == saved.targetModel else {
            return false
        }
        if let planned = saved.targetVersion, planned != targetVersion { return false }
        switch op {
        case .createModel, .createVersion, .setTags: return details == saved.details
        case .setAlias: return details["alias"] == saved.details["alias"]
        case .setLifecycle: return details["lifecycle"] == saved.details["lifecycle"]
        }
    }
}

extension MigrationPlan {
    /// Why `fresh` (planned now) is not what this saved plan promised, or nil when every fresh action and
    /// conflict was foreseen (what an interrupted apply left undone is a subset of the plan).
    public func staleness(comparedTo fresh: MigrationPlan) -> String? {
        var reasons: [String] = []
        for action in fresh.actions where !actions.contains(where: { action.isForeseen(by: $0) }) {
            reasons.append("new: \(MigrationApplier.describe(action))")
        }
        for conflict in fresh.conflicts
        where !conflicts.contains(where: {
            $0.kind == conflict.kind && $0.model == conflict.model && $0.version == conflict.version
                && $0.field == conflict.field && $0.values == conflict.values
        }) {
            reasons.append("new conflict: \(conflict.message)")
        }
        if reasons.isEmpty { return nil }
        return reasons.prefix(5).joined(separator: "; ") + (reasons.count > 5 ? "; and \(reasons.count - 5) more" : "")
    }
}
