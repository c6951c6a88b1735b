import Foundation
import Hummingbird

/// A request's query string, decoded the way HTML forms encode it (`+` is a space), repeated keys kept.
public struct QueryParameters: Sendable {
    public var pairs: [(key: String, value: String)]

    /// Parses `request.uri.query`.
    public init(_ request: Request) {
        self.init(query: request.uri.query)
    }

    /// Parses a raw query string (without `?`).
    public init(query: String?) {
        var pairs: [(key: String, value: String)] = []
        for part in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            pairs.append((decode(kv[0]), kv.count > 1 ? decode(kv[1]) : ""))
        }
        self.pairs = pairs
    }

    /// The first value of `key`; an empty value counts as absent.
    public subscript(_ key: String) -> String? {
        guard let value = pairs.first(where: { $0.key == key })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Every non-empty value of `key`, in order.
    public func all(_ key: String) -> [String] {
        pairs.filter { $0.key == key && !$0.value.isEmpty }.map(\.value)
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no`; anything else is a 400 naming `key`.
    public func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = self[key] else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw APIError.invalid(key, "\(key) must be true or false, got '\(value)'")
        }
    }

    /// A positive page size: `defaultValue` when absent, a 400 naming `key` above `maximum` or below 1.
    public func limit(_ key: String = "limit", defaultValue: Int, maximum: Int) throws(APIError) -> Int {
        guard let text = self[key] else { return defaultValue }
        guard let value = Int(text), value >= 1 else {
            throw APIError.invalid(key, "\(key) must be a positive integer, got '\(text)'")
        }
        guard value <= maximum else { throw APIError.invalid(key, "\(key) must be at most \(maximum), got \(value)") }
        return value
    }

    /// The parameters other than `excluded`, re-encoded for a link (`next page` keeps the filters).
    public func encoded(replacing overrides: [String: String?] = [:]) -> String {
        var result: [(String, String)] = pairs.filter { overrides[$0.key] == nil }.map { ($0.key, $0.value) }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if let value = value ?? nil { result.append((key, value)) }
        }
        return result.filter { !$0.1.isEmpty }.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes a query component.
    public static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:@")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
