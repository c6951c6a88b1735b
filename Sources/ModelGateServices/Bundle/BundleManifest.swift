import Foundation
import ModelGateCore

/// `manifest.json` of a ModelGate bundle (DESIGN §6):
/// `{"format_version": 1, "tool": "modelgate X.Y.Z", "created_at", "sources": [registry names],
/// "counts": {"models", "versions", "lineage", "changes"}, "failures": [{"registry","model","version","message"}],
/// "files": {"versions.jsonl": "sha256:<hex>", …}}`.
public struct BundleManifest: Sendable, Codable, Hashable {
    /// The bundle format this build writes and the newest it reads.
    public static let currentFormatVersion = 1
    /// The manifest's file name inside a bundle.
    public static let fileName = "manifest.json"
    /// The data files of a bundle, in the order they are written; every one is listed in `files`.
    public static let dataFiles = [
        registriesFile, modelsFile, versionsFile, lineageFile, changesFile,
    ]
    public static let registriesFile = "registries.jsonl"
    public static let modelsFile = "models.jsonl"
    public static let versionsFile = "versions.jsonl"
    public static let lineageFile = "lineage.jsonl"
    public static let changesFile = "changes.jsonl"

    /// How many objects each data file holds (registries are not counted; `sources` names them).
    public struct Counts: Sendable, Codable, Hashable {
        public var models: Int
        public var versions: Int
        public var lineage: Int
        public var changes: Int

        public init(models: Int = 0, versions: Int = 0, lineage: Int = 0, changes: Int = 0) {
            self.models = models
            self.versions = versions
            self.lineage = lineage
            self.changes = changes
        }
    }

    /// An object that could not be exported: named, with why. A bundle with failures is complete except
    /// for these objects, and `modelgate export` exits 1.
    public struct Failure: Sendable, Codable, Hashable {
        public var registry: String
        public var model: String?
        public var version: String?
        public var message: String

        public init(registry: String, model: String?, version: String?, message: String) {
            self.registry = registry
            self.model = model
            self.version = version
            self.message = message
        }

        enum CodingKeys: String, CodingKey { case registry, model, version, message }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(registry, forKey: .registry)
            try c.encode(model, forKey: .model)
            try c.encode(version, forKey: .version)
            try c.encode(message, forKey: .message)
        }
    }

    public var formatVersion: Int
    /// `modelgate X.Y.Z`.
    public var tool: String
    public var createdAt: Date
    /// The registries the bundle holds, by name.
    public var sources: [String]
    public var counts: Counts
    public var failures: [Failure]
    /// Path relative to the bundle → `sha256:<lowercase hex>`.
    public var files: [String: String]

    public init(
        formatVersion: Int = BundleManifest.currentFormatVersion, tool: String, createdAt: Date, sources: [String],
        counts: Counts, failures: [Failure], files: [String: String]
    ) {
        self.formatVersion = formatVersion
        self.tool = tool
        self.createdAt = createdAt
        self.sources = sources
        self.counts = counts
        self.failures = failures
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case tool, sources, counts, failures, files
        case formatVersion = "format_version"
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(tool, forKey: .tool)
        try c.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try c.encode(sources, forKey: .sources)
        try c.encode(counts, forKey: .counts)
        try c.encode(failures, forKey: .failures)
        try c.encode(files, forKey: .files)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        tool = try c.decode(String.self, forKey: .tool)
        let created = try c.decode(String.self, forKey: .createdAt)
        guard let date = Timestamp.parse(created) else {
            throw DecodingError.dataCorruptedError(
                forKey: .createdAt, in: c, debugDescription: "not an RFC 3339 timestamp: \(created)")
        }
        createdAt = date
        sources = try c.decode([String].self, forKey: .sources)
        counts = try c.decode(Counts.self, forKey: .counts)
        failures = try c.decodeIfPresent([Failure].self, forKey: .failures) ?? []
        files = try c.decode([String: String].self, forKey: .files)
    }

    /// The manifest as written to `manifest.json`: pretty, keys sorted, slashes unescaped, a final newline.
    public func encodedForFile() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Foundation prints an empty container as "[\n\n  ]"; raw newlines only ever appear between tokens
        // (inside strings they are escaped), so collapsing them is safe.
        let text = String(decoding: try encoder.encode(self), as: UTF8.self)
            .replacing(/\[\n\s*\]/, with: "[]").replacing(/\{\n\s*\}/, with: "{}")
        return Data((text + "\n").utf8)
    }
}
