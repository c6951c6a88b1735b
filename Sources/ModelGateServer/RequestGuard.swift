import Foundation
import HTTPTypes

/// The checks a request passes before it is routed, and the headers every answer carries (issue 15 items 2, 3, 7).
enum RequestGuard {
    // MARK: Canonical paths

    /// Why `path` is not canonical, or nil when it is: the router ignores empty segments, so `//api/v1/audit`
    /// would reach `/api/v1/audit`; such paths, `.`/`..` segments and encoded slashes are refused, never routed.
    static func nonCanonicalReason(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "the path must start with '/'" }
        if path == "/" { return nil }
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "the path has an empty segment ('//' or a trailing '/')" }
            let lower = segment.lowercased()
            if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
                return "the path has an encoded '/', '\\' or NUL"
            }
            guard let decoded = segment.removingPercentEncoding else { return "the path has a malformed %-escape" }
            if decoded == "." || decoded == ".." { return "the path has a '.' or '..' segment" }
        }
        return nil
    }

    // MARK: Host (DNS rebinding)

    /// The host names a server without tokens answers to: it listens on loopback only, and a browser tricked by
    /// DNS rebinding into calling it sends the attacker's host name.
    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// Whether `authority` (a `Host` header) is `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
    static func isLoopbackAuthority(_ authority: String) -> Bool {
        let host: Substring
        let rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[...close]
            rest = authority[authority.index(after: close)...]
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            rest = authority[colon...]
        } else {
            host = authority[...]
            rest = ""
        }
        if !rest.isEmpty {
            let port = rest.dropFirst()
            guard rest.first == ":", (1...5).contains(port.count), port.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return false
            }
        }
        return loopbackHosts.contains(host.lowercased())
    }

    // MARK: Request ids and headers

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// The pages' policy: no scripts, no frames, nothing fetched from elsewhere; inline `<style>` and inline SVG
    /// (which is markup, not a fetched image) keep working, and the filter forms submit to this server.
    static let htmlPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    /// Every other answer is data: nothing in it may run or be framed.
    static let dataPolicy = "default-src 'none'; frame-ancestors 'none'"

    /// A fresh id for one request (16 hex digits), for the logs and the `X-Request-Id` header.
    static func makeRequestID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Adds the headers every answer carries: the request id, `nosniff`, and a content security policy.
    static func harden(_ headers: inout HTTPFields, requestID: String) {
        headers[requestIDHeader] = requestID
        headers[contentTypeOptions] = "nosniff"
        let isHTML = headers[.contentType]?.lowercased().hasPrefix("text/html") == true
        headers[contentSecurityPolicy] = isHTML ? htmlPolicy : dataPolicy
        headers[frameOptions] = "DENY"
        headers[referrerPolicy] = "no-referrer"
    }
}
