import Foundation
import Logging
import ModelGateCore

/// Sends a request again when the failure is worth it, waiting with full jitter between attempts.
///
/// Retried: connection failures (`RegistryError` `.transport`/`.timeout` from the inner transport), HTTP 429,
/// 500, 502, 503, 504, and a 400 carrying a provider throttling code (`RetryPolicy.throttlingCodes`).
/// A request that may have reached the server is sent again only when its method is idempotent or
/// `request.retrySafe` is set; one that certainly did not (a refused connection,
/// `TransportFailure.requestMayHaveBeenSent == false`) may always be sent again.
///
/// The final response (`TransportResponse.attempts`) or error (`RegistryError.attempts`) says how many
/// attempts were made. Each attempt logs one debug line: method, redacted URL, status or error, ms, attempt.
public struct RetryingTransport: HTTPTransport {
    /// Waits between attempts; injected so tests neither sleep nor depend on luck.
    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    /// The transport each attempt goes through.
    public let inner: any HTTPTransport
    /// How many attempts and how long to wait.
    public let policy: RetryPolicy
    /// Counters for this registry (requests, retries, throttled responses, transport errors).
    public let stats: TransportStats
    private let logger: Logger
    private let sleep: Sleeper
    private let random: @Sendable () -> Double
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - sleep: default `Task.sleep(for:)`; cancellation during the wait throws `CancellationError`.
    ///   - random: a number in `0..<1` for each wait (default `Double.random(in:)`).
    ///   - now: the current time, to read `Retry-After` dates.
    public init(
        _ inner: any HTTPTransport, policy: RetryPolicy = RetryPolicy(), stats: TransportStats = TransportStats(),
        logger: Logger = Logger(label: "modelgate.transport"),
        sleep: @escaping Sleeper = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.inner = inner
        self.policy = policy
        self.stats = stats
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// Sends `request`, retrying as described above.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let canResendAfterDelivery = request.method.isIdempotent || request.retrySafe
        var attempt = 1
        while true {
            try Task.checkCancellation()
            stats.recordAttempt(isRetry: attempt > 1)
            let started = ContinuousClock.now
            let wait: Duration
            do {
                var response = try await inner.send(request)
                response.attempts = attempt
                let throttlingCode = response.status == 400 ? RetryPolicy.throttlingCode(in: response) : nil
                if response.status == 429 || throttlingCode != nil { stats.recordThrottled() }
                log(request, attempt: attempt, started: started, outcome: "\(response.status)")
                let retryable = RetryPolicy.retryableStatuses.contains(response.status) || throttlingCode != nil
                guard retryable, canResendAfterDelivery, attempt < policy.maxAttempts else { return response }
                wait = policy.serverRequestedDelay(in: response, now: now())
                    ?? policy.backoff(beforeRetry: attempt, random: random())
            } catch var error as RegistryError {
                error.attempts = attempt
                log(request, attempt: attempt, started: started, outcome: "error \(error.code)")
                guard error.code == .transport || error.code == .timeout else { throw error }
                stats.recordTransportError()
                let delivered = (error.underlying as? TransportFailure)?.requestMayHaveBeenSent ?? true
                guard canResendAfterDelivery || !delivered, attempt < policy.maxAttempts else { throw error }
                wait = policy.backoff(beforeRetry: attempt, random: random())
            }
            logger.debug(
                "retrying",
                metadata: [
                    "registry": "\(request.registry)", "operation": "\(request.operationName)",
                    "wait_ms": "\(wait.milliseconds)", "next_attempt": "\(attempt + 1)",
                ])
            try await sleep(wait)
            attempt += 1
        }
    }

    private func log(_ request: TransportRequest, attempt: Int, started: ContinuousClock.Instant, outcome: String) {
        logger.debug(
            "http attempt",
            metadata: [
                "registry": "\(request.registry)", "method": "\(request.method.rawValue)",
                "url": "\(Redactor.redact(url: request.url))", "status": "\(outcome)",
                "ms": "\(started.duration(to: .now).milliseconds)", "attempt": "\(attempt)",
            ])
    }
}

/// Builds the transport stack for one registry.
public enum TransportStack {
    /// `Retrying(Authorizing(Redirecting(base)))`: credentials are added once per attempt (retries get fresh
    /// signatures and tokens) and never re-added on a redirect hop, which drops them when the host changes.
    ///
    /// - Parameters:
    ///   - base: the wire transport, usually a `CurlTransport` shared by every registry.
    ///   - stats: this registry's counters (keep a reference for the sync summary).
    public static func make(
        base: any HTTPTransport, authorizer: any RequestAuthorizer = NoAuthorizer(),
        retryPolicy: RetryPolicy = RetryPolicy(), maxRedirects: Int = 5, stats: TransportStats = TransportStats(),
        logger: Logger = Logger(label: "modelgate.transport"),
        sleep: @escaping RetryingTransport.Sleeper = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) -> RetryingTransport {
        RetryingTransport(
            AuthorizingTransport(RedirectingTransport(base, maxHops: maxRedirects), authorizer: authorizer),
            policy: retryPolicy, stats: stats, logger: logger, sleep: sleep, random: random)
    }
}
