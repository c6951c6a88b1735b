import Foundation
import ModelGateTransport
import Testing

/// W&B throttles with 429 and `RateLimit-Reset` (no `Retry-After`): the retry waits that long.
struct RateLimitResetTests {
    let policy = RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(5), maxServerDelay: .seconds(60))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func deltaSecondsOnA429AreHonoured() {
        let response = TransportResponse(status: 429, headers: [("RateLimit-Reset", "7"), ("RateLimit-Remaining", "0")])
        #expect(policy.serverRequestedDelay(in: response, now: now) == .seconds(7))
    }

    @Test func anEpochResetIsTurnedIntoADelayAndCapped() {
        let soon = TransportResponse(status: 429, headers: [("RateLimit-Reset", "1800000003")])
        #expect(policy.serverRequestedDelay(in: soon, now: now) == .seconds(3))
        let far = TransportResponse(status: 429, headers: [("RateLimit-Reset", "1800009999")])
        #expect(policy.serverRequestedDelay(in: far, now: now) == .seconds(60))
    }

    @Test func retryAfterWinsAndOtherStatusesIgnoreTheReset() {
        let both = TransportResponse(status: 429, headers: [("Retry-After", "2"), ("RateLimit-Reset", "9")])
        #expect(policy.serverRequestedDelay(in: both, now: now) == .seconds(2))
        let unavailable = TransportResponse(status: 503, headers: [("RateLimit-Reset", "9")])
        #expect(policy.serverRequestedDelay(in: unavailable, now: now) == nil)
        let garbage = TransportResponse(status: 429, headers: [("RateLimit-Reset", "soon")])
        #expect(policy.serverRequestedDelay(in: garbage, now: now) == nil)
    }
}
