import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

/// The Vertex AI Model Registry adapter (`aiplatform` v1).
///
/// Read side: `listSnapshots` pages over `models` (one entry per model); each snapshot holds the model and
/// all its versions from `:listVersions`, with lineage (`version_of`, and `produced_by` for a training
/// pipeline). With a watermark it asks for `orderBy=update_time desc` and stops at the first model not
/// updated since. Write side: versions via `models:upload` (a polled long-running operation), labels via
/// PATCH with `updateMask`, aliases via `:mergeVersionAliases`. Vertex has no stages: `setLifecycle` is
/// refused. See `adapters/Vertex/README.md`.
public struct VertexAdapter: RegistryAdapter {
    /// Models per `models` page and versions per `:listVersions` page when none is configured.
    public static let defaultPageSize = 100

    public let registry: String
    public var kind: RegistryKind { .vertex }
    /// Server-numbered versions, aliases, labels on versions and models, deletes, incremental listing; no stages.
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: false, aliases: true, lifecycle: false, versionTags: true, modelTags: true,
            deletes: true, incrementalListing: true, artifactSchemes: ["gs"])
    }

    public let client: VertexClient
    public let pageSize: Int
    public let concurrency: Int
    /// `containerSpec.imageUri` of uploaded versions (`conflicts.serving_image.<registry>`); nil when none is
    /// configured, and then versions cannot be created (an upload needs one).
    public let containerImage: String?
    /// Wait between polls of a long-running operation.
    public let pollInterval: Duration
    public let maxPolls: Int
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - baseURL: the API endpoint; nil for `https://{location}-aiplatform.googleapis.com`.
    ///   - transport: the composed transport (authorization and retries already applied).
    ///   - pageSize: the configured `page_size` (1…1000), default 100.
    ///   - containerImage: the serving image for uploaded versions (`conflicts.serving_image`); nil for none.
    ///   - onUnauthorized: called after a 401 before one more try (drop the cached token).
    public init(
        registry: String, project: String, location: String, baseURL: String? = nil, transport: any HTTPTransport,
        pageSize: Int? = nil, concurrency: Int = 4, containerImage: String? = nil,
        pollInterval: Duration = .milliseconds(500), maxPolls: Int = 600,
        onUnauthorized: (@Sendable () async -> Void)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registry = registry
        self.client = VertexClient(
            registry: registry, baseURL: baseURL, project: project, location: location, transport: transport,
            onUnauthorized: onUnauthorized)
        self.pageSize = min(max(pageSize ?? Self.defaultPageSize, 1), 1000)
        self.concurrency = max(concurrency, 1)
        self.containerImage = containerImage.flatMap { $0.isEmpty ? nil : $0 }
        self.pollInterval = pollInterval
        self.maxPolls = max(maxPolls, 1)
        self.now = now
    }

    // MARK: - Read side

    /// `GET models/{model}@{version}` (a version id or an alias); nil on 404.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        let json: JSONValue
        do {
            json = try await client.getModel(model, version: version)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        return try decode { () throws(VertexMapping.DecodingError) in
            try VertexMapping.version(json, model: model, registry: registry)
        }
    }

    /// `GET models/{model}` (its default version's view); nil on 404.
    public func model(name: String) async throws -> RegistryModel? {
        let json: JSONValue
        do {
            json = try await client.getModel(name)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        return try decode { () throws(VertexMapping.DecodingError) in try VertexMapping.model(json, registry: registry) }
    }

    func decode<T>(_ body: () throws(VertexMapping.DecodingError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw RegistryError(code: .malformedPayload, registry: registry, operation: "GET models", message: "\(error)")
        }
    }

    // MARK: - Write side

    /// Vertex has no empty models: a model is created by uploading its first version (`createVersion`).
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        if try await model(name: name) != nil {
            throw RegistryError(
                code: .conflict, registry: registry, operation: "POST /v1/\(client.parent)/models:upload",
                message: "model '\(name)' already exists")
        }
        throw unsupported(
            "POST /v1/\(client.parent)/models:upload",
            "Vertex AI creates a model only together with its first version; create the version of '\(name)' instead")
    }

    /// `models:upload` (with `modelId` for a new model, `parentModel` for a new version of an existing one),
    /// polls the operation until done, then reads the version back. Needs `sourceURI` (a `gs://` directory).
    /// `runID` cannot be written (`trainingPipeline` is output only). Needs ``containerImage``.
    /// `new.provenance` goes into the same upload: labels `modelgate_copy_id` and `modelgate_source`, and the
    /// provenance line at the end of `versionDescription` (``VertexNames``); `tags` must already be valid labels
    /// (``prepare(_:)`` maps them).
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let operation = "POST /v1/\(client.parent)/models:upload"
        guard let containerImage else {
            throw unsupported(operation, Self.noServingImage(registry: registry))
        }
        guard let source = new.sourceURI, !source.isEmpty else {
            throw unsupported(operation, "Vertex AI needs an artifact URI (gs://…) for a new version of '\(new.model)'")
        }
        let existing = try await model(name: new.model)
        var model: [String: JSONValue] = [
            "displayName": .string(existing?.displayName ?? new.model), "artifactUri": .string(source),
            "containerSpec": ["imageUri": .string(containerImage)],
        ]
        if let description = new.description, existing == nil { model["description"] = .string(description) }
        if let versionDescription = VertexNames.versionDescription(new.description, provenance: new.provenance) {
            model["versionDescription"] = .string(versionDescription)
        }
        var labels = new.tags
        if let provenance = new.provenance {
            labels.merge(VertexNames.provenanceLabels(provenance)) { _, written in written }
        }
        if !labels.isEmpty { model["labels"] = .object(labels.mapValues { .string($0) }) }
        var request: [String: JSONValue] = ["model": .object(model)]
        if existing != nil {
            request["parentModel"] = .string(client.modelName(new.model))
        } else {
            request["modelId"] = .string(new.model)
        }
        let started = try await client.upload(.object(request))
        let response = try await client.wait(for: started, interval: pollInterval, maxPolls: maxPolls)
        guard let versionID = response["modelVersionId"]?.stringValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "the upload finished without a modelVersionId")
        }
        guard let created = try await version(model: new.model, version: versionID) else {
            throw RegistryError(
                code: .notFound, registry: registry, operation: operation,
                message: "version \(versionID) of '\(new.model)' was uploaded but cannot be read back")
        }
        return created
    }

    /// Reads the version's labels, merges `tags` in, PATCHes `labels` (version level).
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        let current = try await client.getModel(model, version: version)
        let labels = VertexMapping.labels(current).merging(tags) { _, new in new }
        _ = try await client.patch(
            model, version: version, updateMask: ["labels"], model: ["labels": .object(labels.mapValues { .string($0) })])
    }

    /// Reads the version's labels, removes `key`, PATCHes `labels` (version level).
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        let current = try await client.getModel(model, version: version)
        var labels = VertexMapping.labels(current)
        guard labels.removeValue(forKey: key) != nil else { return }
        _ = try await client.patch(
            model, version: version, updateMask: ["labels"], model: ["labels": .object(labels.mapValues { .string($0) })])
    }

    /// Model-level PATCH (`displayName`, `description`, `labels`); only the given fields are in `updateMask`.
    @discardableResult
    public func updateModel(name: String, displayName: String? = nil, description: String? = nil, labels: [String: String]? = nil)
        async throws -> RegistryModel
    {
        var mask: [String] = []
        var body: [String: JSONValue] = [:]
        if let displayName { mask.append("displayName"); body["displayName"] = .string(displayName) }
        if let description { mask.append("description"); body["description"] = .string(description) }
        if let labels { mask.append("labels"); body["labels"] = .object(labels.mapValues { .string($0) }) }
        let json = try await client.patch(name, version: nil, updateMask: mask, model: .object(body))
        return try decode { () throws(VertexMapping.DecodingError) in try VertexMapping.model(json, registry: registry) }
    }

    /// Version-level PATCH of `versionDescription`. A copy's provenance line (see ``VertexNames``) is kept at
    /// the end, so a new description never loses the copy's provenance.
    public func setVersionDescription(model: String, version: String, description: String) async throws {
        let current = try await client.getModel(model, version: version)
        let provenance = VertexNames.splitDescription(current["versionDescription"]?.stringValue).provenance
        let text = VertexNames.versionDescription(description, provenance: provenance) ?? description
        _ = try await client.patch(
            model, version: version, updateMask: ["versionDescription"], model: ["versionDescription": .string(text)])
    }

    /// Points `alias` at `version`: removes it first from the version holding it (aliases are unique per
    /// model), then adds it with `:mergeVersionAliases`. `default` is moved in one call.
    public func setAlias(model: String, alias: String, version: String) async throws {
        if alias != "default", let holder = try await self.version(model: model, version: alias), holder.version != version {
            _ = try await client.mergeVersionAliases(model, version: holder.version, aliases: ["-\(alias)"])
        }
        _ = try await client.mergeVersionAliases(model, version: version, aliases: [alias])
    }

    /// Removes `alias` from the version holding it (nothing to do when no version has it). `default` cannot
    /// be removed, only moved.
    public func deleteAlias(model: String, alias: String) async throws {
        let operation = "POST /v1/\(client.modelName(model)):mergeVersionAliases"
        guard alias != "default" else {
            throw unsupported(operation, "Vertex AI always keeps the 'default' alias on one version; move it with setAlias")
        }
        guard let holder = try await version(model: model, version: alias) else { return }
        _ = try await client.mergeVersionAliases(model, version: holder.version, aliases: ["-\(alias)"])
    }

    /// Vertex AI has no lifecycle or approval stage.
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        throw unsupported(
            "setLifecycle", "Vertex AI model versions have no stage or approval status; use aliases or labels instead")
    }

    // MARK: - Migration

    /// Why a version cannot be created without a serving image.
    static func noServingImage(registry: String) -> String {
        "Vertex needs a serving container image: set conflicts.serving_image.\(registry)"
    }

    /// ``VertexNames/modelID(for:)``: valid ids unchanged, others mapped with a hash suffix.
    public func targetModelName(for sourceName: String) -> String { VertexNames.modelID(for: sourceName) }

    /// Parses the provenance line at the end of the raw `versionDescription`; nil unless the
    /// `modelgate_copy_id` label agrees with it (and `modelgate_source`, when present, is its source's hash).
    public func provenance(of version: ModelVersion) -> Provenance? {
        guard let provenance = VertexNames.splitDescription(version.raw?["versionDescription"]?.stringValue).provenance
        else { return nil }
        let labels = version.raw.map(VertexMapping.labels) ?? version.tags
        guard labels[VertexNames.copyIDLabel] == provenance.copyID else { return nil }
        if let hash = labels[VertexNames.sourceLabel], hash != VertexNames.sourceHash(provenance.source) { return nil }
        return provenance
    }

    /// Maps tags onto labels (``VertexNames/labelKey(for:)``; a key that cannot be mapped, a value that is not
    /// a valid label value, a key that collides with another tag's or with a provenance label is dropped with
    /// the reason; at most 64 labels, in key order). Blocks without a serving image or a `gs://` artifact.
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        var adjusted = new
        var dropped: [String: String] = [:]
        var labels: [String: String] = [:]
        let reserved = new.provenance.map(VertexNames.provenanceLabels) ?? [:]
        let room = VertexNames.maxLabels - reserved.count
        for (key, value) in new.tags.sorted(by: { $0.key < $1.key }) {
            guard let label = VertexNames.labelKey(for: key) else {
                dropped[key] = "Vertex label keys are at most 64 characters"
                continue
            }
            guard VertexNames.isValidLabelValue(value) else {
                dropped[key] = "Vertex label values are at most 64 lowercase letters, digits, _ and -"
                continue
            }
            if reserved[label] != nil {
                dropped[key] = "the label '\(label)' holds ModelGate's provenance of this copy"
            } else if labels[label] != nil {
                dropped[key] = "another tag already maps to the Vertex label '\(label)'"
            } else if labels.count >= room {
                dropped[key] = "Vertex keeps at most \(VertexNames.maxLabels) labels"
            } else {
                labels[label] = value
            }
        }
        adjusted.tags = labels
        let blocker = containerImage == nil ? Self.noServingImage(registry: registry) : schemeBlocker(new)
        return PreparedVersion(version: adjusted, droppedTags: dropped, blocker: blocker)
    }

    /// `:deleteVersion`, polled until done.
    public func deleteVersion(model: String, version: String) async throws {
        let operation = try await client.deleteVersion(model, version: version)
        _ = try await client.wait(for: operation, interval: pollInterval, maxPolls: maxPolls)
    }

    /// Model delete, polled until done.
    public func deleteModel(name: String) async throws {
        let operation = try await client.deleteModel(name)
        _ = try await client.wait(for: operation, interval: pollInterval, maxPolls: maxPolls)
    }
}
