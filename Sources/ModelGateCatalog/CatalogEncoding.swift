import Foundation
import ModelGateCore

/// Small, allocation-light encoders used on the write path (a sync may write millions of rows).
enum CatalogEncoding {
    /// Compact JSON with sorted object keys: stable text, so equal values compare equal as strings.
    static func json(_ value: JSONValue) -> String {
        value.jsonString()
    }

    /// `{"k": v, …}` with sorted keys, for metric maps.
    static func json(_ metrics: [String: Double]) -> String {
        if metrics.isEmpty { return "{}" }
        var out = "{"
        for (index, key) in metrics.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            JSONWriter.writeString(key, into: &out)
            out += ":"
            JSONWriter.writeDouble(metrics[key] ?? 0, into: &out)
        }
        out += "}"
        return out
    }

    /// `{"k": "v", …}` with sorted keys.
    static func json(_ strings: [String: String]) -> String {
        if strings.isEmpty { return "{}" }
        var out = "{"
        for (index, key) in strings.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            JSONWriter.writeString(key, into: &out)
            out += ":"
            JSONWriter.writeString(strings[key] ?? "", into: &out)
        }
        out += "}"
        return out
    }

    static func parseJSON(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return try? JSONValue.parse(Data(text.utf8))
    }

    static func parseMetrics(_ text: String?) -> [String: Double] {
        guard let object = parseJSON(text)?.objectValue else { return [:] }
        var metrics: [String: Double] = [:]
        for (key, value) in object {
            if let number = value.doubleValue { metrics[key] = number }
        }
        return metrics
    }

    static func parseStrings(_ text: String?) -> [String: String] {
        guard let object = parseJSON(text)?.objectValue else { return [:] }
        var strings: [String: String] = [:]
        for (key, value) in object {
            if let string = value.stringValue { strings[key] = string }
        }
        return strings
    }

    /// The numeric-aware sort key of a version, followed by the version itself (so it is unique):
    /// every run of digits becomes its length (two digits) and the digits without leading zeros,
    /// so `2` < `10` and `1.9` < `1.10`; `\u{1}` separates the key from the version.
    static func versionSort(_ version: String) -> String {
        var key = ""
        key.reserveCapacity(version.utf8.count + 8)
        var digits: [UInt8] = []
        func flush() {
            guard !digits.isEmpty else { return }
            var start = 0
            while start < digits.count - 1, digits[start] == UInt8(ascii: "0") { start += 1 }
            let significant = digits[start...]
            let length = min(significant.count, 99)
            if length < 10 { key += "0" }
            key += String(length)
            key += String(decoding: significant, as: UTF8.self)
            digits.removeAll(keepingCapacity: true)
        }
        for scalar in version.unicodeScalars {
            if scalar.value >= 0x30, scalar.value <= 0x39 {
                digits.append(UInt8(scalar.value))
            } else {
                flush()
                key.unicodeScalars.append(scalar)
            }
        }
        flush()
        return key + "\u{1}" + version
    }

    /// A `LIKE` pattern matching `text` as a substring, with `\` as the escape character.
    static func likeSubstring(_ text: String) -> String {
        var pattern = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { pattern += "\\" }
            pattern.append(character)
        }
        return pattern + "%"
    }

    /// Cuts rows fetched with `LIMIT limit + 1` to `limit` and returns the cursor of the last row kept, or nil when
    /// nothing was cut (the last page, or no limit, or no key on the last row).
    static func trimPage<Row>(_ rows: inout [Row], limit: Int?, cursor: (Row) -> [String]?) -> String? {
        guard let limit, rows.count > limit else { return nil }
        rows.removeLast(rows.count - limit)
        return rows.last.flatMap(cursor).map(encodeCursor)
    }

    /// An opaque keyset cursor: base64url of a JSON array of strings.
    static func encodeCursor(_ parts: [String]) -> String {
        let data = Data(json(.array(parts.map { .string($0) })).utf8)
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String, count: Int) throws -> [String] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let items = (try? JSONValue.parse(data))?.arrayValue,
            items.count == count
        else { throw CatalogError("invalid cursor '\(cursor)': pass the next_cursor of a previous page") }
        let strings = items.compactMap(\.stringValue)
        guard strings.count == count else {
            throw CatalogError("invalid cursor '\(cursor)': pass the next_cursor of a previous page")
        }
        return strings
    }
}
