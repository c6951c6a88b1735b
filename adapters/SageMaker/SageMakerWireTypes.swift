import Foundation
import ModelGateCore

/// Why a SageMaker object could not be read: the field (a dotted path) and what was wrong with it.
public struct SageMakerDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

/// Typed reads of one JSON object of the AWS JSON 1.1 protocol.
///
/// Absent and `null` fields read as nil; an empty string reads as nil (DESIGN §2: empty strings become null);
/// a field of the wrong type throws, naming the field. Timestamps are epoch seconds (a number with a
/// fraction); an RFC 3339 string is accepted too.
struct SageMakerObjectReader {
    let object: [String: JSONValue]

    init(_ value: JSONValue, what: String) throws(SageMakerDecodingError) {
        guard case .object(let object) = value else {
            throw SageMakerDecodingError(field: "", reason: "\(what) is not a JSON object: \(Self.excerpt(value))")
        }
        self.object = object
    }

    func string(_ key: String) throws(SageMakerDecodingError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected a string, got \(Self.excerpt(other))")
        }
    }

    func requiredString(_ key: String) throws(SageMakerDecodingError) -> String {
        guard let value = try string(key) else { throw SageMakerDecodingError(field: key, reason: "missing or empty") }
        return value
    }

    func int64(_ key: String) throws(SageMakerDecodingError) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number && abs(number) < 9.2e18: return Int64(number)
        case .string(let text)? where Int64(text) != nil: return Int64(text)
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected an integer, got \(Self.excerpt(other))")
        }
    }

    func bool(_ key: String) throws(SageMakerDecodingError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected a boolean, got \(Self.excerpt(other))")
        }
    }

    /// Epoch seconds (`1795707138.285`), or an RFC 3339 string.
    func date(_ key: String) throws(SageMakerDecodingError) -> Date? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let seconds)?: return try inRange(Timestamp.checkedDate(seconds: seconds), key, .int(seconds))
        case .double(let seconds)?: return try inRange(Timestamp.checkedDate(seconds: seconds), key, .double(seconds))
        case .string(let text)?:
            if let seconds = Double(text) { return try inRange(Timestamp.checkedDate(seconds: seconds), key, .string(text)) }
            if let date = Timestamp.parse(text) { return date }
            throw SageMakerDecodingError(field: key, reason: "not a timestamp: \(Self.excerpt(.string(text)))")
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected a timestamp, got \(Self.excerpt(other))")
        }
    }

    /// `date`, or an error naming `key` when the number was not finite or outside ``Timestamp/range``.
    private func inRange(_ date: Date?, _ key: String, _ value: JSONValue) throws(SageMakerDecodingError) -> Date {
        guard let date else {
            throw SageMakerDecodingError(
                field: key, reason: "timestamp \(Self.excerpt(value)) is out of range (years 0000-9999)")
        }
        return date
    }

    func objectField(_ key: String) throws(SageMakerDecodingError) -> SageMakerObjectReader? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            guard case .object(let inner) = value else {
                throw SageMakerDecodingError(field: key, reason: "expected an object, got \(Self.excerpt(value))")
            }
            return SageMakerObjectReader(object: inner)
        }
    }

    func array(_ key: String) throws(SageMakerDecodingError) -> [JSONValue] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected an array, got \(Self.excerpt(other))")
        }
    }

    /// A `{"key": "value"}` map (`CustomerMetadataProperties`); absent or `null` is empty.
    func stringMap(_ key: String) throws(SageMakerDecodingError) -> [String: String] {
        switch object[key] {
        case nil, .null?: return [:]
        case .object(let entries)?:
            var result: [String: String] = [:]
            for (name, value) in entries {
                switch value {
                case .string(let text): result[name] = text
                case .null: result[name] = ""
                default:
                    throw SageMakerDecodingError(
                        field: "\(key).\(name)", reason: "expected a string, got \(Self.excerpt(value))")
                }
            }
            return result
        case let other?:
            throw SageMakerDecodingError(field: key, reason: "expected an object, got \(Self.excerpt(other))")
        }
    }

    /// Runs `body`, prefixing the field of any error with `path`.
    func prefixed<T>(_ path: String, _ body: () throws(SageMakerDecodingError) -> T) throws(SageMakerDecodingError) -> T
    {
        do {
            return try body()
        } catch {
            throw SageMakerDecodingError(
                field: error.field.isEmpty ? path : "\(path).\(error.field)", reason: error.reason)
        }
    }

    private init(object: [String: JSONValue]) { self.object = object }

    static func excerpt(_ value: JSONValue, limit: Int = 120) -> String {
        let text = value.jsonString()
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// Who did something, from a SageMaker `UserContext`: the IAM identity's ARN, else the Studio user profile.
enum SageMakerUserContext {
    static func name(_ reader: SageMakerObjectReader?) throws(SageMakerDecodingError) -> String? {
        guard let reader else { return nil }
        if let identity = try reader.objectField("IamIdentity"), let arn = try identity.string("Arn") { return arn }
        if let profile = try reader.string("UserProfileName") { return profile }
        return try reader.string("UserProfileArn")
    }
}

/// A model package group, from `ListModelPackageGroups` (a summary) or `DescribeModelPackageGroup`.
public struct SageMakerModelPackageGroup: Sendable, Hashable {
    public var name: String
    public var arn: String?
    public var description: String?
    public var creationTime: Date?
    /// `Pending`, `InProgress`, `Completed`, `Failed`, `Deleting`, `DeleteFailed`.
    public var status: String?
    /// `CreatedBy` (describe only): the IAM identity ARN or the Studio user profile.
    public var createdBy: String?
    /// The object exactly as received.
    public var raw: JSONValue

    /// Reads a group summary or a `DescribeModelPackageGroup` answer; throws when a field has the wrong
    /// type or `ModelPackageGroupName` is missing.
    public init(json: JSONValue) throws(SageMakerDecodingError) {
        let reader = try SageMakerObjectReader(json, what: "model package group")
        name = try reader.requiredString("ModelPackageGroupName")
        arn = try reader.string("ModelPackageGroupArn")
        description = try reader.string("ModelPackageGroupDescription")
        creationTime = try reader.date("CreationTime")
        status = try reader.string("ModelPackageGroupStatus")
        createdBy = try reader.prefixed("CreatedBy") { () throws(SageMakerDecodingError) in
            try SageMakerUserContext.name(try reader.objectField("CreatedBy"))
        }
        raw = json
    }
}

/// One entry of `ListModelPackages` (what paging needs to find the versions to describe).
public struct SageMakerModelPackageSummary: Sendable, Hashable {
    public var arn: String
    public var groupName: String?
    public var version: Int64?
    public var creationTime: Date?
    public var approvalStatus: String?
    public var raw: JSONValue

    public init(json: JSONValue) throws(SageMakerDecodingError) {
        let reader = try SageMakerObjectReader(json, what: "model package summary")
        arn = try reader.requiredString("ModelPackageArn")
        groupName = try reader.string("ModelPackageGroupName")
        version = try reader.int64("ModelPackageVersion")
        creationTime = try reader.date("CreationTime")
        approvalStatus = try reader.string("ModelApprovalStatus")
        raw = json
    }

    /// The version of a JSON object that may be malformed, for naming it in an error.
    public static func versionHint(_ json: JSONValue) -> String? {
        if let number = json["ModelPackageVersion"]?.int64Value { return String(number) }
        if let arn = json["ModelPackageArn"]?.stringValue, let last = arn.split(separator: "/").last, Int(last) != nil {
            return String(last)
        }
        return nil
    }
}

/// A model package version, from `DescribeModelPackage` (or a `Search` record, which has the same fields).
public struct SageMakerModelPackage: Sendable, Hashable {
    /// One entry of `InferenceSpecification.Containers`.
    public struct Container: Sendable, Hashable {
        public var image: String?
        public var modelDataURL: String?
        /// `ModelDataSource.S3DataSource.S3Uri`.
        public var s3DataSourceURI: String?
    }

    public var groupName: String
    public var version: Int64
    public var arn: String
    public var description: String?
    public var creationTime: Date?
    public var lastModifiedTime: Date?
    /// `Pending`, `InProgress`, `Completed`, `Failed`, `Deleting`.
    public var status: String?
    /// `Approved`, `Rejected`, `PendingManualApproval`.
    public var approvalStatus: String?
    public var approvalDescription: String?
    /// `ModelLifeCycle.Stage`: free-form, kept as SageMaker sends it.
    public var stage: String?
    public var stageStatus: String?
    public var containers: [Container]
    /// `SourceUri`.
    public var sourceURI: String?
    /// `MetadataProperties`.
    public var generatedBy: String?
    public var commitID: String?
    public var repository: String?
    public var projectID: String?
    /// `CustomerMetadataProperties`.
    public var customerMetadata: [String: String]
    public var createdBy: String?
    public var lastModifiedBy: String?
    /// `ModelCard.ModelCardStatus`.
    public var modelCardStatus: String?
    public var registrationType: String?
    /// The object exactly as received.
    public var raw: JSONValue

    /// Reads a `DescribeModelPackage` answer or a `Search` record's `ModelPackage`; throws when a field has
    /// the wrong type, or when it is not a versioned package (no group name or no version).
    public init(json: JSONValue) throws(SageMakerDecodingError) {
        let reader = try SageMakerObjectReader(json, what: "model package")
        arn = try reader.requiredString("ModelPackageArn")
        groupName = try reader.requiredString("ModelPackageGroupName")
        guard let version = try reader.int64("ModelPackageVersion") else {
            throw SageMakerDecodingError(field: "ModelPackageVersion", reason: "missing")
        }
        guard version >= 1 else {
            throw SageMakerDecodingError(field: "ModelPackageVersion", reason: "expected a number ≥ 1, got \(version)")
        }
        self.version = version
        description = try reader.string("ModelPackageDescription")
        creationTime = try reader.date("CreationTime")
        lastModifiedTime = try reader.date("LastModifiedTime")
        status = try reader.string("ModelPackageStatus")
        approvalStatus = try reader.string("ModelApprovalStatus")
        approvalDescription = try reader.string("ApprovalDescription")
        sourceURI = try reader.string("SourceUri")
        registrationType = try reader.string("ModelPackageRegistrationType")
        customerMetadata = try reader.stringMap("CustomerMetadataProperties")

        let lifeCycle = try reader.objectField("ModelLifeCycle")
        (stage, stageStatus) = try reader.prefixed("ModelLifeCycle") { () throws(SageMakerDecodingError) in
            (try lifeCycle?.string("Stage"), try lifeCycle?.string("StageStatus"))
        }
        let metadata = try reader.objectField("MetadataProperties")
        (generatedBy, commitID, repository, projectID) = try reader.prefixed("MetadataProperties") {
            () throws(SageMakerDecodingError) in
            (
                try metadata?.string("GeneratedBy"), try metadata?.string("CommitId"),
                try metadata?.string("Repository"),
                try metadata?.string("ProjectId")
            )
        }
        let card = try reader.objectField("ModelCard")
        modelCardStatus = try reader.prefixed("ModelCard") { () throws(SageMakerDecodingError) in
            try card?.string("ModelCardStatus")
        }
        createdBy = try reader.prefixed("CreatedBy") { () throws(SageMakerDecodingError) in
            try SageMakerUserContext.name(try reader.objectField("CreatedBy"))
        }
        lastModifiedBy = try reader.prefixed("LastModifiedBy") { () throws(SageMakerDecodingError) in
            try SageMakerUserContext.name(try reader.objectField("LastModifiedBy"))
        }

        var containers: [Container] = []
        if let specification = try reader.objectField("InferenceSpecification") {
            try reader.prefixed("InferenceSpecification") { () throws(SageMakerDecodingError) in
                for (index, item) in try specification.array("Containers").enumerated() {
                    try specification.prefixed("Containers[\(index)]") { () throws(SageMakerDecodingError) in
                        let container = try SageMakerObjectReader(item, what: "container")
                        var s3URI: String?
                        if let source = try container.objectField("ModelDataSource") {
                            try container.prefixed("ModelDataSource") { () throws(SageMakerDecodingError) in
                                if let s3 = try source.objectField("S3DataSource") {
                                    s3URI = try source.prefixed("S3DataSource") { () throws(SageMakerDecodingError) in
                                        try s3.string("S3Uri")
                                    }
                                }
                            }
                        }
                        containers.append(
                            Container(
                                image: try container.string("Image"),
                                modelDataURL: try container.string("ModelDataUrl"),
                                s3DataSourceURI: s3URI))
                    }
                }
            }
        }
        self.containers = containers
        raw = json
    }

    /// The artifact: the first container's `ModelDataUrl` or `ModelDataSource.S3DataSource.S3Uri`, else `SourceUri`.
    public var artifactURI: String? {
        if let first = containers.first, let uri = first.modelDataURL ?? first.s3DataSourceURI { return uri }
        return sourceURI
    }
}
