/// Retry policy of one registry (`retry: {max_attempts: 5, base: 1s, cap: 20s}`): exponential backoff
/// with full jitter between `base` and `cap`.
public struct RetrySettings: Sendable, Hashable {
    /// Attempts in total, the first one included (default 5; 1 means no retry).
    public var maxAttempts: Int
    /// The first backoff step (default 1 s).
    public var base: Duration
    /// The largest backoff (default 20 s).
    public var cap: Duration

    /// Defaults: 5 attempts, base 1 s, cap 20 s.
    public init(maxAttempts: Int = 5, base: Duration = .seconds(1), cap: Duration = .seconds(20)) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
    }
}
