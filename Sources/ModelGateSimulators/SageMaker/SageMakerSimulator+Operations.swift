import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    typealias Input = [String: JSONValue]

    func perform(_ operation: String, _ input: Input) throws(SageMakerAPIError) -> JSONValue {
        switch operation {
        case "ListModelPackageGroups": return try listGroups(input)
        case "DescribeModelPackageGroup": return try describeGroup(input)
        case "CreateModelPackageGroup": return try createGroup(input)
        case "DeleteModelPackageGroup": return try deleteGroup(input)
        case "ListModelPackages": return try listPackages(input)
        case "DescribeModelPackage": return try describePackage(input)
        case "CreateModelPackage": return try createPackage(input)
        case "UpdateModelPackage": return try updatePackage(input)
        case "DeleteModelPackage": return try deletePackage(input)
        case "AddTags": return try addTags(input)
        case "DeleteTags": return try deleteTags(input)
        case "ListTags": return try listTags(input)
        case "Search": return try search(input)
        default: throw SageMakerAPIError("UnknownOperationException", "")
        }
    }

    // MARK: - Validation

    static func string(_ input: Input, _ key: String) -> String? { input[key]?.stringValue }

    /// botocore's member name in validation messages: `ModelPackageGroupName` → `modelPackageGroupName`.
    static func member(_ key: String) -> String { key.prefix(1).lowercased() + key.dropFirst() }

    static func required(_ input: Input, _ key: String) throws(SageMakerAPIError) -> String {
        guard let value = string(input, key), !value.isEmpty else {
            throw .validation(
                "1 validation error detected: Value null at '\(member(key))' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    static func length(_ input: Input, _ key: String, max: Int) throws(SageMakerAPIError) {
        if let value = string(input, key), value.count > max {
            throw .validation(
                "1 validation error detected: Value '\(value.prefix(40))…' at '\(member(key))' failed to satisfy constraint: Member must have length less than or equal to \(max)")
        }
    }

    static func pageSize(_ input: Input, minimum: Int = 1, maximum: Int = SageMakerSimulator.maxPageSize, default size: Int)
        throws(SageMakerAPIError) -> Int
    {
        guard let value = input["MaxResults"] else { return size }
        guard let number = value.int64Value else { throw SageMakerAPIError("SerializationException", "MaxResults must be an integer") }
        if number < minimum {
            throw .validation(
                "1 validation error detected: Value '\(number)' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to \(minimum)")
        }
        if number > maximum {
            throw .validation(
                "1 validation error detected: Value '\(number)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to \(maximum)")
        }
        return Int(number)
    }

    static let groupNamePattern = #"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"#

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    /// `CustomerMetadataProperties`: 1–50 entries, keys 1–128 and values 1–256 of `[\p{L}\p{M}\p{Z}\p{N}_.:/=+\-@]`.
    static func checkMetadata(_ value: JSONValue?, key: String) throws(SageMakerAPIError) -> [String: String]? {
        guard let value, value != .null else { return nil }
        guard let object = value.objectValue else {
            throw SageMakerAPIError("SerializationException", "\(key) must be a map of strings")
        }
        if object.count > 50 {
            throw .validation(
                "1 validation error detected: Value at '\(member(key))' failed to satisfy constraint: Member must have length less than or equal to 50")
        }
        let allowed = #"^[\p{L}\p{M}\p{Z}\p{N}_.:/=+\-@]*$"#
        var result: [String: String] = [:]
        for (name, item) in object {
            guard let text = item.stringValue else {
                throw SageMakerAPIError("SerializationException", "\(key) values must be strings")
            }
            guard (1...128).contains(name.count), matches(name, allowed) else {
                throw .validation(
                    "1 validation error detected: Value at '\(member(key))' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)${1,128}]")
            }
            guard (1...256).contains(text.count), matches(text, allowed) else {
                throw .validation(
                    "1 validation error detected: Value at '\(member(key))' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)${1,256}]")
            }
            result[name] = text
        }
        return result
    }

    static func checkApproval(_ input: Input) throws(SageMakerAPIError) -> String? {
        guard let status = string(input, "ModelApprovalStatus") else { return nil }
        guard approvalStatuses.contains(status) else {
            throw .validation(
                "Value '\(status)' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [PendingManualApproval, Approved, Rejected]")
        }
        return status
    }

    static func tagList(_ value: JSONValue?) throws(SageMakerAPIError) -> [(key: String, value: String)] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw SageMakerAPIError("SerializationException", "Tags must be a list") }
        if items.count > 50 {
            throw .validation(
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
        }
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let key = item["Key"]?.stringValue, (1...128).contains(key.count) else {
                throw .validation("1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null")
            }
            let text = item["Value"]?.stringValue ?? ""
            if let index = result.firstIndex(where: { $0.key == key }) {
                result[index].value = text
            } else {
                result.append((key: key, value: text))
            }
        }
        return result
    }

    // MARK: - Time and tokens

    /// Now in epoch seconds (ms precision), strictly after the previous stamp.
    func stamp(_ state: inout State) -> Double {
        let now = (clock().timeIntervalSince1970 * 1000).rounded(.down) / 1000
        let value = max(now, state.lastTime + 0.001)
        state.lastTime = value
        return value
    }

    /// An opaque `NextToken` for `offset` of a listing identified by `kind`.
    static func token(_ kind: String, offset: Int) -> String {
        Data("\(kind)|\(offset)|sim".utf8).base64EncodedString()
    }

    static func offset(_ input: Input, kind: String) throws(SageMakerAPIError) -> Int {
        guard let token = string(input, "NextToken"), !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
            throw .validation("Invalid pagination token")
        }
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 3, parts[0] == kind, let offset = Int(parts[1]), offset >= 0 else {
            throw .validation("Invalid pagination token")
        }
        return offset
    }

    static func paged<T>(_ items: [T], _ input: Input, kind: String, size: Int) throws(SageMakerAPIError) -> ([T], String?) {
        let start = min(try offset(input, kind: kind), items.count)
        let end = min(start + size, items.count)
        return (Array(items[start..<end]), end < items.count ? token(kind, offset: end) : nil)
    }

    static func sortOrder(_ input: Input, default descending: Bool) throws(SageMakerAPIError) -> Bool {
        switch string(input, "SortOrder") {
        case nil: return descending
        case "Ascending"?: return false
        case "Descending"?: return true
        case let other?:
            throw .validation(
                "1 validation error detected: Value '\(other)' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]")
        }
    }

    /// A `CreationTimeAfter`-style value: epoch seconds (number) or an ISO 8601 string.
    static func time(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        case .string(let text)?:
            if let number = Double(text) { return number }
            return Timestamp.parseMilliseconds(text).map { Double($0) / 1000 }
        default: return nil
        }
    }
}
