import Foundation
import Synchronization

/// Request counters and latency sums for `/metrics` (Prometheus text format 0.0.4).
public final class ServerMetrics: Sendable {
    struct Key: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    struct State {
        var requests: [Key: Int] = [:]
        var seconds: [String: (sum: Double, count: Int)] = [:]
        var buckets: [String: [Int]] = [:]
    }

    /// Upper bounds of the latency histogram, in seconds.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())
    let started = Date()

    public init() {}

    /// Counts one answered request.
    func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests[Key(method: method, route: route, status: status), default: 0] += 1
            let old = s.seconds[route] ?? (0, 0)
            s.seconds[route] = (old.sum + seconds, old.count + 1)
            var counts = s.buckets[route] ?? Array(repeating: 0, count: Self.bounds.count)
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { counts[index] += 1 }
            s.buckets[route] = counts
        }
    }

    /// The exposition text, with `gauges` (name → (help, value)) appended.
    func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP modelgate_http_requests_total HTTP requests answered, by method, route and status.")
        lines.append("# TYPE modelgate_http_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append(
                "modelgate_http_requests_total{method=\"\(key.method)\",route=\"\(Self.label(key.route))\",status=\"\(key.status)\"} \(count)")
        }
        lines.append("# HELP modelgate_http_request_duration_seconds Time to answer a request, by route.")
        lines.append("# TYPE modelgate_http_request_duration_seconds histogram")
        for (route, total) in snapshot.seconds.sorted(by: { $0.key < $1.key }) {
            let label = Self.label(route)
            let counts = snapshot.buckets[route] ?? []
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("modelgate_http_request_duration_seconds_bucket{route=\"\(label)\",le=\"\(bound)\"} \(counts[index])")
            }
            lines.append("modelgate_http_request_duration_seconds_bucket{route=\"\(label)\",le=\"+Inf\"} \(total.count)")
            lines.append("modelgate_http_request_duration_seconds_sum{route=\"\(label)\"} \(total.sum)")
            lines.append("modelgate_http_request_duration_seconds_count{route=\"\(label)\"} \(total.count)")
        }
        lines.append("# HELP modelgate_uptime_seconds Seconds since the server started.")
        lines.append("# TYPE modelgate_uptime_seconds gauge")
        lines.append("modelgate_uptime_seconds \(Date().timeIntervalSince(started))")
        for gauge in gauges {
            lines.append("# HELP \(gauge.name) \(gauge.help)")
            lines.append("# TYPE \(gauge.name) gauge")
            lines.append("\(gauge.name) \(gauge.value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
