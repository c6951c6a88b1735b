import Foundation
import ModelGateCore
import ModelGateTransport
import Synchronization

/// One call as the fake SageMaker saw it.
struct SeenCall: Sendable {
    /// `ListModelPackages` (the part after `SageMaker.` of `X-Amz-Target`).
    var operation: String
    var body: JSONValue
    var request: TransportRequest
}

/// An in-memory SageMaker Model Registry speaking AWS JSON 1.1, close to the real API where moto is not:
/// `ClientToken` is honoured, `UpdateModelPackage` merges metadata, `DescribeModelPackage` takes
/// `group/version`, and `Search` honours the time filters (unless `searchHonoursTime` is off, as on moto).
///
/// Answers can be injected per operation (`inject`) and are used before the store is asked.
final class FakeSageMaker: HTTPTransport, Sendable {
    struct Group: Sendable {
        var name: String
        var description: String?
        var creation: Double
        var arn: String { "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/\(name)" }
    }

    struct State: Sendable {
        var groups: [Group] = []
        /// Package objects (as DescribeModelPackage answers them), by ARN, in creation order.
        var packages: [(arn: String, object: [String: JSONValue])] = []
        var tags: [String: [String: String]] = [:]
        var clock: Double = 1_795_700_000.125
        var clientTokens: [String: String] = [:]
        var injected: [String: [TransportResponse]] = [:]
        var calls: [SeenCall] = []
        var searchHonoursTime = true
        var acceptsShortPackageNames = true
    }

    private let state = Mutex(State())

    init(searchHonoursTime: Bool = true, acceptsShortPackageNames: Bool = true) {
        state.withLock {
            $0.searchHonoursTime = searchHonoursTime
            $0.acceptsShortPackageNames = acceptsShortPackageNames
        }
    }

    // MARK: Test controls

    var calls: [SeenCall] { state.withLock { $0.calls } }
    func calls(_ operation: String) -> [SeenCall] { calls.filter { $0.operation == operation } }
    func resetCalls() { state.withLock { $0.calls = [] } }

    /// Queues answers for `operation`, used (in order) before the store answers.
    func inject(_ operation: String, _ responses: TransportResponse...) {
        state.withLock { $0.injected[operation, default: []] += responses }
    }

    /// The current fake time (epoch seconds); each write advances it by one second.
    var clock: Double { state.withLock { $0.clock } }

    func advanceClock(by seconds: Double) { state.withLock { $0.clock += seconds } }

    /// Adds a group directly (no call recorded).
    func addGroup(_ name: String, description: String? = nil, tags: [String: String] = [:]) {
        state.withLock { state in
            state.clock += 1
            let group = Group(name: name, description: description, creation: state.clock)
            state.groups.append(group)
            state.tags[group.arn] = tags
        }
    }

    /// Adds a versioned package directly; `fields` are merged into the answer object. Returns its ARN.
    @discardableResult
    func addPackage(_ group: String, _ fields: [String: JSONValue] = [:]) -> String {
        state.withLock { state in
            state.clock += 1
            return Self.insertPackage(&state, group: group, fields: fields)
        }
    }

    /// Changes fields of a stored package and bumps its `LastModifiedTime`.
    func modifyPackage(_ arn: String, _ fields: [String: JSONValue]) {
        state.withLock { state in
            state.clock += 1
            guard let index = state.packages.firstIndex(where: { $0.arn == arn }) else { return }
            for (key, value) in fields { state.packages[index].object[key] = value }
            state.packages[index].object["LastModifiedTime"] = .double(state.clock)
        }
    }

    func package(_ arn: String) -> [String: JSONValue]? {
        state.withLock { state in state.packages.first { $0.arn == arn }?.object }
    }

    // MARK: HTTPTransport

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let target = request.header("X-Amz-Target") ?? ""
        let operation = target.hasPrefix("SageMaker.") ? String(target.dropFirst("SageMaker.".count)) : target
        let body = (try? JSONValue.parse(Data(request.body))) ?? .null
        var response = state.withLock { state -> TransportResponse in
            state.calls.append(SeenCall(operation: operation, body: body, request: request))
            if var queue = state.injected[operation], !queue.isEmpty {
                let first = queue.removeFirst()
                state.injected[operation] = queue
                return first
            }
            return Self.answer(&state, operation: operation, body: body)
        }
        response.url = request.url
        return response
    }

    // MARK: Answers

    static func json(_ value: JSONValue, status: Int = 200) -> TransportResponse {
        TransportResponse(
            status: status, headers: [("Content-Type", "application/x-amz-json-1.1")],
            body: Array(value.jsonString().utf8))
    }

    static func awsError(_ code: String, _ message: String, status: Int = 400) -> TransportResponse {
        json(["__type": .string("com.amazonaws.sagemaker#\(code)"), "message": .string(message)], status: status)
    }

    /// moto's answer to a refused signature: XML served as `text/html`.
    static func motoXML(_ code: String, _ message: String, status: Int = 403) -> TransportResponse {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <ErrorResponse><Errors><Error><Code>\(code)</Code><Message>\(message)</Message><Type>Sender</Type></Error></Errors></ErrorResponse>
            """
        return TransportResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(xml.utf8))
    }

    static func html(_ status: Int, title: String) -> TransportResponse {
        let page = "<!doctype html>\n<html lang=en>\n<title>\(title)</title>\n<h1>\(title)</h1>\n"
        return TransportResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
    }

    private static func page<T>(_ items: [T], body: JSONValue) -> (items: [T], next: String?) {
        let size = Int(body["MaxResults"]?.int64Value ?? 100)
        let start = body["NextToken"]?.stringValue.flatMap { Int($0.dropFirst("tok-".count)) } ?? 0
        let end = min(start + size, items.count)
        let slice = start < end ? Array(items[start..<end]) : []
        return (slice, end < items.count ? "tok-\(end)" : nil)
    }

    private static func insertPackage(_ state: inout State, group: String, fields: [String: JSONValue]) -> String {
        let version = state.packages.filter { $0.object["ModelPackageGroupName"]?.stringValue == group }.count + 1
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/\(group.lowercased())/\(version)"
        var object: [String: JSONValue] = [
            "ModelPackageGroupName": .string(group), "ModelPackageVersion": .int(Int64(version)),
            "ModelPackageArn": .string(arn), "CreationTime": .double(state.clock), "ModelPackageStatus": "Completed",
            "ModelPackageStatusDetails": ["ValidationStatuses": []], "ModelApprovalStatus": "PendingManualApproval",
        ]
        for (key, value) in fields { object[key] = value }
        state.packages.append((arn, object))
        return arn
    }

    private static func answer(_ state: inout State, operation: String, body: JSONValue) -> TransportResponse {
        switch operation {
        case "ListModelPackageGroups":
            var groups = state.groups.sorted { $0.creation < $1.creation }
            if let after = body["CreationTimeAfter"]?.doubleValue { groups = groups.filter { $0.creation > after } }
            let (items, next) = page(groups, body: body)
            var answer: [String: JSONValue] = [
                "ModelPackageGroupSummaryList": .array(items.map { summary($0) })
            ]
            if let next { answer["NextToken"] = .string(next) }
            return json(.object(answer))
        case "DescribeModelPackageGroup":
            let name = body["ModelPackageGroupName"]?.stringValue ?? ""
            guard let group = state.groups.first(where: { $0.name == name || $0.arn == name }) else {
                return awsError("ValidationException", "ModelPackageGroup \(name) does not exist.")
            }
            var object = summary(group)
            if case .object(var fields) = object {
                fields["CreatedBy"] = ["IamIdentity": ["Arn": "arn:aws:iam::123456789012:user/creator"]]
                object = .object(fields)
            }
            return json(object)
        case "CreateModelPackageGroup":
            let name = body["ModelPackageGroupName"]?.stringValue ?? ""
            if state.groups.contains(where: { $0.name == name }) {
                return awsError("ValidationException", "Model Package Group already exists: \(name)")
            }
            state.clock += 1
            let group = Group(
                name: name, description: body["ModelPackageGroupDescription"]?.stringValue, creation: state.clock)
            state.groups.append(group)
            var tags: [String: String] = [:]
            for tag in body["Tags"]?.arrayValue ?? [] {
                if let key = tag["Key"]?.stringValue { tags[key] = tag["Value"]?.stringValue ?? "" }
            }
            state.tags[group.arn] = tags
            return json(["ModelPackageGroupArn": .string(group.arn)])
        case "ListModelPackages":
            let group = body["ModelPackageGroupName"]?.stringValue ?? ""
            let packages = state.packages.filter { $0.object["ModelPackageGroupName"]?.stringValue == group }
            let (items, next) = page(packages, body: body)
            let keys = [
                "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription",
                "CreationTime",
                "ModelPackageStatus", "ModelApprovalStatus",
            ]
            var answer: [String: JSONValue] = [
                "ModelPackageSummaryList": .array(items.map { .object($0.object.filter { keys.contains($0.key) }) })
            ]
            if let next { answer["NextToken"] = .string(next) }
            return json(.object(answer))
        case "DescribeModelPackage":
            let name = body["ModelPackageName"]?.stringValue ?? ""
            if let found = state.packages.first(where: { $0.arn == name }) { return json(.object(found.object)) }
            if state.acceptsShortPackageNames, let slash = name.lastIndex(of: "/") {
                let group = String(name[..<slash])
                let version = Int64(name[name.index(after: slash)...])
                if let found = state.packages.first(where: {
                    $0.object["ModelPackageGroupName"]?.stringValue == group
                        && $0.object["ModelPackageVersion"]?.int64Value == version
                }) {
                    return json(.object(found.object))
                }
            }
            return awsError("ValidationException", "Model package \(name) not found")
        case "CreateModelPackage":
            let group = body["ModelPackageGroupName"]?.stringValue ?? ""
            guard state.groups.contains(where: { $0.name == group }) else {
                return awsError("ValidationException", "Model Package Group does not exist.")
            }
            if let token = body["ClientToken"]?.stringValue, let arn = state.clientTokens[token] {
                return json(["ModelPackageArn": .string(arn)])
            }
            state.clock += 1
            var fields: [String: JSONValue] = [:]
            for key in [
                "ModelPackageDescription", "ModelApprovalStatus", "InferenceSpecification", "SourceUri",
                "MetadataProperties",
                "CustomerMetadataProperties", "ModelLifeCycle",
            ] {
                if let value = body[key] { fields[key] = value }
            }
            let arn = insertPackage(&state, group: group, fields: fields)
            if let token = body["ClientToken"]?.stringValue { state.clientTokens[token] = arn }
            return json(["ModelPackageArn": .string(arn)])
        case "UpdateModelPackage":
            let arn = body["ModelPackageArn"]?.stringValue ?? ""
            guard let index = state.packages.firstIndex(where: { $0.arn == arn }) else {
                return awsError("ValidationException", "Model package \(arn) not found")
            }
            state.clock += 1
            var object = state.packages[index].object
            if let approval = body["ModelApprovalStatus"] { object["ModelApprovalStatus"] = approval }
            if let description = body["ApprovalDescription"] { object["ApprovalDescription"] = description }
            var metadata = object["CustomerMetadataProperties"]?.objectValue ?? [:]
            for (key, value) in body["CustomerMetadataProperties"]?.objectValue ?? [:] { metadata[key] = value }
            for key in body["CustomerMetadataPropertiesToRemove"]?.arrayValue ?? [] {
                if let key = key.stringValue { metadata[key] = nil }
            }
            object["CustomerMetadataProperties"] = metadata.isEmpty ? nil : .object(metadata)
            object["LastModifiedTime"] = .double(state.clock)
            state.packages[index].object = object
            return json(["ModelPackageArn": .string(arn)])
        case "ListTags":
            let arn = body["ResourceArn"]?.stringValue ?? ""
            guard let tags = state.tags[arn] else {
                return awsError("ValidationException", "Resource \(arn) not found")
            }
            return json([
                "Tags": .array(
                    tags.sorted { $0.key < $1.key }.map { ["Key": .string($0.key), "Value": .string($0.value)] })
            ])
        case "AddTags":
            let arn = body["ResourceArn"]?.stringValue ?? ""
            guard state.tags[arn] != nil else { return awsError("ValidationException", "Resource \(arn) not found") }
            for tag in body["Tags"]?.arrayValue ?? [] {
                if let key = tag["Key"]?.stringValue { state.tags[arn]?[key] = tag["Value"]?.stringValue ?? "" }
            }
            return json(["Tags": body["Tags"] ?? []])
        case "Search":
            let filters = body["SearchExpression"]?["Filters"]?.arrayValue ?? []
            var matching = state.packages.map(\.object)
            if state.searchHonoursTime {
                matching = matching.filter { object in
                    filters.contains { filter in
                        guard let name = filter["Name"]?.stringValue, let value = filter["Value"]?.stringValue,
                            let limit = Timestamp.parseMilliseconds(value), let seconds = object[name]?.doubleValue
                        else { return false }
                        return Int64((seconds * 1000).rounded()) >= limit
                    }
                }
                matching.sort {
                    ($0["LastModifiedTime"] ?? $0["CreationTime"])?.doubleValue ?? 0
                        < ($1["LastModifiedTime"] ?? $1["CreationTime"])?.doubleValue ?? 0
                }
            } else if filters.contains(where: { ($0["Name"]?.stringValue ?? "").hasSuffix("Time") }) {
                matching = []  // moto compares the timestamp with the string for equality: never true
            }
            let (items, next) = page(matching, body: body)
            var answer: [String: JSONValue] = ["Results": .array(items.map { ["ModelPackage": .object($0)] })]
            if let next { answer["NextToken"] = .string(next) }
            return json(.object(answer))
        default:
            return html(500, title: "500 Internal Server Error")
        }
    }

    private static func summary(_ group: Group) -> JSONValue {
        var object: [String: JSONValue] = [
            "ModelPackageGroupName": .string(group.name), "ModelPackageGroupArn": .string(group.arn),
            "CreationTime": .double(group.creation), "ModelPackageGroupStatus": "Completed",
        ]
        if let description = group.description { object["ModelPackageGroupDescription"] = .string(description) }
        return .object(object)
    }
}
