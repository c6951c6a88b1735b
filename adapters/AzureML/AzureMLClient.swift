import Foundation
import ModelGateCore
import ModelGateTransport

/// A thin client for Azure Machine Learning model containers and versions through Azure Resource Manager
/// (`Microsoft.MachineLearningServices`, api-version 2025-12-01), for a workspace or a registry.
///
/// Lists follow `nextLink` verbatim (only to the same origin as `baseURL`, so the bearer token never leaves
/// it); writes are PUTs, and a registry's long-running operation is polled through `Azure-AsyncOperation`
/// (then the original URI is read, `final-state-via: original-uri`) or `Location`, waiting `Retry-After`.
/// Every non-2xx answer becomes a `RegistryError` naming the registry, the ARM operation id, the status and
/// ARM's `error.code`. Authentication and retries belong to the transport.
public struct AzureMLClient: Sendable {
    /// The ARM api-version every call sends.
    public static let apiVersion = "2025-12-01"
    /// The page size ModelGate asks for when none is configured (`count` / `$top`).
    public static let defaultPageSize = 100

    /// Where the models live.
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        case workspace(subscription: String, resourceGroup: String, workspace: String)
        case registry(subscription: String, resourceGroup: String, registry: String)

        /// `/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/{workspaces|registries}/{name}`.
        public var path: String {
            switch self {
            case .workspace(let subscription, let group, let workspace):
                return "/subscriptions/\(AzureMLClient.segment(subscription))/resourceGroups/\(AzureMLClient.segment(group))"
                    + "/providers/Microsoft.MachineLearningServices/workspaces/\(AzureMLClient.segment(workspace))"
            case .registry(let subscription, let group, let registry):
                return "/subscriptions/\(AzureMLClient.segment(subscription))/resourceGroups/\(AzureMLClient.segment(group))"
                    + "/providers/Microsoft.MachineLearningServices/registries/\(AzureMLClient.segment(registry))"
            }
        }

        public var isRegistry: Bool {
            if case .registry = self { return true }
            return false
        }

        public var description: String { path }
    }

    /// One page of a list: the raw resources and the absolute `nextLink` (nil on the last page).
    public struct Page: Sendable {
        public var items: [JSONValue]
        public var nextLink: String?
    }

    /// The configured registry name (errors, logs).
    public let registry: String
    /// `https://management.azure.com` or the configured endpoint, without a trailing slash.
    public let baseURL: String
    public let scope: Scope
    /// Items per list page (`count` for workspace containers, `$top` for versions).
    public let pageSize: Int
    /// The wait between long-running-operation polls when the answer has no `Retry-After`.
    public let defaultPollInterval: Duration
    /// The longest `Retry-After` honoured while polling.
    public let maxPollInterval: Duration
    /// Polls before a long-running operation is given up.
    public let maxPolls: Int
    private let transport: any HTTPTransport
    private let sleep: @Sendable (Duration) async throws -> Void
    private let reauthenticate: (@Sendable () async -> Void)?

    /// - Parameters:
    ///   - registry: the configured registry name.
    ///   - baseURL: the ARM endpoint (`https://management.azure.com` or a simulator).
    ///   - scope: the workspace or registry.
    ///   - transport: the composed transport (bearer token, retries, redirects).
    ///   - pageSize: items per list page (1…100 is what ModelGate asks for).
    ///   - defaultPollInterval, maxPollInterval, maxPolls: long-running operation polling.
    ///   - sleep: waits between polls (injected in tests).
    ///   - reauthenticate: called once when ARM answers 401 (drop the cached token); the call is then sent again.
    public init(
        registry: String, baseURL: String, scope: Scope, transport: any HTTPTransport, pageSize: Int? = nil,
        defaultPollInterval: Duration = .seconds(10), maxPollInterval: Duration = .seconds(60), maxPolls: Int = 360,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        reauthenticate: (@Sendable () async -> Void)? = nil
    ) {
        self.registry = registry
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.scope = scope
        self.pageSize = min(max(pageSize ?? Self.defaultPageSize, 1), Self.defaultPageSize)
        self.defaultPollInterval = defaultPollInterval
        self.maxPollInterval = maxPollInterval
        self.maxPolls = max(1, maxPolls)
        self.transport = transport
        self.sleep = sleep
        self.reauthenticate = reauthenticate
    }

    // MARK: - URLs and operation ids

    var prefix: String { scope.isRegistry ? "Registry" : "" }

    /// `…/models?api-version=…&listViewType=All[&count=N]`.
    public func modelsURL() -> String {
        var url = baseURL + scope.path + "/models?api-version=\(Self.apiVersion)&listViewType=All"
        if !scope.isRegistry { url += "&count=\(pageSize)" }
        return url
    }

    /// `…/models/{name}/versions?api-version=…&listViewType=All&$top=N`.
    public func versionsURL(model: String) -> String {
        baseURL + scope.path + "/models/\(Self.segment(model))/versions?api-version=\(Self.apiVersion)&listViewType=All&$top=\(pageSize)"
    }

    public func modelURL(_ name: String) -> String {
        baseURL + scope.path + "/models/\(Self.segment(name))?api-version=\(Self.apiVersion)"
    }

    public func versionURL(model: String, version: String) -> String {
        baseURL + scope.path + "/models/\(Self.segment(model))/versions/\(Self.segment(version))?api-version=\(Self.apiVersion)"
    }

    // MARK: - Reads

    /// One page of model containers (archived included); `nextLink` from the previous page, verbatim.
    public func listModels(nextLink: String? = nil) async throws -> Page {
        let operation = prefix + "ModelContainers_List"
        let url = try nextLink.map { try checkedLink($0, operation: operation) } ?? modelsURL()
        return try page(try await send(.GET, url, operation: operation), operation: operation)
    }

    /// Every version of `model` (archived included), following each `nextLink` verbatim.
    public func allVersions(model: String) async throws -> [JSONValue] {
        let operation = prefix + "ModelVersions_List"
        var items: [JSONValue] = []
        var url: String? = versionsURL(model: model)
        var seen: Set<String> = []
        while let current = url {
            try Task.checkCancellation()
            let page = try page(try await send(.GET, current, operation: operation), operation: operation)
            items += page.items
            if let next = page.nextLink {
                guard seen.insert(next).inserted else {
                    throw RegistryError(
                        code: .malformedPayload, registry: registry, operation: operation,
                        message: "ARM returned the same nextLink twice while listing versions of '\(model)'")
                }
                url = try checkedLink(next, operation: operation)
            } else {
                url = nil
            }
        }
        return items
    }

    /// `GET …/models/{name}`; throws `.notFound` when it does not exist.
    public func getModel(name: String) async throws -> JSONValue {
        let operation = prefix + "ModelContainers_Get"
        return try json(try await send(.GET, modelURL(name), operation: operation), operation: operation)
    }

    /// `GET …/models/{name}/versions/{version}`; throws `.notFound` when it does not exist.
    public func getVersion(model: String, version: String) async throws -> JSONValue {
        let operation = prefix + "ModelVersions_Get"
        return try json(try await send(.GET, versionURL(model: model, version: version), operation: operation), operation: operation)
    }

    // MARK: - Writes

    /// `PUT …/models/{name}` with `{"properties": properties}`; a registry's operation is polled to its end.
    /// Returns the container as it is afterwards.
    public func putModel(name: String, properties: [String: JSONValue]) async throws -> JSONValue {
        let operation = prefix + "ModelContainers_CreateOrUpdate"
        let url = modelURL(name)
        let response = try await send(.PUT, url, body: ["properties": .object(properties)], operation: operation)
        return try await finish(response, originalURL: url, operation: operation)
    }

    /// `PUT …/models/{name}/versions/{version}`: the client chooses `version`. A registry's operation is
    /// polled to its end. Returns the version as it is afterwards.
    public func putVersion(model: String, version: String, properties: [String: JSONValue]) async throws -> JSONValue {
        let operation = prefix + "ModelVersions_CreateOrUpdate"
        let url = versionURL(model: model, version: version)
        let response = try await send(.PUT, url, body: ["properties": .object(properties)], operation: operation)
        return try await finish(response, originalURL: url, operation: operation)
    }

    // MARK: - Long-running operations

    /// Polls `Azure-AsyncOperation` (on any 2xx) until `Succeeded` and then reads `originalURL`, or polls the
    /// `Location` of a 202 until it stops answering 202; a synchronous answer is returned as is.
    func finish(_ response: TransportResponse, originalURL: String, operation: String) async throws -> JSONValue {
        let asyncURL = response.header("Azure-AsyncOperation").flatMap { $0.isEmpty ? nil : $0 }
        let location = response.header("Location").flatMap { $0.isEmpty ? nil : $0 }
        // ARM: a 200/201 carrying Azure-AsyncOperation, or a 202 carrying Location, is still running.
        guard asyncURL != nil || (response.status == 202 && location != nil) else {
            return try json(response, operation: operation)
        }
        var last = response
        if let asyncURL {
            let statusURL = try checkedLink(asyncURL, operation: operation)
            for _ in 0..<maxPolls {
                try await sleep(pollDelay(after: last))
                let poll = try await send(.GET, statusURL, operation: operation + " (operation status)")
                let body = try json(poll, operation: operation + " (operation status)")
                switch body["status"]?.stringValue?.lowercased() {
                case "succeeded"?:
                    let final = try await send(.GET, originalURL, operation: operation + " (final state)")
                    return try json(final, operation: operation + " (final state)")
                case "failed"?, "canceled"?, "cancelled"?:
                    let status = body["status"]?.stringValue ?? "Failed"
                    throw RegistryError(
                        code: .serverError, registry: registry, operation: operation,
                        providerCode: body["error"]?["code"]?.stringValue,
                        message: "the long-running operation ended \(status): "
                            + (body["error"]?["message"]?.stringValue ?? "no error message"))
                default:
                    last = poll
                }
            }
        } else if let location {
            var url = try checkedLink(location, operation: operation)
            for _ in 0..<maxPolls {
                try await sleep(pollDelay(after: last))
                let poll = try await send(.GET, url, operation: operation + " (operation result)")
                if poll.status == 202 {
                    if let next = poll.header("Location"), !next.isEmpty { url = try checkedLink(next, operation: operation) }
                    last = poll
                    continue
                }
                if poll.body.isEmpty {
                    return try json(try await send(.GET, originalURL, operation: operation + " (final state)"), operation: operation)
                }
                return try json(poll, operation: operation + " (operation result)")
            }
        }
        throw RegistryError(
            code: .timeout, registry: registry, operation: operation,
            message: "the long-running operation did not finish after \(maxPolls) polls")
    }

    func pollDelay(after response: TransportResponse) -> Duration {
        RetryPolicy(maxServerDelay: maxPollInterval).serverRequestedDelay(in: response, now: Date()) ?? defaultPollInterval
    }

    // MARK: - Any call

    /// Sends one call; a non-2xx status throws `RegistryError` (ARM's `error.code` as `providerCode`). A 401
    /// calls `reauthenticate` once and sends the call again.
    func send(_ method: HTTPMethod, _ url: String, body: JSONValue? = nil, operation: String) async throws -> TransportResponse {
        var request = TransportRequest(
            method: method, url: url, headers: [("Accept", "application/json")], registry: registry, operation: operation,
            retrySafe: method.isIdempotent)
        if let body {
            request.body = Array(body.jsonString().utf8)
            request.setHeader("Content-Type", "application/json")
        }
        var response = try await deliver(request)
        if response.status == 401, let reauthenticate {
            await reauthenticate()
            response = try await deliver(request)
        }
        guard response.isSuccess else { throw RegistryError(response: response, request: request) }
        return response
    }

    private func deliver(_ request: TransportRequest) async throws -> TransportResponse {
        do {
            return try await transport.send(request)
        } catch let error as RegistryError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw RegistryError(
                code: .transport, registry: registry, operation: request.operation ?? request.url, message: "\(error)",
                underlying: error)
        }
    }

    func json(_ response: TransportResponse, operation: String) throws -> JSONValue {
        if response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .object([:]) }
        do {
            return try JSONValue.parse(Data(response.body))
        } catch {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "the answer is not JSON: \(Self.excerpt(response.bodyText))", attempts: response.attempts)
        }
    }

    private func page(_ response: TransportResponse, operation: String) throws -> Page {
        let body = try json(response, operation: operation)
        guard let object = body.objectValue else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "expected a JSON object, got \(Self.excerpt(body.jsonString()))")
        }
        let items: [JSONValue]
        switch object["value"] {
        case nil, .null?: items = []
        case .array(let array)?: items = array
        case let other?:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "'value' is not an array: \(Self.excerpt(other.jsonString()))")
        }
        let next: String?
        switch object["nextLink"] {
        case nil, .null?: next = nil
        case .string(let text)?: next = text.isEmpty ? nil : text
        case let other?:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "'nextLink' is not a string: \(Self.excerpt(other.jsonString()))")
        }
        return Page(items: items, nextLink: next)
    }

    /// A link from ARM (`nextLink`, operation URLs), kept verbatim but only on `baseURL`'s origin: the bearer
    /// token is added to every call, so a link elsewhere is refused.
    func checkedLink(_ link: String, operation: String) throws -> String {
        guard let origin = Self.origin(of: link), origin == Self.origin(of: baseURL) else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation,
                message: "ARM returned a link to another host (\(Redactor.redact(url: link))); it is not followed with "
                    + "this registry's token. Set 'endpoint' to the host ARM answers from.")
        }
        return link
    }

    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased()
        else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return "\(scheme)://\(host):\(port)"
    }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func excerpt(_ text: String, limit: Int = 300) -> String {
        Redactor.excerpt(body: text, limit: limit)  // secrets scrubbed (issue 15 item 14)
    }
}
