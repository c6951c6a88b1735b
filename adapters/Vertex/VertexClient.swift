import Foundation
import ModelGateCore
import ModelGateTransport

/// A thin client for the Vertex AI Model Registry REST API (`aiplatform` v1, `models` and operations).
///
/// It speaks the wire format and nothing more: paths under `v1/projects/{project}/locations/{location}`,
/// query parameters percent-encoded, JSON bodies, and every non-2xx answer turned into a `RegistryError`
/// carrying Google's `error.status` (`NOT_FOUND`, `INVALID_ARGUMENT`, …). Authorization and retries are the
/// transport's; a 401 is answered once by `onUnauthorized` (drop the cached token) and a second attempt.
public struct VertexClient: Sendable {
    /// One page of `models` or `:listVersions`: raw Model objects and the next token.
    public struct Page: Sendable {
        public var models: [JSONValue]
        /// Nil on the last page.
        public var nextPageToken: String?
    }

    public let registry: String
    /// `https://{location}-aiplatform.googleapis.com` (or the configured endpoint), without a trailing slash.
    public let baseURL: String
    public let project: String
    public let location: String
    private let transport: any HTTPTransport
    private let onUnauthorized: (@Sendable () async -> Void)?

    /// - Parameters:
    ///   - baseURL: nil for the regional endpoint `https://{location}-aiplatform.googleapis.com`.
    ///   - onUnauthorized: called after a 401 before the one retry (to refresh a cached token); nil: no retry.
    public init(
        registry: String, baseURL: String?, project: String, location: String, transport: any HTTPTransport,
        onUnauthorized: (@Sendable () async -> Void)? = nil
    ) {
        self.registry = registry
        var base = baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? "https://\(location)-aiplatform.googleapis.com"
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.project = project
        self.location = location
        self.transport = transport
        self.onUnauthorized = onUnauthorized
    }

    /// `projects/{project}/locations/{location}`.
    public var parent: String { "projects/\(project)/locations/\(location)" }

    /// `projects/…/models/{id}` (plus `@version` when given).
    public func modelName(_ id: String, version: String? = nil) -> String {
        "\(parent)/models/\(id)" + (version.map { "@\($0)" } ?? "")
    }

    // MARK: - Reads

    /// `GET models` with `pageSize`, `pageToken`, `orderBy`, `filter`.
    public func listModels(pageSize: Int?, pageToken: String?, orderBy: String? = nil, filter: String? = nil)
        async throws -> Page
    {
        var query: [(String, String)] = []
        if let filter { query.append(("filter", filter)) }
        if let orderBy { query.append(("orderBy", orderBy)) }
        if let pageSize { query.append(("pageSize", String(pageSize))) }
        if let pageToken { query.append(("pageToken", pageToken)) }
        return try page(try await call(.GET, "\(parent)/models", query: query), operation: "GET models")
    }

    /// `GET models/{id}:listVersions`, one page.
    public func listVersions(model: String, pageSize: Int?, pageToken: String?, orderBy: String? = nil) async throws -> Page {
        var query: [(String, String)] = []
        if let orderBy { query.append(("orderBy", orderBy)) }
        if let pageSize { query.append(("pageSize", String(pageSize))) }
        if let pageToken { query.append(("pageToken", pageToken)) }
        return try page(
            try await call(.GET, modelName(model) + ":listVersions", query: query), operation: "GET :listVersions")
    }

    /// Every version of `model`, all pages of `:listVersions` (a repeated version id is kept once).
    public func allVersions(model: String, pageSize: Int?) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var seen: Set<String> = []
        var token: String?
        var tokens: Set<String> = []
        repeat {
            try Task.checkCancellation()
            let page = try await listVersions(model: model, pageSize: pageSize, pageToken: token)
            for item in page.models {
                let id = item["versionId"]?.stringValue ?? UUID().uuidString
                if seen.insert(id).inserted { all.append(item) }
            }
            token = page.nextPageToken
            if let token, !tokens.insert(token).inserted {
                throw RegistryError(
                    code: .malformedPayload, registry: registry, operation: "GET \(modelName(model)):listVersions",
                    message: "the registry returned the same page token twice")
            }
        } while token != nil
        return all
    }

    /// `GET models/{id}[@version|@alias]`.
    public func getModel(_ id: String, version: String? = nil) async throws -> JSONValue {
        try await call(.GET, modelName(id, version: version))
    }

    /// `GET {operation name}`.
    public func getOperation(_ name: String) async throws -> JSONValue {
        try await call(.GET, name)
    }

    // MARK: - Writes

    /// `POST models:upload` → a long-running operation.
    public func upload(_ request: JSONValue) async throws -> JSONValue {
        try await call(.POST, "\(parent)/models:upload", body: request)
    }

    /// `PATCH {name}?updateMask=…` with a Model body.
    public func patch(_ id: String, version: String?, updateMask: [String], model: JSONValue) async throws -> JSONValue {
        try await call(
            .PATCH, modelName(id, version: version), query: [("updateMask", updateMask.joined(separator: ","))],
            body: model, retrySafe: true)
    }

    /// `POST models/{id}@{versionId}:mergeVersionAliases` (`-alias` removes).
    public func mergeVersionAliases(_ id: String, version: String, aliases: [String]) async throws -> JSONValue {
        try await call(
            .POST, modelName(id, version: version) + ":mergeVersionAliases",
            body: ["versionAliases": .array(aliases.map { .string($0) })], retrySafe: true)
    }

    /// `DELETE models/{id}@{versionId}:deleteVersion` → operation.
    public func deleteVersion(_ id: String, version: String) async throws -> JSONValue {
        try await call(.DELETE, modelName(id, version: version) + ":deleteVersion")
    }

    /// `DELETE models/{id}` → operation.
    public func deleteModel(_ id: String) async throws -> JSONValue {
        try await call(.DELETE, modelName(id))
    }

    /// Polls `operation` (`GET v1/{name}`) until `done`, waiting `interval` between polls (at most `maxPolls`);
    /// returns its `response`, or throws its `error`.
    public func wait(
        for operation: JSONValue, interval: Duration = .milliseconds(500), maxPolls: Int = 600
    ) async throws -> JSONValue {
        var current = operation
        var polls = 0
        guard let name = operation["name"]?.stringValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: "operation",
                message: "the long-running operation has no name: \(current.jsonString().prefix(200))")
        }
        while current["done"]?.boolValue != true {
            guard polls < maxPolls else {
                throw RegistryError(
                    code: .timeout, registry: registry, operation: "GET \(name)",
                    message: "the operation was not done after \(polls) polls")
            }
            polls += 1
            try await Task.sleep(for: interval)
            current = try await getOperation(name)
        }
        if let error = current["error"] {
            let code = error["code"]?.int64Value ?? 2
            throw RegistryError(
                code: Self.code(forRPC: code), registry: registry, operation: "GET \(name)",
                providerCode: Self.rpcStatus[code] ?? String(code),
                message: "the operation failed: \(error["message"]?.stringValue ?? "no message")")
        }
        return current["response"] ?? .object([:])
    }

    static let rpcStatus: [Int64: String] = [
        1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 6: "ALREADY_EXISTS",
        7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION", 10: "ABORTED", 13: "INTERNAL",
        14: "UNAVAILABLE", 16: "UNAUTHENTICATED",
    ]

    static func code(forRPC code: Int64) -> RegistryError.Code {
        switch code {
        case 3, 9, 11: return .invalidRequest
        case 5: return .notFound
        case 6, 10: return .conflict
        case 7: return .forbidden
        case 8: return .rateLimited
        case 16: return .unauthorized
        case 4: return .timeout
        case 1: return .cancelled
        default: return .serverError
        }
    }

    // MARK: - Wire

    /// Sends one call; `path` is relative to `v1/`.
    public func call(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        retrySafe: Bool? = nil
    ) async throws -> JSONValue {
        let operation = "\(method.rawValue) /v1/\(path)"
        var request = TransportRequest(
            method: method, url: url(path, query: query), headers: [("Accept", "application/json")],
            registry: registry, operation: operation, retrySafe: retrySafe ?? method.isIdempotent)
        if let body {
            request.body = Array(body.jsonString().utf8)
            request.setHeader("Content-Type", "application/json")
        }
        var response = try await send(request, operation: operation)
        if response.status == 401, let onUnauthorized {
            await onUnauthorized()
            response = try await send(request, operation: operation)
        }
        guard response.isSuccess else { throw RegistryError(response: response, request: request) }
        if response.body.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            return .object([:])
        }
        do {
            return try JSONValue.parse(Data(response.body))
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "the answer is not JSON: \(Redactor.excerpt(body: response.bodyText, limit: 200))", attempts: response.attempts)
        }
    }

    private func send(_ request: TransportRequest, operation: String) async throws -> TransportResponse {
        do {
            return try await transport.send(request)
        } catch let error as RegistryError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RegistryError(
                code: .transport, registry: registry, operation: operation, message: "\(error)", underlying: error)
        }
    }

    /// The full URL of `path` (relative to `v1/`) with `query` percent-encoded (RFC 3986 unreserved kept).
    public func url(_ path: String, query: [(String, String)]) -> String {
        var text = "\(baseURL)/v1/\(path)"
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private func page(_ json: JSONValue, operation: String) throws -> Page {
        guard let object = json.objectValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "expected a JSON object, got \(json.jsonString().prefix(200))")
        }
        let models: [JSONValue]
        switch object["models"] {
        case nil, .null?: models = []  // proto3 JSON omits empty repeated fields
        case .array(let array)?: models = array
        case let other?:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "'models' is not an array: \(other.jsonString().prefix(200))")
        }
        let token = object["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return Page(models: models, nextPageToken: token)
    }
}
