import Foundation
import ModelGateCore
import ModelGateTransport

/// A thin client for the W&B GraphQL API (`POST {url}/graphql`), speaking the operations of
/// `shared/specs/wandb/graphql/` (the query texts in `WandBQueries`) and nothing more.
///
/// Every non-2xx answer becomes a `RegistryError` (the transport parses GraphQL `errors` bodies); an HTTP 200
/// whose body has GraphQL `errors` is an error too, naming the registry and the operation. Authorization
/// (Basic `api:<key>`) and retries (429 honouring `RateLimit-Reset`, 5xx, dropped connections) are the
/// transport's.
public struct WandBClient: Sendable {
    /// One page of a Relay connection: the `node`s and the cursor of the next page (nil on the last page).
    public struct Page: Sendable {
        public var nodes: [JSONValue]
        public var next: String?
    }

    public let registry: String
    /// Without a trailing slash (`https://api.wandb.ai`).
    public let baseURL: String
    private let transport: any HTTPTransport

    public init(registry: String, baseURL: String?, transport: any HTTPTransport) {
        self.registry = registry
        var base = baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? WandBAdapter.defaultBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
    }

    /// `{baseURL}/graphql`.
    public var endpoint: String { baseURL + "/graphql" }

    /// Sends `operation` (a key of `WandBQueries.text`) with `variables`; returns `data`.
    /// - Parameter retrySafe: whether the call may be repeated after it may have reached the server (every
    ///   served mutation is idempotent: linking twice returns the same membership).
    public func execute(_ operation: String, variables: [String: JSONValue], retrySafe: Bool = true) async throws -> JSONValue {
        guard let query = WandBQueries.text[operation] else {
            throw RegistryError(
                code: .configuration, registry: registry, operation: "GraphQL \(operation)",
                message: "no query text for operation \(operation)")
        }
        let name = "GraphQL \(operation)"
        let body: JSONValue = ["query": .string(query), "variables": .object(variables), "operationName": .string(operation)]
        var request = TransportRequest(
            method: .POST, url: endpoint, headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
            registry: registry, operation: name, retrySafe: retrySafe)
        request.body = Array(body.jsonString().utf8)
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch let error as RegistryError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RegistryError(code: .transport, registry: registry, operation: name, message: "\(error)", underlying: error)
        }
        guard response.isSuccess else {
            var error = RegistryError(response: response, request: request)
            if response.status == 401 {
                error.message += " (W&B expects HTTP Basic auth with user 'api' and the API key as password; "
                    + "check auth.api_key or WANDB_API_KEY)"
            }
            throw error
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(Data(response.body))
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: name, httpStatus: response.status,
                message: "the answer is not JSON: \(Redactor.excerpt(body: response.bodyText, limit: 200))", attempts: response.attempts)
        }
        if let errors = json["errors"]?.arrayValue, !errors.isEmpty {
            let messages = errors.compactMap { $0["message"]?.stringValue ?? $0.jsonString() }
            let text = Redactor.redact(text: messages.joined(separator: "; "))
            let providerCode = errors.first?["extensions"]?["code"]?.stringValue
            throw RegistryError(
                code: Self.code(forGraphQLMessage: text, providerCode: providerCode), registry: registry, operation: name,
                httpStatus: response.status, providerCode: providerCode,
                message: "GraphQL errors in an HTTP \(response.status) answer: \(text.prefix(500))",
                attempts: response.attempts)
        }
        guard let data = json["data"], !data.isNull else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: name, httpStatus: response.status,
                message: "the answer has neither data nor errors: \(response.bodyText.prefix(200))",
                attempts: response.attempts)
        }
        return data
    }

    static func code(forGraphQLMessage message: String, providerCode: String?) -> RegistryError.Code {
        let lower = message.lowercased()
        if providerCode == "PERMISSION_ERROR" || lower.contains("permission denied") || lower.contains("not authorized") {
            return .forbidden
        }
        if lower.contains("not found") || lower.contains("does not exist") { return .notFound }
        if lower.contains("rate limit") { return .rateLimited }
        return .invalidRequest
    }

    /// Reads `path` (keys, in order) of `data`, requiring a Relay connection there.
    func connection(_ data: JSONValue, _ path: [String], operation: String) throws -> Page? {
        var current = data
        for key in path {
            guard let next = current[key], !next.isNull else { return nil }
            current = next
        }
        guard let edges = current["edges"]?.arrayValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: "GraphQL \(operation)",
                message: "the connection \(path.joined(separator: ".")) has no edges")
        }
        let nodes = edges.compactMap { $0["node"] }
        let info = current["pageInfo"]
        let more = info?["hasNextPage"]?.boolValue ?? false
        let cursor = info?["endCursor"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return Page(nodes: nodes, next: more ? cursor : nil)
    }
}
