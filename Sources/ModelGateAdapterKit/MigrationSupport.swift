import Foundation
import ModelGateCore
import ModelGateSigning

/// ModelGate's provenance on a copy (DESIGN §5): where it came from and which copy it is. Registries that take
/// free key/value tags hold it as the tags `modelgate.source`, `modelgate.source_version`, `modelgate.copy_id`
/// and `modelgate.digest`; others store the nearest form their adapter documents.
public struct Provenance: Sendable, Hashable, Codable {
    public static let sourceKey = "modelgate.source"
    public static let sourceVersionKey = "modelgate.source_version"
    public static let copyIDKey = "modelgate.copy_id"
    public static let digestKey = "modelgate.digest"

    /// `REGISTRY:MODEL@VERSION` of the version this one was copied from.
    public var source: String
    /// The source's native version string.
    public var sourceVersion: String
    /// Names this copy: the same source copied into the same target model always gets the same id.
    public var copyID: String
    /// The artifact digest where known.
    public var digest: String?

    public init(source: String, sourceVersion: String, copyID: String, digest: String? = nil) {
        self.source = source
        self.sourceVersion = sourceVersion
        self.copyID = copyID
        self.digest = digest
    }

    /// The provenance of a copy of `source` into `targetRegistry`'s model `targetModel`.
    public init(copying source: VersionRef, digest: String?, targetRegistry: String, targetModel: String) {
        self.init(
            source: source.description, sourceVersion: source.version ?? "",
            copyID: Self.copyID(source: source, targetRegistry: targetRegistry, targetModel: targetModel),
            digest: digest)
    }

    /// Reads the tag form; nil unless `modelgate.source` and `modelgate.copy_id` are both there.
    public init?(tags: [String: String]) {
        guard let source = tags[Self.sourceKey], !source.isEmpty, let copyID = tags[Self.copyIDKey], !copyID.isEmpty
        else { return nil }
        let fallbackVersion = (try? VersionRef(parsing: source))?.version ?? ""
        self.init(
            source: source, sourceVersion: tags[Self.sourceVersionKey] ?? fallbackVersion, copyID: copyID,
            digest: tags[Self.digestKey].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The tag form.
    public var tags: [String: String] {
        var tags = [Self.sourceKey: source, Self.sourceVersionKey: sourceVersion, Self.copyIDKey: copyID]
        if let digest { tags[Self.digestKey] = digest }
        return tags
    }

    /// The source as a reference, when it parses.
    public var sourceRef: VersionRef? { try? VersionRef(parsing: source) }

    /// 32 lowercase hex characters of SHA-256 over `SOURCE -> TARGET_REGISTRY:TARGET_MODEL`.
    public static func copyID(source: VersionRef, targetRegistry: String, targetModel: String) -> String {
        String(Hex.encode(Digest.sha256("\(source.description) -> \(targetRegistry):\(targetModel)")).prefix(32))
    }

    /// True for tag keys that carry provenance in any registry's form (`modelgate.*`, Vertex's `modelgate_*`,
    /// W&B's `modelgate`); a copy never carries its source's provenance forward as tags.
    public static func isProvenanceKey(_ key: String) -> Bool {
        key == "modelgate" || key.hasPrefix("modelgate.") || key.hasPrefix("modelgate_")
    }
}

/// What a target registry makes of a version ModelGate wants to create there.
public struct PreparedVersion: Sendable, Hashable {
    /// The request as the adapter will send it (tags renamed or dropped to fit the registry's rules).
    public var version: NewVersion
    /// Source tags the target cannot hold: key → why. The plan lists each as a skip.
    public var droppedTags: [String: String]
    /// Why the version cannot be created here at all (the plan shows a skip with this reason), or nil.
    public var blocker: String?

    public init(version: NewVersion, droppedTags: [String: String] = [:], blocker: String? = nil) {
        self.version = version
        self.droppedTags = droppedTags
        self.blocker = blocker
    }
}

extension RegistryAdapter {
    public func provenance(of version: ModelVersion) -> Provenance? { Provenance(tags: version.tags) }

    public func targetModelName(for sourceName: String) -> String { sourceName }

    public func targetVersion(forSourceVersion sourceVersion: String) -> String? { nil }

    /// Default: a source URI whose scheme this registry does not take blocks the version.
    public func prepare(_ new: NewVersion) -> PreparedVersion {
        PreparedVersion(version: new, blocker: schemeBlocker(new))
    }

    /// The reason `new.sourceURI` cannot go into this registry, judged by `capabilities.artifactSchemes`; nil when it can.
    public func schemeBlocker(_ new: NewVersion) -> String? {
        let schemes = capabilities.artifactSchemes
        guard !schemes.isEmpty else { return nil }
        guard let uri = new.sourceURI, !uri.isEmpty else {
            return "\(kind.rawValue) needs an artifact URI (\(schemes.sorted().map { "\($0)://" }.joined(separator: ", "))) and the source has none"
        }
        let scheme = uri.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if schemes.contains(scheme) { return nil }
        return "\(kind.rawValue) cannot hold the artifact '\(uri)' without an upload (it takes "
            + "\(schemes.sorted().map { "\($0)://" }.joined(separator: ", "))); replicate the files and pass "
            + "--artifact-map FROM_PREFIX=TO_PREFIX"
    }

    /// Default: walks every page and keeps the model called `model`.
    public func snapshot(model: String) async throws -> ModelSnapshot? {
        var cursor: String?
        repeat {
            try Task.checkCancellation()
            let page = try await listSnapshots(cursor: cursor, since: nil)
            if let found = page.snapshots.first(where: { $0.model.name == model }) { return found }
            cursor = page.next
        } while cursor != nil
        return nil
    }
}
