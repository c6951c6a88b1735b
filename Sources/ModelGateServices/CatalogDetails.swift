import Foundation
import ModelGateCatalog
import ModelGateCore

/// One version as `show` and the API's version route give it: the version object (DESIGN §4, with `raw`), the
/// lineage edges touching it, and its copy chain both ways (`migrated_from` nearest first, `migrated_to` every copy).
public struct VersionDetail: Encodable, Sendable {
    /// The version object with its native `raw` JSON.
    public var version: ModelVersion
    /// Every lineage edge that starts or ends at this version.
    public var lineage: [LineageEdge]
    /// The versions it was copied from, nearest first; empty when it is not a copy.
    public var migratedFrom: [VersionRef]
    /// Every copy made from it, directly or through other copies; empty when none.
    public var migratedTo: [VersionRef]

    /// Reads it from the catalog; nil when the catalog does not hold that version.
    public static func load(_ registry: String, _ model: String, _ name: String, from catalog: CatalogDatabase)
        async throws -> VersionDetail?
    {
        guard let version = try await catalog.version(registry: registry, model: model, version: name) else { return nil }
        return VersionDetail(
            version: version,
            lineage: try await catalog.lineageEdges(touching: LineageEdge.versionNode(registry, model, name)),
            migratedFrom: try await CopyChain.upstream(of: version.ref, in: catalog),
            migratedTo: try await CopyChain.downstream(of: version.ref, in: catalog))
    }

    enum Key: String, CodingKey {
        case lineage
        case migratedFrom = "migrated_from"
        case migratedTo = "migrated_to"
    }

    /// Writes the version object's keys plus `lineage`, `migrated_from` and `migrated_to` (as `REG:MODEL@V` text).
    public func encode(to encoder: any Encoder) throws {
        try version.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(lineage, forKey: .lineage)
        try c.encode(migratedFrom.map(\.description), forKey: .migratedFrom)
        try c.encode(migratedTo.map(\.description), forKey: .migratedTo)
    }
}

/// One model as `show` and the API's model route give it: the model object, its versions (deleted ones too,
/// without native JSON; the API gives one page of them), how many versions it has, and the lineage edges touching it.
public struct ModelDetail: Encodable, Sendable {
    /// The model object.
    public var model: RegistryModel
    /// All versions, or one page of them (``versionsNextCursor`` then names the next page).
    public var versions: [ModelVersion]
    /// The `cursor` of the next page of versions; nil on the last page.
    public var versionsNextCursor: String?
    /// Every version of the model, deleted ones too (so a client can say "N more").
    public var versionCount: Int
    /// Every lineage edge that starts or ends at the model node.
    public var lineage: [LineageEdge]

    /// Reads it from the catalog with a fixed number of queries however many versions the model has; nil when
    /// the catalog does not hold that model.
    ///
    /// - Parameters:
    ///   - limit: at most this many versions (nil: all, as `show` prints them).
    ///   - cursor: `versionsNextCursor` of the previous page.
    public static func load(
        _ registry: String, _ name: String, limit: Int? = nil, cursor: String? = nil, from catalog: CatalogDatabase
    ) async throws -> ModelDetail? {
        guard let model = try await catalog.model(registry: registry, name: name) else { return nil }
        let page = try await catalog.versions(
            VersionQuery(registry: registry, model: name, includeDeleted: true, limit: limit, cursor: cursor))
        let versions = page.items.map { version -> ModelVersion in
            var version = version
            version.raw = nil
            return version
        }
        let count =
            page.nextCursor == nil && cursor == nil
            ? versions.count : try await catalog.versionCount(registry: registry, model: name, includeDeleted: true)
        return ModelDetail(
            model: model, versions: versions, versionsNextCursor: page.nextCursor, versionCount: count,
            lineage: try await catalog.lineageEdges(touching: LineageEdge.modelNode(registry, name)))
    }

    enum Key: String, CodingKey {
        case versions, lineage
        case versionsNextCursor = "versions_next_cursor"
        case versionCount = "version_count"
    }

    /// Writes the model object's keys plus `versions`, `versions_next_cursor` (null on the last page), `version_count` and `lineage`.
    public func encode(to encoder: any Encoder) throws {
        try model.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(versions, forKey: .versions)
        try c.encode(versionsNextCursor, forKey: .versionsNextCursor)
        try c.encode(versionCount, forKey: .versionCount)
        try c.encode(lineage, forKey: .lineage)
    }
}
