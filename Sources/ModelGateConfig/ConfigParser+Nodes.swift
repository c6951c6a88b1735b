import Foundation
import ModelGateCore
import Yams

extension ConfigParser {
    /// One `key: value` pair of a mapping, with its key path.
    struct Entry {
        let key: String
        let path: String
        let keyNode: Node
        let value: Node
        var keyLine: Int? { keyNode.mark?.line }
        var valueLine: Int? { value.mark?.line ?? keyNode.mark?.line }
    }

    /// The pairs of one mapping, checked against the keys allowed there.
    struct Section {
        let path: String
        let line: Int?
        let entries: [Entry]
        subscript(key: String) -> Entry? { entries.first { $0.key == key } }
        func childPath(_ key: String) -> String { ConfigParser.join(path, key) }
    }

    static func join(_ path: String, _ key: String) -> String {
        let simple = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        if !simple { return "\(path)[\"\(key)\"]" }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar, .alias: "a single value"
        }
    }

    func wrongType(_ entry: Entry, expected: String) -> ConfigError {
        ConfigError(
            code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
            message: "expected \(expected), got \(describe(entry.value))")
    }

    func missing(_ fields: Section, _ key: String, hint: String) -> ConfigError {
        ConfigError(
            code: .missingKey, file: file, line: fields.line, key: fields.childPath(key),
            message: "missing required key '\(key)' (\(hint))")
    }

    func require(_ fields: Section, _ key: String, hint: String) throws(ConfigError) {
        if fields[key] == nil || isNull(fields[key]!.value) { throw missing(fields, key, hint: hint) }
    }

    func section(_ entry: Entry, allowed: [String]?) throws(ConfigError) -> Section {
        try section(entry.value, path: entry.path, allowed: allowed, line: entry.valueLine)
    }

    /// Reads a mapping. `allowed` nil means any key (user-defined keys such as model names).
    func section(_ node: Node, path: String, allowed: [String]?, what: String = "a mapping", line: Int? = nil)
        throws(ConfigError) -> Section
    {
        guard case .mapping(let mapping) = node else {
            throw ConfigError(
                code: .wrongType, file: file, line: node.mark?.line ?? line, key: path.isEmpty ? nil : path,
                message: "expected \(what), got \(describe(node))")
        }
        var entries: [Entry] = []
        try collect(mapping, path: path, into: &entries)
        if let allowed {
            for entry in entries where !allowed.contains(entry.key) {
                var message = "unknown key '\(entry.key)'"
                if let guess = KeySuggestion.closest(to: entry.key, in: allowed) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += " (expected one of \(allowed.joined(separator: ", ")))"
                }
                throw ConfigError(code: .unknownKey, file: file, line: entry.keyLine, key: entry.path, message: message)
            }
        }
        return Section(path: path, line: node.mark?.line ?? line, entries: entries)
    }

    /// The pairs of a mapping, with YAML merge keys (`<<: *defaults`) expanded; explicit keys win.
    private func collect(_ mapping: Node.Mapping, path: String, into entries: inout [Entry]) throws(ConfigError) {
        var merged: [Node.Mapping] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(
                    code: .wrongType, file: file, line: keyNode.mark?.line, key: path.isEmpty ? nil : path,
                    message: "expected a plain key, got \(describe(keyNode))")
            }
            if keyScalar.string == "<<", keyScalar.style == .plain || keyScalar.style == .any {
                switch value {
                case .mapping(let inner): merged.append(inner)
                case .sequence(let list):
                    for item in list {
                        guard case .mapping(let inner) = item else { continue }
                        merged.append(inner)
                    }
                default:
                    throw ConfigError(
                        code: .wrongType, file: file, line: value.mark?.line, key: path.isEmpty ? nil : path,
                        message: "a merge key '<<' needs a mapping or a list of mappings")
                }
                continue
            }
            entries.append(Entry(key: keyScalar.string, path: Self.join(path, keyScalar.string), keyNode: keyNode, value: value))
        }
        for inner in merged {
            var innerEntries: [Entry] = []
            try collect(inner, path: path, into: &innerEntries)
            for entry in innerEntries where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
        }
    }

    /// A scalar after `${VAR}` substitution.
    struct Text {
        var text: String
        var isUnresolved: Bool
    }

    /// The scalar's text with variables substituted; nil when the value is null. Unset variables are
    /// recorded, not thrown.
    mutating func string(_ entry: Entry) throws(ConfigError) -> Text? {
        if isNull(entry.value) { return nil }
        guard case .scalar(let scalar) = entry.value else { throw wrongType(entry, expected: "a single value") }
        switch VariableSubstitution.substitute(scalar.string, environment: environment) {
        case .success(let result):
            for name in result.unset {
                unresolved.append(UnresolvedVariable(name: name, key: entry.path, file: file, line: entry.valueLine))
            }
            return Text(text: result.text, isUnresolved: !result.unset.isEmpty)
        case .failure(.unterminated):
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "'${' without a closing '}' (write '$$' for a literal '$')")
        case .failure(.invalidName):
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "'${…}' must hold a variable name of letters, digits and underscores (write '$$' for a literal '$')")
        }
    }

    /// A value the file cannot be read without (names, kinds, auth types): an unset variable is an error now.
    mutating func structuralString(_ entry: Entry) throws(ConfigError) -> String {
        let before = unresolved.count
        guard let value = try string(entry), !value.text.isEmpty || value.isUnresolved else {
            throw ConfigError(code: .missingKey, file: file, line: entry.valueLine, key: entry.path, message: "must not be empty")
        }
        if value.isUnresolved {
            let name = unresolved[before].name
            unresolved.removeSubrange(before...)
            throw ConfigError(
                code: .unsetVariable, file: file, line: entry.valueLine, key: entry.path,
                message: "environment variable \(name) is not set (this key is needed to read the file)")
        }
        return value.text
    }

    mutating func nonEmptyString(_ entry: Entry?) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        if value.text.isEmpty && !value.isUnresolved {
            throw ConfigError(code: .invalidValue, file: file, line: entry.valueLine, key: entry.path, message: "must not be empty")
        }
        return value.text
    }

    mutating func requiredString(_ fields: Section, _ key: String) throws(ConfigError) -> String {
        guard let entry = fields[key], let value = try nonEmptyString(entry) else {
            throw missing(fields, key, hint: "a value is needed")
        }
        return value
    }

    mutating func url(_ entry: Entry?) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        if Self.hasUserInfo(value.text) {
            // Never echoed: the text holds a password (issue 15 item 15).
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "must not hold credentials (user:password@ in the URL; the value is not shown); "
                    + "put them under 'auth' instead")
        }
        if !value.isUnresolved {
            guard let url = URL(string: value.text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
            else {
                throw ConfigError(
                    code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                    message: "expected an http:// or https:// URL with a host")
            }
        }
        return value.text
    }

    /// Whether a URL's authority (between `scheme://` and the first `/`, `?` or `#`) holds `user[:password]@`.
    static func hasUserInfo(_ text: String) -> Bool {
        guard let schemeEnd = text.range(of: "://") else { return false }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    mutating func identifier(_ entry: Entry?, example: String) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        let valid = !value.text.isEmpty && value.text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        if !value.isUnresolved && !valid {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected \(example) (lowercase letters, digits and hyphens), got '\(value.text)'")
        }
        return value.text
    }

    /// An integer ≥ `minimum`; nil when absent or when it references an unset variable.
    mutating func int(_ entry: Entry?, minimum: Int) throws(ConfigError) -> Int? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        guard let number = Int(value.text.trimmingWhitespace()) else {
            throw ConfigError(
                code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a whole number, got '\(value.text)'")
        }
        guard number >= minimum else {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a whole number of at least \(minimum), got \(number)")
        }
        return number
    }

    mutating func bool(_ entry: Entry?) throws(ConfigError) -> Bool? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        switch value.text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default:
            throw ConfigError(
                code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
                message: "expected true or false, got '\(value.text)'")
        }
    }

    /// A positive duration (`10s`, `500ms`, `1m`, `1.5s`, or a bare number of seconds).
    mutating func duration(_ entry: Entry?) throws(ConfigError) -> Duration? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        guard let duration = DurationParsing.parse(value.text), duration > .zero else {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a positive duration such as 10s, 500ms, 1m, 1.5s or a number of seconds, "
                    + "got '\(value.text)'")
        }
        return duration
    }

    /// One of an enum's raw values; `fallback` when absent or unresolved.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ entry: Entry?, default fallback: Choice)
        throws(ConfigError) -> Choice where Choice.RawValue == String
    {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return fallback }
        guard let choice = Choice(rawValue: value.text) else {
            let valid = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "unknown value '\(value.text)' (expected one of \(valid))")
        }
        return choice
    }
}
