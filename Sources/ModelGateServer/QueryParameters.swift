import Foundation
import Hummingbird

/// A request's query string, decoded the way HTML forms encode it (`+` is a space), repeated keys kept.
///
/// Typed reads (``bool(_:)``, ``limit(_:defaultValue:maximum:)``, ``choice(_:_:)``, ``integer(_:in:)``) refuse a
/// parameter given twice and, outside ``form`` mode, an empty value: the OpenAPI document types them, and a
/// request it calls invalid is answered 400 (issue 15 item 4).
public struct QueryParameters: Sendable {
    public var pairs: [(key: String, value: String)]
    /// A web page's form: an empty `<select>` value ("any") counts as absent for ``bool(_:)`` and ``choice(_:_:)``.
    public var form = false

    /// Parses `request.uri.query`.
    public init(_ request: Request, form: Bool = false) {
        self.init(query: request.uri.query)
        self.form = form
    }

    /// Parses `request.uri.query` and refuses (400) a single-valued parameter given more than once.
    ///
    /// - Parameter arrays: the parameters that may repeat (`tag`, MLflow's `order_by`).
    public static func checked(_ request: Request, form: Bool = false, arrays: Set<String> = ["tag"]) throws(APIError)
        -> QueryParameters
    {
        let q = QueryParameters(request, form: form)
        var seen = Set<String>()
        for (key, _) in q.pairs where !arrays.contains(key) && !seen.insert(key).inserted {
            throw APIError.invalid(key, "\(key) is given more than once; give it once")
        }
        return q
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

    /// Every value of a repeatable parameter, in order; in ``form`` mode the empty ones (blank inputs) are left out.
    public func values(_ key: String) -> [String] {
        pairs.filter { $0.key == key && (!form || !$0.value.isEmpty) }.map(\.value)
    }

    /// Every non-empty value of `key`, in order.
    public func all(_ key: String) -> [String] {
        pairs.filter { $0.key == key && !$0.value.isEmpty }.map(\.value)
    }

    /// The one value of a typed parameter: nil when absent (or empty in ``form`` mode when `emptyIsAbsent`), a 400
    /// when given more than once.
    func single(_ key: String, emptyIsAbsent: Bool = false) throws(APIError) -> String? {
        let values = pairs.filter { $0.key == key }.map(\.value)
        guard values.count <= 1 else { throw APIError.invalid(key, "\(key) is given \(values.count) times; give it once") }
        guard let value = values.first else { return nil }
        if value.isEmpty, form && emptyIsAbsent { return nil }
        return value
    }

    /// `true` or `false` (as the OpenAPI document's booleans); anything else is a 400 naming `key`.
    public func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = try single(key, emptyIsAbsent: true) else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default: throw APIError.invalid(key, "\(key) must be true or false, got '\(value)'")
        }
    }

    /// One of `allowed`, or nil when absent; anything else is a 400 naming `key` and the choices.
    public func choice(_ key: String, _ allowed: [String]) throws(APIError) -> String? {
        guard let value = try single(key, emptyIsAbsent: true) else { return nil }
        guard allowed.contains(value) else {
            throw APIError.invalid(key, "\(key) must be one of \(allowed.joined(separator: ", ")), got '\(value)'")
        }
        return value
    }

    /// An integer within `range`, or nil when absent; anything else is a 400 naming `key`.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = try single(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(key, "\(key) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// A positive page size: `defaultValue` when absent, a 400 naming `key` above `maximum` or below 1.
    public func limit(_ key: String = "limit", defaultValue: Int, maximum: Int) throws(APIError) -> Int {
        guard let text = try single(key) else { return defaultValue }
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
