import ArgumentParser
import Foundation
import ModelGateCore

/// `--output table|json`: json prints exactly one JSON document on stdout and nothing else there.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

/// Everything the CLI prints goes through here: results on stdout, progress and logs on stderr.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints `value` as one pretty JSON document (keys sorted, so output is stable; slashes unescaped).
    static func json<T: Encodable>(_ value: T) throws {
        out(try jsonText(value))
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // Foundation prints an empty container as "[\n\n]"; raw newlines only ever appear between tokens
        // (inside strings they are escaped), so collapsing them is safe.
        return text.replacing(/\[\n\s*\]/, with: "[]").replacing(/\{\n\s*\}/, with: "{}")
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A plain-text table: a header row and left-aligned columns separated by two spaces.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(row cells: [String]) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                parts.append(isLast ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0))
            }
            return parts.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

extension Optional where Wrapped == String {
    /// `-` for a missing value in tables.
    var orDash: String { self.flatMap { $0.isEmpty ? nil : $0 } ?? "-" }
}

extension Date {
    var rfc3339: String { Timestamp.format(self) }
}
