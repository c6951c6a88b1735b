import Foundation
import ModelGateCore
import ModelGateSigning

/// How a migration copies (the `migrate plan` flags).
public struct MigrationOptions: Sendable, Hashable, Codable {
    /// The target model name, for a single-model migration; else each target's naming rules decide.
    public var rename: String?
    /// Copy the source's aliases (set only where absent or already on the copy; else a conflict).
    public var copyAliases: Bool
    /// Map the source lifecycle onto the target's (DESIGN §5).
    public var carryLifecycle: Bool
    /// Artifact URI prefix rewrites, `FROM=TO`, longest prefix first.
    public var artifactMap: [ArtifactRewrite]
    /// Resolve conflicts in the source's favour (tags, aliases); a `rejected` target is never undone.
    public var force: Bool

    /// Options as given; every default copies neither aliases nor lifecycle, rewrites nothing and forces nothing.
    public init(
        rename: String? = nil, copyAliases: Bool = false, carryLifecycle: Bool = false,
        artifactMap: [ArtifactRewrite] = [], force: Bool = false
    ) {
        self.rename = rename
        self.copyAliases = copyAliases
        self.carryLifecycle = carryLifecycle
        self.artifactMap = artifactMap
        self.force = force
    }

    enum CodingKeys: String, CodingKey {
        case rename, force
        case copyAliases = "copy_aliases"
        case carryLifecycle = "carry_lifecycle"
        case artifactMap = "artifact_map"
    }

    /// `uri` with the longest matching `--artifact-map` prefix replaced.
    public func mapArtifact(_ uri: String?) -> String? {
        guard let uri else { return nil }
        guard let rule = artifactMap.filter({ uri.hasPrefix($0.from) }).max(by: { $0.from.count < $1.from.count })
        else { return uri }
        return rule.to + uri.dropFirst(rule.from.count)
    }
}

/// One `--artifact-map FROM=TO` rule; encodes as the text the user typed.
public struct ArtifactRewrite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The URI prefix to replace.
    public var from: String
    /// What replaces it.
    public var to: String

    /// A rule replacing the prefix `from` with `to`.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Parses `FROM=TO` (the first `=` splits; both sides non-empty).
    public init?(parsing text: String) {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let from = String(text[..<eq])
        let to = String(text[text.index(after: eq)...])
        guard !from.isEmpty, !to.isEmpty else { return nil }
        self.init(from: from, to: to)
    }

    /// `FROM=TO`, as typed on the command line and as written in a plan file.
    public var description: String { "\(from)=\(to)" }

    /// Reads the `FROM=TO` text form; anything else is a data-corruption error.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ArtifactRewrite(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected FROM=TO, got '\(text)'"))
        }
        self = parsed
    }

    /// Writes the `FROM=TO` text form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// What an action does to the target.
public enum MigrationOp: String, Sendable, Hashable, Codable, CaseIterable {
    case createModel = "create_model"
    case createVersion = "create_version"
    case setTags = "set_tags"
    case setAlias = "set_alias"
    case setLifecycle = "set_lifecycle"
}

/// One step of a plan (DESIGN §4: `{"op","model","version","target_model","target_version","details"}`).
/// `model`/`version` name the source; `target_version` is null for a version the target will number itself.
public struct MigrationAction: Sendable, Hashable, Codable {
    /// What the step does.
    public var op: MigrationOp
    /// The source model name.
    public var model: String
    /// The source version; nil for a model-level step (`create_model`).
    public var version: String?
    /// The model name on the target (after `--rename` or the target's naming rules).
    public var targetModel: String
    /// The target version the step acts on; nil until the target numbers a version it creates.
    public var targetVersion: String?
    /// Op-specific: `create_model` description/tags; `create_version` the request (description, source_uri,
    /// run_id, tags, version, provenance); `set_tags` tags; `set_alias` alias and `previous` (the version it
    /// moves from, when forced); `set_lifecycle` lifecycle and `target_raw`.
    public var details: [String: JSONValue]

    /// A step with everything given; no details by default.
    public init(
        op: MigrationOp, model: String, version: String?, targetModel: String, targetVersion: String?,
        details: [String: JSONValue] = [:]
    ) {
        self.op = op
        self.model = model
        self.version = version
        self.targetModel = targetModel
        self.targetVersion = targetVersion
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case op, model, version, details
        case targetModel = "target_model"
        case targetVersion = "target_version"
    }

    /// Writes snake_case keys, with `null` for a missing version or target version.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(op, forKey: .op)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(targetModel, forKey: .targetModel)
        try c.encode(targetVersion, forKey: .targetVersion)
        try c.encode(details, forKey: .details)
    }
}

/// A difference the plan will not settle on its own (DESIGN §4 conflict object, plus the target side).
public struct MigrationConflict: Sendable, Hashable, Codable {
    /// `tag`, `alias`, `lifecycle`, `version` (the target already has that version number, not as a copy) or `name`.
    public var kind: String
    /// The source model name.
    public var model: String
    /// The source version; nil for a model-level conflict (`name`).
    public var version: String?
    /// The model name on the target.
    public var targetModel: String
    /// The target version involved; nil when the conflict is not about one version.
    public var targetVersion: String?
    /// `tag:KEY`, `alias:NAME`, `lifecycle`, `version`, `name`.
    public var field: String
    /// Registry name → the value it holds.
    public var values: [String: JSONValue]
    /// What disagrees and how to settle it, in words.
    public var message: String

    /// A conflict with everything given.
    public init(
        kind: String, model: String, version: String?, targetModel: String, targetVersion: String?, field: String,
        values: [String: JSONValue], message: String
    ) {
        self.kind = kind
        self.model = model
        self.version = version
        self.targetModel = targetModel
        self.targetVersion = targetVersion
        self.field = field
        self.values = values
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case kind, model, version, field, values, message
        case targetModel = "target_model"
        case targetVersion = "target_version"
    }

    /// Writes snake_case keys, with `null` for a missing version or target version.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(targetModel, forKey: .targetModel)
        try c.encode(targetVersion, forKey: .targetVersion)
        try c.encode(field, forKey: .field)
        try c.encode(values, forKey: .values)
        try c.encode(message, forKey: .message)
    }
}

/// Something the plan leaves out, and why.
public struct MigrationSkip: Sendable, Hashable, Codable {
    /// The source model left out.
    public var model: String
    /// The source version left out; nil when the whole model is.
    public var version: String?
    /// Why it is left out, in words.
    public var reason: String

    /// A skip of `model` (or one of its versions).
    public init(model: String, version: String?, reason: String) {
        self.model = model
        self.version = version
        self.reason = reason
    }

    /// Writes `model`, `version` (`null` for a whole model) and `reason`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(reason, forKey: .reason)
    }
}

/// A migration plan (DESIGN §4): `{"id","from","to","created_at","options","names","actions","conflicts","skips"}`.
public struct MigrationPlan: Sendable, Hashable, Codable {
    /// The plan format this build writes and reads.
    public static let formatVersion = 1

    /// Derived from what the plan would do (not from when it was made).
    public var id: String
    /// `REGISTRY[:MODEL[@VERSION]]` of the source (a bundle import names the bundle's registry).
    public var from: String
    /// The target registry.
    public var to: String
    /// When the plan was made; written as RFC 3339 `created_at`, not part of `id`.
    public var createdAt: Date
    /// The options the plan was made with (part of `id`).
    public var options: MigrationOptions
    /// Source model name → target model name (shown when the target's naming rules changed it).
    public var names: [String: String]
    /// The steps to run, in the order `apply` runs them (part of `id`).
    public var actions: [MigrationAction]
    /// Differences the plan will not settle (part of `id`); `migrate apply` refuses while any remain.
    public var conflicts: [MigrationConflict]
    /// What the plan leaves out and why.
    public var skips: [MigrationSkip]
    /// The plan format this plan was written in (`format_version`; 1 when the file has none).
    public var formatVersion: Int

    /// A plan whose `id` is computed from what it does; `formatVersion` is this build's.
    public init(
        from: String, to: String, createdAt: Date, options: MigrationOptions, names: [String: String],
        actions: [MigrationAction], conflicts: [MigrationConflict], skips: [MigrationSkip]
    ) {
        self.from = from
        self.to = to
        self.createdAt = createdAt
        self.options = options
        self.names = names
        self.actions = actions
        self.conflicts = conflicts
        self.skips = skips
        self.formatVersion = Self.formatVersion
        self.id = ""
        self.id = computedID
    }

    /// True when applying would change nothing and nothing disagrees.
    public var isEmpty: Bool { actions.isEmpty && conflicts.isEmpty }

    /// 16 hex characters of SHA-256 over the canonical JSON of what the plan does.
    public var computedID: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var body = Data()
        body += (try? encoder.encode(from)) ?? Data()
        body += (try? encoder.encode(to)) ?? Data()
        body += (try? encoder.encode(options)) ?? Data()
        body += (try? encoder.encode(actions)) ?? Data()
        body += (try? encoder.encode(conflicts)) ?? Data()
        return String(Hex.encode(Digest.sha256(body)).prefix(16))
    }

    enum CodingKeys: String, CodingKey {
        case id, from, to, options, names, actions, conflicts, skips
        case createdAt = "created_at"
        case formatVersion = "format_version"
    }

    /// Reads a plan file; a newer `format_version` or an unparsable `created_at` throws, missing lists are empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decodeIfPresent(Int.self, forKey: .formatVersion) ?? 1
        guard formatVersion <= Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion, in: c,
                debugDescription: "plan format_version \(formatVersion) is newer than this modelgate knows (\(Self.formatVersion))")
        }
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
        from = try c.decode(String.self, forKey: .from)
        to = try c.decode(String.self, forKey: .to)
        let created = try c.decode(String.self, forKey: .createdAt)
        guard let date = Timestamp.parse(created) else {
            throw DecodingError.dataCorruptedError(forKey: .createdAt, in: c, debugDescription: "not a timestamp: \(created)")
        }
        createdAt = date
        options = try c.decodeIfPresent(MigrationOptions.self, forKey: .options) ?? MigrationOptions()
        names = try c.decodeIfPresent([String: String].self, forKey: .names) ?? [:]
        actions = try c.decode([MigrationAction].self, forKey: .actions)
        conflicts = try c.decodeIfPresent([MigrationConflict].self, forKey: .conflicts) ?? []
        skips = try c.decodeIfPresent([MigrationSkip].self, forKey: .skips) ?? []
    }

    /// Writes the plan file's JSON: snake_case keys, `created_at` as RFC 3339.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try c.encode(options, forKey: .options)
        try c.encode(names, forKey: .names)
        try c.encode(actions, forKey: .actions)
        try c.encode(conflicts, forKey: .conflicts)
        try c.encode(skips, forKey: .skips)
    }
}

/// A migration that cannot go on: a missing source object, a bad flag combination, a stale plan.
public struct MigrationError: Error, Sendable, CustomStringConvertible, Hashable {
    /// Why a migration stops: bad input, or a plan that no longer matches the registries.
    public enum Code: String, Sendable, Hashable {
        /// Bad input: no such source model or version, `--rename` with several models, …
        case invalid
        /// The target (or source) changed since the plan was made, or conflicts remain: exit 2.
        case refused
    }
    /// Whether the input was bad or the plan was refused.
    public var code: Code
    /// What is wrong and what to do, for the user.
    public var description: String

    /// An error of `code` whose `description` is shown as it is.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
