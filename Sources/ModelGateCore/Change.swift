import Foundation

/// What kind of difference a change-log row records (DESIGN §2).
public enum ChangeKind: String, Sendable, Codable, CaseIterable, Hashable {
    case created, updated, deleted
    case aliasMoved = "alias_moved"
    case lifecycleChanged = "lifecycle_changed"
    case tagChanged = "tag_changed"
    case error
}

/// Which ModelGate activity observed or made a change.
public enum ChangeSource: String, Sendable, Codable, CaseIterable, Hashable {
    case sync, migrate, resolve, `import`
}

/// One append-only row of the change log.
public struct ChangeEntry: Sendable, Codable, Hashable {
    public var id: Int64?
    public var at: Date
    public var registry: String
    public var model: String
    public var version: String?
    public var kind: ChangeKind
    /// The field that changed: `description`, `lifecycle`, `alias:champion`, `tag:team`, …
    public var field: String?
    public var before: String?
    public var after: String?
    public var actor: String?
    public var source: ChangeSource

    public init(
        id: Int64? = nil, at: Date, registry: String, model: String, version: String?, kind: ChangeKind,
        field: String? = nil, before: String? = nil, after: String? = nil, actor: String? = nil,
        source: ChangeSource
    ) {
        self.id = id
        self.at = at
        self.registry = registry
        self.model = model
        self.version = version
        self.kind = kind
        self.field = field
        self.before = before
        self.after = after
        self.actor = actor
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case id, at, registry, model, version, kind, field, before, after, actor, source
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(Timestamp.format(at), forKey: .at)
        try c.encode(registry, forKey: .registry)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(kind, forKey: .kind)
        try c.encode(field, forKey: .field)
        try c.encode(before, forKey: .before)
        try c.encode(after, forKey: .after)
        try c.encode(actor, forKey: .actor)
        try c.encode(source, forKey: .source)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        let atText = try c.decode(String.self, forKey: .at)
        guard let date = Timestamp.parse(atText) else {
            throw DecodingError.dataCorruptedError(forKey: .at, in: c, debugDescription: "not a timestamp: \(atText)")
        }
        at = date
        registry = try c.decode(String.self, forKey: .registry)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        kind = try c.decode(ChangeKind.self, forKey: .kind)
        field = try c.decodeIfPresent(String.self, forKey: .field)
        before = try c.decodeIfPresent(String.self, forKey: .before)
        after = try c.decodeIfPresent(String.self, forKey: .after)
        actor = try c.decodeIfPresent(String.self, forKey: .actor)
        source = try c.decode(ChangeSource.self, forKey: .source)
    }
}
