import Foundation
import MLflowAdapter
import ModelGateCore

/// GitLab's MLflow-compatible wire objects → ModelGate's normalized model (DESIGN §2, gitlab column).
///
/// What differs from MLflow: a version's `version` is GitLab's internal id and the SemVer users see is
/// `aliases[0]` (the normalized `version`); timestamps are Unix **seconds**; `current_stage` is always
/// `development` (lifecycle `none`); GitLab has no aliases of its own, so normalized `aliases` are empty.
public enum GitLabMapping {
    /// The tag whose value sets a new version's SemVer on `model-versions/create`.
    public static let versionTag = "gitlab.version"

    /// Why a GitLab version object cannot be mapped.
    public struct MappingError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The SemVer of a version object: `aliases[0]`.
    public static func semVer(_ wire: MLflowModelVersion) throws(MappingError) -> String {
        guard let first = wire.aliases.first, !first.isEmpty else {
            throw MappingError(description: "GitLab version id \(wire.version) has no SemVer in aliases[0]")
        }
        return first
    }

    /// Unix seconds → date; nil for seconds outside ``Timestamp/range`` (years 0000–9999).
    public static func date(seconds: Int64?) -> Date? {
        seconds.flatMap { Timestamp.checkedDate(seconds: $0) }
    }

    /// Unix seconds → date, refusing seconds outside ``Timestamp/range``: a version with an absurd date is a
    /// per-object error, not a catalog row dated in year 300 000.
    static func checkedDate(seconds: Int64?, field: String, version: String) throws(MappingError) -> Date? {
        guard let seconds else { return nil }
        guard let date = Timestamp.checkedDate(seconds: seconds) else {
            throw MappingError(description: "GitLab version id \(version): \(field) \(seconds) is out of range (years 0000-9999)")
        }
        return date
    }

    /// A normalized version; `raw` keeps GitLab's object (with its internal id in `version`).
    public static func version(_ wire: MLflowModelVersion, registry: String) throws(MappingError) -> ModelVersion {
        let semver = try semVer(wire)
        let run: RunReference? =
            wire.runID == nil && wire.runLink == nil ? nil : RunReference(id: wire.runID, uri: wire.runLink)
        return ModelVersion(
            registry: registry, kind: .gitlab, model: wire.name, version: semver, description: wire.description,
            status: MLflowMapping.status(wire.status), lifecycle: .none, lifecycleRaw: wire.currentStage, aliases: [],
            tags: wire.tags, sourceURI: wire.source, artifactDigest: nil, run: run, metrics: [:],
            createdAt: try checkedDate(seconds: wire.creationTimestamp, field: "creation_timestamp", version: wire.version),
            updatedAt: try checkedDate(
                seconds: wire.lastUpdatedTimestamp, field: "last_updated_timestamp", version: wire.version),
            createdBy: wire.userID, deleted: false, raw: wire.raw)
    }

    /// A normalized model (`display_name` is the name). `raw` is the object without `latest_versions`
    /// (each version keeps its own raw).
    public static func model(_ wire: MLflowRegisteredModel, registry: String) -> RegistryModel {
        var raw = wire.raw
        if case .object(var object) = raw {
            object["latest_versions"] = nil
            raw = .object(object)
        }
        return RegistryModel(
            registry: registry, kind: .gitlab, name: wire.name, displayName: wire.name, description: wire.description,
            tags: wire.tags, createdAt: date(seconds: wire.creationTimestamp),
            updatedAt: date(seconds: wire.lastUpdatedTimestamp), deleted: false, raw: raw)
    }

    /// GitLab's internal version id (`version` on the wire), kept in `raw`.
    public static func internalID(_ version: ModelVersion) -> String? {
        version.raw?["version"]?.stringValue
    }

    /// `version_of` (version → model) and `produced_by` (version → candidate run) when there is a run id.
    public static func edges(_ version: ModelVersion, registry: String, observedAt: Date) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, version.model, version.version)
        var edges = [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, version.model), relation: .versionOf,
                assertedBy: registry, observedAt: observedAt)
        ]
        if let runID = version.run?.id {
            var properties = ["run_id": runID]
            if let id = internalID(version) { properties["gitlab_version_id"] = id }
            edges.append(
                LineageEdge(
                    from: node, to: LineageEdge.runNode(registry, runID), relation: .producedBy, assertedBy: registry,
                    observedAt: observedAt, properties: properties))
        }
        return edges
    }

    /// Whether `text` is a SemVer 2.0.0 version (`MAJOR.MINOR.PATCH[-PRE][+BUILD]`), as GitLab requires.
    public static func isSemVer(_ text: String) -> Bool {
        let pattern = #"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    /// The SemVer a source version becomes in GitLab (DESIGN §5): SemVer is kept, an integer `7` becomes
    /// `7.0.0`, `v1.2.3` becomes `1.2.3`, anything else `0.0.0-<slug>` (lowercase letters, digits, hyphens).
    public static func semVer(forSourceVersion source: String) -> String {
        if isSemVer(source) { return source }
        if source.hasPrefix("v") || source.hasPrefix("V"), isSemVer(String(source.dropFirst())) {
            return String(source.dropFirst())
        }
        if !source.isEmpty, source.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(source) {
            return "\(number).0.0"
        }
        var slug = ""
        for character in source.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        while slug.hasPrefix("-") { slug.removeFirst() }
        while slug.hasSuffix("-") { slug.removeLast() }
        // A numeric identifier must not have a leading zero: prefix such a slug.
        if slug.isEmpty { slug = "unnamed" }
        if slug.first == "0", slug.count > 1, slug.allSatisfy({ $0.isNumber }) { slug = "v" + slug }
        return "0.0.0-" + slug
    }
}
