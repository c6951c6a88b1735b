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

    // MARK: - Groups

    func groupSummary(_ group: Group) -> JSONValue {
        var object: Input = [
            "ModelPackageGroupName": .string(group.name), "ModelPackageGroupArn": .string(groupARN(group.name)),
            "CreationTime": .double(group.creation), "ModelPackageGroupStatus": "Completed",
        ]
        if let description = group.description { object["ModelPackageGroupDescription"] = .string(description) }
        return .object(object)
    }

    /// The group named by `name` (a name or its ARN).
    func findGroup(_ state: State, _ name: String) -> Group? {
        state.groups.first { $0.name == name || groupARN($0.name) == name }
    }

    func listGroups(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        guard sortBy == "CreationTime" || sortBy == "Name" else {
            throw .validation(
                "1 validation error detected: Value '\(sortBy)' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]")
        }
        let after = Self.time(input["CreationTimeAfter"])
        let before = Self.time(input["CreationTimeBefore"])
        let contains = Self.string(input, "NameContains")
        let groups = state.withLock { state in
            state.groups.filter { group in
                (after.map { group.creation > $0 } ?? true) && (before.map { group.creation < $0 } ?? true)
                    && (contains.map { group.name.lowercased().contains($0.lowercased()) } ?? true)
            }
        }
        let sorted = groups.sorted { a, b in
            let (x, y) = descending ? (b, a) : (a, b)
            return sortBy == "Name" ? x.name < y.name : (x.creation, x.name) < (y.creation, y.name)
        }
        let (page, next) = try Self.paged(sorted, input, kind: "groups", size: size)
        var answer: Input = ["ModelPackageGroupSummaryList": .array(page.map { groupSummary($0) })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    func describeGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        let found = state.withLock { findGroup($0, name) }
        guard let group = found else {
            let arn = name.hasPrefix("arn:") ? name : groupARN(name)
            throw .validation("ModelPackageGroup \(arn) does not exist.")
        }
        guard case .object(var object) = groupSummary(group) else { return groupSummary(group) }
        object["CreatedBy"] = ["IamIdentity": ["Arn": .string(group.createdBy)]]
        return .object(object)
    }

    func createGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        guard Self.matches(name, Self.groupNamePattern) else {
            throw .validation(
                "1 validation error detected: Value '\(name)' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
        }
        try Self.length(input, "ModelPackageGroupDescription", max: 1024)
        let tags = try Self.tagList(input["Tags"])
        let arn = groupARN(name)
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard findGroup(state, name) == nil else {
                throw .validation("Model Package Group already exists: \(arn)")
            }
            let group = Group(
                name: name, description: Self.string(input, "ModelPackageGroupDescription"), creation: stamp(&state),
                createdBy: "arn:aws:iam::\(Self.account):user/modelgate")
            state.groups.append(group)
            state.tags[arn] = tags
            return ["ModelPackageGroupArn": .string(arn)]
        }
    }

    func deleteGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let group = findGroup(state, name) else {
                throw .validation("ModelPackageGroup \(groupARN(name)) does not exist.")
            }
            guard !state.packages.contains(where: { $0.group == group.name }) else {
                throw SageMakerAPIError(
                    "ConflictException", "Model Package Group \(group.name) contains model packages; delete them first.")
            }
            state.groups.removeAll { $0.name == group.name }
            state.tags[groupARN(group.name)] = nil
            return [:]
        }
    }

    // MARK: - Packages

    static let summaryKeys: Set<String> = [
        "ModelPackageName", "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription",
        "CreationTime", "ModelPackageStatus", "ModelApprovalStatus", "ModelLifeCycle",
    ]

    func listPackages(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        guard sortBy == "CreationTime" || sortBy == "Name" else {
            throw .validation(
                "1 validation error detected: Value '\(sortBy)' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]")
        }
        let type = Self.string(input, "ModelPackageType") ?? "Unversioned"
        guard ["Versioned", "Unversioned", "Both"].contains(type) else {
            throw .validation(
                "1 validation error detected: Value '\(type)' at 'modelPackageType' failed to satisfy constraint: Member must satisfy enum value set: [Both, Unversioned, Versioned]")
        }
        let approval = try Self.checkApproval(input)
        let groupName = Self.string(input, "ModelPackageGroupName")
        let packages: [Package] = state.withLock { state in
            // Every stored package is versioned: `Unversioned` lists nothing.
            guard type != "Unversioned" else { return [] }
            let group = groupName.flatMap { findGroup(state, $0)?.name }
            if groupName != nil, group == nil { return [] }
            return state.packages.filter { package in
                (group.map { package.group == $0 } ?? true)
                    && (approval.map { package.object["ModelApprovalStatus"]?.stringValue == $0 } ?? true)
            }
        }
        let sorted = packages.sorted { a, b in
            let (x, y) = descending ? (b, a) : (a, b)
            if sortBy == "Name" { return (x.group, x.version) < (y.group, y.version) }
            return (x.object["CreationTime"]?.doubleValue ?? 0, x.arn) < (y.object["CreationTime"]?.doubleValue ?? 0, y.arn)
        }
        let (page, next) = try Self.paged(sorted, input, kind: "packages:\(groupName ?? "")", size: size)
        var answer: Input = [
            "ModelPackageSummaryList": .array(page.map { .object($0.object.filter { Self.summaryKeys.contains($0.key) }) })
        ]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    /// The package named by an ARN or by `group/version`.
    func findPackage(_ state: State, _ name: String) -> Int? {
        if let index = state.packages.firstIndex(where: { $0.arn == name }) { return index }
        if let slash = name.lastIndex(of: "/"), !name.hasPrefix("arn:"), let version = Int(name[name.index(after: slash)...]) {
            let group = String(name[..<slash])
            return state.packages.firstIndex { $0.group == group && $0.version == version }
        }
        return nil
    }

    func describePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageName")
        let found = state.withLock { state in findPackage(state, name).map { state.packages[$0].object } }
        guard let found else { throw .validation("Model package \(name) not found") }
        return .object(found)
    }

    /// The fields `CreateModelPackage` stores as given.
    static let storedFields = [
        "ModelPackageDescription", "InferenceSpecification", "SourceUri", "MetadataProperties", "ModelMetrics",
        "CustomerMetadataProperties", "ModelLifeCycle", "ModelCard", "Domain", "Task", "SamplePayloadUrl",
        "DriftCheckBaselines", "AdditionalInferenceSpecifications", "SkipModelValidation", "CertifyForMarketplace",
        "SourceAlgorithmSpecification", "ValidationSpecification", "SecurityConfig",
    ]

    func createPackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        guard let groupName = Self.string(input, "ModelPackageGroupName"), !groupName.isEmpty else {
            throw .validation("Unversioned model packages are not supported by this simulator: ModelPackageGroupName is required.")
        }
        try Self.length(input, "ModelPackageDescription", max: 1024)
        try Self.length(input, "SourceUri", max: 1024)
        let approval = try Self.checkApproval(input) ?? "PendingManualApproval"
        _ = try Self.checkMetadata(input["CustomerMetadataProperties"], key: "CustomerMetadataProperties")
        if let spec = input["InferenceSpecification"], spec != .null {
            guard let containers = spec["Containers"]?.arrayValue, (1...15).contains(containers.count),
                containers.allSatisfy({ ($0["Image"]?.stringValue ?? "").isEmpty == false })
            else {
                throw .validation(
                    "1 validation error detected: Value null at 'inferenceSpecification.containers' failed to satisfy constraint: Member must not be null")
            }
        }
        if let token = Self.string(input, "ClientToken"), !Self.matches(token, #"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,35}$"#) {
            throw .validation(
                "1 validation error detected: Value '\(token)' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,35}")
        }
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let group = findGroup(state, groupName) else { throw .validation("Model Package Group does not exist.") }
            if let token = Self.string(input, "ClientToken"), let arn = state.clientTokens[token] {
                return ["ModelPackageArn": .string(arn)]
            }
            var fields: Input = [:]
            for key in Self.storedFields { if let value = input[key], value != .null { fields[key] = value } }
            fields["ModelApprovalStatus"] = .string(approval)
            let arn = insertPackage(&state, group: group.name, fields: fields, created: nil, version: nil)
            if let token = Self.string(input, "ClientToken") { state.clientTokens[token] = arn }
            return ["ModelPackageArn": .string(arn)]
        }
    }

    /// Stores a new versioned package of `group` and returns its ARN.
    func insertPackage(_ state: inout State, group: String, fields: Input, created: Double?, version wanted: Int?) -> String {
        let last = state.lastVersion[group] ?? 0
        let version = wanted.flatMap { $0 > last ? $0 : nil } ?? last + 1
        state.lastVersion[group] = version
        let arn = packageARN(group: group, version: version)
        let now = stamp(&state)
        var object: Input = [
            "ModelPackageName": .string(group), "ModelPackageGroupName": .string(group),
            "ModelPackageVersion": .int(Int64(version)), "ModelPackageArn": .string(arn),
            "CreationTime": .double(created ?? now), "ModelPackageStatus": "Completed",
            "ModelPackageStatusDetails": ["ValidationStatuses": [], "ImageScanStatuses": []],
            "CreatedBy": ["IamIdentity": ["Arn": .string("arn:aws:iam::\(Self.account):user/modelgate")]],
            "CertifyForMarketplace": false,
        ]
        for (key, value) in fields { object[key] = value }
        state.packages.append(Package(arn: arn, group: group, version: version, object: object))
        return arn
    }

    /// Merges like SageMaker: omitted fields are kept; `CustomerMetadataProperties` are merged and
    /// `CustomerMetadataPropertiesToRemove` removed.
    func updatePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ModelPackageArn")
        let approval = try Self.checkApproval(input)
        try Self.length(input, "ApprovalDescription", max: 1024)
        let added = try Self.checkMetadata(input["CustomerMetadataProperties"], key: "CustomerMetadataProperties") ?? [:]
        let removed = input["CustomerMetadataPropertiesToRemove"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let index = findPackage(state, arn) else { throw .validation("Model package \(arn) not found") }
            var object = state.packages[index].object
            if let approval { object["ModelApprovalStatus"] = .string(approval) }
            if let description = input["ApprovalDescription"], description != .null {
                object["ApprovalDescription"] = description
            }
            var metadata = object["CustomerMetadataProperties"]?.objectValue ?? [:]
            for (key, value) in added { metadata[key] = .string(value) }
            for key in removed { metadata[key] = nil }
            object["CustomerMetadataProperties"] = metadata.isEmpty ? nil : .object(metadata)
            for key in ["ModelLifeCycle", "ModelCard", "SourceUri", "InferenceSpecification"] {
                if let value = input[key], value != .null { object[key] = value }
            }
            object["LastModifiedTime"] = .double(stamp(&state))
            object["LastModifiedBy"] = ["IamIdentity": ["Arn": .string("arn:aws:iam::\(Self.account):user/modelgate")]]
            state.packages[index].object = object
            return ["ModelPackageArn": .string(state.packages[index].arn)]
        }
    }

    func deletePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageName")
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let index = findPackage(state, name) else { throw .validation("Model package \(name) not found") }
            state.packages.remove(at: index)
            return [:]
        }
    }

    // MARK: - Tags

    func checkTaggable(_ state: State, _ arn: String) throws(SageMakerAPIError) {
        guard state.tags[arn] != nil else {
            throw .validation("Could not find resource \(arn); it does not exist or cannot be tagged.")
        }
    }

    func addTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let tags = try Self.tagList(input["Tags"])
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            try checkTaggable(state, arn)
            var stored = state.tags[arn] ?? []
            for tag in tags {
                if let index = stored.firstIndex(where: { $0.key == tag.key }) {
                    stored[index].value = tag.value
                } else {
                    stored.append(tag)
                }
            }
            guard stored.count <= 50 else { throw SageMakerAPIError("ResourceLimitExceeded", "A resource can have at most 50 tags.") }
            state.tags[arn] = stored
            return ["Tags": .array(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })]
        }
    }

    func deleteTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let keys = input["TagKeys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            try checkTaggable(state, arn)
            state.tags[arn]?.removeAll { keys.contains($0.key) }
            return [:]
        }
    }

    func listTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let size = try Self.pageSize(input, minimum: 50, maximum: 100, default: 50)
        let tags = try state.withLock { state throws(SageMakerAPIError) -> [(key: String, value: String)] in
            try checkTaggable(state, arn)
            return state.tags[arn] ?? []
        }
        let (page, next) = try Self.paged(tags, input, kind: "tags:\(arn)", size: size)
        var answer: Input = ["Tags": .array(page.map { ["Key": .string($0.key), "Value": .string($0.value)] })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    // MARK: - Search

    /// `Search` over `ModelPackage` or `ModelPackageGroup`: top-level `Filters` (no nested expressions) with
    /// `Equals`, `NotEquals`, `GreaterThan(OrEqualTo)`, `LessThan(OrEqualTo)`, `Contains`, `Exists`, `NotExists`
    /// on top-level fields (times compared as instants; values RFC 3339 or epoch seconds), joined by `Operator`.
    func search(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let resource = try Self.required(input, "Resource")
        guard resource == "ModelPackage" || resource == "ModelPackageGroup" else {
            throw .validation("Resource \(resource) is not supported by this simulator.")
        }
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        let expression = input["SearchExpression"]?.objectValue ?? [:]
        let filters = expression["Filters"]?.arrayValue ?? []
        let any = (expression["Operator"]?.stringValue ?? "And") == "Or"
        let operators: Set<String> = [
            "Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo", "Contains",
            "Exists", "NotExists",
        ]
        for filter in filters {
            let op = filter["Operator"]?.stringValue ?? "Equals"
            guard operators.contains(op), filter["Name"]?.stringValue != nil else {
                throw .validation("Invalid filter: \(filter.jsonString())")
            }
        }
        let records: [Input] = state.withLock { state in
            if resource == "ModelPackage" { return state.packages.map(\.object) }
            return state.groups.compactMap { groupSummary($0).objectValue }
        }
        func test(_ record: Input, _ filter: JSONValue) -> Bool {
            let name = filter["Name"]?.stringValue ?? ""
            let op = filter["Operator"]?.stringValue ?? "Equals"
            let value = filter["Value"]?.stringValue ?? ""
            var field: JSONValue? = .object(record)
            for part in name.split(separator: ".") { field = field?[String(part)] }
            switch op {
            case "Exists": return field != nil && field != .null
            case "NotExists": return field == nil || field == .null
            default: break
            }
            guard let field else { return op == "NotEquals" }
            if name.hasSuffix("Time"), let lhs = field.doubleValue, let rhs = Self.time(.string(value)) {
                let left = (lhs * 1000).rounded()
                let right = (rhs * 1000).rounded()
                switch op {
                case "Equals": return left == right
                case "NotEquals": return left != right
                case "GreaterThan": return left > right
                case "GreaterThanOrEqualTo": return left >= right
                case "LessThan": return left < right
                case "LessThanOrEqualTo": return left <= right
                default: return false
                }
            }
            let text = field.stringValue ?? field.int64Value.map(String.init) ?? field.jsonString()
            switch op {
            case "Equals": return text == value
            case "NotEquals": return text != value
            case "Contains": return text.contains(value)
            case "GreaterThan": return text > value
            case "GreaterThanOrEqualTo": return text >= value
            case "LessThan": return text < value
            default: return text <= value
            }
        }
        var matching = records.filter { record in
            filters.isEmpty || (any ? filters.contains { test(record, $0) } : filters.allSatisfy { test(record, $0) })
        }
        func key(_ record: Input) -> Double {
            (record[sortBy] ?? record["CreationTime"])?.doubleValue ?? 0
        }
        matching.sort { descending ? key($0) > key($1) : key($0) < key($1) }
        let (page, next) = try Self.paged(matching, input, kind: "search", size: size)
        var answer: Input = ["Results": .array(page.map { [resource: .object($0)] })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    // MARK: - Seeding

    /// The approval status a normalized lifecycle is seeded as, as the adapter writes it (nil for `none`).
    public static func approvalStatus(for lifecycle: Lifecycle) -> String? {
        switch lifecycle {
        case .production, .approved: return "Approved"
        case .staging, .pendingApproval: return "PendingManualApproval"
        case .rejected, .archived: return "Rejected"
        case .none: return nil
        }
    }

    /// Seeds from normalized data, as the SageMaker column of DESIGN §2 maps it: model → group (description,
    /// tags); version → package (numbered in the order given; a numeric `version` above the last is kept),
    /// `description`, `tags` → `CustomerMetadataProperties`, `sourceURI` → `InferenceSpecification` with
    /// `servingImage` for s3/https URIs (else `SourceUri`), `run.id` → `MetadataProperties.GeneratedBy`,
    /// `lifecycleRaw` (one of the three statuses) or the lifecycle → `ModelApprovalStatus`, `createdAt`.
    /// Groups are created when missing. Seed data is not validated.
    public func seed(
        models: [RegistryModel] = [], versions: [ModelVersion], servingImage: String? = SageMakerSimulator.defaultServingImage
    ) {
        state.withLock { state in
            func ensure(_ name: String, created: Date?) {
                guard findGroup(state, name) == nil else { return }
                let creation = created.map { $0.timeIntervalSince1970 } ?? stamp(&state)
                state.groups.append(
                    Group(name: name, description: nil, creation: creation, createdBy: "arn:aws:iam::\(Self.account):user/modelgate"))
                state.tags[groupARN(name)] = []
            }
            for model in models {
                ensure(model.name, created: model.createdAt)
                if let index = state.groups.firstIndex(where: { $0.name == model.name }) {
                    state.groups[index].description = model.description
                }
                state.tags[groupARN(model.name)] = model.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
            }
            for version in versions {
                ensure(version.model, created: version.createdAt)
                var fields: Input = [:]
                if let description = version.description { fields["ModelPackageDescription"] = .string(description) }
                let approval =
                    version.lifecycleRaw.flatMap { Self.approvalStatuses.contains($0) ? $0 : nil }
                    ?? Self.approvalStatus(for: version.lifecycle)
                if let approval { fields["ModelApprovalStatus"] = .string(approval) }
                if !version.tags.isEmpty {
                    fields["CustomerMetadataProperties"] = .object(version.tags.mapValues(JSONValue.string))
                }
                if let uri = version.sourceURI {
                    let scheme = uri.split(separator: ":").first.map { $0.lowercased() } ?? ""
                    if let servingImage, scheme == "s3" || scheme == "https" {
                        fields["InferenceSpecification"] = [
                            "Containers": [["Image": .string(servingImage), "ModelDataUrl": .string(uri)]],
                            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"],
                        ]
                    } else {
                        fields["SourceUri"] = .string(uri)
                    }
                }
                if let run = version.run?.id { fields["MetadataProperties"] = ["GeneratedBy": .string(run)] }
                if let updated = version.updatedAt { fields["LastModifiedTime"] = .double(updated.timeIntervalSince1970) }
                _ = insertPackage(
                    &state, group: version.model, fields: fields, created: version.createdAt?.timeIntervalSince1970,
                    version: Int(version.version))
            }
        }
    }
}
