import Foundation
import ModelGateCore
import ModelGateTransport

/// A thin client for the SageMaker Model Registry over the AWS JSON 1.1 protocol.
///
/// Every call is `POST /` with `X-Amz-Target: SageMaker.<Operation>` and a JSON body of type
/// `application/x-amz-json-1.1`; signing (SigV4, service `sagemaker`) and retries are the transport's
/// business, so pass an already composed `HTTPTransport`. Reads and writes that are harmless to repeat
/// (they carry a `ClientToken`, or they set a state) are marked `retrySafe`, so throttling
/// (`ThrottlingException` and the rest of `RetryPolicy.throttlingCodes`) and 5xx answers are retried.
///
/// Every non-2xx answer becomes a `RegistryError` naming the registry, `SageMaker.<Operation>`, the HTTP
/// status and AWS's error code: JSON `{"__type","message"}` bodies, and also the XML `<ErrorResponse>`
/// that moto serves as `text/html` for signature failures (an auth code with 403 is `.unauthorized` in the
/// shared mapping). One refinement on top of it: a 400 `ValidationException` saying "does not exist"/"not
/// found" is `.notFound` (SageMaker reports missing packages and groups that way).
public struct SageMakerClient: Sendable {
    /// `MaxResults` of `ListModelPackageGroups`, `ListModelPackages` and `Search` (1…100).
    public static let maxPageSize = 100
    /// `ListTags` refuses a `MaxResults` below 50.
    public static let tagsPageSize = 50
    /// The protocol's content type.
    public static let contentType = "application/x-amz-json-1.1"

    /// The public endpoint of a region: `https://api.sagemaker.<region>.amazonaws.com`.
    public static func defaultEndpoint(region: String) -> String { "https://api.sagemaker.\(region).amazonaws.com" }

    /// One page of a `List*`/`Search` call: the raw items (checked by the caller, one by one) and the token.
    public struct Page: Sendable {
        public var items: [JSONValue]
        /// Opaque; nil on the last page.
        public var nextToken: String?

        public init(items: [JSONValue], nextToken: String?) {
            self.items = items
            self.nextToken = nextToken
        }
    }

    /// The configured registry name, used in errors.
    public let registry: String
    /// The endpoint without a trailing slash (`https://api.sagemaker.us-east-1.amazonaws.com`).
    public let endpoint: String
    private let transport: any HTTPTransport

    /// - Parameters:
    ///   - registry: the configured registry name (for errors and logs).
    ///   - endpoint: the API endpoint (the config's `endpoint`, or ``defaultEndpoint(region:)``).
    ///   - transport: the composed transport (SigV4, retries, redirects already applied).
    public init(registry: String, endpoint: String, transport: any HTTPTransport) {
        self.registry = registry
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base
        self.transport = transport
    }

    // MARK: - Groups

    /// `ListModelPackageGroups`, oldest first (`SortBy: CreationTime`, so groups created during a walk
    /// land on later pages). `createdAfter` is sent as whole epoch seconds (rounded down).
    public func listModelPackageGroups(
        maxResults: Int, nextToken: String? = nil, createdAfter: Date? = nil
    ) async throws -> Page {
        var body: [String: JSONValue] = [
            "MaxResults": .int(Int64(Self.clampPageSize(maxResults))), "SortBy": "CreationTime",
            "SortOrder": "Ascending",
        ]
        if let nextToken { body["NextToken"] = .string(nextToken) }
        if let createdAfter {
            body["CreationTimeAfter"] = .int(Int64(createdAfter.timeIntervalSince1970.rounded(.down)))
        }
        let json = try await call("ListModelPackageGroups", .object(body), retrySafe: true)
        return try page(json, itemsKey: "ModelPackageGroupSummaryList", operation: "ListModelPackageGroups")
    }

    /// `DescribeModelPackageGroup` (name or ARN).
    public func describeModelPackageGroup(name: String) async throws -> SageMakerModelPackageGroup {
        let json = try await call(
            "DescribeModelPackageGroup", ["ModelPackageGroupName": .string(name)], retrySafe: true)
        return try decode(json, operation: "DescribeModelPackageGroup", SageMakerModelPackageGroup.init)
    }

    /// `CreateModelPackageGroup`; returns the group ARN. Not retried once it may have reached the server
    /// (the call has no client token).
    public func createModelPackageGroup(name: String, description: String?, tags: [String: String]) async throws
        -> String
    {
        var body: [String: JSONValue] = ["ModelPackageGroupName": .string(name)]
        if let description { body["ModelPackageGroupDescription"] = .string(description) }
        if !tags.isEmpty { body["Tags"] = Self.tagList(tags) }
        let json = try await call("CreateModelPackageGroup", .object(body), retrySafe: false)
        return try requiredString(json, "ModelPackageGroupArn", operation: "CreateModelPackageGroup")
    }

    // MARK: - Packages

    /// `ListModelPackages` of one group, always with `ModelPackageType: Versioned` (the API's default is
    /// `Unversioned`), oldest first.
    public func listModelPackages(group: String, maxResults: Int, nextToken: String? = nil) async throws -> Page {
        var body: [String: JSONValue] = [
            "ModelPackageGroupName": .string(group), "ModelPackageType": "Versioned",
            "MaxResults": .int(Int64(Self.clampPageSize(maxResults))), "SortBy": "CreationTime",
            "SortOrder": "Ascending",
        ]
        if let nextToken { body["NextToken"] = .string(nextToken) }
        let json = try await call("ListModelPackages", .object(body), retrySafe: true)
        return try page(json, itemsKey: "ModelPackageSummaryList", operation: "ListModelPackages")
    }

    /// Every version summary of `group`, walking all pages. Duplicates (same ARN) are dropped; the same
    /// token twice fails the walk instead of looping. Items stay raw so that one malformed entry does not
    /// hide the others.
    public func allModelPackages(group: String, pageSize: Int) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var seen: Set<String> = []
        var tokens: Set<String> = []
        var token: String?
        repeat {
            try Task.checkCancellation()
            let page = try await listModelPackages(group: group, maxResults: pageSize, nextToken: token)
            for item in page.items {
                let key = item["ModelPackageArn"]?.stringValue ?? "raw:" + item.jsonString()
                if seen.insert(key).inserted { items.append(item) }
            }
            token = try nextToken(page, seen: &tokens, operation: "ListModelPackages")
        } while token != nil
        return items
    }

    /// `DescribeModelPackage` by ARN (or `group/version`, which the API documents but moto does not know).
    public func describeModelPackage(name: String) async throws -> SageMakerModelPackage {
        let json = try await call("DescribeModelPackage", ["ModelPackageName": .string(name)], retrySafe: true)
        return try decode(json, operation: "DescribeModelPackage", SageMakerModelPackage.init)
    }

    /// `CreateModelPackage` of a new version in `group`; returns its ARN. `clientToken` (1–36 of letters,
    /// digits, hyphens) makes a repeat of the same call create nothing new, so the call is retried.
    public func createModelPackage(
        group: String, clientToken: String, description: String?, approvalStatus: String?,
        inferenceSpecification: JSONValue?, sourceURI: String?, metadataProperties: [String: String],
        customerMetadata: [String: String]
    ) async throws -> String {
        var body: [String: JSONValue] = ["ModelPackageGroupName": .string(group), "ClientToken": .string(clientToken)]
        if let description { body["ModelPackageDescription"] = .string(description) }
        if let approvalStatus { body["ModelApprovalStatus"] = .string(approvalStatus) }
        if let inferenceSpecification { body["InferenceSpecification"] = inferenceSpecification }
        if let sourceURI { body["SourceUri"] = .string(sourceURI) }
        if !metadataProperties.isEmpty { body["MetadataProperties"] = Self.stringObject(metadataProperties) }
        if !customerMetadata.isEmpty { body["CustomerMetadataProperties"] = Self.stringObject(customerMetadata) }
        let json = try await call("CreateModelPackage", .object(body), retrySafe: true)
        return try requiredString(json, "ModelPackageArn", operation: "CreateModelPackage")
    }

    /// `UpdateModelPackage`. Send the whole state each time: moto sets every omitted field to null (an
    /// update without `CustomerMetadataProperties` wipes them, one without `ModelApprovalStatus` clears the
    /// approval). `customerMetadata` nil or empty is not sent (the API wants 1–50 entries).
    public func updateModelPackage(
        arn: String, approvalStatus: String?, approvalDescription: String?, customerMetadata: [String: String]?,
        removeCustomerMetadata: [String] = []
    ) async throws {
        var body: [String: JSONValue] = ["ModelPackageArn": .string(arn)]
        if let approvalStatus { body["ModelApprovalStatus"] = .string(approvalStatus) }
        if let approvalDescription { body["ApprovalDescription"] = .string(approvalDescription) }
        if let customerMetadata, !customerMetadata.isEmpty {
            body["CustomerMetadataProperties"] = Self.stringObject(customerMetadata)
        }
        if !removeCustomerMetadata.isEmpty {
            body["CustomerMetadataPropertiesToRemove"] = .array(removeCustomerMetadata.map(JSONValue.string))
        }
        _ = try await call("UpdateModelPackage", .object(body), retrySafe: true)
    }

    // MARK: - Tags

    /// `ListTags` of a resource, every page.
    public func listTags(arn: String) async throws -> [String: String] {
        var tags: [String: String] = [:]
        var tokens: Set<String> = []
        var token: String?
        repeat {
            try Task.checkCancellation()
            var body: [String: JSONValue] = ["ResourceArn": .string(arn), "MaxResults": .int(Int64(Self.tagsPageSize))]
            if let token { body["NextToken"] = .string(token) }
            let json = try await call("ListTags", .object(body), retrySafe: true)
            let page = try page(json, itemsKey: "Tags", operation: "ListTags")
            for item in page.items {
                guard let key = item["Key"]?.stringValue, !key.isEmpty else {
                    throw malformed("ListTags", "a tag without a Key: \(SageMakerObjectReader.excerpt(item))")
                }
                tags[key] = item["Value"]?.stringValue ?? ""
            }
            token = try nextToken(page, seen: &tokens, operation: "ListTags")
        } while token != nil
        return tags
    }

    /// `AddTags` (adds or overwrites the given keys; harmless to repeat).
    public func addTags(arn: String, tags: [String: String]) async throws {
        _ = try await call("AddTags", ["ResourceArn": .string(arn), "Tags": Self.tagList(tags)], retrySafe: true)
    }

    // MARK: - Search

    /// `Search` over model packages new or modified at or after `since`: `LastModifiedTime ≥ since` or
    /// `CreationTime ≥ since` (the value as RFC 3339 with milliseconds), sorted by `LastModifiedTime`,
    /// oldest first.
    public func searchModelPackages(changedSince since: Date, maxResults: Int, nextToken: String? = nil) async throws
        -> Page
    {
        let value = JSONValue.string(Timestamp.format(since))
        var body: [String: JSONValue] = [
            "Resource": "ModelPackage",
            "SearchExpression": [
                "Filters": [
                    ["Name": "LastModifiedTime", "Operator": "GreaterThanOrEqualTo", "Value": value],
                    ["Name": "CreationTime", "Operator": "GreaterThanOrEqualTo", "Value": value],
                ],
                "Operator": "Or",
            ],
            "SortBy": "LastModifiedTime", "SortOrder": "Ascending",
            "MaxResults": .int(Int64(Self.clampPageSize(maxResults))),
        ]
        if let nextToken { body["NextToken"] = .string(nextToken) }
        let json = try await call("Search", .object(body), retrySafe: true)
        return try page(json, itemsKey: "Results", operation: "Search")
    }

    // MARK: - Any call

    /// Sends `SageMaker.<operation>` with `body` and returns the JSON answer (`{}` for an empty body).
    ///
    /// Throws `RegistryError` for any non-2xx status and for a 2xx body that is not JSON.
    public func call(_ operation: String, _ body: JSONValue = [:], retrySafe: Bool) async throws -> JSONValue {
        let name = operationName(operation)
        let request = TransportRequest(
            method: .POST, url: endpoint + "/",
            headers: [("Content-Type", Self.contentType), ("X-Amz-Target", "SageMaker.\(operation)")],
            body: Array(body.jsonString().utf8), registry: registry, operation: name, retrySafe: retrySafe)
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch let error as RegistryError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RegistryError(
                code: .transport, registry: registry, operation: name, message: "\(error)", underlying: error)
        }
        guard response.isSuccess else { throw Self.error(response: response, request: request) }
        if response.body.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
        {
            return .object([:])
        }
        do {
            return try JSONValue.parse(Data(response.body))
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: name, httpStatus: response.status,
                message: "the answer is not JSON: \(Self.excerpt(response.bodyText))", attempts: response.attempts)
        }
    }

    /// `SageMaker.ListModelPackages`.
    public func operationName(_ operation: String) -> String { "SageMaker.\(operation)" }

    /// The error for a non-2xx answer: the shared mapping (which already reads AWS's auth codes with 400 or
    /// 403 as `.unauthorized`), refined for SageMaker (see the type's documentation).
    static func error(response: TransportResponse, request: TransportRequest) -> RegistryError {
        var error = RegistryError(response: response, request: request)
        if response.status == 400, error.providerCode == "ValidationException", isNotFoundMessage(error.message) {
            error.code = .notFound
        }
        return error
    }

    static func isNotFoundMessage(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("does not exist") || lower.contains("not found") || lower.contains("cannot find")
            || lower.contains("could not find")
    }

    // MARK: - Helpers

    static func clampPageSize(_ size: Int) -> Int { min(max(size, 1), maxPageSize) }

    static func tagList(_ tags: [String: String]) -> JSONValue {
        .array(tags.sorted { $0.key < $1.key }.map { ["Key": .string($0.key), "Value": .string($0.value)] })
    }

    static func stringObject(_ map: [String: String]) -> JSONValue { .object(map.mapValues(JSONValue.string)) }

    static func excerpt(_ text: String, limit: Int = 300) -> String {
        Redactor.excerpt(body: text, limit: limit)  // secrets scrubbed (issue 15 item 14)
    }

    func malformed(_ operation: String, _ message: String) -> RegistryError {
        RegistryError(
            code: .malformedPayload, registry: registry, operation: operationName(operation), message: message)
    }

    private func page(_ json: JSONValue, itemsKey: String, operation: String) throws -> Page {
        guard let object = json.objectValue else {
            throw malformed(operation, "expected a JSON object, got \(SageMakerObjectReader.excerpt(json))")
        }
        let items: [JSONValue]
        switch object[itemsKey] {
        case nil, .null?: items = []
        case .array(let array)?: items = array
        case let other?:
            throw malformed(operation, "'\(itemsKey)' is not an array: \(SageMakerObjectReader.excerpt(other))")
        }
        let token: String?
        switch object["NextToken"] {
        case nil, .null?: token = nil
        case .string(let text)?: token = text.isEmpty ? nil : text
        case let other?:
            throw malformed(operation, "'NextToken' is not a string: \(SageMakerObjectReader.excerpt(other))")
        }
        return Page(items: items, nextToken: token)
    }

    /// The page's token, refusing one already seen in this walk (a server bug would otherwise loop forever).
    func nextToken(_ page: Page, seen: inout Set<String>, operation: String) throws -> String? {
        guard let token = page.nextToken else { return nil }
        guard seen.insert(token).inserted else {
            throw malformed(operation, "SageMaker returned the same NextToken twice")
        }
        return token
    }

    private func requiredString(_ json: JSONValue, _ key: String, operation: String) throws -> String {
        guard let value = json[key]?.stringValue, !value.isEmpty else {
            throw malformed(operation, "the answer has no '\(key)': \(SageMakerObjectReader.excerpt(json))")
        }
        return value
    }

    private func decode<T>(
        _ json: JSONValue, operation: String, _ make: (JSONValue) throws(SageMakerDecodingError) -> T
    ) throws -> T {
        do {
            return try make(json)
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operationName(operation),
                message: "malformed answer: \(error)", underlying: error)
        }
    }
}
