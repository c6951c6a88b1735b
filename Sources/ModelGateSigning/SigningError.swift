import CModelGateOpenSSL

/// What the signing layer throws: a bad key or certificate, a malformed token, a signature that does not verify.
///
/// Messages name what was wrong and never hold key material, secrets or token contents.
public struct SigningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidKey, invalidCertificate, malformedToken, signatureMismatch, unsupportedAlgorithm
            case invalidInput, cryptoFailure
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A PEM private or public key that cannot be read, is encrypted, or is not RSA.
        public static var invalidKey: Self { Self(.invalidKey) }
        /// A PEM certificate that cannot be read.
        public static var invalidCertificate: Self { Self(.invalidCertificate) }
        /// A JWT that is not three base64url parts of JSON objects.
        public static var malformedToken: Self { Self(.malformedToken) }
        /// The signature does not verify with the given key.
        public static var signatureMismatch: Self { Self(.signatureMismatch) }
        /// A JWT `alg` other than RS256 or PS256.
        public static var unsupportedAlgorithm: Self { Self(.unsupportedAlgorithm) }
        /// An argument that cannot be used (a malformed `X-Amz-Date`, a URL without a host).
        public static var invalidInput: Self { Self(.invalidInput) }
        /// OpenSSL failed an operation that should not fail.
        public static var cryptoFailure: Self { Self(.cryptoFailure) }

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, without secrets.
    public var message: String

    /// Creates an error with a code and a message that holds no secret.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// An error carrying the reason OpenSSL gives for its last failure (library and reason text only).
    static func openSSL(_ code: Code, _ message: String) -> SigningError {
        var reason = ""
        let last = ERR_peek_last_error()
        if last != 0, let text = ERR_reason_error_string(last) {
            reason = String(cString: text)
        }
        ERR_clear_error()
        return SigningError(code, reason.isEmpty ? message : "\(message) (OpenSSL: \(reason))")
    }
}
