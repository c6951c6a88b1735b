import Foundation
import ModelGateConfig
import ModelGateCore
import ModelGateTransport

/// `modelgate request REGISTRY METHOD PATH`: one authenticated call, with the fixed parts of each kind added
/// where the user leaves them out (DESIGN §4).
public struct RawRequest: Sendable {
    /// The `api-version` added to Azure Resource Manager calls without one.
    public static let azureAPIVersion = "2025-12-01"

    public var method: HTTPMethod
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: HTTPMethod, path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The request for `config`: PATH joined to the registry's API base (an absolute URL is taken as is).
    ///
    /// An absolute URL must have the registry's own origin (scheme, host and port of its API base): the registry's
    /// credentials are never sent anywhere else, so another origin is refused (issue 15 item 14) rather than sent
    /// without them (which would fail with a misleading 401, or leak nothing but still reach a host nobody configured).
    public func transportRequest(for config: RegistryConfig) throws -> TransportRequest {
        var url: String
        if path.lowercased().hasPrefix("http://") || path.lowercased().hasPrefix("https://") {
            url = path
            let own = RedirectingTransport.origin(of: config.baseURL)
            let asked = RedirectingTransport.origin(of: url)
            guard own == asked else {
                throw RegistryError(
                    code: .configuration, registry: config.name, operation: "\(method.rawValue) \(Redactor.redact(url: url))",
                    message: "\(Redactor.redact(url: asked)) is not the registry's own origin (\(Redactor.redact(url: own))); "
                        + "its credentials are sent only there. Give a path relative to the registry's API base, or "
                        + "use another HTTP client for other hosts")
            }
        } else {
            url = config.baseURL + (path.hasPrefix("/") ? path : "/" + path)
        }
        var request = TransportRequest(
            method: method, url: url, headers: headers, body: body, registry: config.name,
            operation: "\(method.rawValue) \(path)",
            // The user asked for exactly one call; a POST is repeated only if the server never saw it.
            retrySafe: false)
        switch config.kind {
        case .sagemaker:
            if request.header("Content-Type") == nil {
                request.setHeader("Content-Type", "application/x-amz-json-1.1")
            }
            if let target = request.header("X-Amz-Target") { request.operation = target }
        case .azureml:
            if !Self.hasQueryParameter("api-version", in: url) {
                request.url = url + (url.contains("?") ? "&" : "?") + "api-version=\(Self.azureAPIVersion)"
            }
        case .mlflow, .gitlab, .wandb, .vertex:
            break
        }
        if !body.isEmpty, request.header("Content-Type") == nil {
            request.setHeader("Content-Type", "application/json")
        }
        return request
    }

    static func hasQueryParameter(_ name: String, in url: String) -> Bool {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return false }
        return query.split(separator: "&").contains { $0.split(separator: "=", maxSplits: 1).first.map(String.init) == name }
    }

    /// The `--dry-run` text: `METHOD URL`, one `Name: value` line per header, a blank line, the body.
    /// Secrets print as `***`: bearer tokens, basic credentials, session tokens, secret query parameters, and
    /// secret fields of a JSON body. A SigV4 `Authorization` is shown whole: it holds the access key id
    /// (not a secret) and a signature valid for this request only.
    public static func dryRunText(_ request: TransportRequest) -> String {
        var lines = ["\(request.method.rawValue) \(Redactor.redact(url: request.url))"]
        let redactor = Redactor(for: request)
        for header in request.headers {
            let value: String
            let name = header.name.lowercased()
            if name == "authorization" {
                value = redactAuthorization(header.value)
            } else if publicSigningHeaders.contains(name) {
                // Marked sensitive by the signer so a cross-host redirect drops them, but not secret.
                value = header.value
            } else {
                value = redactor.redact(headerValue: header.value, name: header.name)
            }
            lines.append("\(header.name): \(value)")
        }
        lines.append("")
        lines.append(Redactor.redact(text: String(decoding: request.body, as: UTF8.self)))
        return lines.joined(separator: "\n")
    }

    static let publicSigningHeaders: Set<String> = ["x-amz-date", "x-amz-content-sha256"]

    static func redactAuthorization(_ value: String) -> String {
        if value.hasPrefix("AWS4-HMAC-SHA256 ") { return value }
        if let space = value.firstIndex(of: " ") { return value[..<space] + " " + Redactor.mask }
        return Redactor.mask
    }
}
