import Foundation
import ModelGateAdapterKit
import ModelGateSigning

/// Vertex AI's name and label rules, the mapping of other registries' names and tags onto them, and the form
/// ModelGate's provenance takes on a Vertex version.
///
/// **Model ids** are 1–63 characters of `[a-z0-9_-]`, not starting with a digit or hyphen. ``modelID(for:)``
/// keeps a valid id as it is and maps any other name deterministically: lowercased, every run of other
/// characters becomes one `-`, leading digits, hyphens are dropped (the id must start with a letter or `_`),
/// the result is cut to 54 characters and `-` plus the first 8 hex digits of the SHA-256 of the original name
/// is appended (`Fraud.Detector` → `fraud-detector-<8 hex>`), so names that differ only in case or in the
/// replaced characters never collide. A mapped id is valid, so the mapping is idempotent.
///
/// **Labels** (keys and values at most 64 characters of lowercase letters, digits, `_` and `-`; keys start
/// with a lowercase letter; at most 64 labels). ``labelKey(for:)`` maps a tag key: lowercased, every other
/// character becomes `_`, `k_` put in front when it does not start with a letter; a key longer than 64 is
/// not mapped. Values are data and are never rewritten: a tag whose value is not a valid label value is dropped.
///
/// **Provenance**: labels `modelgate_copy_id` (the copy id, 32 lowercase hex) and `modelgate_source` (lowercase
/// hex SHA-256 of the `REGISTRY:MODEL@VERSION` source, 64 characters), and the full provenance as the LAST
/// line of `versionDescription`:
/// `modelgate: source=REG:MODEL@VER source_version=VER copy_id=ID[ digest=ALG:HEX]`, each value
/// percent-encoded for `%`, space, `=` and control characters (so a value never breaks the line).
public enum VertexNames {
    public static let maxModelIDLength = 63
    public static let maxLabelLength = 64
    public static let maxLabels = 64
    /// The label holding the copy id.
    public static let copyIDLabel = "modelgate_copy_id"
    /// The label holding the hex SHA-256 of the provenance source.
    public static let sourceLabel = "modelgate_source"
    /// How the provenance line of `versionDescription` starts.
    public static let provenancePrefix = "modelgate: "

    // MARK: Model ids

    /// Whether Vertex accepts `id` as a model id.
    public static func isValidModelID(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard (1...maxModelIDLength).contains(scalars.count), let first = scalars.first else { return false }
        if isDigit(first) || first == "-" { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || isDigit($0) || $0 == "_" || $0 == "-" }
    }

    /// The model id for a model called `name` elsewhere (see the type's documentation).
    public static func modelID(for name: String) -> String {
        if isValidModelID(name) { return name }
        return NameMapping.mapped(
            name, walking: name.lowercased(), maxLength: maxModelIDLength, keep: { ("a"..."z").contains($0) || isDigit($0) || $0 == "_" },
            dropLeading: isDigit)
    }

    // MARK: Labels

    /// Whether `key` is a valid label key.
    public static func isValidLabelKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, isLower(first), key.unicodeScalars.count <= maxLabelLength else {
            return false
        }
        return key.unicodeScalars.allSatisfy(isLabelScalar)
    }

    /// Whether `value` is a valid label value (may be empty).
    public static func isValidLabelValue(_ value: String) -> Bool {
        value.unicodeScalars.count <= maxLabelLength && value.unicodeScalars.allSatisfy(isLabelScalar)
    }

    /// The label key for tag key `key`, or nil when it would be longer than 64 characters.
    public static func labelKey(for key: String) -> String? {
        if isValidLabelKey(key) { return key }
        var mapped = String(String.UnicodeScalarView(key.lowercased().unicodeScalars.map { isLabelScalar($0) ? $0 : "_" }))
        if let first = mapped.unicodeScalars.first, !isLower(first) { mapped = "k_" + mapped }
        guard !mapped.isEmpty, mapped.unicodeScalars.count <= maxLabelLength else { return nil }
        return mapped
    }

    // MARK: Provenance

    /// The labels that carry `provenance`.
    public static func provenanceLabels(_ provenance: Provenance) -> [String: String] {
        [copyIDLabel: provenance.copyID, sourceLabel: sourceHash(provenance.source)]
    }

    /// Lowercase hex SHA-256 of a provenance source.
    public static func sourceHash(_ source: String) -> String { Hex.encode(Digest.sha256(source)) }

    /// The provenance line (without a newline).
    public static func provenanceLine(_ provenance: Provenance) -> String {
        var line = provenancePrefix + "source=\(escape(provenance.source)) source_version=\(escape(provenance.sourceVersion))"
        line += " copy_id=\(escape(provenance.copyID))"
        if let digest = provenance.digest { line += " digest=\(escape(digest))" }
        return line
    }

    /// `description` with the provenance line as its last line.
    public static func versionDescription(_ description: String?, provenance: Provenance?) -> String? {
        guard let provenance else { return description }
        let line = provenanceLine(provenance)
        guard let description, !description.isEmpty else { return line }
        return description + "\n" + line
    }

    /// Parses the provenance line; nil unless it has the prefix, `source` and `copy_id`.
    public static func parseProvenanceLine(_ line: Substring) -> Provenance? {
        guard line.hasPrefix(provenancePrefix) else { return nil }
        var fields: [String: String] = [:]
        for part in line.dropFirst(provenancePrefix.count).split(separator: " ", omittingEmptySubsequences: true) {
            guard let equal = part.firstIndex(of: "=") else { return nil }
            let key = String(part[..<equal])
            guard let value = String(part[part.index(after: equal)...]).removingPercentEncoding else { return nil }
            fields[key] = value
        }
        guard let source = fields["source"], !source.isEmpty, let copyID = fields["copy_id"], !copyID.isEmpty else {
            return nil
        }
        var tags = [Provenance.sourceKey: source, Provenance.copyIDKey: copyID]
        tags[Provenance.sourceVersionKey] = fields["source_version"]
        tags[Provenance.digestKey] = fields["digest"]
        return Provenance(tags: tags)
    }

    /// Splits a raw `versionDescription` into the description users wrote and the provenance of its last line.
    public static func splitDescription(_ raw: String?) -> (description: String?, provenance: Provenance?) {
        guard let raw, !raw.isEmpty else { return (raw, nil) }
        let lastLineStart = raw.lastIndex(of: "\n").map { raw.index(after: $0) } ?? raw.startIndex
        guard let provenance = parseProvenanceLine(raw[lastLineStart...]) else { return (raw, nil) }
        guard lastLineStart > raw.startIndex else { return (nil, provenance) }
        let rest = String(raw[..<raw.index(before: lastLineStart)])
        return (rest.isEmpty ? nil : rest, provenance)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            if scalar == "%" || scalar == " " || scalar == "=" || scalar.properties.generalCategory == .control
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            {
                for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
        isLower(scalar) || isDigit(scalar) || scalar == "_" || scalar == "-"
    }

    static func isLower(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? ("a"..."z").contains(scalar) : scalar.properties.isLowercase
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
