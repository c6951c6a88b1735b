import Foundation
import GRDB
import ModelGateCore

/// What ``PageWriter`` reads back before it compares a page with the catalog: the stored rows of one model,
/// decoded by column name.
extension PageWriter {
    /// A `model` row (`id, displayName, description, createdAt, updatedAt, deleted, missCount, raw`).
    struct StoredModel: Decodable, FetchableRecord {
        var id: Int64
        var displayName: String?
        var description: String?
        var createdAt: Int64?
        var updatedAt: Int64?
        var deleted: Bool
        var missCount: Int
        var raw: String?
    }

    /// A `modelVersion` row selected as `id, version, missCount` and ``versionColumns``; `tags` are filled in after.
    struct StoredVersion: FetchableRecord {
        enum Columns {
            static let id = Column("id")
            static let version = Column("version")
            static let missCount = Column("missCount")
        }

        var id: Int64
        var version: String
        var fields: VersionFields
        var missCount: Int
        var tags: [String: String] = [:]

        init(row: Row) throws {
            id = row[Columns.id]
            version = row[Columns.version]
            missCount = row[Columns.missCount]
            fields = try VersionFields(row: row)
        }
    }

    /// A tag of one of the model's versions (`version, key, value`).
    struct StoredVersionTag: Decodable, FetchableRecord {
        var version: String
        var key: String
        var value: String
    }

    /// An `alias` row.
    struct StoredAlias: Decodable, FetchableRecord {
        var id: Int64
        var name: String
        var versionID: Int64

        enum CodingKeys: String, CodingKey {
            case id, name
            case versionID = "versionId"
        }
    }

    /// The stored properties of a lineage edge.
    struct StoredEdge: Decodable, FetchableRecord {
        var id: Int64
        var properties: String
    }

    /// The latest change row about an object (`kind, after`).
    struct LatestChange: Decodable, FetchableRecord {
        var kind: String
        var after: String?
    }
}
