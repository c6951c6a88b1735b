import Foundation

/// The subset of MLflow's search filter grammar the federated catalog answers: clauses joined by `AND`, each
/// `name = '…'`, `name LIKE '…'`, `name ILIKE '…'`, `run_id = '…'`, `source_path = '…'`, `tags.KEY = '…'` or
/// `tags.KEY != '…'` (a key may be quoted with backticks or double quotes, a value with single or double quotes).
///
/// Parsing is one left-to-right scan and `LIKE` patterns are ``LikePattern``s, so a filter costs time linear in
/// its length (capped at ``maxLength``) and in the names it is matched against; nothing backtracks.
struct MLflowFilter {
    /// The longest filter accepted, in characters.
    static let maxLength = 4096

    var exactName: String?
    /// Every `name LIKE` / `name ILIKE` clause; a name must match all of them.
    var namePatterns: [LikePattern] = []
    var searchHint: String?
    var registryHint: String?
    var runID: String?
    var source: String?
    var tags: [(key: String, value: String)] = []
    /// `tags.KEY != 'VALUE'` clauses (the `mlflow` client adds one to exclude prompts); a missing tag passes.
    var excludedTags: [(key: String, value: String)] = []

    init(_ text: String?, allowed: Set<String>) throws(APIError) {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        guard text.count <= Self.maxLength else {
            throw APIError.invalid("filter", "the filter is longer than \(Self.maxLength) characters")
        }
        for clause in try Self.clauses(text) {
            let key = clause.key.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "\"", with: "")
            let isTag = key.hasPrefix("tags.") || key.hasPrefix("tag.")
            let tagKey = isTag ? String(key.drop(while: { $0 != "." }).dropFirst()) : ""
            let base = isTag ? "tags" : key
            guard allowed.contains(base) else {
                throw APIError.invalid("filter", "filtering on '\(Self.excerpt(key))' is not supported here")
            }
            switch (base, clause.op) {
            case ("name", "="):
                exactName = clause.value
            case ("name", "LIKE"), ("name", "ILIKE"):
                try addPattern(clause.value, caseInsensitive: clause.op == "ILIKE")
            case ("run_id", "="):
                runID = clause.value
            case ("source_path", "="):
                source = clause.value
            case ("tags", "="):
                tags.append((tagKey, clause.value))
            case ("tags", "!="):
                excludedTags.append((tagKey, clause.value))
            default:
                throw APIError.invalid("filter", "'\(clause.op)' is not supported for '\(Self.excerpt(key))'")
            }
        }
    }

    /// Adds a `LIKE` pattern and narrows the catalog query where the pattern allows (the pattern has the last word).
    private mutating func addPattern(_ value: String, caseInsensitive: Bool) throws(APIError) {
        guard value.count <= LikePattern.maxLength else {
            throw APIError.invalid(
                "filter", "a LIKE pattern may be at most \(LikePattern.maxLength) characters, this one has \(value.count)")
        }
        namePatterns.append(LikePattern(value, caseInsensitive: caseInsensitive))
        guard let dot = value.firstIndex(of: ".") else { return }
        let left = value[..<dot]
        let right = value[value.index(after: dot)...]
        // The registry is compared exactly, so only a case-sensitive pattern names it.
        if !caseInsensitive, registryHint == nil, !left.isEmpty, !left.contains("%"), !left.contains("_") {
            registryHint = String(left)
        }
        // The catalog's search is SQLite LIKE: case-insensitive for ASCII only.
        let literals = right.split(whereSeparator: { $0 == "%" || $0 == "_" || $0 == "." }).map(String.init)
            .filter { !caseInsensitive || $0.allSatisfy(\.isASCII) }
        if let longest = literals.max(by: { $0.count < $1.count }), longest.count > (searchHint?.count ?? 0) {
            searchHint = longest
        }
    }

    func matches(name: String) -> Bool {
        if let exactName, exactName != name { return false }
        return namePatterns.allSatisfy { $0.matches(name) }
    }

    func matches(tags actual: [String: String], checkIncluded: Bool) -> Bool {
        if checkIncluded, !tags.allSatisfy({ actual[$0.key] == $0.value }) { return false }
        return excludedTags.allSatisfy { actual[$0.key] != $0.value }
    }

    func matches(runID value: String?) -> Bool { runID == nil || runID == value }
    func matches(source value: String?) -> Bool { source == nil || source == value }

    // MARK: Scanning

    /// One `KEY OP 'VALUE'` clause; `op` is `=`, `!=`, `LIKE` or `ILIKE`.
    struct Clause: Equatable {
        var key: String
        var op: String
        var value: String
    }

    /// Splits `text` into clauses in one pass. A value ends at the first closing quote that is followed by the
    /// end of the filter or by `AND` (so a value may hold quotes and the word AND); every character is looked
    /// at a bounded number of times.
    static func clauses(_ text: String) throws(APIError) -> [Clause] {
        let chars = Array(text)
        var clauses: [Clause] = []
        var i = 0
        func skipSpace(_ j: inout Int) { while j < chars.count, chars[j].isWhitespace { j += 1 } }
        func unsupported(_ start: Int) -> APIError {
            let clause = String(chars[start..<min(chars.count, start + 80)])
            return APIError.invalid(
                "filter",
                "unsupported filter clause '\(clause)': use name = '…', name LIKE '…', run_id = '…' or tags.KEY = '…'")
        }
        /// The end of `AND` and the whitespace after it, when `j` starts one.
        func andKeyword(at j: Int) -> Int? {
            guard j + 3 < chars.count, String(chars[j..<j + 3]).uppercased() == "AND", chars[j + 3].isWhitespace
            else { return nil }
            var end = j + 3
            skipSpace(&end)
            return end
        }
        while true {
            skipSpace(&i)
            let start = i
            // KEY: [A-Za-z_][A-Za-z0-9_.-]*, with `quoted` or "quoted" parts.
            guard i < chars.count, chars[i].isASCII, chars[i].isLetter || chars[i] == "_" else { throw unsupported(start) }
            while i < chars.count {
                let c = chars[i]
                if c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" {
                    i += 1
                } else if c == "`" || c == "\"" {
                    guard let close = chars[(i + 1)...].firstIndex(of: c) else { throw unsupported(start) }
                    i = close + 1
                } else {
                    break
                }
            }
            let key = String(chars[start..<i])
            skipSpace(&i)
            // OP
            let op: String
            if i + 1 < chars.count, chars[i] == "!", chars[i + 1] == "=" {
                op = "!="
                i += 2
            } else if i < chars.count, chars[i] == "=" {
                op = "="
                i += 1
            } else {
                let wordStart = i
                while i < chars.count, chars[i].isASCII, chars[i].isLetter { i += 1 }
                op = String(chars[wordStart..<i]).uppercased()
                guard op == "LIKE" || op == "ILIKE", wordStart > 0, chars[wordStart - 1].isWhitespace else {
                    throw unsupported(start)
                }
            }
            skipSpace(&i)
            // 'VALUE' or "VALUE"
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw unsupported(start) }
            let quote = chars[i]
            let valueStart = i + 1
            var j = valueStart
            var next: Int?
            var finished = false
            while j < chars.count {
                if chars[j] == quote {
                    var after = j + 1
                    skipSpace(&after)
                    if after == chars.count {
                        finished = true
                        break
                    }
                    if after > j + 1, let resume = andKeyword(at: after) {
                        next = resume
                        break
                    }
                }
                j += 1
            }
            guard finished || next != nil else { throw unsupported(start) }
            clauses.append(Clause(key: key, op: op, value: String(chars[valueStart..<j])))
            guard let resume = next else { return clauses }
            i = resume
        }
    }

    private static func excerpt(_ text: String) -> String { text.count > 80 ? String(text.prefix(80)) + "…" : text }
}
