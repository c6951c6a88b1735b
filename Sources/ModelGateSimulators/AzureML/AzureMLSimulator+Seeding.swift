import Foundation
import ModelGateCore
import Synchronization

extension AzureMLSimulator {
    /// The `properties.stage` a normalized lifecycle is seeded as (`lifecycleRaw` wins when set).
    public static func stage(for lifecycle: Lifecycle) -> String? {
        switch lifecycle {
        case .production: return "Production"
        case .staging: return "Staging"
        case .archived: return "Archived"
        case .none, .pendingApproval, .approved, .rejected: return nil
        }
    }

    /// Seeds `scope` (created if needed) from normalized data, as the Azure ML column of DESIGN §2 maps it:
    /// model name → container, description and tags → `properties`; version → version resource name,
    /// `description`, `tags`, `sourceURI` → `modelUri`, `run.id` → `jobName`, `lifecycleRaw` (or the lifecycle's
    /// word, except for `archived`) → `stage`, lifecycle `archived` → `isArchived`, `createdAt`/`updatedAt`/`createdBy` → `systemData`.
    /// Versions are created in the order given; their models are created when missing. Seeded objects are
    /// `Succeeded` at once (no long-running operation).
    public func seed(_ scope: AzureMLScope, models: [RegistryModel] = [], versions: [ModelVersion]) {
        let now = clock()
        state.withLock { state in
            var containers = state.scopes[scope] ?? [:]
            func ensure(_ name: String, created: Date?) {
                guard containers[name] == nil else { return }
                let at = created ?? now
                containers[name] = AzureMLContainer(
                    name: name, properties: [:],
                    systemData: AzureMLSystemData(createdAt: at, createdBy: Self.principal, lastModifiedAt: at, lastModifiedBy: Self.principal),
                    provisioningState: "Succeeded")
            }
            for model in models {
                ensure(model.name, created: model.createdAt)
                var properties: [String: JSONValue] = [:]
                if let description = model.description { properties["description"] = .string(description) }
                if !model.tags.isEmpty { properties["tags"] = .object(model.tags.mapValues(JSONValue.string)) }
                containers[model.name]?.properties = properties
                if let created = model.createdAt { containers[model.name]?.systemData.createdAt = created }
                containers[model.name]?.systemData.lastModifiedAt = model.updatedAt ?? model.createdAt ?? now
            }
            for version in versions {
                ensure(version.model, created: version.createdAt)
                var properties: [String: JSONValue] = [:]
                if let description = version.description { properties["description"] = .string(description) }
                if !version.tags.isEmpty { properties["tags"] = .object(version.tags.mapValues(JSONValue.string)) }
                if let uri = version.sourceURI { properties["modelUri"] = .string(uri) }
                if let job = version.run?.id { properties["jobName"] = .string(job) }
                // An archived lifecycle is written as `isArchived`; the stage only when the source named one.
                let stage = version.lifecycleRaw ?? (version.lifecycle == .archived ? nil : Self.stage(for: version.lifecycle))
                if let stage { properties["stage"] = .string(stage) }
                if version.lifecycle == .archived { properties["isArchived"] = true }
                properties["modelType"] = "CustomModel"
                let created = version.createdAt ?? now
                let by = version.createdBy ?? Self.principal
                let record = AzureMLVersionRecord(
                    name: version.version, properties: properties,
                    systemData: AzureMLSystemData(
                        createdAt: created, createdBy: by, lastModifiedAt: version.updatedAt ?? created, lastModifiedBy: by),
                    provisioningState: version.status == .failed ? "Failed" : "Succeeded")
                if containers[version.model]?.versions[version.version] == nil {
                    containers[version.model]?.versionOrder.append(version.version)
                }
                containers[version.model]?.versions[version.version] = record
            }
            state.scopes[scope] = containers
        }
    }

    /// Archives or unarchives a container (as a PUT with `isArchived` would).
    public func setContainerArchived(_ scope: AzureMLScope, model: String, archived: Bool) {
        state.withLock { state in
            state.scopes[scope]?[model]?.properties["isArchived"] = .bool(archived)
        }
    }
}
