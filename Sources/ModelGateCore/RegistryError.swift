/// What every adapter, the transport and the credential providers throw when a registry call fails.
///
/// `description` names the registry, the call, the HTTP status, the provider's own error code and
/// message, and what to do. It never holds a secret: callers must pass redacted text only.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// A stable code callers can switch on; new codes can be added without breaking anyone.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case unauthorized, forbidden, notFound, conflict, invalidRequest, rateLimited, serverError, timeout
            case transport, malformedPayload, tooLarge, redirectLimit, configuration, credentials, cancelled
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// 401, or a signature the registry refused.
        public static var unauthorized: Self { Self(.unauthorized) }
        /// 403: authenticated, but not allowed.
        public static var forbidden: Self { Self(.forbidden) }
        /// 404, or a provider code saying the object does not exist.
        public static var notFound: Self { Self(.notFound) }
        /// 409 or "already exists".
        public static var conflict: Self { Self(.conflict) }
        /// 400 and other refusals of the request itself.
        public static var invalidRequest: Self { Self(.invalidRequest) }
        /// 429 or a provider throttling code.
        public static var rateLimited: Self { Self(.rateLimited) }
        /// 5xx.
        public static var serverError: Self { Self(.serverError) }
        /// The call did not finish within the configured connect or total timeout.
        public static var timeout: Self { Self(.timeout) }
        /// Connection refused or reset, DNS, TLS.
        public static var transport: Self { Self(.transport) }
        /// The registry answered with something that does not parse as documented.
        public static var malformedPayload: Self { Self(.malformedPayload) }
        /// The response was larger than the configured cap.
        public static var tooLarge: Self { Self(.tooLarge) }
        /// The registry redirected more times than the transport follows.
        public static var redirectLimit: Self { Self(.redirectLimit) }
        /// The registry's configuration cannot work (a missing key, a bad URL).
        public static var configuration: Self { Self(.configuration) }
        /// No credentials could be found or they could not be used (expired, unreadable key).
        public static var credentials: Self { Self(.credentials) }
        /// The call was abandoned because its task was cancelled; not a registry fault.
        public static var cancelled: Self { Self(.cancelled) }

        /// The code's camelCase name: `notFound`, `rateLimited`, `malformedPayload`, ….
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is; decides `isRetryable` and `hint`.
    public var code: Code
    /// The configured registry name (`mlflow-prod`).
    public var registry: String
    /// The call, e.g. `GET /api/2.0/mlflow/registered-models/search` or `SageMaker.ListModelPackages`.
    public var operation: String
    /// The HTTP status the registry answered with; nil when no response arrived (transport, timeout, credentials).
    public var httpStatus: Int?
    /// The provider's own error code (`RESOURCE_DOES_NOT_EXIST`, `ValidationException`, `NOT_FOUND`, …).
    public var providerCode: String?
    /// What happened and what to do. Never a secret.
    public var message: String
    /// How many attempts were made (1 means no retry happened).
    public var attempts: Int
    /// The error this one wraps (a transport or decoding error), kept for debugging; never shown to users.
    public var underlying: (any Error & Sendable)?

    /// An error for `operation` on `registry`; `message` must already be redacted.
    public init(
        code: Code, registry: String, operation: String, httpStatus: Int? = nil, providerCode: String? = nil,
        message: String, attempts: Int = 1, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.registry = registry
        self.operation = operation
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.message = message
        self.attempts = attempts
        self.underlying = underlying
    }

    /// One line: registry, call, HTTP status, provider code, message, attempt count and, when the message lacks it, the hint.
    public var description: String {
        var text = "\(registry): \(operation) failed"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        text += ": "
        if let providerCode, !providerCode.isEmpty { text += "\(providerCode): " }
        text += message
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let hint, !message.contains(hint) {
            while text.hasSuffix(".") { text.removeLast() }
            text += ". \(hint)"
        }
        return text
    }

    /// Whether the same call may succeed if tried again later.
    public var isRetryable: Bool {
        [.rateLimited, .serverError, .timeout, .transport].contains(code)
    }

    /// A short suggestion of what to do, by code.
    public var hint: String? {
        switch code {
        case .unauthorized: return "Check the credentials configured for '\(registry)'"
        case .forbidden: return "The credentials for '\(registry)' lack permission for this call"
        case .rateLimited: return "The registry is throttling; lower sync.concurrency or retry later"
        case .transport, .timeout: return "Check that '\(registry)' is reachable (url/endpoint, proxy, network)"
        case .tooLarge: return "The response exceeded the size cap"
        default: return nil
        }
    }
}
