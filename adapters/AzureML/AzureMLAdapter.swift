import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

/// The Azure Machine Learning adapter: model containers and versions of a workspace or a registry through
/// Azure Resource Manager (api-version 2025-12-01).
///
/// Read side: `listSnapshots` pages over containers (`listViewType=All`, `nextLink` followed verbatim); each
/// snapshot holds a container with all its versions, archived ones included, and `version_of` /
/// `produced_by` (training job) lineage. ARM has no updated-since filter, so every listing is a full one.
/// Write side: containers and versions are PUT (the version string is the caller's), registry writes are
/// long-running operations polled to their end; tags and stage are read-modify-write PUTs. There are no aliases.
/// See `adapters/AzureML/README.md` for the field mapping.
public struct AzureMLAdapter: RegistryAdapter {
    /// The configured registry name.
    public let registry: String
    /// Always `.azureml`.
    public var kind: RegistryKind { .azureml }
    /// The `properties.modelUri` schemes a copy can point at (the spec's examples: `azureml://` datastore and
    /// registry paths, `https`).
    public static let artifactSchemes: Set<String> = ["azureml", "https"]

    /// Client-chosen versions, stage lifecycle, version and model tags, deletes; no aliases, no incremental listing.
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: true, aliases: false, lifecycle: true, versionTags: true, modelTags: true, deletes: true,
            incrementalListing: false, artifactSchemes: Self.artifactSchemes)
    }

    /// The low-level client (also for calls the protocol does not cover).
    public let client: AzureMLClient
    /// Containers of a page read at the same time.
    public let concurrency: Int
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - registry: the configured registry name.
    ///   - baseURL: `https://management.azure.com` or the configured `endpoint`.
    ///   - scope: the workspace or registry.
    ///   - transport: the composed transport (bearer token, retries, redirects).
    ///   - pageSize: the configured `page_size` (containers per page and versions per page; capped at 100).
    ///   - concurrency: containers of one page whose versions are listed in parallel.
    ///   - pollInterval: the wait between operation polls when ARM sends no `Retry-After`.
    ///   - sleep: waits between operation polls (tests make it instant).
    ///   - reauthenticate: drops the cached token after a 401 (the call is sent once more).
    ///   - now: the clock for `observed_at` of lineage edges.
    public init(
        registry: String, baseURL: String, scope: AzureMLClient.Scope, transport: any HTTPTransport, pageSize: Int? = nil,
        concurrency: Int = 4, pollInterval: Duration = .seconds(10),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        reauthenticate: (@Sendable () async -> Void)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.client = AzureMLClient(
            registry: registry, baseURL: baseURL, scope: scope, transport: transport, pageSize: pageSize,
            defaultPollInterval: pollInterval, sleep: sleep, reauthenticate: reauthenticate)
        self.concurrency = max(1, concurrency)
        self.now = now
    }

    // MARK: - Read side

    /// `ModelVersions_Get`; nil on 404.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        let raw: JSONValue
        do {
            raw = try await client.getVersion(model: model, version: version)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        return try mapped(client.prefix + "ModelVersions_Get") { () throws(AzureMLMappingError) in
            try AzureMLMapping.version(raw, model: model, registry: registry)
        }
    }

    /// `ModelContainers_Get`; nil on 404.
    public func model(name: String) async throws -> RegistryModel? {
        let raw: JSONValue
        do {
            raw = try await client.getModel(name: name)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        return try mapped(client.prefix + "ModelContainers_Get") { () throws(AzureMLMappingError) in
            try AzureMLMapping.model(raw, registry: registry)
        }
    }

    // MARK: - Write side

    /// PUTs a new container; an existing name throws `.conflict` (a PUT would silently overwrite it).
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        let operation = client.prefix + "ModelContainers_CreateOrUpdate"
        if try await model(name: name) != nil {
            throw RegistryError(
                code: .conflict, registry: registry, operation: operation, message: "model '\(name)' already exists")
        }
        var properties: [String: JSONValue] = [:]
        if let description { properties["description"] = .string(description) }
        if !tags.isEmpty { properties["tags"] = .object(tags.mapValues(JSONValue.string)) }
        let raw = try await client.putModel(name: name, properties: properties)
        return try mapped(operation) { () throws(AzureMLMappingError) in try AzureMLMapping.model(raw, registry: registry) }
    }

    /// PUTs a new version named `new.version` (the source's version string), or the container's `nextVersion`
    /// ("1" for a new container) when none is given. Needs a source URI (`modelUri`); an existing version
    /// throws `.conflict`. The container is created by Azure ML when missing. `new.provenance` goes into the
    /// same PUT as the `modelgate.*` entries of `properties.tags` (overriding source tags of those keys).
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let operation = client.prefix + "ModelVersions_CreateOrUpdate"
        guard let source = new.sourceURI, !source.isEmpty else {
            throw unsupported(operation, "Azure ML needs a model URI (properties.modelUri) for a new version of '\(new.model)'")
        }
        let name: String
        if let chosen = new.version, !chosen.isEmpty {
            name = chosen
        } else {
            name = (try await model(name: new.model))?.raw?["properties"]?["nextVersion"]?.stringValue ?? "1"
        }
        if try await version(model: new.model, version: name) != nil {
            throw RegistryError(
                code: .conflict, registry: registry, operation: operation,
                message: "version '\(name)' of model '\(new.model)' already exists")
        }
        var properties: [String: JSONValue] = ["modelUri": .string(source), "modelType": "CustomModel"]
        if let description = new.description { properties["description"] = .string(description) }
        var tags = new.tags
        if let provenance = new.provenance { tags.merge(provenance.tags) { _, written in written } }
        if !tags.isEmpty { properties["tags"] = .object(tags.mapValues(JSONValue.string)) }
        if let run = new.runID, !run.isEmpty { properties["jobName"] = .string(run) }
        let raw = try await client.putVersion(model: new.model, version: name, properties: properties)
        return try mapped(operation) { () throws(AzureMLMappingError) in
            try AzureMLMapping.version(raw, model: new.model, registry: registry)
        }
    }

    /// Reads the version and PUTs it back with `tags` merged into `properties.tags`.
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        try await updateVersion(model: model, version: version) { properties in
            var current = properties["tags"]?.objectValue ?? [:]
            for (key, value) in tags { current[key] = .string(value) }
            properties["tags"] = .object(current)
        }
    }

    /// Reads the version and PUTs it back without tag `key`.
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        try await updateVersion(model: model, version: version) { properties in
            var current = properties["tags"]?.objectValue ?? [:]
            current[key] = nil
            properties["tags"] = .object(current)
        }
    }

    /// Azure ML model versions have no aliases.
    public func setAlias(model: String, alias: String, version: String) async throws {
        throw unsupported(
            "set alias", "Azure ML has no version aliases: '\(alias)' cannot point at '\(model)@\(version)' (use a tag or the stage)")
    }

    /// Azure ML model versions have no aliases.
    public func deleteAlias(model: String, alias: String) async throws {
        throw unsupported("delete alias", "Azure ML has no version aliases: there is no '\(alias)' on '\(model)' to delete")
    }

    /// Sets `properties.stage` and `isArchived` as `AzureMLMapping.stage(for:)` says.
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        let target = AzureMLMapping.stage(for: lifecycle)
        try await updateVersion(model: model, version: version) { properties in
            properties["stage"] = target.stage.map(JSONValue.string)
            properties["isArchived"] = .bool(target.isArchived)
        }
    }

    /// GET, change the writable properties, PUT (polled to its end for a registry).
    func updateVersion(model: String, version: String, _ change: ([String: JSONValue]) -> [String: JSONValue]) async throws {
        let raw = try await client.getVersion(model: model, version: version)
        _ = try await client.putVersion(model: model, version: version, properties: change(AzureMLMapping.writableProperties(raw)))
    }

    func updateVersion(model: String, version: String, _ change: (inout [String: JSONValue]) -> Void) async throws {
        try await updateVersion(model: model, version: version) { (properties: [String: JSONValue]) -> [String: JSONValue] in
            var copy = properties
            change(&copy)
            return copy
        }
    }

    // MARK: - Migration

    /// A valid container name as it is; any other mapped by `AzureMLNames.modelName(for:)`.
    public func targetModelName(for sourceName: String) -> String { AzureMLNames.modelName(for: sourceName) }

    /// The source version itself when it is a usable version name (`AzureMLNames.isValidVersionName`); else nil
    /// (the adapter takes the container's `nextVersion`).
    public func targetVersion(forSourceVersion sourceVersion: String) -> String? {
        AzureMLNames.isValidVersionName(sourceVersion) ? sourceVersion : nil
    }

    /// Needs a model URI with an `azureml://` or `https://` scheme (`properties.modelUri`).
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        guard let source = new.sourceURI, !source.isEmpty else {
            return PreparedVersion(
                version: new, blocker: "Azure ML needs a model URI (properties.modelUri) and the source has none")
        }
        return PreparedVersion(version: new, blocker: schemeBlocker(new))
    }

    /// Runs a mapping; a failure becomes `.malformedPayload` naming `operation`.
    func mapped<T>(_ operation: String, _ map: () throws(AzureMLMappingError) -> T) throws -> T {
        do {
            return try map()
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, message: error.description, underlying: error)
        }
    }
}
