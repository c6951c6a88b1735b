import Foundation
import ModelGateCore

/// Follows redirects itself (libcurl's are off): 301, 302, 303, 307 and 308, at most `maxHops` hops.
///
/// - 303 (for anything but HEAD), and 301/302 after a POST, continue as a GET without a body.
/// - A request that still has a body (a 307/308) is never sent to another origin: that throws
///   `RegistryError.Code.redirectLimit` instead.
/// - When the origin (scheme, host, port) changes, the credentials go: every header in
///   `request.sensitiveHeaders` plus `credentialHeaders` (Authorization, cookies, SigV4 headers, tokens).
///   They are not added back on later hops, even if a hop returns to the first host.
/// - More than `maxHops` hops, or a hop to a URL already visited, throws `RegistryError.Code.redirectLimit`.
/// - A 3xx without `Location` is returned as is. The response's `url` is the one that answered.
public struct RedirectingTransport: HTTPTransport {
    /// Headers always dropped on a hop to another origin.
    public static let credentialHeaders: [String] = [
        "Authorization", "Proxy-Authorization", "Cookie", "X-Amz-Security-Token", "X-Amz-Date",
        "X-Amz-Content-Sha256", "PRIVATE-TOKEN", "x-api-key",
    ]
    /// The statuses followed.
    public static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The transport each hop goes through (libcurl with redirects off).
    public let inner: any HTTPTransport
    /// The most redirects followed for one request.
    public let maxHops: Int

    /// Follows at most `maxHops` redirects answered by `inner`.
    public init(_ inner: any HTTPTransport, maxHops: Int = 5) {
        self.inner = inner
        self.maxHops = max(0, maxHops)
    }

    /// Sends `request` and follows the redirects it gets.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var current = request
        var visited: Set<String> = ["\(request.method.rawValue) \(request.url)"]
        var hops = 0
        while true {
            var response = try await inner.send(current)
            response.url = current.url
            guard Self.redirectStatuses.contains(response.status), let location = response.header("Location"),
                !location.isEmpty
            else { return response }

            func failure(_ code: RegistryError.Code, _ message: String) -> RegistryError {
                RegistryError(
                    code: code, registry: request.registry, operation: request.operationName,
                    httpStatus: response.status, message: message, attempts: response.attempts)
            }
            guard let target = URL(string: location, relativeTo: URL(string: current.url))?.absoluteURL,
                let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else {
                throw failure(
                    .transport, "the registry redirected to an unusable location '\(Redactor.redact(url: location))'")
            }
            guard hops < maxHops else {
                throw failure(.redirectLimit, "more than \(maxHops) redirects; the last one pointed to \(Redactor.redact(url: target.absoluteString))")
            }
            hops += 1

            var next = current
            next.url = target.absoluteString
            let becomesGET =
                (response.status == 303 && current.method != .HEAD)
                || ((response.status == 301 || response.status == 302) && current.method == .POST)
            if becomesGET {
                next.method = .GET
                next.body = []
                for name in ["Content-Type", "Content-Length", "Content-Encoding", "Content-MD5", "Transfer-Encoding"] {
                    next.headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
                }
            }
            guard visited.insert("\(next.method.rawValue) \(next.url)").inserted else {
                throw failure(.redirectLimit, "redirect cycle back to \(Redactor.redact(url: next.url))")
            }
            if Self.origin(of: current.url) != Self.origin(of: next.url) {
                // A 307/308 keeps the method and the body; a body is never sent to another origin (a token request's
                // form holds the client secret or a signed assertion; a write holds the registry's data).
                guard next.body.isEmpty else {
                    throw failure(
                        .redirectLimit,
                        "the registry answered \(response.status) to another origin (\(Redactor.redact(url: Self.origin(of: next.url)))); "
                            + "ModelGate does not re-send a request body across origins. Configure the URL the registry "
                            + "redirects to, if it is the right one")
                }
                let dropped = Set((Self.credentialHeaders + ["Host"] + Array(request.sensitiveHeaders)).map { $0.lowercased() })
                next.headers.removeAll { dropped.contains($0.name.lowercased()) }
            }
            current = next
        }
    }

    /// `scheme://host:port`, lowercased, with the scheme's default port filled in.
    public static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        let scheme = components.scheme?.lowercased() ?? ""
        let host = components.host?.lowercased() ?? ""
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : 0)
        return "\(scheme)://\(host):\(port)"
    }
}
