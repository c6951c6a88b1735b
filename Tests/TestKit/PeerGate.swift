import Foundation
import Testing

/// How a test that needs a real peer (the `mlflow server`, moto, the `.venv`'s Python, Chromium, the shared specs)
/// behaves when that peer is missing: on a developer's machine it is skipped with a notice; in CI (`CI=true`) it runs
/// and fails, so that a peer that did not start can never turn a run green by skipping.
///
/// ```swift
/// static let moto = PeerEnvironment.available(.moto, for: "SageMakerMotoTests")
/// @Suite(.peerPresent(moto, "moto (scripts/peers/moto.sh start DIR)"), .peerRequired(moto, "moto (scripts/peers/moto.sh start DIR)"))
/// ```
public enum PeerGate {
    /// Whether this run is CI's, where a missing peer is a failure.
    public static let isCI: Bool = ProcessInfo.processInfo.environment["CI"] == "true"
}

/// Fails each test case it covers when its peer is missing (only reached in CI: elsewhere the test was skipped).
public struct PeerRequirement: TestTrait, SuiteTrait, TestScoping {
    /// Whether the peer is there.
    public let available: Bool
    /// What is missing and how to start it, for the failure message.
    public let what: String

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> PeerRequirement? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard available else {
            Issue.record("\(what) is missing; with CI=true a test that needs it fails instead of being skipped")
            return
        }
        try await function()
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test when the peer is missing, except in CI, where `PeerRequirement` fails it instead.
    public static func peerPresent(_ available: Bool, _ what: String) -> Self {
        .enabled(if: available || PeerGate.isCI, Comment(rawValue: what))
    }
}

extension Trait where Self == PeerRequirement {
    /// Fails the test in CI when the peer is missing (pair it with `.peerPresent`).
    public static func peerRequired(_ available: Bool, _ what: String) -> Self {
        PeerRequirement(available: available, what: what)
    }
}
