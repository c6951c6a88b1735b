import Foundation

/// The registries ModelGate has an adapter for. The raw value is the `kind:` of the config file.
public enum RegistryKind: String, Sendable, Codable, CaseIterable, Hashable {
    case mlflow, sagemaker, vertex, azureml, gitlab, wandb
}

/// Whether a version can be used (DESIGN §2 `status`).
public enum VersionStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pending, ready, failed
}

/// The normalized lifecycle of a version; the registry's own word is kept in `lifecycle_raw`.
public enum Lifecycle: String, Sendable, Codable, CaseIterable, Hashable {
    case none
    case pendingApproval = "pending_approval"
    case approved, staging, production, archived, rejected
}

/// Where a version came from: the training run, job or pipeline that produced it.
public struct RunReference: Sendable, Codable, Hashable {
    public var id: String?
    public var uri: String?
    public init(id: String? = nil, uri: String? = nil) {
        self.id = id
        self.uri = uri
    }
}

/// A configured registry as the catalog knows it.
public struct RegistryInfo: Sendable, Codable, Hashable {
    public var name: String
    public var kind: RegistryKind
    public var endpoint: String?
    public var lastSyncAt: Date?
    public var lastSyncStatus: String?
    public var lastSyncMessage: String?

    public init(
        name: String, kind: RegistryKind, endpoint: String? = nil, lastSyncAt: Date? = nil,
        lastSyncStatus: String? = nil, lastSyncMessage: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.endpoint = endpoint
        self.lastSyncAt = lastSyncAt
        self.lastSyncStatus = lastSyncStatus
        self.lastSyncMessage = lastSyncMessage
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, endpoint
        case lastSyncAt = "last_sync_at"
        case lastSyncStatus = "last_sync_status"
        case lastSyncMessage = "last_sync_message"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(lastSyncAt.map(Timestamp.format), forKey: .lastSyncAt)
        try c.encode(lastSyncStatus, forKey: .lastSyncStatus)
        try c.encode(lastSyncMessage, forKey: .lastSyncMessage)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(RegistryKind.self, forKey: .kind)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        lastSyncAt = try c.decodeIfPresent(String.self, forKey: .lastSyncAt).flatMap(Timestamp.parse)
        lastSyncStatus = try c.decodeIfPresent(String.self, forKey: .lastSyncStatus)
        lastSyncMessage = try c.decodeIfPresent(String.self, forKey: .lastSyncMessage)
    }
}

/// A registered model (MLflow registered model, SageMaker model package group, Vertex model, …).
public struct RegistryModel: Sendable, Codable, Hashable {
    public var registry: String
    public var kind: RegistryKind
    /// The native key within the registry.
    public var name: String
    public var displayName: String?
    public var description: String?
    public var tags: [String: String]
    public var createdAt: Date?
    public var updatedAt: Date?
    public var deleted: Bool
    /// The registry's own JSON for this object, unmodified.
    public var raw: JSONValue?

    public init(
        registry: String, kind: RegistryKind, name: String, displayName: String? = nil, description: String? = nil,
        tags: [String: String] = [:], createdAt: Date? = nil, updatedAt: Date? = nil, deleted: Bool = false,
        raw: JSONValue? = nil
    ) {
        self.registry = registry
        self.kind = kind
        self.name = name
        self.displayName = displayName
        self.description = description
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deleted = deleted
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case registry, kind, name, description, tags, deleted, raw
        case displayName = "display_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(registry, forKey: .registry)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(description, forKey: .description)
        try c.encode(tags, forKey: .tags)
        try c.encode(createdAt.map(Timestamp.format), forKey: .createdAt)
        try c.encode(updatedAt.map(Timestamp.format), forKey: .updatedAt)
        try c.encode(deleted, forKey: .deleted)
        try c.encodeIfPresent(raw, forKey: .raw)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registry = try c.decode(String.self, forKey: .registry)
        kind = try c.decode(RegistryKind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt).flatMap(Timestamp.parse)
        updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt).flatMap(Timestamp.parse)
        deleted = try c.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        raw = try c.decodeIfPresent(JSONValue.self, forKey: .raw)
    }
}

/// One version of a model in one registry: the unit the catalog, sync and migration work on.
/// Identity is `(registry, model, version)`; `version` is always the registry's native string.
public struct ModelVersion: Sendable, Codable, Hashable {
    public var registry: String
    public var kind: RegistryKind
    public var model: String
    public var version: String
    public var description: String?
    public var status: VersionStatus
    public var lifecycle: Lifecycle
    public var lifecycleRaw: String?
    public var aliases: [String]
    public var tags: [String: String]
    public var sourceURI: String?
    public var artifactDigest: String?
    public var run: RunReference?
    public var metrics: [String: Double]
    public var createdAt: Date?
    public var updatedAt: Date?
    public var createdBy: String?
    public var deleted: Bool
    public var raw: JSONValue?

    public init(
        registry: String, kind: RegistryKind, model: String, version: String, description: String? = nil,
        status: VersionStatus = .ready, lifecycle: Lifecycle = .none, lifecycleRaw: String? = nil,
        aliases: [String] = [], tags: [String: String] = [:], sourceURI: String? = nil,
        artifactDigest: String? = nil, run: RunReference? = nil, metrics: [String: Double] = [:],
        createdAt: Date? = nil, updatedAt: Date? = nil, createdBy: String? = nil, deleted: Bool = false,
        raw: JSONValue? = nil
    ) {
        self.registry = registry
        self.kind = kind
        self.model = model
        self.version = version
        self.description = description
        self.status = status
        self.lifecycle = lifecycle
        self.lifecycleRaw = lifecycleRaw
        self.aliases = aliases
        self.tags = tags
        self.sourceURI = sourceURI
        self.artifactDigest = artifactDigest
        self.run = run
        self.metrics = metrics
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.deleted = deleted
        self.raw = raw
    }

    public var ref: VersionRef { VersionRef(registry: registry, model: model, version: version) }

    enum CodingKeys: String, CodingKey {
        case registry, kind, model, version, description, status, lifecycle, aliases, tags, run, metrics, deleted, raw
        case lifecycleRaw = "lifecycle_raw"
        case sourceURI = "source_uri"
        case artifactDigest = "artifact_digest"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case createdBy = "created_by"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(registry, forKey: .registry)
        try c.encode(kind, forKey: .kind)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(description, forKey: .description)
        try c.encode(status, forKey: .status)
        try c.encode(lifecycle, forKey: .lifecycle)
        try c.encode(lifecycleRaw, forKey: .lifecycleRaw)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(tags, forKey: .tags)
        try c.encode(sourceURI, forKey: .sourceURI)
        try c.encode(artifactDigest, forKey: .artifactDigest)
        try c.encode(run, forKey: .run)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(createdAt.map(Timestamp.format), forKey: .createdAt)
        try c.encode(updatedAt.map(Timestamp.format), forKey: .updatedAt)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(deleted, forKey: .deleted)
        try c.encodeIfPresent(raw, forKey: .raw)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registry = try c.decode(String.self, forKey: .registry)
        kind = try c.decode(RegistryKind.self, forKey: .kind)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decode(String.self, forKey: .version)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        status = try c.decodeIfPresent(VersionStatus.self, forKey: .status) ?? .ready
        lifecycle = try c.decodeIfPresent(Lifecycle.self, forKey: .lifecycle) ?? .none
        lifecycleRaw = try c.decodeIfPresent(String.self, forKey: .lifecycleRaw)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        sourceURI = try c.decodeIfPresent(String.self, forKey: .sourceURI)
        artifactDigest = try c.decodeIfPresent(String.self, forKey: .artifactDigest)
        run = try c.decodeIfPresent(RunReference.self, forKey: .run)
        metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt).flatMap(Timestamp.parse)
        updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt).flatMap(Timestamp.parse)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        deleted = try c.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        raw = try c.decodeIfPresent(JSONValue.self, forKey: .raw)
    }
}
