import Foundation
import Logging
import ModelGateCore
import Testing

@testable import ModelGateTransport

/// Issue 15: what a hostile or broken registry can make the transport do.
@Suite("Reliability: attacks — transport")
struct ReliabilityAttacksTransportTests {
    let policy = RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(5), maxServerDelay: .seconds(60))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    // Item 9: a 429 whose RateLimit-Reset is an absurd epoch trapped on the seconds × 1000 conversion.
    @Test func aHugeRateLimitResetIsAClampedWaitNotACrash() {
        for value in ["100000000000000000", "9223372036854775807", "99999999999999999999999999", String(repeating: "9", count: 400)] {
            let response = TransportResponse(status: 429, headers: [("RateLimit-Reset", value)])
            #expect(policy.serverRequestedDelay(in: response, now: now) == .seconds(60), "RateLimit-Reset: \(value.prefix(30))")
        }
    }

    // Item 9: Retry-After and x-amz-retry-after with more digits than an Int64 holds are clamped waits too.
    @Test func hugeRetryAfterValuesAreClampedToTheCap() {
        for value in ["9223372036854775807", "100000000000000000000", String(repeating: "9", count: 400)] {
            let retryAfter = TransportResponse(status: 503, headers: [("Retry-After", value)])
            #expect(policy.serverRequestedDelay(in: retryAfter, now: now) == .seconds(60))
            let amz = TransportResponse(status: 503, headers: [("x-amz-retry-after", value)])
            #expect(policy.serverRequestedDelay(in: amz, now: now) == .seconds(60))
        }
        let farDate = TransportResponse(status: 503, headers: [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")])
        #expect(policy.serverRequestedDelay(in: farDate, now: now) == .seconds(60))
        for garbage in ["-5", "+5", "1e30", "inf", "nan", "0x10", ""] {
            let response = TransportResponse(status: 429, headers: [("Retry-After", garbage), ("RateLimit-Reset", garbage)])
            #expect(policy.serverRequestedDelay(in: response, now: now) == nil, "\(garbage)")
        }
        // Ordinary values keep their exact meaning.
        let millis = TransportResponse(status: 503, headers: [("x-amz-retry-after", "1234")])
        #expect(policy.serverRequestedDelay(in: millis, now: now) == .milliseconds(1234))
    }

    // Item 9: the retry loop really waits the clamped time (and the debug log line does not trap either).
    @Test func theRetryLoopSleepsTheClampedWait() async throws {
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 429, headers: [("RateLimit-Reset", "100000000000000000")])),
            .respond(TransportResponse(status: 200)),
        ])
        let sleeps = Recorder<Duration>()
        let transport = RetryingTransport(
            inner, policy: policy, sleep: { sleeps.append($0) }, random: { 0.5 }, now: { now })
        let response = try await transport.send(TransportRequest(url: "http://h/x"))
        #expect(response.status == 200)
        #expect(sleeps.all == [.seconds(60)])
    }

    // Item 9: absurd policies (from a config) never trap either.
    @Test func backoffWithExtremePoliciesDoesNotTrap() {
        let huge = RetryPolicy(maxAttempts: 100, base: .seconds(Int64.max / 2), cap: .seconds(Int64.max))
        #expect(huge.ceiling(beforeRetry: 99) == .seconds(Int64.max))
        #expect(huge.backoff(beforeRetry: 99, random: .nan) == .zero)
        #expect(huge.backoff(beforeRetry: 99, random: .infinity) == .seconds(Int64.max))
    }
}

extension ReliabilityAttacksTransportTests {
    // Item 9: an enormous wait still logs (wait_ms) without overflowing.
    @Test func anEnormousWaitIsLoggedWithoutOverflow() async throws {
        let inner = ScriptedTransport([.respond(TransportResponse(status: 503)), .respond(TransportResponse(status: 200))])
        let sleeps = Recorder<Duration>()
        let policy = RetryPolicy(maxAttempts: 2, base: .seconds(Int64.max), cap: .seconds(Int64.max))
        let transport = RetryingTransport(
            inner, policy: policy, logger: Logger(label: "test", factory: { _ in CollectingLogHandler(lines: Recorder()) }),
            sleep: { sleeps.append($0) }, random: { 0.999 }, now: { Date() })
        _ = try await transport.send(TransportRequest(url: "http://h/x"))
        #expect(sleeps.count == 1)
        #expect(Duration.seconds(Int64.max).milliseconds == Int64.max)
    }
}
