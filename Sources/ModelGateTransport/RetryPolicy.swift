import Foundation

/// When and how long `RetryingTransport` waits before sending a request again.
///
/// The wait before retry `n` (1, 2, …) is AWS's "full jitter": `random(0..<1) * min(cap, base * 2^(n-1))`.
/// A server's own `Retry-After` (seconds or an HTTP date) or `x-amz-retry-after` (milliseconds) wins over
/// the computed wait, up to `maxServerDelay`.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first one included (1 means never retry).
    public var maxAttempts: Int
    /// The first backoff ceiling.
    public var base: Duration
    /// The largest backoff ceiling.
    public var cap: Duration
    /// The longest wait a server may ask for; longer requests are shortened to this.
    public var maxServerDelay: Duration

    /// Defaults: 5 attempts, backoff ceilings 1 s, 2 s, 4 s, … up to 20 s, server waits up to 5 minutes.
    public init(
        maxAttempts: Int = 5, base: Duration = .seconds(1), cap: Duration = .seconds(20),
        maxServerDelay: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maxServerDelay = maxServerDelay
    }

    /// Never retry.
    public static var none: Self { Self(maxAttempts: 1) }

    /// HTTP statuses worth another try.
    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Provider error codes that mean "slow down", even when they come with a 400.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// The backoff ceiling before retry `retry` (1-based): `min(cap, base * 2^(retry-1))`.
    public func ceiling(beforeRetry retry: Int) -> Duration {
        let exponent = Double(min(max(retry - 1, 0), 62))
        return Self.duration(seconds: Self.seconds(base) * pow(2, exponent), atMost: cap)
    }

    /// The full-jitter wait before retry `retry`: `random * ceiling(beforeRetry: retry)`, `random` in 0..<1.
    public func backoff(beforeRetry retry: Int, random: Double) -> Duration {
        let factor = random.isNaN ? 0 : min(max(random, 0), 1)
        let ceiling = ceiling(beforeRetry: retry)
        return Self.duration(seconds: Self.seconds(ceiling) * factor, atMost: ceiling)
    }

    /// The wait the server asked for in `response` (`x-amz-retry-after` in milliseconds, or `Retry-After`
    /// in seconds or as an HTTP date, else on a 429 `RateLimit-Reset`: seconds until the window resets as
    /// W&B sends it, or a Unix time in seconds when it is that large), bounded by `maxServerDelay`; `nil`
    /// when it asked for nothing usable.
    ///
    /// The numbers are the registry's: any count of digits is read (as a `Double`, never trapping) and a wait
    /// longer than `maxServerDelay` is clamped to it (issue 15 item 9).
    public func serverRequestedDelay(in response: TransportResponse, now: Date) -> Duration? {
        var milliseconds: Double?
        if let value = response.header("x-amz-retry-after").flatMap(Self.digits) {
            milliseconds = value
        } else if let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Self.digits(value) {
                milliseconds = seconds * 1000
            } else if let date = Self.httpDate(value) {
                milliseconds = (max(0, date.timeIntervalSince(now)) * 1000).rounded(.up)
            }
        } else if response.status == 429, let seconds = response.header("RateLimit-Reset").flatMap(Self.digits) {
            // draft-ietf-httpapi-ratelimit-headers: delta seconds; some servers send an epoch time instead.
            milliseconds = seconds >= 1_000_000_000
                ? (max(0, seconds - now.timeIntervalSince1970) * 1000).rounded(.up) : seconds * 1000
        }
        return milliseconds.map { Self.duration(milliseconds: $0, atMost: maxServerDelay) }
    }

    /// The provider throttling code in `response` (a 400 body or `x-amzn-ErrorType`), if any.
    public static func throttlingCode(in response: TransportResponse) -> String? {
        guard let code = ProviderErrorDetails(response: response).code else { return nil }
        return throttlingCodes.contains(code) ? code : nil
    }

    /// A header value made of ASCII digits only (surrounding spaces allowed), as a number; nil otherwise.
    private static func digits(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Double(trimmed)
    }

    /// `seconds` as a duration no longer than `limit` (NaN or a negative number gives zero, a huge or infinite
    /// one `limit`); never traps, whatever the number.
    static func duration(seconds: Double, atMost limit: Duration) -> Duration {
        guard !seconds.isNaN, seconds > 0 else { return .zero }
        guard seconds < Self.seconds(limit), seconds * 1e9 < 9.2e18 else { return max(limit, .zero) }
        return min(.nanoseconds(Int64((seconds * 1e9).rounded())), limit)
    }

    /// Whole `milliseconds` as a duration no longer than `limit`, the same way as ``duration(seconds:atMost:)``.
    static func duration(milliseconds: Double, atMost limit: Duration) -> Duration {
        guard !milliseconds.isNaN, milliseconds > 0 else { return .zero }
        guard milliseconds < Self.seconds(limit) * 1000, milliseconds < 9.2e18 else { return max(limit, .zero) }
        return min(.milliseconds(Int64(milliseconds.rounded(.up))), limit)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Parses the three date forms HTTP allows (RFC 9110 §5.6.7).
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
