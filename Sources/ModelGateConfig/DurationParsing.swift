/// Parses the durations of the config file: `10s`, `500ms`, `1m`, `1.5s`, `1m30s`, `2h`, `250us`, or a bare
/// number of seconds (`10`, `0.5`). Units: `ns`, `us`, `ms`, `s`, `m`, `h`. Returns nil for anything else,
/// including negative values.
enum DurationParsing {
    private static let nanosecondsPerUnit: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3_600e9,
    ]

    static func parse(_ raw: String) -> Duration? {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if let seconds = decimal(text) { return duration(nanoseconds: seconds * 1e9) }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let numberPart = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let number = decimal(String(numberPart)) else { return nil }
            rest = rest.dropFirst(numberPart.count)
            let unitPart = rest.prefix { $0.isLetter }
            guard let scale = nanosecondsPerUnit[String(unitPart)] else { return nil }
            rest = rest.dropFirst(unitPart.count)
            total += number * scale
        }
        return duration(nanoseconds: total)
    }

    /// An unsigned decimal number: digits with at most one `.` and at least one digit.
    private static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1, text.contains(where: \.isNumber)
        else { return nil }
        return Double(text)
    }

    private static func duration(nanoseconds: Double) -> Duration? {
        guard nanoseconds.isFinite, nanoseconds >= 0, nanoseconds < 9.2e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
