import Foundation
import ModelGateCore

/// The provider's own error code and message, read from a non-2xx response body.
///
/// Understands MLflow `{"error_code","message"}`, AWS JSON `{"__type":"…#Code","message"|"Message"}` (and
/// the `x-amzn-ErrorType` header), AWS/moto XML `<Code>`/`<Message>` (also when served as `text/html`),
/// Google `{"error":{"code","message","status"}}`, Azure ARM `{"error":{"code","message"}}`, OAuth
/// `{"error","error_description"}`, GraphQL `{"errors":[{"message"}]}`, GitLab `{"message"}`/`{"error"}`,
/// and plain text. Anything else becomes a short trimmed excerpt. Text is scrubbed by `Redactor.redact(text:)`
/// and never longer than `maxMessageLength`.
public struct ProviderErrorDetails: Sendable, Hashable {
    /// The longest message kept, in characters.
    public static let maxMessageLength = 500

    /// `RESOURCE_DOES_NOT_EXIST`, `ThrottlingException`, `NOT_FOUND`, `ResourceNotFound`, …
    public var code: String?
    /// The provider's explanation, or a body excerpt.
    public var message: String?

    /// Details known already.
    public init(code: String? = nil, message: String? = nil) {
        self.code = code
        self.message = message
    }

    /// Parses `response`'s body (and AWS's `x-amzn-ErrorType` header).
    public init(response: TransportResponse) {
        self.init(body: response.body, contentType: response.header("Content-Type"))
        if code == nil, let type = response.header("x-amzn-ErrorType") {
            code = Self.awsCode(type)
        }
    }

    /// Parses an error body.
    public init(body: [UInt8], contentType: String? = nil) {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        if text.first == "{" || text.first == "[",
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        {
            self = Self.fromJSON(object)
            if code == nil && message == nil { message = Self.excerpt(text) }
        } else if text.first == "<" {
            self = Self.fromMarkup(text)
        } else {
            message = Self.excerpt(text)
        }
        code = code.map { Self.clip(Redactor.redact(text: $0), to: 120) }
        message = message.map { Self.clip(Redactor.redact(text: $0), to: Self.maxMessageLength) }
    }

    private static func fromJSON(_ object: Any) -> Self {
        guard let dictionary = object as? [String: Any] else {
            return Self(message: excerpt(render(object)))
        }
        func string(_ key: String, in dictionary: [String: Any]) -> String? {
            guard let value = dictionary[key] else { return nil }
            if let text = value as? String { return text.isEmpty ? nil : text }
            if value is NSNull { return nil }
            return render(value)
        }
        let message = string("message", in: dictionary) ?? string("Message", in: dictionary)
            ?? string("errorMessage", in: dictionary)
        // MLflow.
        if let code = string("error_code", in: dictionary) {
            return Self(code: code, message: message)
        }
        // AWS JSON protocols.
        if let type = string("__type", in: dictionary) ?? string("code", in: dictionary)
            ?? string("Code", in: dictionary)
        {
            return Self(code: awsCode(type), message: message)
        }
        // Google / Azure ARM: {"error": {...}}; OAuth and GitLab: {"error": "..."}.
        if let error = dictionary["error"] as? [String: Any] {
            let inner = string("message", in: error) ?? string("Message", in: error)
            if let status = error["status"] as? String { return Self(code: status, message: inner) }
            if let code = error["code"] as? String { return Self(code: code, message: inner) }
            if let code = error["code"] as? Int { return Self(code: String(code), message: inner) }
            return Self(message: inner ?? render(error))
        }
        if let error = string("error", in: dictionary) {
            if let description = string("error_description", in: dictionary) {
                return Self(code: error, message: description)
            }
            return Self(message: message.map { "\(error): \($0)" } ?? error)
        }
        // GraphQL.
        if let errors = dictionary["errors"] as? [Any] {
            var messages: [String] = []
            var code: String?
            for case let entry as [String: Any] in errors {
                if let text = string("message", in: entry) { messages.append(text) }
                if code == nil, let extensions = entry["extensions"] as? [String: Any] {
                    code = string("code", in: extensions)
                }
            }
            if !messages.isEmpty { return Self(code: code, message: messages.joined(separator: "; ")) }
            if let strings = errors as? [String], !strings.isEmpty {
                return Self(message: strings.joined(separator: "; "))
            }
        }
        // GitLab: {"message": "..."} or {"message": {"field": ["problem"]}}.
        return Self(message: message)
    }

    /// `com.amazonaws.sagemaker#ValidationException` → `ValidationException`;
    /// `ValidationException:http://internal…` → `ValidationException`.
    private static func awsCode(_ type: String) -> String {
        var code = Substring(type)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return code.trimmingCharacters(in: .whitespaces)
    }

    private static func fromMarkup(_ text: String) -> Self {
        let code = element("Code", in: text)
        var message = element("Message", in: text)
        if code == nil && message == nil {
            // An HTML error page: its title, or its text without tags.
            message = element("title", in: text) ?? excerpt(stripTags(text))
        }
        return Self(code: code, message: message)
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>", options: .caseInsensitive),
            let close = text.range(of: "</\(name)>", options: .caseInsensitive, range: open.upperBound..<text.endIndex)
        else { return nil }
        let value = unescapeXML(String(text[open.upperBound..<close.lowerBound]))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    private static func unescapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func stripTags(_ text: String) -> String {
        var result = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true } else if character == ">" { inTag = false; result.append(" ") } else if !inTag {
                result.append(character)
            }
        }
        return result
    }

    private static func render(_ value: Any) -> String {
        if let text = value as? String { return text }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whitespace collapsed, clipped.
    static func excerpt(_ text: String) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return clip(collapsed, to: maxMessageLength)
    }

    private static func clip(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

extension RegistryError {
    /// The error for a non-2xx `response` to `request`: a code chosen by status (and, for a generic 400,
    /// by the provider code), the provider's code and message, and the attempts made. Never includes
    /// request headers.
    ///
    /// 401 unauthorized, 403 forbidden, 404/410 notFound, 409/412 conflict, 400/422 and other 4xx
    /// invalidRequest, 429 rateLimited, 5xx serverError.
    public init(response: TransportResponse, request: TransportRequest) {
        let details = ProviderErrorDetails(response: response)
        var code = Self.code(forStatus: response.status)
        if let providerCode = details.code, let precise = Self.code(forProviderCode: providerCode) {
            // AWS answers bad signatures with 403 as well as 400: a credentials problem, not a permission one.
            if response.status == 400 || (response.status == 403 && precise == .unauthorized) { code = precise }
        }
        var message = details.message ?? ""
        if message.isEmpty {
            message = Self.reasonPhrases[response.status] ?? "unexpected HTTP status"
        }
        self.init(
            code: code, registry: request.registry, operation: request.operationName, httpStatus: response.status,
            providerCode: details.code, message: message, attempts: response.attempts)
    }

    private static let reasonPhrases: [Int: String] = [
        400: "bad request", 401: "unauthorized", 403: "forbidden", 404: "not found", 405: "method not allowed",
        409: "conflict", 410: "gone", 412: "precondition failed", 413: "request too large",
        422: "unprocessable request", 429: "too many requests", 500: "internal server error", 502: "bad gateway",
        503: "service unavailable", 504: "gateway timeout",
    ]

    /// The code for an HTTP status.
    public static func code(forStatus status: Int) -> Code {
        switch status {
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404, 410: return .notFound
        case 409, 412: return .conflict
        case 429: return .rateLimited
        case 400..<500: return .invalidRequest
        case 500..<600: return .serverError
        default: return .malformedPayload
        }
    }

    /// A more precise code for well-known provider codes that arrive with a generic status (AWS uses 400
    /// for throttling, missing resources and bad signatures alike; MLflow for "already exists").
    public static func code(forProviderCode providerCode: String) -> Code? {
        if RetryPolicy.throttlingCodes.contains(providerCode) { return .rateLimited }
        switch providerCode {
        case "ResourceNotFoundException", "ResourceNotFound", "RESOURCE_DOES_NOT_EXIST", "NoSuchKey", "NoSuchBucket",
            "NOT_FOUND", "NotFound":
            return .notFound
        case "ConflictException", "ResourceInUse", "ResourceInUseException", "RESOURCE_ALREADY_EXISTS",
            "ALREADY_EXISTS", "ResourceAlreadyExists", "Conflict":
            return .conflict
        case "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
            "ExpiredTokenException", "ExpiredToken", "InvalidClientTokenId", "IncompleteSignature",
            "MissingAuthenticationToken", "UNAUTHENTICATED", "invalid_grant", "invalid_client":
            return .unauthorized
        case "AccessDeniedException", "AccessDenied", "PERMISSION_DENIED", "AuthorizationFailed":
            return .forbidden
        default:
            return nil
        }
    }
}
