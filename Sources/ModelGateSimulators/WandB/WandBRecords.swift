import Foundation
import ModelGateCore

/// The run that logged an artifact (`Artifact.createdBy`).
public struct WandBSeedRun: Sendable, Hashable {
    /// The run id users see (GraphQL `Run.name`).
    public var name: String
    /// The project the run belongs to (in the simulator's entity).
    public var project: String
    public init(name: String, project: String) {
        self.name = name
        self.project = project
    }
}

/// One registry version to seed: a source artifact (in `sourceProject`) linked into the registry collection.
public struct WandBSeedVersion: Sendable, Hashable {
    public var description: String?
    /// Artifact metadata (a JSON object).
    public var metadata: [String: JSONValue]
    public var tags: [String]
    /// Aliases of the registry membership (`latest` is maintained by the simulator and need not be given).
    public var aliases: [String]
    public var createdBy: WandBSeedRun?
    /// When the artifact was logged.
    public var artifactCreatedAt: Date?
    /// When it was linked into the registry (membership `createdAt`).
    public var linkedAt: Date?
    public var digest: String?
    public var size: Int64

    public init(
        description: String? = nil, metadata: [String: JSONValue] = [:], tags: [String] = [], aliases: [String] = [],
        createdBy: WandBSeedRun? = nil, artifactCreatedAt: Date? = nil, linkedAt: Date? = nil, digest: String? = nil,
        size: Int64 = 1024
    ) {
        self.description = description
        self.metadata = metadata
        self.tags = tags
        self.aliases = aliases
        self.createdBy = createdBy
        self.artifactCreatedAt = artifactCreatedAt
        self.linkedAt = linkedAt
        self.digest = digest
        self.size = size
    }
}

/// One registry collection (PORTFOLIO) to seed, with its versions in order (v0, v1, …).
public struct WandBSeedCollection: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var tags: [String]
    public var artifactType: String
    public var createdAt: Date?
    public var versions: [WandBSeedVersion]

    public init(
        name: String, description: String? = nil, tags: [String] = [], artifactType: String = "model",
        createdAt: Date? = nil, versions: [WandBSeedVersion] = []
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.artifactType = artifactType
        self.createdAt = createdAt
        self.versions = versions
    }
}

struct WandBProjectRecord: Sendable {
    var id: String
    var internalID: Int
    var name: String
    var entity: String
    /// Collection ids in creation order.
    var collections: [String] = []
}

struct WandBCollectionRecord: Sendable {
    enum Kind: String, Sendable { case portfolio = "PORTFOLIO", sequence = "SEQUENCE" }
    var id: String
    var name: String
    var kind: Kind
    var projectKey: String
    var description: String?
    var tags: [String]
    var artifactType: String
    var createdAt: Date
    var updatedAt: Date
    var memberships: [WandBMembershipRecord] = []
    var nextIndex = 0
}

struct WandBMembershipRecord: Sendable {
    var id: String
    var versionIndex: Int
    var createdAt: Date
    var aliases: [String]
    var artifactID: String
}

struct WandBArtifactRecord: Sendable {
    var id: String
    /// The source collection (SEQUENCE) id and the artifact's index in it.
    var sequenceID: String
    var versionIndex: Int
    var artifactType: String
    var description: String?
    var metadata: [String: JSONValue]
    var tags: [String]
    var state: String
    var size: Int64
    var digest: String
    var createdAt: Date
    var updatedAt: Date
    var createdBy: WandBSeedRun?
}

/// A GraphQL error answered with HTTP 200 (`{"errors":[…],"data":null}`), or an HTTP error.
struct WandBGraphQLError: Error, Sendable {
    var message: String
    var status: Int = 200
    init(_ message: String, status: Int = 200) {
        self.message = message
        self.status = status
    }
}
