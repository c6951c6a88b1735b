import Foundation
import ModelGateCatalog
import ModelGateCore

/// One version as `show` and the API's version route give it: the version object (DESIGN §4, with `raw`), the
/// lineage edges touching it, and its copy chain both ways (`migrated_from` nearest first, `migrated_to` every copy).
public struct VersionDetail: Encodable, Sendable {
    public var version: ModelVersion
    public var lineage: [LineageEdge]
    public var migratedFrom: [VersionRef]
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

    public func encode(to encoder: any Encoder) throws {
        try version.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(lineage, forKey: .lineage)
        try c.encode(migratedFrom.map(\.description), forKey: .migratedFrom)
        try c.encode(migratedTo.map(\.description), forKey: .migratedTo)
    }
}

/// One model as `show` and the API's model route give it: the model object, its versions (deleted ones too,
/// without native JSON) and the lineage edges touching it.
public struct ModelDetail: Encodable, Sendable {
    public var model: RegistryModel
    public var versions: [ModelVersion]
    public var lineage: [LineageEdge]

    /// Reads it from the catalog; nil when the catalog does not hold that model.
    public static func load(_ registry: String, _ name: String, from catalog: CatalogDatabase) async throws -> ModelDetail? {
        guard let model = try await catalog.model(registry: registry, name: name) else { return nil }
        let versions = try await catalog.versions(VersionQuery(registry: registry, model: name, includeDeleted: true))
            .items.map { version -> ModelVersion in
                var version = version
                version.raw = nil
                return version
            }
        return ModelDetail(
            model: model, versions: versions,
            lineage: try await catalog.lineageEdges(touching: LineageEdge.modelNode(registry, name)))
    }

    enum Key: String, CodingKey { case versions, lineage }

    public func encode(to encoder: any Encoder) throws {
        try model.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(versions, forKey: .versions)
        try c.encode(lineage, forKey: .lineage)
    }
}
