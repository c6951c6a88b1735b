import Foundation
import ModelGateCore

/// Where Azure ML models live: a workspace or a registry, in a subscription and resource group.
public struct AzureMLScope: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case workspace = "workspaces"
        case registry = "registries"
    }

    public var kind: Kind
    public var subscription: String
    public var resourceGroup: String
    /// The workspace or registry name.
    public var name: String

    public init(kind: Kind, subscription: String, resourceGroup: String, name: String) {
        self.kind = kind
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.name = name
    }

    public static func workspace(subscription: String, resourceGroup: String, workspace: String) -> Self {
        Self(kind: .workspace, subscription: subscription, resourceGroup: resourceGroup, name: workspace)
    }

    public static func registry(subscription: String, resourceGroup: String, registry: String) -> Self {
        Self(kind: .registry, subscription: subscription, resourceGroup: resourceGroup, name: registry)
    }

    /// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/{workspaces|registries}/{name}`.
    public var path: String {
        "/subscriptions/\(subscription)/resourceGroups/\(resourceGroup)/providers/Microsoft.MachineLearningServices/"
            + "\(kind.rawValue)/\(name)"
    }

    public var description: String { path }

    /// `Microsoft.MachineLearningServices/workspaces/models` (or `registries`), plus `/versions`.
    func resourceType(versions: Bool) -> String {
        "Microsoft.MachineLearningServices/\(kind.rawValue)/models" + (versions ? "/versions" : "")
    }
}

/// ARM `systemData`.
struct AzureMLSystemData: Sendable, Hashable {
    var createdAt: Date
    var createdBy: String
    var lastModifiedAt: Date
    var lastModifiedBy: String

    var json: JSONValue {
        [
            "createdAt": .string(Timestamp.format(createdAt)), "createdBy": .string(createdBy),
            "createdByType": "Application", "lastModifiedAt": .string(Timestamp.format(lastModifiedAt)),
            "lastModifiedBy": .string(lastModifiedBy), "lastModifiedByType": "Application",
        ]
    }
}

/// A model container as the simulator stores it.
struct AzureMLContainer: Sendable {
    var name: String
    /// The writable `properties` (description, tags, properties, isArchived).
    var properties: [String: JSONValue]
    var systemData: AzureMLSystemData
    var provisioningState: String
    var versions: [String: AzureMLVersionRecord] = [:]
    /// Version names in creation order.
    var versionOrder: [String] = []

    var isArchived: Bool { properties["isArchived"]?.boolValue ?? false }

    /// The most recently created version (`latestVersion`).
    var latestVersion: String? { versionOrder.last }

    /// The next integer after the largest numeric version (`nextVersion`).
    var nextVersion: String {
        let numbers = versionOrder.compactMap { Int($0) }
        return String((numbers.max() ?? 0) + 1)
    }
}

/// A model version as the simulator stores it.
struct AzureMLVersionRecord: Sendable {
    var name: String
    /// The writable `properties` (description, tags, properties, isArchived, isAnonymous, flavors, jobName,
    /// modelType, modelUri, stage).
    var properties: [String: JSONValue]
    var systemData: AzureMLSystemData
    var provisioningState: String

    var isArchived: Bool { properties["isArchived"]?.boolValue ?? false }
}

/// A long-running operation of a registry write.
struct AzureMLOperation: Sendable {
    enum Action: Sendable {
        /// A PUT: when done, the resource at `resourcePath` becomes `Succeeded`.
        case put(resourcePath: String)
        /// A DELETE: when done, the resource is removed.
        case delete(resourcePath: String)
    }

    var id: String
    var action: Action
    var pollsLeft: Int
    var startTime: Date
    var endTime: Date?
    var scope: AzureMLScope
    var model: String
    var version: String?

    var done: Bool { pollsLeft <= 0 }
}

/// Everything the simulator holds.
struct AzureMLState: Sendable {
    var scopes: [AzureMLScope: [String: AzureMLContainer]] = [:]
    var operations: [String: AzureMLOperation] = [:]
    var nextOperation = 1
    var requests: [String] = []
}
