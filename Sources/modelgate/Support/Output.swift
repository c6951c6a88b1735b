import ArgumentParser
import Foundation
import ModelGateCore

/// `--output table|json`: json prints exactly one JSON document on stdout and nothing else there.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

/// Everything the CLI prints goes through here: results on stdout, progress and logs on stderr.
///
/// Human-readable text (``out(_:)``, ``err(_:)``, table cells) has its control characters escaped: names,
/// descriptions, tags and error messages come from registries, and an ESC sequence in them must not reach the
/// terminal (issue 15 item 13). JSON (``json(_:)``) is written exactly as encoded.
enum Console {
    static func out(_ text: String) {
        write(TerminalText.escape(text), to: .standardOutput)
    }

    static func err(_ text: String) {
        write(TerminalText.escape(text), to: .standardError)
    }

    /// Prints `value` as one pretty JSON document (keys sorted, so output is stable; slashes unescaped).
    static func json<T: Encodable>(_ value: T) throws {
        write(try jsonText(value), to: .standardOutput)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

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
        // A cell is one line: a line break or tab from a registry is shown escaped, like any control character.
        let headers = self.headers.map { TerminalText.escape($0, keepingLineBreaks: false) }
        let rows = self.rows.map { $0.map { TerminalText.escape($0, keepingLineBreaks: false) } }
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

/// Makes text from registries safe to print on a terminal: C0 controls (ESC included), DEL and C1 controls
/// (U+0080–U+009F, among them the 8-bit CSI) become visible escapes such as `\u{1B}`; everything else is kept.
enum TerminalText {
    /// `text` with control characters escaped; `\n` and `\t` are kept unless `keepingLineBreaks` is false
    /// (table cells), where they become `\n` and `\t`.
    static func escape(_ text: String, keepingLineBreaks: Bool = true) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            if keepingLineBreaks && (value == 0x0A || value == 0x09) { return false }
            return value < 0x20 || (0x7F...0x9F).contains(value)
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let escaped: String
            switch scalar.value {
            case 0x0A: escaped = "\\n"
            case 0x09: escaped = "\\t"
            case 0x0D: escaped = "\\r"
            default: escaped = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }
}
