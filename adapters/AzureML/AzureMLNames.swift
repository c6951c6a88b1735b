import ModelGateAdapterKit
import ModelGateSigning

/// Azure ML's name rules and the mapping of other registries' model names and versions onto them.
///
/// A model container name matches `^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$` (the spec's path pattern).
/// ``modelName(for:)`` keeps a valid name as it is and maps any other one deterministically: every run of other
/// characters becomes one hyphen, leading hyphens and underscores are dropped, the result is cut to 246
/// characters and `-` plus the first 8 hex digits of the SHA-256 of the original name is appended
/// (`fraud.detector` → `fraud-detector-<8 hex>`), so two names that differ only in the replaced characters
/// never collide. The mapping is idempotent: a mapped name is valid, so it maps to itself.
///
/// The spec gives no pattern for a version name (a case-sensitive path segment); ModelGate keeps a source
/// version when it is 1–255 characters of letters, digits, `.`, `_` and `-` starting with a letter or digit
/// (`3`, `2024.11.3`, `1.0.0-rc1`), and otherwise lets the adapter number the copy.
public enum AzureMLNames {
    /// The longest container name Azure ML accepts.
    public static let maxNameLength = 255

    /// Whether Azure ML accepts `name` as a model container name.
    public static func isValidModelName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...maxNameLength).contains(bytes.count), bytes.count == name.unicodeScalars.count,
            let first = bytes.first, isAlphanumeric(first)
        else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// The container name for a model called `name` elsewhere (see the type's documentation).
    public static func modelName(for name: String) -> String {
        if isValidModelName(name) { return name }
        return NameMapping.mapped(
            name, maxLength: maxNameLength,
            keep: { $0.isASCII && (isAlphanumeric(UInt8($0.value)) || $0 == "_") }, dropLeading: { $0 == "_" })
    }

    /// Whether ModelGate keeps `version` as an Azure ML version name (see the type's documentation).
    public static func isValidVersionName(_ version: String) -> Bool {
        let bytes = Array(version.utf8)
        guard (1...maxNameLength).contains(bytes.count), bytes.count == version.unicodeScalars.count,
            let first = bytes.first, isAlphanumeric(first)
        else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
