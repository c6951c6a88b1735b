/// Connect and total timeouts of one registry's HTTP calls (`timeout: {connect: 10s, total: 60s}`).
public struct TimeoutSettings: Sendable, Hashable {
    /// Time allowed to establish a connection (default 10 s).
    public var connect: Duration
    /// Time allowed for a whole request, including the body (default 60 s).
    public var total: Duration

    /// Defaults: connect 10 s, total 60 s.
    public init(connect: Duration = .seconds(10), total: Duration = .seconds(60)) {
        self.connect = connect
        self.total = total
    }
}
