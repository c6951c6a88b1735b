import Foundation
import Synchronization

/// A clock that moves only when a test moves it, for token-expiry tests without real sleeps: hand `function` to
/// the token registry and the token provider, and `advance` between calls.
public final class ManualClock: Sendable {
    private let time: Mutex<Date>

    /// A clock that reads `start` until advanced.
    public init(_ start: Date = Date()) { time = Mutex(start) }

    /// The current time.
    public var now: Date { time.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// `now` as the `@Sendable () -> Date` the credentials and simulators take.
    public var function: @Sendable () -> Date { { [self] in self.now } }
}
