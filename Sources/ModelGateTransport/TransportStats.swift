import Synchronization

/// Counters for one registry's transport stack, read by the sync summary. Safe to share between tasks.
public final class TransportStats: Sendable {
    /// A point-in-time copy of the counters.
    public struct Snapshot: Sendable, Hashable, CustomStringConvertible {
        /// Requests put on the wire by the retry layer (every attempt counts).
        public var requests: Int
        /// Attempts that were retries of an earlier one.
        public var retries: Int
        /// Responses that said "slow down" (429 or a provider throttling code).
        public var throttled: Int
        /// Attempts that failed below HTTP (connection, TLS, timeout, size cap).
        public var transportErrors: Int

        /// Counters with the given values.
        public init(requests: Int = 0, retries: Int = 0, throttled: Int = 0, transportErrors: Int = 0) {
            self.requests = requests
            self.retries = retries
            self.throttled = throttled
            self.transportErrors = transportErrors
        }

        /// `3 requests, 1 retries, …`.
        public var description: String {
            "\(requests) requests, \(retries) retries, \(throttled) throttled, \(transportErrors) transport errors"
        }
    }

    private let requests = Atomic<Int>(0)
    private let retries = Atomic<Int>(0)
    private let throttled = Atomic<Int>(0)
    private let transportErrors = Atomic<Int>(0)

    /// All counters at zero.
    public init() {}

    /// The counters now.
    public var snapshot: Snapshot {
        Snapshot(
            requests: requests.load(ordering: .relaxed), retries: retries.load(ordering: .relaxed),
            throttled: throttled.load(ordering: .relaxed), transportErrors: transportErrors.load(ordering: .relaxed))
    }

    func recordAttempt(isRetry: Bool) {
        requests.wrappingAdd(1, ordering: .relaxed)
        if isRetry { retries.wrappingAdd(1, ordering: .relaxed) }
    }

    func recordThrottled() { throttled.wrappingAdd(1, ordering: .relaxed) }
    func recordTransportError() { transportErrors.wrappingAdd(1, ordering: .relaxed) }
}
