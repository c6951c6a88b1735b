import Foundation
import Hummingbird
import Logging
import ModelGateCore
import ModelGateSimulators
import ModelGateTransport
import Testing

/// The shared simulator kit: hosting, deterministic fault injection as a client over libcurl sees it.
@Suite struct SimulatorKitTests {
    static func transport() -> CurlTransport {
        CurlTransport(
            options: TransportOptions(
                connectTimeout: .seconds(2), totalTimeout: .seconds(5), maxResponseBytes: 1 << 20, proxy: .none))
    }

    static func router(_ injector: FaultInjector) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: FaultMiddleware(injector))
        router.get("/items") { _, _ in SimulatorJSON.response(status: 200, ["items": [1, 2, 3]]) }
        router.get("/sim/health") { _, _ in SimulatorJSON.response(status: 200, ["ok": true]) }
        return router
    }

    @Test func theSameSeedGivesTheSameFaultsInTheSameOrder() {
        let plan = FaultPlan.mixed(0.4, seed: 42)
        let first = FaultInjector(plan)
        let second = FaultInjector(plan)
        let a = (0..<200).map { _ in first.next(path: "/x") }
        let b = (0..<200).map { _ in second.next(path: "/x") }
        #expect(a == b)
        let faulted = a.compactMap { $0 }.count
        #expect((50...110).contains(faulted), "about 40% of 200: \(faulted)")
        #expect(Set(a.compactMap { $0 }) == [.throttle, .unavailable, .drop, .truncate])
        let other = FaultInjector(FaultPlan.mixed(0.4, seed: 43))
        #expect((0..<200).map { _ in other.next(path: "/x") } != a)
        #expect(FaultInjector(plan).next(path: "/sim/health") == nil, "control routes are exempt")
    }

    @Test func eachFaultReachesTheClientAsARegistryWouldSendIt() async throws {
        let injector = FaultInjector()
        try await SimulatorHost.with(Self.router(injector)) { host in
            let transport = Self.transport()
            let url = host.baseURL + "/items"
            #expect(try await transport.send(TransportRequest(url: url)).status == 200)

            injector.plan = FaultPlan(throttle: 1, retryAfterSeconds: 7)
            let throttled = try await transport.send(TransportRequest(url: url))
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "7")

            injector.plan = FaultPlan(unavailable: 1)
            #expect(try await transport.send(TransportRequest(url: url)).status == 503)

            injector.plan = FaultPlan(drop: 1)
            await #expect(throws: (any Error).self) { try await transport.send(TransportRequest(url: url)) }

            injector.plan = FaultPlan(truncate: 1)
            await #expect(throws: (any Error).self) { try await transport.send(TransportRequest(url: url)) }

            injector.plan = .none
            #expect(try await transport.send(TransportRequest(url: url)).status == 200)
            #expect(injector.injected == [:], "a new plan starts a new count")
        }
    }

    @Test func retriesGetThroughAFaultyServerAndEveryAnswerIsWhole() async throws {
        let injector = FaultInjector(.mixed(0.3, seed: 7))
        try await SimulatorHost.with(Self.router(injector)) { host in
            let stats = TransportStats()
            let transport = TransportStack.make(
                base: Self.transport(), retryPolicy: RetryPolicy(maxAttempts: 8, base: .milliseconds(1), cap: .milliseconds(5)),
                stats: stats, sleep: { _ in })
            for _ in 0..<40 {
                let response = try await transport.send(TransportRequest(url: host.baseURL + "/items", registry: "sim"))
                #expect(response.status == 200)
                #expect(try JSONValue.parse(Data(response.body))["items"]?.arrayValue?.count == 3)
            }
            #expect(stats.snapshot.retries > 0)
            #expect(injector.injected.values.reduce(0, +) == stats.snapshot.retries)
        }
    }
}
