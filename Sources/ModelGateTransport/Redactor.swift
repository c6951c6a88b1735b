import Foundation

/// Hides secrets before anything is logged, printed or put in an error message.
///
/// - Header values of sensitive names (`Authorization`, `Proxy-Authorization`, `Cookie`,
///   `X-Amz-Security-Token`, `PRIVATE-TOKEN`, `x-api-key`, plus the request's own `sensitiveHeaders`) become `***`.
/// - URL query (and fragment) parameters whose names look secret (`token`, `access_token`, `api_key`, `key`,
///   `password`, `secret`, `sig`, `signature`, `X-Amz-Signature`, `X-Amz-Credential`, `client_secret`,
///   `assertion`, …) keep their name and lose their value; user information (`user:pass@`) becomes `***@`.
///
/// Free text (``redact(text:)``) also loses PEM private keys, `private_key` JSON fields, bare JWTs and `sig=` values
/// (Azure SAS); ``excerpt(body:limit:)`` is the one way to quote a response body in a message.
///
/// `modelgate request --dry-run`, the transport's logs and its error messages all go through it.
public struct Redactor: Sendable {
    /// What a hidden value is replaced with.
    public static let mask = "***"

    /// Header names (lowercased) whose values are always secret.
    public static let sensitiveHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token", "private-token",
        "x-api-key", "job-token", "x-goog-api-key", "ocp-apim-subscription-key",
    ]

    /// Query parameter names (lowercased) whose values are always secret.
    public static let sensitiveQueryNames: Set<String> = [
        "token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "api-key", "key", "password",
        "passwd", "secret", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
        "client_secret", "assertion", "client_assertion", "sig", "code", "private_token", "auth",
    ]

    /// Extra sensitive header names for one request (lowercased).
    public var extraSensitiveHeaders: Set<String>

    /// A redactor that also hides the values of `sensitiveHeaders`.
    public init(sensitiveHeaders: Set<String> = []) {
        extraSensitiveHeaders = Set(sensitiveHeaders.map { $0.lowercased() })
    }

    /// A redactor for `request`, which also hides the headers it declares sensitive.
    public init(for request: TransportRequest) {
        self.init(sensitiveHeaders: request.sensitiveHeaders)
    }

    /// Whether the value of header `name` must be hidden.
    public func isSensitive(header name: String) -> Bool {
        let name = name.lowercased()
        return Self.sensitiveHeaderNames.contains(name) || extraSensitiveHeaders.contains(name)
    }

    /// `value`, or `***` when `name` is a sensitive header.
    public func redact(headerValue value: String, name: String) -> String {
        isSensitive(header: name) ? Self.mask : value
    }

    /// The headers with sensitive values replaced by `***` (names and order kept).
    public func redact(headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.map { (name: $0.name, value: redact(headerValue: $0.value, name: $0.name)) }
    }

    /// Whether a query parameter called `name` holds a secret.
    public static func isSensitive(queryParameter name: String) -> Bool {
        let name = (name.removingPercentEncoding ?? name).lowercased()
        if sensitiveQueryNames.contains(name) { return true }
        for word in ["token", "secret", "password", "passwd", "signature", "credential", "apikey", "api_key"]
        where name.contains(word) {
            return true
        }
        return name.hasSuffix("_key") || name.hasSuffix("-key")
    }

    /// `url` with user information and secret query or fragment parameters replaced by `***`.
    public static func redact(url: String) -> String {
        var rest = Substring(url)
        var result = ""
        if let schemeEnd = rest.range(of: "://") {
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                result += Self.mask + authority[at...]
            } else {
                result += authority
            }
            rest = rest[authorityEnd...]
        }
        var fragment: Substring?
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            result += rest[...question]
            result += redact(parameters: rest[rest.index(after: question)...])
        } else {
            result += rest
        }
        if let fragment {
            result += "#" + (fragment.contains("=") ? redact(parameters: fragment) : String(fragment))
        }
        return result
    }

    private static func redact(parameters: Substring) -> String {
        parameters.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals]
            return isSensitive(queryParameter: String(name)) ? "\(name)=\(mask)" : String(pair)
        }.joined(separator: "&")
    }

    /// The path of `url` without query or fragment (`/` when empty); used to name operations.
    public static func path(of url: String) -> String {
        var rest = Substring(url)
        if let schemeEnd = rest.range(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            rest = rest[authorityEnd...]
        }
        let end = rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex
        let path = rest[..<end]
        return path.isEmpty ? "/" : String(path)
    }

    /// Scrubs free text (a provider's error body, libcurl's message): URLs are redacted as above,
    /// `Bearer …`/`Basic …` credentials, `name=value` pairs and JSON string fields with secret-looking
    /// names lose their values.
    public static func redact(text: String) -> String {
        var text = text
        // URLs first, so their query parameters are handled by the URL rules.
        if let urlPattern = try? NSRegularExpression(pattern: #"[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+"#) {
            let matches = urlPattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
            for match in matches.reversed() {
                guard let range = Range(match.range, in: text) else { continue }
                text.replaceSubrange(range, with: redact(url: String(text[range])))
            }
        }
        let secretName = #"[A-Za-z0-9_.-]*(?:token|secret|password|passwd|signature|credential|assertion|api_?key|apikey|private_?key)[A-Za-z0-9_.-]*"#
        let rules: [(pattern: String, template: String)] = [
            // A PEM private key, whole (a service-account key pasted into a message).
            (#"-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"#, mask),
            // A bare JWT (an access token or a signed assertion): three base64url segments, the first a JSON header.
            (#"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"#, mask),
            // An Azure SAS signature anywhere (`…&sig=…`), in a URL or not.
            (#"(?i)(\bsig=)(?!\*\*\*)[^&\s"'<>]+"#, "$1\(mask)"),
            (#"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{6,}"#, "$1$2\(mask)"),
            // Base64 credentials: something no English word after "Basic" looks like (a digit, + or /, or
            // a capital letter inside).
            (#"\b(Basic)(\s+)(?=[A-Za-z0-9+/]*(?:[0-9+/]|[a-z][A-Z]))[A-Za-z0-9+/]{6,}={0,2}"#, "$1$2\(mask)"),
            // Header lines quoted in text: everything after the colon.
            (#"(?i)\b((?:proxy-)?authorization|x-api-key|private-token|cookie|x-amz-security-token)(\s*+:\s*+)(?!(?:bearer |basic )?\*\*\*)[^\r\n]+"#, "$1$2\(mask)"),
            (#"(?i)("\#(secretName)"\s*:\s*)"(?:[^"\\]|\\.)*""#, "$1\"\(mask)\""),
            (#"(?i)(\b\#(secretName)=)(?!\*\*\*)[^&\s"'<>]+"#, "$1\(mask)"),
        ]
        for rule in rules {
            guard let regex = try? NSRegularExpression(pattern: rule.pattern) else { continue }
            text = regex.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: rule.template)
        }
        return text
    }

    /// A short one-line excerpt of a response body for an error message (a 2xx answer that is not the JSON
    /// expected, an HTML page): scrubbed by ``redact(text:)``, whitespace collapsed, clipped to `limit` characters.
    public static func excerpt(body text: String, limit: Int = 300) -> String {
        let collapsed = redact(text: text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit)) + "…" : collapsed
    }

    /// A one-glance description of `request` with every secret hidden: method, URL, headers, body size.
    /// (`modelgate request --dry-run` prints more: see `RawRequest.dryRunText`.)
    public func describe(_ request: TransportRequest) -> String {
        var lines = ["\(request.method.rawValue) \(Self.redact(url: request.url))"]
        let redactor = Redactor(sensitiveHeaders: extraSensitiveHeaders.union(request.sensitiveHeaders))
        for header in redactor.redact(headers: request.headers) {
            lines.append("\(header.name): \(header.value)")
        }
        if !request.body.isEmpty { lines.append("(body: \(request.body.count) bytes)") }
        return lines.joined(separator: "\n")
    }
}
