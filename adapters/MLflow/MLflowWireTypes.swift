import Foundation
import ModelGateCore

/// Why an MLflow JSON object could not be read: the field and what was wrong with it.
public struct MLflowDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON field at fault (`version`, `tags[2].key`, …), or empty for the object itself.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "field '\(field)': \(reason)" }
}

/// Typed, checked access to the fields of one MLflow JSON object.
///
/// MLflow sends `""` for unset strings and omits empty repeated fields; both read as `nil` here.
/// A field that is present with the wrong JSON type is an error, never silently dropped.
struct MLflowObjectReader {
    let object: [String: JSONValue]

    init(_ value: JSONValue, what: String) throws(MLflowDecodingError) {
        guard let object = value.objectValue else {
            throw MLflowDecodingError(field: "", reason: "\(what) is not a JSON object")
        }
        self.object = object
    }

    /// A string field; absent, `null` and `""` give nil.
    func string(_ key: String) throws(MLflowDecodingError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?: throw MLflowDecodingError(field: key, reason: "expected a string, got \(other.jsonString())")
        }
    }

    func requiredString(_ key: String) throws(MLflowDecodingError) -> String {
        guard let value = try string(key) else { throw MLflowDecodingError(field: key, reason: "missing or empty") }
        return value
    }

    /// An int64 field (MLflow writes numbers; proto3 JSON may write int64 as a decimal string).
    func int64(_ key: String) throws(MLflowDecodingError) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number && abs(number) < 9.2e18: return Int64(number)
        case .string(let text)? where text.isEmpty: return nil
        case .string(let text)? where Int64(text) != nil: return Int64(text)
        case let other?: throw MLflowDecodingError(field: key, reason: "expected an integer, got \(other.jsonString())")
        }
    }

    /// A Unix-milliseconds int64 field; a number outside ``Timestamp/range`` (years 0000–9999) is an error here,
    /// never a trap later.
    func timestamp(_ key: String) throws(MLflowDecodingError) -> Int64? {
        guard let value = try int64(key) else { return nil }
        guard Timestamp.range.contains(value) else {
            throw MLflowDecodingError(field: key, reason: "timestamp \(value) is out of range (years 0000-9999)")
        }
        return value
    }

    func double(_ key: String) throws(MLflowDecodingError) -> Double? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        // protobuf JSON writes non-finite doubles as strings
        case .string(let text)? where ["NaN", "Infinity", "-Infinity"].contains(text): return Double(text)
        case let other?: throw MLflowDecodingError(field: key, reason: "expected a number, got \(other.jsonString())")
        }
    }

    /// A repeated field; absent or `null` gives an empty array.
    func array(_ key: String) throws(MLflowDecodingError) -> [JSONValue] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?: throw MLflowDecodingError(field: key, reason: "expected an array, got \(other.jsonString())")
        }
    }

    func objectField(_ key: String) throws(MLflowDecodingError) -> MLflowObjectReader? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            do {
                return try MLflowObjectReader(value, what: key)
            } catch {
                throw MLflowDecodingError(field: key, reason: "expected an object, got \(value.jsonString())")
            }
        }
    }

    /// `[{key, value}]` as a dictionary (a missing `value` is `""`; a later duplicate key wins, as on the server).
    func keyValues(
        _ key: String, keyField: String = "key", valueField: String = "value"
    ) throws(MLflowDecodingError) -> [String: String] {
        var result: [String: String] = [:]
        for (index, item) in try array(key).enumerated() {
            let entry: MLflowObjectReader
            do {
                entry = try MLflowObjectReader(item, what: "\(key)[\(index)]")
            } catch {
                throw MLflowDecodingError(field: "\(key)[\(index)]", reason: "expected an object")
            }
            guard let name = try prefixed("\(key)[\(index)]", { () throws(MLflowDecodingError) in try entry.string(keyField) })
            else {
                throw MLflowDecodingError(field: "\(key)[\(index)].\(keyField)", reason: "missing or empty")
            }
            result[name] = try prefixed("\(key)[\(index)]", { () throws(MLflowDecodingError) in try entry.string(valueField) }) ?? ""
        }
        return result
    }

    /// Runs `body`, prefixing the field of any error with `path`.
    func prefixed<T>(_ path: String, _ body: () throws(MLflowDecodingError) -> T) throws(MLflowDecodingError) -> T {
        do {
            return try body()
        } catch {
            throw MLflowDecodingError(field: error.field.isEmpty ? path : "\(path).\(error.field)", reason: error.reason)
        }
    }
}

/// An MLflow `RegisteredModel` as the REST API sends it.
public struct MLflowRegisteredModel: Sendable, Hashable {
    public var name: String
    /// Unix milliseconds.
    public var creationTimestamp: Int64?
    /// Unix milliseconds.
    public var lastUpdatedTimestamp: Int64?
    public var userID: String?
    public var description: String?
    public var tags: [String: String]
    /// Alias → version (`aliases[] {alias, version}`).
    public var aliases: [String: String]
    /// The object exactly as received.
    public var raw: JSONValue

    /// Reads a `registered_model` object; throws when a field has the wrong type or `name` is missing.
    public init(json: JSONValue) throws(MLflowDecodingError) {
        let reader = try MLflowObjectReader(json, what: "registered model")
        name = try reader.requiredString("name")
        creationTimestamp = try reader.timestamp("creation_timestamp")
        lastUpdatedTimestamp = try reader.timestamp("last_updated_timestamp")
        userID = try reader.string("user_id")
        description = try reader.string("description")
        tags = try reader.keyValues("tags")
        aliases = try reader.keyValues("aliases", keyField: "alias", valueField: "version")
        for (alias, version) in aliases where version.isEmpty {
            throw MLflowDecodingError(field: "aliases", reason: "alias '\(alias)' has no version")
        }
        raw = json
    }

    /// The aliases that point at `version`, sorted.
    public func aliases(of version: String) -> [String] {
        aliases.filter { $0.value == version }.map(\.key).sorted()
    }
}

/// An MLflow `ModelVersion` as the REST API sends it.
public struct MLflowModelVersion: Sendable, Hashable {
    /// The registered model's name.
    public var name: String
    /// The version number as a string (`"3"`).
    public var version: String
    public var creationTimestamp: Int64?
    public var lastUpdatedTimestamp: Int64?
    public var userID: String?
    /// `None`, `Staging`, `Production`, `Archived` (nil when absent).
    public var currentStage: String?
    public var description: String?
    public var source: String?
    public var runID: String?
    public var runLink: String?
    /// `READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`.
    public var status: String?
    public var statusMessage: String?
    public var tags: [String: String]
    /// Only `model-versions/get` and `registered-models/alias` fill this.
    public var aliases: [String]
    public var raw: JSONValue

    /// Reads a `model_version` object; throws when a field has the wrong type or `name`/`version` is missing.
    public init(json: JSONValue) throws(MLflowDecodingError) {
        let reader = try MLflowObjectReader(json, what: "model version")
        name = try reader.requiredString("name")
        switch reader.object["version"] {
        case .int(let number)?: version = String(number)  // tolerated: a proxy or old server sending a number
        default: version = try reader.requiredString("version")
        }
        creationTimestamp = try reader.timestamp("creation_timestamp")
        lastUpdatedTimestamp = try reader.timestamp("last_updated_timestamp")
        userID = try reader.string("user_id")
        currentStage = try reader.string("current_stage")
        description = try reader.string("description")
        source = try reader.string("source")
        runID = try reader.string("run_id")
        runLink = try reader.string("run_link")
        status = try reader.string("status")
        statusMessage = try reader.string("status_message")
        tags = try reader.keyValues("tags")
        var aliases: [String] = []
        for (index, item) in try reader.array("aliases").enumerated() {
            guard let alias = item.stringValue, !alias.isEmpty else {
                throw MLflowDecodingError(field: "aliases[\(index)]", reason: "expected a non-empty string")
            }
            aliases.append(alias)
        }
        self.aliases = aliases
        raw = json
    }

    /// The `version` of a JSON object that may be malformed, for naming it in an error.
    public static func versionHint(_ json: JSONValue) -> String? {
        if let text = json["version"]?.stringValue, !text.isEmpty { return text }
        if case .int(let number)? = json["version"] { return String(number) }
        return nil
    }
}

/// One dataset a run logged as an input (`run.inputs.dataset_inputs[]`).
public struct MLflowDatasetInput: Sendable, Hashable {
    /// The dataset name.
    public var name: String
    /// The dataset digest MLflow computed or was given.
    public var digest: String?
    /// `local`, `s3`, `delta_table`, …
    public var sourceType: String?
    /// The source description (JSON text).
    public var source: String?
    /// The input tags (`mlflow.data.context` = `training`, `eval`, …).
    public var tags: [String: String]
}

/// The parts of an MLflow `Run` that lineage and metrics need.
public struct MLflowRun: Sendable, Hashable {
    /// The git commit tag MLflow clients set on runs started from a git checkout.
    public static let gitCommitTag = "mlflow.source.git.commit"
    public static let gitRepoURLTag = "mlflow.source.git.repoURL"

    public var runID: String
    public var experimentID: String?
    public var runName: String?
    public var userID: String?
    public var status: String?
    /// `active` or `deleted`.
    public var lifecycleStage: String?
    public var startTime: Int64?
    public var endTime: Int64?
    public var artifactURI: String?
    /// Latest value of each metric (`run.data.metrics` holds only the latest).
    public var metrics: [String: Double]
    public var params: [String: String]
    public var tags: [String: String]
    public var datasetInputs: [MLflowDatasetInput]
    public var raw: JSONValue

    /// The git commit the run was built from, when the run carries `mlflow.source.git.commit`.
    public var gitCommit: String? {
        tags[Self.gitCommitTag].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads a `run` object (`{info, data, inputs}`).
    public init(json: JSONValue) throws(MLflowDecodingError) {
        let reader = try MLflowObjectReader(json, what: "run")
        guard let info = try reader.objectField("info") else {
            throw MLflowDecodingError(field: "info", reason: "missing")
        }
        let runID = try reader.prefixed("info") { () throws(MLflowDecodingError) -> String? in
            if let id = try info.string("run_id") { return id }
            return try info.string("run_uuid")
        }
        guard let runID else { throw MLflowDecodingError(field: "info.run_id", reason: "missing or empty") }
        self.runID = runID
        (experimentID, runName, userID, status, lifecycleStage, startTime, endTime, artifactURI) =
            try reader.prefixed("info") { () throws(MLflowDecodingError) in
                (
                    try info.string("experiment_id"), try info.string("run_name"), try info.string("user_id"),
                    try info.string("status"), try info.string("lifecycle_stage"), try info.timestamp("start_time"),
                    try info.timestamp("end_time"), try info.string("artifact_uri")
                )
            }
        var metrics: [String: Double] = [:]
        var params: [String: String] = [:]
        var tags: [String: String] = [:]
        if let data = try reader.objectField("data") {
            try reader.prefixed("data") { () throws(MLflowDecodingError) in
                for (index, item) in try data.array("metrics").enumerated() {
                    try data.prefixed("metrics[\(index)]") { () throws(MLflowDecodingError) in
                        let metric = try MLflowObjectReader(item, what: "metric")
                        let key = try metric.requiredString("key")
                        guard let value = try metric.double("value") else {
                            throw MLflowDecodingError(field: "value", reason: "missing")
                        }
                        metrics[key] = value
                    }
                }
                params = try data.keyValues("params")
                tags = try data.keyValues("tags")
            }
        }
        self.metrics = metrics
        self.params = params
        self.tags = tags
        var inputs: [MLflowDatasetInput] = []
        if let runInputs = try reader.objectField("inputs") {
            try reader.prefixed("inputs") { () throws(MLflowDecodingError) in
                for (index, item) in try runInputs.array("dataset_inputs").enumerated() {
                    try runInputs.prefixed("dataset_inputs[\(index)]") { () throws(MLflowDecodingError) in
                        let input = try MLflowObjectReader(item, what: "dataset input")
                        guard let dataset = try input.objectField("dataset") else {
                            throw MLflowDecodingError(field: "dataset", reason: "missing")
                        }
                        try input.prefixed("dataset") { () throws(MLflowDecodingError) in
                            inputs.append(
                                MLflowDatasetInput(
                                    name: try dataset.requiredString("name"), digest: try dataset.string("digest"),
                                    sourceType: try dataset.string("source_type"), source: try dataset.string("source"),
                                    tags: [:]))
                        }
                        inputs[inputs.count - 1].tags = try input.keyValues("tags")
                    }
                }
            }
        }
        datasetInputs = inputs
        raw = json
    }
}
