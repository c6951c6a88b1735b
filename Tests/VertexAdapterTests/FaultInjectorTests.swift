import ModelGateSimulators
import Testing

@Suite("FaultInjector determinism")
struct FaultInjectorTests {
    func sequence(_ plan: FaultPlan, count: Int = 500, path: String = "/v1/projects/p/models") -> [FaultPlan.Fault?] {
        let injector = FaultInjector(plan)
        return (0..<count).map { _ in injector.next(path: path) }
    }

    @Test func sameSeedSameFaults() {
        let plan = FaultPlan.mixed(0.2, seed: 7)
        #expect(sequence(plan) == sequence(plan))
    }

    @Test func differentSeedsDiffer() {
        #expect(sequence(.mixed(0.2, seed: 7)) != sequence(.mixed(0.2, seed: 8)))
    }

    @Test func fractionsAreRoughlyTheRequestedOnes() {
        let faults = sequence(.mixed(0.2, seed: 99), count: 4000)
        let share = Double(faults.compactMap { $0 }.count) / 4000
        #expect(share > 0.16 && share < 0.24, "\(share)")
        for kind in [FaultPlan.Fault.throttle, .unavailable, .drop, .truncate] {
            #expect(faults.contains(kind))
        }
        #expect(!faults.contains(.slow))
    }

    @Test func exemptPathsAreNeverFaultedNorCounted() {
        let injector = FaultInjector(FaultPlan(throttle: 1, seed: 3, exemptPrefixes: ["/token"]))
        #expect(injector.next(path: "/token") == nil)
        #expect(injector.requests == 0)
        #expect(injector.next(path: "/v1/x") == .throttle)
        #expect(injector.injected[.throttle] == 1)
    }

    @Test func resettingThePlanReplaysTheSequence() {
        let plan = FaultPlan.mixed(0.5, seed: 11)
        let injector = FaultInjector(plan)
        let first = (0..<50).map { _ in injector.next(path: "/v1/a") }
        injector.plan = plan
        let second = (0..<50).map { _ in injector.next(path: "/v1/a") }
        #expect(first == second)
    }
}
