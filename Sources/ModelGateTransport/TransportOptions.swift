import Foundation

/// How `CurlTransport` talks to a registry: limits, TLS, HTTP version and proxies.
public struct TransportOptions: Sendable {
    /// Which HTTP version to ask for.
    public enum HTTPVersion: Sendable, Hashable {
        /// HTTP/1.1 only.
        case http1_1
        /// HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 for plain `http://` URLs.
        case http2
    }

    /// Longest time to establish a connection (DNS, TCP and TLS handshake).
    public var connectTimeout: Duration
    /// Longest time for one whole exchange, connection included.
    public var totalTimeout: Duration
    /// Largest response body accepted; a bigger one fails with `RegistryError.Code.tooLarge`.
    public var maxResponseBytes: Int
    /// A PEM file of trusted CA certificates, replacing the system bundle (for a request that
    /// `requiresSystemTrust`, added to the system bundle instead).
    public var caBundlePath: String?
    /// Turns off TLS certificate and host-name verification. Only for local test servers; it is never
    /// the default and nothing else turns verification off. Requests that `requiresSystemTrust` (token
    /// endpoints) are verified all the same.
    public var insecureSkipTLSVerify: Bool
    /// HTTP/2 over TLS by default.
    public var httpVersion: HTTPVersion
    /// Which proxy to use for which URL; `ProxyConfiguration.environment()` reads the standard variables.
    public var proxy: ProxyConfiguration
    /// Sent when the request has no `User-Agent` header.
    public var userAgent: String

    /// - Parameters:
    ///   - connectTimeout: default 10 s.
    ///   - totalTimeout: default 120 s.
    ///   - maxResponseBytes: default 64 MiB.
    ///   - proxy: default: the process environment (`https_proxy`, `http_proxy`, `no_proxy`, …).
    public init(
        connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(120),
        maxResponseBytes: Int = 64 << 20, caBundlePath: String? = nil, insecureSkipTLSVerify: Bool = false,
        httpVersion: HTTPVersion = .http2, proxy: ProxyConfiguration = .environment(),
        userAgent: String = "modelgate"
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.caBundlePath = caBundlePath
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.httpVersion = httpVersion
        self.proxy = proxy
        self.userAgent = userAgent
    }
}

/// Which proxy a URL goes through.
///
/// Built from an environment dictionary the way libcurl reads it: `https_proxy` / `HTTPS_PROXY` for
/// `https://` URLs, lowercase `http_proxy` only for `http://` URLs (uppercase `HTTP_PROXY` is ignored on
/// purpose, as libcurl does, because CGI servers set it from a request header), and `no_proxy` /
/// `NO_PROXY` as a comma-separated list of host names, domain suffixes, IP addresses or `*`.
/// `CurlTransport` applies the result itself, so libcurl never reads the process environment.
public struct ProxyConfiguration: Sendable, Hashable {
    /// Proxy URL for `http://` requests.
    public var httpProxy: String?
    /// Proxy URL for `https://` requests.
    public var httpsProxy: String?
    /// Hosts reached directly: exact names, domain suffixes (`example.com` matches `a.example.com`;
    /// a leading `.` or `*.` is ignored), IP addresses, or `*` for every host.
    public var noProxy: [String]

    /// An explicit configuration (no environment involved).
    public init(httpProxy: String? = nil, httpsProxy: String? = nil, noProxy: [String] = []) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
    }

    /// No proxy for any URL.
    public static var none: Self { Self() }

    /// Reads the proxy variables from `environment` (default: this process's environment).
    public static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        func value(_ names: String...) -> String? {
            for name in names {
                if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }
        let noProxy = (value("no_proxy", "NO_PROXY") ?? "")
            .split(whereSeparator: { $0 == "," || $0 == " " })
            .map(String.init)
        return Self(httpProxy: value("http_proxy"), httpsProxy: value("https_proxy", "HTTPS_PROXY"), noProxy: noProxy)
    }

    /// The proxy URL to use for `url`, or `nil` to connect directly.
    public func proxy(for url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return nil
        }
        let candidate: String?
        switch scheme {
        case "https": candidate = httpsProxy
        case "http": candidate = httpProxy
        default: candidate = nil
        }
        guard let candidate, !candidate.isEmpty else { return nil }
        if let host = components.host, bypassesProxy(host: host) { return nil }
        return candidate
    }

    /// Whether `host` matches an entry of `noProxy`.
    public func bypassesProxy(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        for rawEntry in noProxy {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix("*.") { entry.removeFirst(2) } else if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasPrefix("[") && entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
            if entry.hasSuffix(".") { entry.removeLast() }
            guard !entry.isEmpty else { continue }
            if host == entry { return true }
            // IP addresses match exactly; names also match as a domain suffix.
            let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
            if !isAddress && host.hasSuffix("." + entry) { return true }
        }
        return false
    }
}
