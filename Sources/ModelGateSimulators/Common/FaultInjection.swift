import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Which faults a simulator injects, as fractions of requests, drawn deterministically from `seed`.
///
/// Each request draws one number in [0, 1); the ranges follow each other in this order:
/// `throttle` (429 with `Retry-After`), `unavailable` (503), `drop` (the connection is cut before any
/// response), `truncate` (200 with a body cut short: the declared length is never reached), `slow`
/// (answered after `slowDelay`). The same seed and request order give the same faults.
public struct FaultPlan: Sendable, Hashable {
    public var throttle: Double
    public var unavailable: Double
    public var drop: Double
    public var truncate: Double
    public var slow: Double
    public var slowDelay: Duration
    /// The `Retry-After` of a 429, in seconds.
    public var retryAfterSeconds: Int
    public var seed: UInt64
    /// Paths (prefixes) never faulted, such as token endpoints or `/sim/` control routes.
    public var exemptPrefixes: [String]

    public init(
        throttle: Double = 0, unavailable: Double = 0, drop: Double = 0, truncate: Double = 0, slow: Double = 0,
        slowDelay: Duration = .milliseconds(200), retryAfterSeconds: Int = 0, seed: UInt64 = 1,
        exemptPrefixes: [String] = ["/sim/"]
    ) {
        self.throttle = throttle
        self.unavailable = unavailable
        self.drop = drop
        self.truncate = truncate
        self.slow = slow
        self.slowDelay = slowDelay
        self.retryAfterSeconds = retryAfterSeconds
        self.seed = seed
        self.exemptPrefixes = exemptPrefixes
    }

    /// No faults.
    public static let none = FaultPlan()

    /// `total` of requests faulted, spread evenly over 429, 503, dropped connections and truncated bodies.
    public static func mixed(_ total: Double, seed: UInt64, retryAfterSeconds: Int = 0) -> FaultPlan {
        FaultPlan(
            throttle: total / 4, unavailable: total / 4, drop: total / 4, truncate: total / 4,
            retryAfterSeconds: retryAfterSeconds, seed: seed)
    }

    public enum Fault: String, Sendable, Hashable, CaseIterable { case throttle, unavailable, drop, truncate, slow }

    func fault(for draw: Double) -> Fault? {
        var edge = 0.0
        for (fault, rate) in [(Fault.throttle, throttle), (.unavailable, unavailable), (.drop, drop), (.truncate, truncate), (.slow, slow)] {
            edge += rate
            if draw < edge { return fault }
        }
        return nil
    }
}

/// Injects the faults of a `FaultPlan`; counts what it injected. The plan can be changed while serving.
public final class FaultInjector: Sendable {
    struct State {
        var plan: FaultPlan
        var random: SplitMix64
        var injected: [FaultPlan.Fault: Int] = [:]
        var requests = 0
    }

    private let state: Mutex<State>

    public init(_ plan: FaultPlan = .none) {
        state = Mutex(State(plan: plan, random: SplitMix64(seed: plan.seed)))
    }

    public var plan: FaultPlan {
        get { state.withLock { $0.plan } }
        set { state.withLock { $0 = State(plan: newValue, random: SplitMix64(seed: newValue.seed)) } }
    }

    /// How many of each fault were injected, and how many requests were seen.
    public var injected: [FaultPlan.Fault: Int] { state.withLock { $0.injected } }
    public var requests: Int { state.withLock { $0.requests } }

    /// The fault for the next request to `path`, if any (deterministic for a seed and request order).
    public func next(path: String) -> FaultPlan.Fault? {
        state.withLock { state in
            guard !state.plan.exemptPrefixes.contains(where: { path.hasPrefix($0) }) else { return nil }
            state.requests += 1
            let draw = Double(state.random.next() >> 11) / Double(1 << 53)
            guard let fault = state.plan.fault(for: draw) else { return nil }
            state.injected[fault, default: 0] += 1
            return fault
        }
    }
}

/// How a registry answers when it throttles or is unavailable; the shared default is Google-style JSON.
public struct FaultAnswers: Sendable {
    /// The 429 for a throttled request (given the plan, for its `retryAfterSeconds`).
    public var throttled: @Sendable (FaultPlan) -> Response
    /// The 503 for an unavailable service.
    public var unavailable: @Sendable () -> Response

    public init(
        throttled: @escaping @Sendable (FaultPlan) -> Response, unavailable: @escaping @Sendable () -> Response
    ) {
        self.throttled = throttled
        self.unavailable = unavailable
    }

    /// `{"error": {"code", "message", "status"}}` with `Retry-After`.
    public static let standard = FaultAnswers(
        throttled: { plan in
            SimulatorJSON.response(
                status: 429, ["error": ["code": 429, "message": "Too many requests (simulated)", "status": "RESOURCE_EXHAUSTED"]],
                headers: [.retryAfter: String(plan.retryAfterSeconds)])
        },
        unavailable: {
            SimulatorJSON.response(
                status: 503, ["error": ["code": 503, "message": "Service unavailable (simulated)", "status": "UNAVAILABLE"]])
        })
}

/// Applies a `FaultInjector` in front of a simulator's routes: throttling and unavailability answered the
/// registry's way (`answers`), dropped connections, truncated bodies and slow answers the same everywhere.
public struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    public let injector: FaultInjector
    public let answers: FaultAnswers

    public init(_ injector: FaultInjector, answers: FaultAnswers = .standard) {
        self.injector = injector
        self.answers = answers
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        switch injector.next(path: request.uri.path) {
        case nil:
            return try await next(request, context)
        case .throttle:
            return answers.throttled(injector.plan)
        case .unavailable:
            return answers.unavailable()
        case .drop:
            // A body that fails before its first byte: the connection is closed mid-response.
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentLength: "64"],
                body: ResponseBody { _ in throw SimulatedDrop() })
        case .truncate:
            // 200 promising 4 KiB, then a few bytes of JSON and a closed connection.
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentLength: "4096"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"truncated": "#))
                    throw SimulatedDrop()
                })
        case .slow:
            try await Task.sleep(for: injector.plan.slowDelay)
            return try await next(request, context)
        }
    }
}

struct SimulatedDrop: Error {}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so faults replay exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
