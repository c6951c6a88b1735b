import Foundation
import Testing

/// Compares a command's output with a checked-in file under `Fixtures/`, after `normalize`.
///
/// To regenerate after an intended change of the output, run the test with `MODELGATE_UPDATE_FIXTURES=1`: it rewrites
/// the file in the source tree (`Tests/ModelGateCLITests/Fixtures/`) and fails once, so that the new file is reviewed
/// and committed.
enum ExpectedOutput {
    /// Timestamps (RFC 3339, as the reports print them) become `<time>`.
    static func normalizeTimes(_ text: String) -> String {
        text.replacing(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})/, with: "<time>")
    }

    /// Rows of a Markdown table that start with `| <time> |` are ordered by a time the run chose; once the times
    /// are `<time>`, each such run of rows is sorted so that concurrent syncs finishing in another order compare equal.
    static func sortTimedRows(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        var start = 0
        while start < lines.count {
            guard lines[start].hasPrefix("| <time> |") else {
                start += 1
                continue
            }
            var end = start
            while end < lines.count, lines[end].hasPrefix("| <time> |") { end += 1 }
            lines[start..<end].sort()
            start = end
        }
        return lines.joined(separator: "\n")
    }

    /// Expects `actual` to equal the fixture `name`; on a difference, the message lists each differing line with
    /// its number (`-` expected, `+` actual) and says how to regenerate the file.
    static func expectMatches(
        _ actual: String, fixture name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let sourceFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["MODELGATE_UPDATE_FIXTURES"] == "1" {
            try actual.write(to: sourceFile, atomically: true, encoding: .utf8)
            Issue.record("rewrote \(sourceFile.path); review and commit it, then run without MODELGATE_UPDATE_FIXTURES", sourceLocation: sourceLocation)
            return
        }
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "missing fixture Fixtures/\(name)", sourceLocation: sourceLocation)
        let expected = try String(contentsOf: url, encoding: .utf8)
        guard actual != expected else { return }
        Issue.record(
            Comment(rawValue: "output differs from Fixtures/\(name):\n\(difference(expected, actual))\n"
                + "If the change is intended, regenerate the file: MODELGATE_UPDATE_FIXTURES=1 swift test --filter \(Test.current?.name ?? name), then review and commit it"),
            sourceLocation: sourceLocation)
    }

    /// The differing lines, numbered: `-N: expected` and `+N: actual` (at most 40 of them).
    static func difference(_ expected: String, _ actual: String) -> String {
        let old = expected.components(separatedBy: "\n")
        let new = actual.components(separatedBy: "\n")
        var out: [String] = []
        for change in new.difference(from: old) {
            switch change {
            case .remove(let offset, let line, _): out.append("-\(offset + 1): \(line)")
            case .insert(let offset, let line, _): out.append("+\(offset + 1): \(line)")
            }
        }
        let shown = out.prefix(40).joined(separator: "\n")
        return out.count > 40 ? shown + "\n… \(out.count - 40) more" : shown
    }
}
