import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

/// The SageMaker Model Registry adapter (AWS JSON 1.1, SigV4 service `sagemaker`; tested against moto 5.2.1).
///
/// Read side: `listSnapshots` pages over model package groups (`ListModelPackageGroups`); each snapshot holds
/// one group with its tags (`ListTags`) and every versioned package (`ListModelPackages`, then
/// `DescribeModelPackage` each), and the lineage the packages assert. With a `since` watermark it asks
/// `Search` for the packages created or modified since, and falls back to the full listing where `Search`
/// does not honour the filter (moto). Write side: groups (names mapped onto SageMaker's rules), versions
/// (with a `ClientToken`), approval, customer metadata and group tags; no aliases.
/// See `adapters/SageMaker/README.md` for the field mapping.
public struct SageMakerAdapter: RegistryAdapter {
    /// `MaxResults` of every listing call when no page size is configured (the API's maximum).
    public static let defaultPageSize = SageMakerClient.maxPageSize

    /// The configured registry name.
    public let registry: String
    /// Always `.sagemaker`.
    public var kind: RegistryKind { .sagemaker }

    /// Server-numbered versions, no aliases, approval as lifecycle, customer metadata as version tags,
    /// group tags, deletable versions, incremental listing through `Search` (unless turned off). A copy's
    /// artifact must be `s3://` or `https://` (what `ModelDataUrl` takes; DESIGN §5).
    public var capabilities: RegistryCapabilities {
        RegistryCapabilities(
            clientChosenVersions: false, aliases: false, lifecycle: true, versionTags: true, modelTags: true,
            deletes: true, incrementalListing: incrementalListing, artifactSchemes: ["s3", "https"])
    }

    /// The low-level client this adapter uses (also for calls the protocol does not cover).
    public let client: SageMakerClient
    /// `MaxResults` of `ListModelPackageGroups`, `ListModelPackages` and `Search` (1…100); an incremental
    /// page holds about this many changed packages.
    public let pageSize: Int
    /// How many groups of a page, and how many packages of a group, are read at the same time.
    public let concurrency: Int
    /// Whether a `since` watermark is answered with `Search` (falling back to a full listing where it does
    /// not work); false lists everything every time.
    public let incrementalListing: Bool
    /// The serving image for new versions (`conflicts.serving_image`): with one, an s3/https artifact becomes
    /// an `InferenceSpecification` container (`Image` + `ModelDataUrl`); without one it goes in `SourceUri`.
    public let servingImage: String?
    let now: @Sendable () -> Date
    let newClientToken: @Sendable () -> String

    /// - Parameters:
    ///   - registry: the configured registry name.
    ///   - baseURL: the API endpoint (the config's `endpoint`, else `https://api.sagemaker.<region>.amazonaws.com`).
    ///   - transport: the composed transport (SigV4 for service `sagemaker`, retries already applied).
    ///   - pageSize: the configured `page_size`, capped at 100 (the API's maximum); nil uses 100.
    ///   - concurrency: groups of a page, and packages of a group, read in parallel (at least 1).
    ///   - incrementalListing: answer `since` with `Search` (default true).
    ///   - servingImage: the image for new versions' containers, if any.
    ///   - now: the clock for `observed_at` of lineage edges.
    ///   - clientToken: makes the `ClientToken` of each `CreateModelPackage` (default: a random UUID).
    public init(
        registry: String, baseURL: String, transport: any HTTPTransport, pageSize: Int? = nil, concurrency: Int = 4,
        incrementalListing: Bool = true, servingImage: String? = nil, now: @escaping @Sendable () -> Date = { Date() },
        clientToken: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.registry = registry
        self.client = SageMakerClient(registry: registry, endpoint: baseURL, transport: transport)
        self.pageSize = SageMakerClient.clampPageSize(pageSize ?? Self.defaultPageSize)
        self.concurrency = max(concurrency, 1)
        self.incrementalListing = incrementalListing
        self.servingImage = servingImage.flatMap { $0.isEmpty ? nil : $0 }
        self.now = now
        self.newClientToken = clientToken
    }

    // MARK: - Read side

    /// `DescribeModelPackage` of `model` (mapped by ``SageMakerNames/groupName(for:)``) version `version`;
    /// nil when it does not exist.
    public func version(model: String, version: String) async throws -> ModelVersion? {
        try await package(model: model, version: version).map { SageMakerMapping.version($0, registry: registry) }
    }

    /// `DescribeModelPackageGroup` plus `ListTags`; nil when the group does not exist.
    public func model(name: String) async throws -> RegistryModel? {
        let group: SageMakerModelPackageGroup
        do {
            group = try await client.describeModelPackageGroup(name: SageMakerNames.groupName(for: name))
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        var tags: [String: String] = [:]
        if let arn = group.arn { tags = try await client.listTags(arn: arn) }
        return SageMakerMapping.model(group, tags: tags, registry: registry)
    }

    /// The package of `model`/`version`: `DescribeModelPackage` of `group/version` (the form the API documents),
    /// else the group's `ListModelPackages` to find its ARN (moto knows only ARNs). Nil when it does not exist.
    public func package(model: String, version: String) async throws -> SageMakerModelPackage? {
        let group = SageMakerNames.groupName(for: model)
        guard let number = Int64(version), number >= 1, String(number) == version else { return nil }
        do {
            let wire = try await client.describeModelPackage(name: "\(group)/\(number)")
            if wire.groupName == group, wire.version == number { return wire }
        } catch let error as RegistryError where error.code == .notFound || error.code == .invalidRequest {
            // Not known under the short form: look the ARN up in the group's listing.
        }
        let summaries: [JSONValue]
        do {
            summaries = try await client.allModelPackages(group: group, pageSize: pageSize)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        for item in summaries {
            guard let summary = try? SageMakerModelPackageSummary(json: item), summary.version == number else {
                continue
            }
            do {
                return try await client.describeModelPackage(name: summary.arn)
            } catch let error as RegistryError where error.code == .notFound {
                return nil
            }
        }
        return nil
    }

    // MARK: - Write side

    /// `CreateModelPackageGroup` under ``SageMakerNames/groupName(for:)``. A mapped name is recorded in the
    /// group tag `modelgate.original_name` (or, when the name does not fit a tag value, at the end of the
    /// description). An existing group throws `.conflict` (checked first: moto would silently replace it).
    public func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        let group = SageMakerNames.groupName(for: name)
        let operation = client.operationName("CreateModelPackageGroup")
        var tags = tags
        var description = description.flatMap { $0.isEmpty ? nil : $0 }
        if group != name {
            if SageMakerNames.isValidTagValue(name) {
                tags[SageMakerNames.originalNameTag] = name
            } else {
                let note = "[\(SageMakerNames.originalNameTag): \(name)]"
                description = description.map { "\($0) \(note)" } ?? note
            }
        }
        try checkTags(tags, operation: operation)
        if let description, description.count > 1024 {
            throw unsupported(
                operation, "SageMaker keeps at most 1024 characters of group description (got \(description.count))")
        }
        if try await model(name: group) != nil {
            throw RegistryError(
                code: .conflict, registry: registry, operation: operation,
                message: "model package group '\(group)' already exists"
                    + (group == name ? "" : " (the SageMaker name for '\(name)')"))
        }
        _ = try await client.createModelPackageGroup(name: group, description: description, tags: tags)
        guard let created = try await model(name: group) else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "model package group '\(group)' was created but cannot be read back")
        }
        return created
    }

    /// `CreateModelPackage` in the group of `new.model` with a fresh `ClientToken`, approval
    /// `PendingManualApproval`, `MetadataProperties.GeneratedBy` = `runID`, `CustomerMetadataProperties` =
    /// `tags`; the artifact goes in a container with ``servingImage`` (s3/https URIs), else in `SourceUri`.
    /// SageMaker numbers the version: `new.version` is ignored. Returns the version as read back.
    /// `new.provenance` goes into the same call as the `modelgate.*` entries of `CustomerMetadataProperties`
    /// (overriding source tags of those keys); a provenance or tag that does not fit SageMaker's rules throws
    /// before anything is created (``prepare(_:)`` drops such tags first).
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let group = SageMakerNames.groupName(for: new.model)
        let operation = client.operationName("CreateModelPackage")
        var customerMetadata = new.tags
        if let provenance = new.provenance { customerMetadata.merge(provenance.tags) { _, written in written } }
        try checkCustomerMetadata(customerMetadata, operation: operation)
        let description = new.description.flatMap { $0.isEmpty ? nil : $0 }
        if let description, description.count > 1024 {
            throw unsupported(
                operation, "SageMaker keeps at most 1024 characters of description (got \(description.count))")
        }
        var specification: JSONValue?
        var sourceURI: String?
        if let uri = new.sourceURI, !uri.isEmpty {
            if let image = servingImage, uri.hasPrefix("s3://") || uri.hasPrefix("https://"), uri.count <= 1024 {
                specification = ["Containers": [["Image": .string(image), "ModelDataUrl": .string(uri)]]]
            } else {
                guard Self.isValidSourceURI(uri) else {
                    throw unsupported(
                        operation,
                        "SageMaker's SourceUri takes at most 1024 letters, digits, spaces and punctuation; '\(uri.prefix(80))' does not fit"
                    )
                }
                sourceURI = uri
            }
        }
        var metadata: [String: String] = [:]
        if let runID = new.runID, !runID.isEmpty {
            guard runID.count <= 1024 else {
                throw unsupported(operation, "MetadataProperties.GeneratedBy takes at most 1024 characters")
            }
            metadata["GeneratedBy"] = runID
        }
        let arn = try await client.createModelPackage(
            group: group, clientToken: newClientToken(), description: description,
            approvalStatus: "PendingManualApproval",
            inferenceSpecification: specification, sourceURI: sourceURI, metadataProperties: metadata,
            customerMetadata: customerMetadata)
        return SageMakerMapping.version(try await client.describeModelPackage(name: arn), registry: registry)
    }

    /// Merges `tags` into the version's `CustomerMetadataProperties`: one `UpdateModelPackage` carrying the
    /// full map and the current approval (nothing is sent when nothing changes).
    public func setVersionTags(model: String, version: String, tags: [String: String]) async throws {
        let wire = try await requirePackage(model: model, version: version)
        var merged = wire.customerMetadata
        merged.merge(tags) { _, new in new }
        try checkCustomerMetadata(merged, operation: client.operationName("UpdateModelPackage"))
        guard merged != wire.customerMetadata else { return }
        try await client.updateModelPackage(
            arn: wire.arn, approvalStatus: wire.approvalStatus, approvalDescription: wire.approvalDescription,
            customerMetadata: merged)
    }

    /// Removes one key of `CustomerMetadataProperties` (`CustomerMetadataPropertiesToRemove`, with the rest of
    /// the map and the current approval); nothing is sent when the key is absent.
    public func deleteVersionTag(model: String, version: String, key: String) async throws {
        let wire = try await requirePackage(model: model, version: version)
        guard wire.customerMetadata[key] != nil else { return }
        var remaining = wire.customerMetadata
        remaining[key] = nil
        try await client.updateModelPackage(
            arn: wire.arn, approvalStatus: wire.approvalStatus, approvalDescription: wire.approvalDescription,
            customerMetadata: remaining, removeCustomerMetadata: [key])
    }

    /// SageMaker has no aliases.
    public func setAlias(model: String, alias: String, version: String) async throws {
        throw unsupported(
            "set alias '\(alias)' on \(model)@\(version)",
            "SageMaker Model Registry has no aliases (capabilities.aliases is false)")
    }

    /// SageMaker has no aliases.
    public func deleteAlias(model: String, alias: String) async throws {
        throw unsupported(
            "delete alias '\(alias)' of \(model)",
            "SageMaker Model Registry has no aliases (capabilities.aliases is false)")
    }

    /// Sets `ModelApprovalStatus` (``SageMakerMapping/approvalStatus(for:)``), resending the version's
    /// customer metadata and approval description so that nothing else changes.
    public func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {
        let wire = try await requirePackage(model: model, version: version)
        try await client.updateModelPackage(
            arn: wire.arn, approvalStatus: SageMakerMapping.approvalStatus(for: lifecycle),
            approvalDescription: wire.approvalDescription, customerMetadata: wire.customerMetadata)
    }

    /// `AddTags` on the group of `model`: adds or overwrites these keys (others are kept).
    public func setModelTags(model: String, tags: [String: String]) async throws {
        let operation = client.operationName("AddTags")
        try checkTags(tags, operation: operation)
        let group = try await client.describeModelPackageGroup(name: SageMakerNames.groupName(for: model))
        guard let arn = group.arn else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "model package group '\(group.name)' has no ARN")
        }
        guard !tags.isEmpty else { return }
        try await client.addTags(arn: arn, tags: tags)
    }

    // MARK: - Migration

    /// ``SageMakerNames/groupName(for:)``: valid names unchanged, others mapped with a hash suffix.
    public func targetModelName(for sourceName: String) -> String { SageMakerNames.groupName(for: sourceName) }

    /// Fits `new` into `CustomerMetadataProperties` (at most 50 entries, keys 1–128 and values 1–256 of
    /// letters, numbers, spaces and `_.:/=+-@`): the provenance entries come first; a tag whose key or value
    /// does not fit, or beyond the 50 (in key order), is dropped with the reason. A provenance that does not fit
    /// blocks the copy (it could not be found again), as does an artifact that is not `s3://` or `https://`.
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        var adjusted = new
        var dropped: [String: String] = [:]
        var blocker: String?
        let provenanceTags = new.provenance?.tags ?? [:]
        for (key, value) in provenanceTags.sorted(by: { $0.key < $1.key }) {
            if let why = Self.customerMetadataProblem(key: key, value: value) {
                blocker = "SageMaker cannot hold the provenance entry \(key) in CustomerMetadataProperties: \(why)"
                break
            }
        }
        var kept: [String: String] = [:]
        let room = Self.maxCustomerMetadata - provenanceTags.count
        for (key, value) in new.tags.sorted(by: { $0.key < $1.key }) where provenanceTags[key] == nil {
            if let why = Self.customerMetadataProblem(key: key, value: value) {
                dropped[key] = why
            } else if kept.count >= room {
                dropped[key] = "SageMaker keeps at most \(Self.maxCustomerMetadata) CustomerMetadataProperties per version"
            } else {
                kept[key] = value
            }
        }
        adjusted.tags = kept
        return PreparedVersion(version: adjusted, droppedTags: dropped, blocker: blocker ?? schemeBlocker(new))
    }

    /// The most `CustomerMetadataProperties` entries a version holds.
    public static let maxCustomerMetadata = 50

    /// Why `key` = `value` cannot be a `CustomerMetadataProperties` entry, or nil when it can.
    static func customerMetadataProblem(key: String, value: String) -> String? {
        if !SageMakerNames.isValidTagKey(key) {
            return "SageMaker metadata keys are 1–128 letters, numbers, spaces and _.:/=+-@"
        }
        if value.isEmpty || !SageMakerNames.isValidTagValue(value) {
            return "SageMaker metadata values are 1–256 letters, numbers, spaces and _.:/=+-@"
        }
        return nil
    }

    // MARK: - Checks

    func requirePackage(model: String, version: String) async throws -> SageMakerModelPackage {
        guard let wire = try await package(model: model, version: version) else {
            throw RegistryError(
                code: .notFound, registry: registry, operation: client.operationName("DescribeModelPackage"),
                message: "model package \(SageMakerNames.groupName(for: model))/\(version) does not exist")
        }
        return wire
    }

    /// `CustomerMetadataProperties`: at most 50 entries, keys 1–128 and values 1–256 of letters, spaces,
    /// numbers and `_.:/=+-@`.
    func checkCustomerMetadata(_ map: [String: String], operation: String) throws {
        guard map.count <= 50 else {
            throw unsupported(
                operation, "SageMaker keeps at most 50 CustomerMetadataProperties per version (got \(map.count))")
        }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            guard SageMakerNames.isValidTagKey(key) else {
                throw unsupported(
                    operation,
                    "metadata key '\(key.prefix(80))' does not fit SageMaker's rule (1–128 of letters, numbers, spaces, _.:/=+-@)"
                )
            }
            guard !value.isEmpty, SageMakerNames.isValidTagValue(value) else {
                throw unsupported(
                    operation,
                    "the value of metadata key '\(key)' does not fit SageMaker's rule (1–256 of letters, numbers, spaces, _.:/=+-@)"
                )
            }
        }
    }

    /// Group tags: at most 50, keys 1–128 and values 0–256 of letters, spaces, numbers and `_.:/=+-@`.
    func checkTags(_ tags: [String: String], operation: String) throws {
        guard tags.count <= 50 else {
            throw unsupported(operation, "SageMaker takes at most 50 tags (got \(tags.count))")
        }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            guard SageMakerNames.isValidTagKey(key), SageMakerNames.isValidTagValue(value) else {
                throw unsupported(
                    operation,
                    "tag '\(key.prefix(80))' does not fit SageMaker's tag rules (letters, numbers, spaces, _.:/=+-@)")
            }
        }
    }

    /// `SourceUri`: at most 1024 letters, marks, spaces, numbers and punctuation.
    static func isValidSourceURI(_ text: String) -> Bool {
        guard text.count <= 1024 else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark,
                .spaceSeparator, .lineSeparator, .paragraphSeparator,
                .decimalNumber, .letterNumber, .otherNumber,
                .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }
}
