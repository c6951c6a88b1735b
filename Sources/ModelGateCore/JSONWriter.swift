/// Compact JSON text with sorted object keys, written by hand: stable text (equal values give equal
/// strings) and fast enough for the catalog's write path, where a sync may write millions of rows.
public enum JSONWriter {
    public static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): writeDouble(number, into: &out)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(object[key] ?? .null, into: &out)
            }
            out += "}"
        }
    }

    public static func writeDouble(_ number: Double, into out: inout String) {
        guard number.isFinite else {
            out += "null"
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            out += String(Int64(number))
        } else {
            out += "\(number)"
        }
    }

    public static func writeString(_ text: String, into out: inout String) {
        out += "\""
        var needsEscape = false
        for unit in text.utf8 where unit < 0x20 || unit == 0x22 || unit == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
