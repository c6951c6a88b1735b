import Foundation
import ModelGateCore
import Synchronization

extension MLflowSimulator {
    // MARK: - Parameters

    static func string(_ params: [String: JSONValue], _ key: String) -> String? {
        switch params[key] {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .array(let items)?: return items.first?.stringValue
        default: return nil
        }
    }

    static func strings(_ params: [String: JSONValue], _ key: String) -> [String] {
        switch params[key] {
        case .string(let text)?: return [text]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return []
        }
    }

    static func required(_ params: [String: JSONValue], _ key: String) throws(MLflowAPIError) -> String {
        guard let value = string(params, key), !value.isEmpty else { throw .missing(key) }
        return value
    }

    static func versionNumber(_ text: String) throws(MLflowAPIError) -> Int {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return number
    }

    static func tags(_ params: [String: JSONValue]) throws(MLflowAPIError) -> [(key: String, value: String)] {
        guard let value = params["tags"], value != .null else { return [] }
        guard let items = value.arrayValue else { throw .invalid("Invalid value for parameter 'tags': expected a list") }
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let key = item["key"]?.stringValue, !key.isEmpty else { throw .missing("key") }
            result.setTag(key, item["value"]?.stringValue ?? "")
        }
        return result
    }

    // MARK: - Search (filters, order, pages)

    /// One `key op 'value'` clause of a filter string.
    struct Clause: Sendable {
        var key: String
        var op: String
        var value: String
    }

    /// Clauses joined by `AND`: `name = 'x'`, `name LIKE 'x%'`, `tags.k = 'v'`, `run_id = '…'`, `version_number = 2`.
    static func parseFilter(_ filter: String?, allowed: Set<String>) throws(MLflowAPIError) -> [Clause] {
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let pattern = #"^\s*([A-Za-z_][\w.`]*)\s*(=|!=|<=|>=|<|>|(?i:like)|(?i:ilike))\s*('[^']*'|"[^"]*"|-?\d+)\s*$"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        var clauses: [Clause] = []
        let parts = filter.components(separatedBy: " AND ").flatMap { $0.components(separatedBy: " and ") }
        for part in parts {
            let range = NSRange(part.startIndex..., in: part)
            guard let match = regex.firstMatch(in: part, range: range), match.numberOfRanges == 4,
                let keyRange = Range(match.range(at: 1), in: part), let opRange = Range(match.range(at: 2), in: part),
                let valueRange = Range(match.range(at: 3), in: part)
            else { throw .invalid("Invalid clause(s) in filter string: \(filter)") }
            let key = part[keyRange].replacingOccurrences(of: "`", with: "")
            guard allowed.contains(key) || key.hasPrefix("tags.") else {
                throw .invalid("Invalid attribute key '\(key)' specified. Valid keys are '{\(allowed.sorted().map { "'\($0)'" }.joined(separator: ", "))}'")
            }
            var value = String(part[valueRange])
            if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
            clauses.append(Clause(key: key, op: part[opRange].uppercased(), value: value))
        }
        return clauses
    }

    /// SQL `LIKE` with `%` and `_`.
    static func like(_ text: String, _ pattern: String, caseInsensitive: Bool) -> Bool {
        let subject = Array(caseInsensitive ? text.lowercased() : text)
        let shape = Array(caseInsensitive ? pattern.lowercased() : pattern)
        var memo: [Int: Bool] = [:]
        func match(_ i: Int, _ j: Int) -> Bool {
            let key = i * (shape.count + 1) + j
            if let known = memo[key] { return known }
            let result: Bool
            if j == shape.count {
                result = i == subject.count
            } else if shape[j] == "%" {
                result = match(i, j + 1) || (i < subject.count && match(i + 1, j))
            } else {
                result = i < subject.count && (shape[j] == "_" || shape[j] == subject[i]) && match(i + 1, j + 1)
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    static func compare(_ actual: String?, _ clause: Clause) -> Bool {
        guard let actual else { return false }
        switch clause.op {
        case "=": return actual == clause.value
        case "!=": return actual != clause.value
        case "LIKE": return like(actual, clause.value, caseInsensitive: false)
        case "ILIKE": return like(actual, clause.value, caseInsensitive: true)
        default:
            guard let lhs = Int64(actual), let rhs = Int64(clause.value) else { return false }
            switch clause.op {
            case "<": return lhs < rhs
            case "<=": return lhs <= rhs
            case ">": return lhs > rhs
            default: return lhs >= rhs
            }
        }
    }

    /// `(key, descending)` pairs of `order_by`.
    static func parseOrder(_ entries: [String], allowed: Set<String>, message: (String) -> String) throws(MLflowAPIError)
        -> [(String, Bool)]
    {
        var result: [(String, Bool)] = []
        for entry in entries {
            let words = entry.split(separator: " ").map(String.init)
            guard let first = words.first, words.count <= 2 else { throw .invalid("Invalid order_by clause '\(entry)'.") }
            let key = first.replacingOccurrences(of: "`", with: "")
            guard allowed.contains(key) else { throw .invalid(message(key)) }
            var descending = false
            if words.count == 2 {
                switch words[1].uppercased() {
                case "ASC": descending = false
                case "DESC": descending = true
                default: throw .invalid("Invalid order_by clause '\(entry)'. Could not be parsed.")
                }
            }
            result.append((key, descending))
        }
        return result
    }

    static func pageSize(_ params: [String: JSONValue], default size: Int, max: Int) throws(MLflowAPIError) -> Int {
        guard let text = string(params, "max_results") else { return size }
        guard let number = Int(text), number >= 0, number <= max else {
            throw .invalid(
                "Invalid value \"\(text)\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters."
            )
        }
        return number
    }

    /// The offset a page token holds (base64 of `{"offset": N}`, as the SQL store writes it).
    static func offset(_ params: [String: JSONValue]) throws(MLflowAPIError) -> Int {
        guard let token = string(params, "page_token"), !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token) else {
            throw .invalid("Invalid page token, could not base64-decode")
        }
        guard let json = try? JSONValue.parse(data), let offset = json["offset"]?.int64Value, offset >= 0 else {
            throw .invalid("Invalid page token, decoded value=\(String(decoding: data, as: UTF8.self))")
        }
        return Int(offset)
    }

    static func token(offset: Int) -> String { Data("{\"offset\": \(offset)}".utf8).base64EncodedString() }

    /// One page of `items` from `offset`, with MLflow's token when more remain.
    static func paged<T>(_ items: [T], offset: Int, size: Int) -> (page: [T], next: String?) {
        let start = min(offset, items.count)
        let end = min(start + size, items.count)
        return (Array(items[start..<end]), end < items.count ? token(offset: end) : nil)
    }

    static func ordered<T>(_ a: T, _ b: T, by keys: [(String, Bool)], value: (T, String) -> (String, Int64)) -> Bool {
        for (key, descending) in keys {
            let (lhsText, lhsNumber) = value(a, key)
            let (rhsText, rhsNumber) = value(b, key)
            if lhsText != rhsText { return descending ? lhsText > rhsText : lhsText < rhsText }
            if lhsNumber != rhsNumber { return descending ? lhsNumber > rhsNumber : lhsNumber < rhsNumber }
        }
        return false
    }
}
