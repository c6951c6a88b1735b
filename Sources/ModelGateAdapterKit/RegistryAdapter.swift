import Foundation
import ModelGateCore

/// What a registry can do, so that sync and migration plan around it instead of failing on it.
public struct RegistryCapabilities: Sendable, Hashable {
    /// The client picks the version string on create (Azure ML, GitLab SemVer); else the server numbers versions.
    public var clientChosenVersions: Bool
    /// Named pointers at versions (MLflow, Vertex, W&B).
    public var aliases: Bool
    /// Approval / stage that ModelGate can read and set.
    public var lifecycle: Bool
    /// Key/value tags on versions that ModelGate can write.
    public var versionTags: Bool
    /// Tags or labels on models that ModelGate can write.
    public var modelTags: Bool
    /// Versions can be deleted (so a missing version means a deletion).
    public var deletes: Bool
    /// `listVersions(since:)` can return only what changed after a watermark.
    public var incrementalListing: Bool
    /// The artifact URI schemes a new version can point at (`s3`, `gs`, `https`, …); empty means any.
    public var artifactSchemes: Set<String>

    public init(
        clientChosenVersions: Bool = false, aliases: Bool = false, lifecycle: Bool = false, versionTags: Bool = true,
        modelTags: Bool = true, deletes: Bool = true, incrementalListing: Bool = false, artifactSchemes: Set<String> = []
    ) {
        self.clientChosenVersions = clientChosenVersions
        self.aliases = aliases
        self.lifecycle = lifecycle
        self.versionTags = versionTags
        self.modelTags = modelTags
        self.deletes = deletes
        self.incrementalListing = incrementalListing
        self.artifactSchemes = artifactSchemes
    }
}

/// One model with all of its versions as the registry reports them now, plus lineage the registry asserts.
/// Sync commits one `ModelSnapshot` (or several) per transaction, so a model's aliases are never half-moved.
public struct ModelSnapshot: Sendable {
    public var model: RegistryModel
    public var versions: [ModelVersion]
    public var lineage: [LineageEdge]
    public var errors: [ObjectError]
    /// Versions left out because their calls kept failing after the retries (each is also in `errors`): the
    /// listing is then not complete, the watermark does not move, and the next sync reads them again.
    public var unreadable: Int

    public init(
        model: RegistryModel, versions: [ModelVersion], lineage: [LineageEdge] = [], errors: [ObjectError] = [],
        unreadable: Int = 0
    ) {
        self.model = model
        self.versions = versions
        self.lineage = lineage
        self.errors = errors
        self.unreadable = unreadable
    }
}

/// Where a listing stands. `complete` is true only when the adapter enumerated everything the registry has,
/// paging finished and nothing failed: only complete listings can tombstone missing versions (DESIGN §5).
public struct ListingPage: Sendable {
    public var snapshots: [ModelSnapshot]
    /// Opaque cursor for the next call; nil when the listing is finished.
    public var next: String?
    /// Models whose listing failed as a whole (the listing is then not complete).
    public var errors: [ObjectError]

    /// True when this page belongs to a walk over everything the registry has, even though the sync asked
    /// for changes only (an adapter that fell back to a full listing). A listing whose every page says so,
    /// or that was asked without `since`, counts as complete when nothing failed.
    public var enumeratesEverything: Bool

    /// Models left out because their calls kept failing after the retries (each is also in `errors`): the
    /// listing is then not complete, the watermark does not move, and the next sync reads them again.
    public var unreadable: Int

    public init(
        snapshots: [ModelSnapshot], next: String?, errors: [ObjectError] = [], enumeratesEverything: Bool = false,
        unreadable: Int = 0
    ) {
        self.snapshots = snapshots
        self.next = next
        self.errors = errors
        self.enumeratesEverything = enumeratesEverything
        self.unreadable = unreadable
    }

    /// A page of the models read concurrently: their snapshots, then `errors` (problems met in the listing call
    /// itself) followed by each failed model's error, in order; models gone meanwhile are left out.
    public init(outcomes: [ModelOutcome], next: String?, errors: [ObjectError] = [], enumeratesEverything: Bool = false) {
        let (snapshots, modelErrors) = ModelOutcome.split(outcomes)
        let unreadable = outcomes.filter { if case .unreadable = $0 { true } else { false } }.count
        self.init(
            snapshots: snapshots, next: next, errors: errors + modelErrors, enumeratesEverything: enumeratesEverything,
            unreadable: unreadable)
    }
}

/// What migration asks a registry to create.
public struct NewVersion: Sendable, Hashable {
    public var model: String
    /// The version string to use where the registry lets the client choose; ignored elsewhere.
    public var version: String?
    public var description: String?
    public var sourceURI: String?
    public var runID: String?
    public var tags: [String: String]
    /// ModelGate's provenance for a copy; each adapter writes it in its registry's form (DESIGN §5) and
    /// reads it back with ``RegistryAdapter/provenance(of:)``.
    public var provenance: Provenance?
    public init(
        model: String, version: String? = nil, description: String? = nil, sourceURI: String? = nil,
        runID: String? = nil, tags: [String: String] = [:], provenance: Provenance? = nil
    ) {
        self.model = model
        self.version = version
        self.description = description
        self.sourceURI = sourceURI
        self.runID = runID
        self.tags = tags
        self.provenance = provenance
    }
}

/// The one protocol every registry implements. Read side for sync, write side for migration.
/// Adapters return normalized values (DESIGN §2) and keep the native JSON in `raw`; they throw `RegistryError`.
public protocol RegistryAdapter: Sendable {
    /// The configured registry name.
    var registry: String { get }
    var kind: RegistryKind { get }
    var capabilities: RegistryCapabilities { get }

    /// Lists models with all their versions, a page at a time. `since` is a watermark (Unix ms) for
    /// incremental listings where `capabilities.incrementalListing`; nil lists everything.
    func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage

    /// One version, fresh from the registry; nil if it does not exist.
    func version(model: String, version: String) async throws -> ModelVersion?

    /// One model without its versions; nil if it does not exist.
    func model(name: String) async throws -> RegistryModel?

    // Write side (migration, import, conflict resolution).
    func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel
    func createVersion(_ new: NewVersion) async throws -> ModelVersion
    func setVersionTags(model: String, version: String, tags: [String: String]) async throws
    func deleteVersionTag(model: String, version: String, key: String) async throws
    func setAlias(model: String, alias: String, version: String) async throws
    func deleteAlias(model: String, alias: String) async throws
    func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws

    // Migration planning (defaults in MigrationSupport.swift; adapters override where their registry differs).

    /// ModelGate's provenance on `version` as this registry stores it, or nil for a version ModelGate did not copy.
    func provenance(of version: ModelVersion) -> Provenance?
    /// The name a model called `sourceName` elsewhere gets here (this registry's naming rules).
    func targetModelName(for sourceName: String) -> String
    /// The version string to ask for when copying source version `sourceVersion` here; nil where the
    /// registry numbers versions itself.
    func targetVersion(forSourceVersion sourceVersion: String) -> String?
    /// What this registry can make of `new`: the request adjusted to its rules, the tags it cannot hold
    /// (with why), and a blocker when the version cannot be created at all (the plan shows it as a skip).
    func prepare(_ new: NewVersion) -> PreparedVersion
    /// One model with its versions, fresh from the registry; nil if it does not exist.
    func snapshot(model: String) async throws -> ModelSnapshot?
}

extension RegistryAdapter {
    /// Walks every page; a failure part-way throws, never a silent partial listing.
    public func allSnapshots(since: Int64? = nil) async throws -> [ModelSnapshot] {
        var all: [ModelSnapshot] = []
        var cursor: String?
        repeat {
            try Task.checkCancellation()
            let page = try await listSnapshots(cursor: cursor, since: since)
            all += page.snapshots
            cursor = page.next
        } while cursor != nil
        return all
    }

    /// Refusal for write operations a registry does not have.
    public func unsupported(_ operation: String, _ why: String) -> RegistryError {
        RegistryError(code: .invalidRequest, registry: registry, operation: operation, message: why)
    }
}
