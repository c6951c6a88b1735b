import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateCore
import Synchronization
import Testing

@testable import ModelGateTransport

@Suite struct RetryingTransportTests {
    /// Random numbers handed out in order; the last one repeats.
    final class FixedRandom: Sendable {
        private let values: [Double]
        private let index = Atomic<Int>(0)
        init(_ values: [Double]) { self.values = values }
        func next() -> Double {
            let i = index.wrappingAdd(1, ordering: .relaxed).oldValue
            return values[min(i, values.count - 1)]
        }
    }

    static func retrying(
        _ inner: any HTTPTransport, policy: RetryPolicy = RetryPolicy(), random: [Double] = [0.5],
        sleeps: Recorder<Duration>, stats: TransportStats = TransportStats(), now: Date = Date()
    ) -> RetryingTransport {
        let source = FixedRandom(random)
        return RetryingTransport(
            inner, policy: policy, stats: stats, sleep: { sleeps.append($0) }, random: { source.next() }, now: { now })
    }

    @Test func theBackoffScheduleIsFullJitterWithACap() async throws {
        let inner = ScriptedTransport([.respond(TransportResponse(status: 503))])
        let sleeps = Recorder<Duration>()
        let policy = RetryPolicy(maxAttempts: 7, base: .seconds(1), cap: .seconds(20))
        let transport = Self.retrying(inner, policy: policy, random: [0.5, 0.25, 1.0, 0.75, 0.5, 0.125], sleeps: sleeps)
        let response = try await transport.send(TransportRequest(url: "http://h/x"))
        #expect(response.status == 503)
        #expect(response.attempts == 7)
        #expect(inner.received.count == 7)
        // rand * min(20, 1 * 2^(n-1)) for n = 1…6.
        #expect(sleeps.all == [
            .milliseconds(500), .milliseconds(500), .seconds(4), .seconds(6), .seconds(8), .milliseconds(2500),
        ])
        #expect(policy.ceiling(beforeRetry: 100) == .seconds(20))
        #expect(policy.backoff(beforeRetry: 2, random: 0) == .zero)
    }

    @Test func successStopsRetrying() async throws {
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 500)), .respond(TransportResponse(status: 200, body: Array("ok".utf8))),
        ])
        let sleeps = Recorder<Duration>()
        let stats = TransportStats()
        let response = try await Self.retrying(inner, sleeps: sleeps, stats: stats).send(TransportRequest(url: "http://h/x"))
        #expect(response.status == 200)
        #expect(response.attempts == 2)
        #expect(sleeps.all == [.milliseconds(500)])
        #expect(stats.snapshot == TransportStats.Snapshot(requests: 2, retries: 1))
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422, 501])
    func statusesThatWillNotChangeAreNotRetried(status: Int) async throws {
        let inner = ScriptedTransport([.respond(TransportResponse(status: status))])
        let sleeps = Recorder<Duration>()
        let response = try await Self.retrying(inner, sleeps: sleeps).send(TransportRequest(url: "http://h/x"))
        #expect(response.status == status)
        #expect(response.attempts == 1)
        #expect(sleeps.count == 0)
    }

    @Test(arguments: [
        #"{"__type":"com.amazonaws.sagemaker#ThrottlingException","message":"Rate exceeded"}"#,
        #"{"__type":"TooManyRequestsException","Message":"slow"}"#,
        "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
        "<Error><Code>SlowDown</Code></Error>",
    ])
    func providerThrottlingCodesInA400AreRetried(body: String) async throws {
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 400, body: Array(body.utf8))), .respond(TransportResponse(status: 200)),
        ])
        let sleeps = Recorder<Duration>()
        let stats = TransportStats()
        let response = try await Self.retrying(inner, sleeps: sleeps, stats: stats).send(TransportRequest(url: "http://h/x"))
        #expect(response.attempts == 2)
        #expect(stats.snapshot.throttled == 1)
    }

    @Test func retryAfterAndAmazonRetryAfterWinOverTheComputedWait() async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 429, headers: [("Retry-After", "7")])),
            .respond(TransportResponse(status: 503, headers: [("x-amz-retry-after", "1500")])),
            .respond(TransportResponse(status: 503, headers: [("Retry-After", "Tue, 14 Nov 2023 22:13:40 GMT")])),
            .respond(TransportResponse(status: 503, headers: [("Retry-After", "86400")])),
            .respond(TransportResponse(status: 204)),
        ])
        let sleeps = Recorder<Duration>()
        let response = try await Self.retrying(inner, sleeps: sleeps, now: now).send(TransportRequest(url: "http://h/x"))
        #expect(response.status == 204)
        #expect(response.attempts == 5)
        // 1_700_000_000 is 2023-11-14 22:13:20 GMT, so the date is 20 s away; a day is bounded to 5 minutes.
        #expect(sleeps.all == [.seconds(7), .milliseconds(1500), .seconds(20), .seconds(300)])
    }

    @Test func postIsNotRetriedAfterAServerErrorUnlessRetrySafe() async throws {
        let sleeps = Recorder<Duration>()
        let inner = ScriptedTransport([.respond(TransportResponse(status: 503)), .respond(TransportResponse(status: 200))])
        let response = try await Self.retrying(inner, sleeps: sleeps).send(TransportRequest(method: .POST, url: "http://h/x"))
        #expect(response.status == 503)
        #expect(response.attempts == 1)

        let safe = ScriptedTransport([.respond(TransportResponse(status: 503)), .respond(TransportResponse(status: 200))])
        let retried = try await Self.retrying(safe, sleeps: sleeps).send(
            TransportRequest(method: .POST, url: "http://h/x", retrySafe: true))
        #expect(retried.status == 200)
        #expect(retried.attempts == 2)
    }

    @Test func connectionErrorsAreRetriedAndTheFinalErrorCountsAttempts() async throws {
        let refused = RegistryError(
            code: .transport, registry: "r", operation: "POST /x", message: "refused",
            underlying: TransportFailure(curlCode: 7, detail: "refused", requestMayHaveBeenSent: false))
        let sleeps = Recorder<Duration>()
        let stats = TransportStats()
        let inner = ScriptedTransport([.fail(refused)])
        let error = await #expect(throws: RegistryError.self) {
            try await Self.retrying(inner, policy: RetryPolicy(maxAttempts: 3), sleeps: sleeps, stats: stats).send(
                TransportRequest(method: .POST, url: "http://h/x"))
        }
        // A refused connection sent nothing, so even a POST may go again.
        #expect(error?.attempts == 3)
        #expect(error?.code == .transport)
        #expect(inner.received.count == 3)
        #expect(stats.snapshot == TransportStats.Snapshot(requests: 3, retries: 2, transportErrors: 3))
        #expect(error?.description.contains("after 3 attempts") == true)
    }

    @Test func aPostThatMayHaveReachedTheServerIsNotResentAfterATimeout() async throws {
        let timeout = RegistryError(
            code: .timeout, registry: "r", operation: "POST /x", message: "timed out",
            underlying: TransportFailure(curlCode: 28, detail: "timed out", requestMayHaveBeenSent: true))
        let inner = ScriptedTransport([.fail(timeout)])
        let error = await #expect(throws: RegistryError.self) {
            try await Self.retrying(inner, sleeps: Recorder()).send(TransportRequest(method: .POST, url: "http://h/x"))
        }
        #expect(error?.attempts == 1)
        #expect(inner.received.count == 1)

        let get = ScriptedTransport([.fail(timeout), .respond(TransportResponse(status: 200))])
        let response = try await Self.retrying(get, sleeps: Recorder()).send(TransportRequest(url: "http://h/x"))
        #expect(response.attempts == 2)
    }

    @Test func nonTransportErrorsAreNotRetried() async throws {
        let inner = ScriptedTransport([
            .fail(RegistryError(code: .tooLarge, registry: "r", operation: "GET /x", message: "big")),
        ])
        await #expect(throws: RegistryError.self) {
            try await Self.retrying(inner, sleeps: Recorder()).send(TransportRequest(url: "http://h/x"))
        }
        #expect(inner.received.count == 1)
    }

    @Test func cancellationDuringTheWaitStopsRetrying() async throws {
        let inner = ScriptedTransport([.respond(TransportResponse(status: 503))])
        let transport = RetryingTransport(inner, sleep: { _ in throw CancellationError() })
        await #expect(throws: CancellationError.self) { try await transport.send(TransportRequest(url: "http://h/x")) }
        #expect(inner.received.count == 1)
    }

    /// A live server: 429 with Retry-After, then 503, then 200.
    @Test func aLiveServerThrottlingThenFailingThenAnsweringSucceedsOnTheThirdAttempt() async throws {
        let hits = Atomic<Int>(0)
        let router = Router()
        router.get("/models") { _, _ -> Response in
            switch hits.wrappingAdd(1, ordering: .relaxed).newValue {
            case 1:
                var headers = HTTPFields()
                headers[.retryAfter] = "2"
                return Response(status: .tooManyRequests, headers: headers)
            case 2: return Response(status: .serviceUnavailable)
            default: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "models")))
            }
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let sleeps = Recorder<Duration>()
            let stats = TransportStats()
            let transport = TransportStack.make(
                base: testTransport(), stats: stats, sleep: { sleeps.append($0) }, random: { 0.5 })
            let response = try await transport.send(TransportRequest(url: "http://127.0.0.1:\(port)/models"))
            #expect(response.status == 200)
            #expect(response.bodyText == "models")
            #expect(response.attempts == 3)
            #expect(sleeps.all == [.seconds(2), .seconds(1)])  // Retry-After, then 0.5 * min(20, 1 * 2^1)
            #expect(stats.snapshot == TransportStats.Snapshot(requests: 3, retries: 2, throttled: 1))
        }
    }

    @Test func aLivePostIsNotRetriedAfterA503UnlessRetrySafe() async throws {
        let hits = Atomic<Int>(0)
        let router = Router()
        router.post("/create") { _, _ -> Response in
            hits.wrappingAdd(1, ordering: .relaxed)
            return Response(status: .serviceUnavailable)
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let transport = TransportStack.make(base: testTransport(), sleep: { _ in }, random: { 0 })
            let response = try await transport.send(
                TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/create", body: Array("{}".utf8)))
            #expect(response.status == 503)
            #expect(response.attempts == 1)
            #expect(hits.load(ordering: .relaxed) == 1)

            let safe = try await transport.send(
                TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/create", body: Array("{}".utf8), retrySafe: true))
            #expect(safe.attempts == 5)
            #expect(hits.load(ordering: .relaxed) == 6)
            let error = RegistryError(response: safe, request: TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/create"))
            #expect(error.code == .serverError)
            #expect(error.attempts == 5)
        }
    }

    @Test func aLiveRefusedPostIsRetried() async throws {
        let port = try closedPort()
        let sleeps = Recorder<Duration>()
        let transport = TransportStack.make(
            base: testTransport(), retryPolicy: RetryPolicy(maxAttempts: 2), sleep: { sleeps.append($0) }, random: { 0 })
        let error = await #expect(throws: RegistryError.self) {
            try await transport.send(TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/x"))
        }
        #expect(error?.attempts == 2)
        #expect(sleeps.count == 1)
    }
}
