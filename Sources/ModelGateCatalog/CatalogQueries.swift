import Foundation
import ModelGateCore

/// Filters of `modelgate versions` (DESIGN §4). All given filters must match.
public struct VersionQuery: Sendable {
    public var registry: String?
    public var model: String?
    /// Versions an alias of this name points at.
    public var alias: String?
    public var lifecycle: Lifecycle?
    /// Tags that must all be present with these exact values.
    public var tags: [(key: String, value: String)]
    /// Case-insensitive (ASCII) substring of the model name, version, description or a tag value.
    public var search: String?
    /// Tombstoned versions are left out unless this is true.
    public var includeDeleted: Bool
    /// At most this many versions; nil for all.
    public var limit: Int?
    /// The `nextCursor` of a previous page of the same query.
    public var cursor: String?

    /// - Parameters: see the properties; every filter is optional.
    public init(
        registry: String? = nil, model: String? = nil, alias: String? = nil, lifecycle: Lifecycle? = nil,
        tags: [(key: String, value: String)] = [], search: String? = nil, includeDeleted: Bool = false,
        limit: Int? = nil, cursor: String? = nil
    ) {
        self.registry = registry
        self.model = model
        self.alias = alias
        self.lifecycle = lifecycle
        self.tags = tags
        self.search = search
        self.includeDeleted = includeDeleted
        self.limit = limit
        self.cursor = cursor
    }
}

/// Filters of `modelgate models` (DESIGN §4).
public struct ModelQuery: Sendable, Hashable {
    public var registry: String?
    /// Case-insensitive (ASCII) substring of the model name, display name, description or a tag value.
    public var search: String?
    /// Tombstoned models are left out unless this is true.
    public var includeDeleted: Bool
    public var limit: Int?
    /// The `nextCursor` of a previous page of the same query.
    public var cursor: String?

    /// - Parameters: see the properties; every filter is optional.
    public init(
        registry: String? = nil, search: String? = nil, includeDeleted: Bool = false, limit: Int? = nil,
        cursor: String? = nil
    ) {
        self.registry = registry
        self.search = search
        self.includeDeleted = includeDeleted
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of a listing, shaped like the API's `{"items": [...], "next_cursor": ...}`.
public struct ResultPage<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass it as the query's `cursor` for the next page; nil on the last page.
    public var nextCursor: String?

    /// - Parameters:
    ///   - items: the items of this page, in listing order.
    ///   - nextCursor: the cursor of the next page, or nil.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension ResultPage: Encodable where Item: Encodable {
    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// Encodes `{"items": [...], "next_cursor": "..." | null}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// A model as `modelgate models --output json` prints it (DESIGN §4):
/// `{"registry","kind","name","description","tags","created_at","updated_at","version_count","deleted"}`.
public struct ModelSummary: Sendable, Hashable, Codable {
    public var registry: String
    public var kind: RegistryKind
    public var name: String
    public var description: String?
    public var tags: [String: String]
    public var createdAt: Date?
    public var updatedAt: Date?
    /// Versions that are not tombstoned.
    public var versionCount: Int
    public var deleted: Bool

    /// - Parameters: see the properties.
    public init(
        registry: String, kind: RegistryKind, name: String, description: String?, tags: [String: String],
        createdAt: Date?, updatedAt: Date?, versionCount: Int, deleted: Bool
    ) {
        self.registry = registry
        self.kind = kind
        self.name = name
        self.description = description
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.versionCount = versionCount
        self.deleted = deleted
    }

    enum CodingKeys: String, CodingKey {
        case registry, kind, name, description, tags, deleted
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case versionCount = "version_count"
    }

    /// Encodes the DESIGN §4 shape, timestamps as RFC 3339 with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(registry, forKey: .registry)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(tags, forKey: .tags)
        try c.encode(createdAt.map(Timestamp.format), forKey: .createdAt)
        try c.encode(updatedAt.map(Timestamp.format), forKey: .updatedAt)
        try c.encode(versionCount, forKey: .versionCount)
        try c.encode(deleted, forKey: .deleted)
    }

    /// Decodes the DESIGN §4 shape.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registry = try c.decode(String.self, forKey: .registry)
        kind = try c.decode(RegistryKind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt).flatMap(Timestamp.parse)
        updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt).flatMap(Timestamp.parse)
        versionCount = try c.decode(Int.self, forKey: .versionCount)
        deleted = try c.decode(Bool.self, forKey: .deleted)
    }
}

/// A detected conflict (DESIGN §4 `conflicts` JSON:
/// `{"id","kind","registry","model","version","field","values":{"REGISTRY":value},"status","resolution"}`).
public struct CatalogConflict: Sendable, Hashable, Codable {
    /// Whether a conflict still needs a decision.
    public enum Status: String, Sendable, Hashable, Codable {
        case open, resolved
    }

    public var id: Int64?
    /// `integrity` (an immutable field changed under the same id), `tag`, `alias`, `version`, …
    public var kind: String
    public var registry: String
    public var model: String
    public var version: String?
    public var field: String?
    /// Each observation by who observed it: `{"catalog": old, "<registry>": new}`.
    public var values: [String: JSONValue]
    public var status: Status
    public var resolution: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// - Parameters: see the properties.
    public init(
        id: Int64? = nil, kind: String, registry: String, model: String, version: String?, field: String?,
        values: [String: JSONValue], status: Status = .open, resolution: String? = nil, createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.registry = registry
        self.model = model
        self.version = version
        self.field = field
        self.values = values
        self.status = status
        self.resolution = resolution
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, registry, model, version, field, values, status, resolution
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Encodes the DESIGN §4 shape plus `created_at`/`updated_at`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(registry, forKey: .registry)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(field, forKey: .field)
        try c.encode(values, forKey: .values)
        try c.encode(status, forKey: .status)
        try c.encode(resolution, forKey: .resolution)
        try c.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try c.encode(Timestamp.format(updatedAt), forKey: .updatedAt)
    }

    /// Decodes the shape written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        kind = try c.decode(String.self, forKey: .kind)
        registry = try c.decode(String.self, forKey: .registry)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        field = try c.decodeIfPresent(String.self, forKey: .field)
        values = try c.decode([String: JSONValue].self, forKey: .values)
        status = try c.decode(Status.self, forKey: .status)
        resolution = try c.decodeIfPresent(String.self, forKey: .resolution)
        let created = try c.decode(String.self, forKey: .createdAt)
        guard let createdDate = Timestamp.parse(created) else {
            throw DecodingError.dataCorruptedError(forKey: .createdAt, in: c, debugDescription: "not a timestamp")
        }
        createdAt = createdDate
        updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt).flatMap(Timestamp.parse) ?? createdDate
    }
}

/// Where a migrated version went: source `REGISTRY:MODEL@VERSION` → target, with ModelGate's copy id.
public struct VersionMapEntry: Sendable, Hashable {
    public var source: VersionRef
    public var target: VersionRef
    public var copyID: String
    public var createdAt: Date

    /// - Parameters:
    ///   - source: the origin version (its `version` must be set).
    ///   - target: the copy (its `version` must be set).
    ///   - copyID: ModelGate's `modelgate.copy_id` written on the target.
    ///   - createdAt: when the copy was made.
    public init(source: VersionRef, target: VersionRef, copyID: String, createdAt: Date) {
        self.source = source
        self.target = target
        self.copyID = copyID
        self.createdAt = createdAt
    }
}

/// An error from the catalog's own checks (database errors are GRDB's `DatabaseError`).
public struct CatalogError: Error, Sendable, CustomStringConvertible, Hashable {
    public var message: String

    /// - Parameter message: what is wrong and what to do.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension CatalogEncoding {
    /// A cursor whose parts are all integers (ids, timestamps): the history's and the conflicts' keysets.
    static func decodeIntegerCursor(_ cursor: String, count: Int) throws -> [Int64] {
        let numbers = try decodeCursor(cursor, count: count).compactMap { Int64($0) }
        guard numbers.count == count else {
            throw CatalogError("invalid cursor '\(cursor)': pass the next_cursor of a previous page")
        }
        return numbers
    }
}
