import Foundation
import ModelGateCore

/// One version to seed into the Vertex AI simulator.
public struct VertexSeedVersion: Sendable, Hashable {
    /// `versionDescription`.
    public var description: String?
    /// Version-level `labels`.
    public var labels: [String: String]
    /// `artifactUri` (a `gs://` directory).
    public var artifactUri: String?
    /// `containerSpec.imageUri`.
    public var imageUri: String
    /// `trainingPipeline` (output only in the API, so it can only be seeded).
    public var trainingPipeline: String?
    /// `versionAliases` besides `default` (which the simulator gives to the first version unless another has it).
    public var aliases: [String]
    public var createTime: Date?
    public var updateTime: Date?

    public init(
        description: String? = nil, labels: [String: String] = [:], artifactUri: String? = nil,
        imageUri: String = VertexSimulator.defaultImageURI, trainingPipeline: String? = nil, aliases: [String] = [],
        createTime: Date? = nil, updateTime: Date? = nil
    ) {
        self.description = description
        self.labels = labels
        self.artifactUri = artifactUri
        self.imageUri = imageUri
        self.trainingPipeline = trainingPipeline
        self.aliases = aliases
        self.createTime = createTime
        self.updateTime = updateTime
    }
}

/// One model to seed into the Vertex AI simulator; its versions are numbered 1, 2, … in order.
public struct VertexSeedModel: Sendable, Hashable {
    /// The model id (last segment of the resource name).
    public var id: String
    public var displayName: String
    public var description: String?
    /// Model-level `labels` (merged under each version's own labels on read).
    public var labels: [String: String]
    public var createTime: Date?
    public var versions: [VertexSeedVersion]

    public init(
        id: String, displayName: String, description: String? = nil, labels: [String: String] = [:],
        createTime: Date? = nil, versions: [VertexSeedVersion]
    ) {
        self.id = id
        self.displayName = displayName
        self.description = description
        self.labels = labels
        self.createTime = createTime
        self.versions = versions
    }
}

struct VertexVersionRecord: Sendable {
    var versionID: Int
    var description: String?
    var labels: [String: String]
    var artifactUri: String?
    var imageUri: String
    var trainingPipeline: String?
    var aliases: [String]
    var createTime: Date
    var updateTime: Date
}

struct VertexModelRecord: Sendable {
    var id: String
    var displayName: String
    var description: String?
    var labels: [String: String]
    var createTime: Date
    var updateTime: Date
    var versions: [VertexVersionRecord]
    var nextVersion: Int
    var etagCounter: Int = 1

    /// The version holding `default`.
    var defaultVersion: VertexVersionRecord? {
        versions.first { $0.aliases.contains("default") } ?? versions.first
    }

    func index(of versionID: Int) -> Int? { versions.firstIndex { $0.versionID == versionID } }

    /// A version by id (`3`), alias (`golden`), or the default version for nil or `-`.
    func resolve(_ spec: String?) -> Int? {
        guard let spec, spec != "-" else {
            return defaultVersion.flatMap { index(of: $0.versionID) }
        }
        if let number = Int(spec) { return index(of: number) }
        return versions.firstIndex { $0.aliases.contains(spec) }
    }
}

/// A Google API error (`{"error":{"code","message","status"}}`).
struct VertexAPIError: Error, Sendable {
    var code: Int
    var status: String
    var message: String

    static func invalid(_ message: String) -> Self { Self(code: 400, status: "INVALID_ARGUMENT", message: message) }
    static func precondition(_ message: String) -> Self {
        Self(code: 400, status: "FAILED_PRECONDITION", message: message)
    }
    static func notFound(_ message: String) -> Self { Self(code: 404, status: "NOT_FOUND", message: message) }
    static func exists(_ message: String) -> Self { Self(code: 409, status: "ALREADY_EXISTS", message: message) }

    /// The gRPC code number used inside a failed operation's `error`.
    var rpcCode: Int {
        switch status {
        case "INVALID_ARGUMENT": return 3
        case "NOT_FOUND": return 5
        case "ALREADY_EXISTS": return 6
        case "PERMISSION_DENIED": return 7
        case "FAILED_PRECONDITION": return 9
        case "UNAUTHENTICATED": return 16
        default: return 2
        }
    }

    var body: JSONValue {
        ["error": ["code": .int(Int64(code)), "message": .string(message), "status": .string(status)]]
    }
}

/// Write constraints of the documented Model fields.
enum VertexRules {
    /// Label keys and values: at most 64 characters of lowercase letters, digits, `_` and `-` (international
    /// lowercase letters allowed); keys start with a lowercase letter; at most 64 labels.
    static func checkLabels(_ labels: [String: String]) throws(VertexAPIError) {
        guard labels.count <= 64 else { throw .invalid("At most 64 labels are allowed, got \(labels.count).") }
        func allowed(_ text: String) -> Bool {
            text.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-" }
        }
        for (key, value) in labels {
            guard !key.isEmpty, key.count <= 64, key.first?.isLowercase == true, allowed(key) else {
                throw .invalid(
                    "Invalid label key '\(key)': keys must start with a lowercase letter, be at most 64 characters, "
                        + "and contain only lowercase letters, numeric characters, underscores and dashes.")
            }
            guard value.count <= 64, allowed(value) else {
                throw .invalid(
                    "Invalid label value '\(value)' for key '\(key)': values can be at most 64 characters and contain "
                        + "only lowercase letters, numeric characters, underscores and dashes.")
            }
        }
    }

    static func checkDisplayName(_ name: String?) throws(VertexAPIError) {
        guard let name, !name.isEmpty else { throw .invalid("Model display name is required.") }
        guard name.count <= 128 else { throw .invalid("Model display name can be at most 128 characters.") }
    }

    /// `[a-z0-9_-]`, at most 63 characters, not starting with a digit or hyphen.
    static func checkModelID(_ id: String) throws(VertexAPIError) {
        let ok = !id.isEmpty && id.count <= 63
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
            && !(id.first!.isNumber || id.first == "-")
        guard ok else {
            throw .invalid(
                "Invalid model id '\(id)': it may be up to 63 characters of [a-z0-9_-] and cannot start with a number or hyphen.")
        }
    }

    /// `a-z{0,126}[a-z0-9]`-style: a lowercase letter first, then lowercase letters, digits and `-`, ending
    /// in a letter or digit, at most 128 characters (so never purely numeric, unlike version ids).
    static func checkAlias(_ alias: String) throws(VertexAPIError) {
        let scalars = Array(alias.unicodeScalars)
        func lower(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) }
        func digit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        let ok = !scalars.isEmpty && scalars.count <= 128 && lower(scalars[0])
            && scalars.allSatisfy { lower($0) || digit($0) || $0 == "-" }
            && (lower(scalars[scalars.count - 1]) || digit(scalars[scalars.count - 1]))
        guard ok else {
            throw .invalid("Invalid version alias '\(alias)': it must match a-z{0,126}[a-z0-9] (at most 128 characters).")
        }
    }
}
