import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateServices
import Synchronization

/// A registry held in memory, for the migration planner's own logic (the adapters' write paths are tested
/// against real peers and simulators elsewhere). It behaves like the registries it stands for where the planner
/// cares: server- or client-numbered versions, aliases on or off, lifecycle with each kind's native words,
/// provenance held as tags, URIs limited to `artifactSchemes`.
public final class MemoryRegistry: RegistryAdapter, Sendable {
    public let registry: String
    public let kind: RegistryKind
    public let capabilities: RegistryCapabilities
    /// Counts every write call, so tests can prove a no-op writes nothing.
    public var writes: Int { state.withLock { $0.writes } }

    public struct State: Sendable {
        public var models: [String: RegistryModel] = [:]
        public var versions: [String: [ModelVersion]] = [:]
        public var writes = 0
        public var clock: Int64 = 1_700_000_000_000
    }
    let state = Mutex(State())

    public init(_ registry: String, kind: RegistryKind, capabilities: RegistryCapabilities) {
        self.registry = registry
        self.kind = kind
        self.capabilities = capabilities
    }

    /// MLflow-like: server numbers, aliases, stages, any URI.
    public static func mlflow(_ name: String) -> MemoryRegistry {
        MemoryRegistry(name, kind: .mlflow, capabilities: RegistryCapabilities(aliases: true, lifecycle: true))
    }
    /// SageMaker-like: server numbers, no aliases, approval statuses, s3/https only.
    public static func sagemaker(_ name: String) -> MemoryRegistry {
        MemoryRegistry(
            name, kind: .sagemaker, capabilities: RegistryCapabilities(lifecycle: true, artifactSchemes: ["s3", "https"]))
    }

    /// Seeds a version directly (as if someone made it in the registry's own UI).
    public func seed(_ model: String, _ version: String, tags: [String: String] = [:], aliases: [String] = [],
              lifecycle: Lifecycle = .none, source: String? = "s3://bucket/\(UUID().uuidString.prefix(6))",
              description: String? = nil, run: String? = nil) {
        state.withLock { s in
            if s.models[model] == nil {
                s.models[model] = RegistryModel(registry: registry, kind: kind, name: model)
            }
            for alias in aliases { Self.dropAlias(alias, model: model, in: &s) }
            s.versions[model, default: []].append(
                ModelVersion(
                    registry: registry, kind: kind, model: model, version: version, description: description,
                    lifecycle: lifecycle, lifecycleRaw: Self.raw(lifecycle, kind: kind), aliases: aliases, tags: tags,
                    sourceURI: source, run: run.map { RunReference(id: $0) }))
        }
    }

    public func versions(of model: String) -> [ModelVersion] { state.withLock { $0.versions[model] ?? [] } }
    public func modelNames() -> [String] { state.withLock { $0.models.keys.sorted() } }

    public func mutate(_ model: String, _ version: String, _ body: (inout ModelVersion) -> Void) {
        state.withLock { s in
            guard let i = s.versions[model]?.firstIndex(where: { $0.version == version }) else { return }
            body(&s.versions[model]![i])
        }
    }

    static func raw(_ lifecycle: Lifecycle, kind: RegistryKind) -> String? {
        switch (kind, lifecycle) {
        case (_, .none): nil
        case (.mlflow, .production): "Production"
        case (.mlflow, .staging): "Staging"
        case (.mlflow, .archived): "Archived"
        case (.sagemaker, .approved): "Approved"
        case (.sagemaker, .pendingApproval): "PendingManualApproval"
        case (.sagemaker, .rejected): "Rejected"
        default: lifecycle.rawValue
        }
    }

    static func dropAlias(_ alias: String, model: String, in s: inout State) {
        for i in s.versions[model, default: []].indices { s.versions[model]![i].aliases.removeAll { $0 == alias } }
    }

    // MARK: Read side

    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let snapshots = state.withLock { s in
            s.models.keys.sorted().map { ModelSnapshot(model: s.models[$0]!, versions: s.versions[$0] ?? []) }
        }
        return ListingPage(snapshots: snapshots, next: nil)
    }

    public func version(model: String, version: String) async throws -> ModelVersion? {
        state.withLock { $0.versions[model]?.first { $0.version == version } }
    }

    public func model(name: String) async throws -> RegistryModel? { state.withLock { $0.models[name] } }

    // MARK: Write side

    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        try state.withLock { s in
            s.writes += 1
            if s.models[name] != nil {
                throw RegistryError(code: .conflict, registry: registry, operation: "createModel", message: "exists")
            }
            let model = RegistryModel(registry: registry, kind: kind, name: name, description: description, tags: tags)
            s.models[name] = model
            return model
        }
    }

    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        try state.withLock { s in
            s.writes += 1
            guard s.models[new.model] != nil else {
                throw RegistryError(code: .notFound, registry: registry, operation: "createVersion", message: "no model \(new.model)")
            }
            let existing = s.versions[new.model] ?? []
            let number = capabilities.clientChosenVersions ? (new.version ?? "\(existing.count + 1)") : "\(existing.count + 1)"
            s.clock += 1000
            let version = ModelVersion(
                registry: registry, kind: kind, model: new.model, version: number, description: new.description,
                lifecycle: kind == .sagemaker ? .pendingApproval : .none,
                lifecycleRaw: kind == .sagemaker ? "PendingManualApproval" : nil,
                tags: new.tags.merging(new.provenance?.tags ?? [:]) { _, p in p }, sourceURI: new.sourceURI,
                run: new.runID.map { RunReference(id: $0) }, createdAt: Date(timeIntervalSince1970: Double(s.clock) / 1000))
            s.versions[new.model, default: []].append(version)
            return version
        }
    }

    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        state.withLock { $0.writes += 1 }
        mutate(model, version) { $0.tags.merge(tags) { _, new in new } }
    }

    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        state.withLock { $0.writes += 1 }
        mutate(model, version) { $0.tags[key] = nil }
    }

    public func setAlias(model: String, alias: String, version: String) async throws {
        guard capabilities.aliases else {
            throw unsupported("setAlias", "no aliases")
        }
        state.withLock { s in
            s.writes += 1
            Self.dropAlias(alias, model: model, in: &s)
        }
        mutate(model, version) { $0.aliases.append(alias) }
    }

    public func deleteAlias(model: String, alias: String) async throws {
        state.withLock { s in
            s.writes += 1
            Self.dropAlias(alias, model: model, in: &s)
        }
    }

    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        state.withLock { $0.writes += 1 }
        let kind = self.kind
        mutate(model, version) { v in
            let raw = LifecycleRaw.of(lifecycle, kind)
            v.lifecycleRaw = raw
            v.lifecycle = LifecycleRaw.normalized(raw, kind)
        }
    }
}

/// What the memory registry stores when asked for a lifecycle: DESIGN §5's native word (the planner's own
/// mapping, whose words the tests spell out), read back as the kind reads it.
public enum LifecycleRaw {
    public static func of(_ lifecycle: Lifecycle, _ kind: RegistryKind) -> String? {
        LifecycleMapping.targetRaw(lifecycle, kind: kind)
    }

    public static func normalized(_ raw: String?, _ kind: RegistryKind) -> Lifecycle {
        switch raw {
        case "Production": .production
        case "Staging": .staging
        case "Archived": .archived
        case "Approved": .approved
        case "PendingManualApproval": .pendingApproval
        case "Rejected": .rejected
        default: .none
        }
    }
}
