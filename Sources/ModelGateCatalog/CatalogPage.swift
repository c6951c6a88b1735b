import Foundation
import ModelGateCore

/// One unit of sync input, written in one transaction by ``CatalogDatabase/apply(page:source:at:)``.
///
/// A page holds **all** versions of each model it names (in `models` or through `versions`): aliases
/// are computed per model, so an alias of a named model that no version in the page carries is removed.
public struct CatalogPage: Sendable {
    /// A per-object problem met while listing: the object is named, the rest of the page is kept.
    public typealias ObjectFailure = ObjectError

    public var registry: String
    public var kind: RegistryKind
    public var models: [RegistryModel]
    public var versions: [ModelVersion]
    public var lineage: [LineageEdge]
    public var errors: [ObjectFailure]

    /// - Parameters:
    ///   - registry: the configured registry name; every model and version must belong to it.
    ///   - kind: the registry kind (used when the registry row does not exist yet).
    ///   - models: models as the registry reports them now.
    ///   - versions: every version of those models (and of any other model they name).
    ///   - lineage: edges the registry asserts.
    ///   - errors: per-object errors, each written as an `error` change row.
    public init(
        registry: String, kind: RegistryKind, models: [RegistryModel] = [], versions: [ModelVersion] = [],
        lineage: [LineageEdge] = [], errors: [ObjectFailure] = []
    ) {
        self.registry = registry
        self.kind = kind
        self.models = models
        self.versions = versions
        self.lineage = lineage
        self.errors = errors
    }
}

/// What ``CatalogDatabase/apply(page:source:at:)`` did.
///
/// Version counts add up to the number of versions in the page:
/// `created + updated + refreshed + unchanged == page.versions.count`.
public struct PageOutcome: Sendable, Hashable {
    /// Versions new to the catalog.
    public var created: Int = 0
    /// Versions with at least one observed difference (a change row other than `created`).
    public var updated: Int = 0
    /// Versions whose row was rewritten only for `raw`, `updated_at` or a miss-count reset (no change row).
    public var refreshed: Int = 0
    /// Versions that needed no write at all.
    public var unchanged: Int = 0
    /// Models new to the catalog.
    public var modelsCreated: Int = 0
    /// Models with at least one observed difference.
    public var modelsUpdated: Int = 0
    /// Ids of the conflicts opened by this page (integrity conflicts).
    public var conflictIDs: [Int64] = []
    /// The change-log rows written, with their ids, in the order written.
    public var changes: [ChangeEntry] = []

    /// An empty outcome.
    public init() {}
}

/// The identity of a version within one registry.
public struct CatalogVersionKey: Sendable, Hashable {
    public var model: String
    public var version: String

    /// - Parameters:
    ///   - model: the model's native name.
    ///   - version: the version's native string.
    public init(model: String, version: String) {
        self.model = model
        self.version = version
    }
}

/// Per-registry sync bookkeeping.
public struct SyncState: Sendable, Hashable {
    public var registry: String
    /// The adapter's opaque paging cursor for a listing in progress, if any.
    public var cursor: String?
    /// The incremental-listing watermark, in Unix milliseconds.
    public var watermark: Int64?
    /// How many syncs have completed (drives `sync.full_every`).
    public var syncCount: Int
    /// When the last complete listing finished.
    public var lastCompleteListingAt: Date?

    /// - Parameters:
    ///   - registry: the registry name.
    ///   - cursor: the paging cursor to resume from.
    ///   - watermark: Unix milliseconds of the newest change seen.
    ///   - syncCount: completed syncs so far.
    ///   - lastCompleteListingAt: when the last complete listing finished.
    public init(
        registry: String, cursor: String? = nil, watermark: Int64? = nil, syncCount: Int = 0,
        lastCompleteListingAt: Date? = nil
    ) {
        self.registry = registry
        self.cursor = cursor
        self.watermark = watermark
        self.syncCount = syncCount
        self.lastCompleteListingAt = lastCompleteListingAt
    }
}
