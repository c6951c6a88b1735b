import ModelGateAdapterKit
import ModelGateSigning

/// SageMaker's name rules and the mapping of other registries' model names onto them.
///
/// A model package group name is 1–63 characters of ASCII letters, digits and hyphens, starting and ending
/// with a letter or digit (`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`). ``groupName(for:)`` keeps a valid name as it is
/// and maps any other one deterministically: every run of other characters becomes one hyphen, leading and
/// trailing hyphens are dropped, the result is cut to 54 characters and `-` plus the first 8 hex digits of
/// the SHA-256 of the original name is appended (`fraud_detector` → `fraud-detector-<8 hex>`), so two
/// names that differ only in the replaced characters never collide. The mapping is idempotent: a mapped
/// name is valid, so it maps to itself.
public enum SageMakerNames {
    /// The longest group name SageMaker accepts.
    public static let maxGroupNameLength = 63
    /// The group tag that records the original name of a mapped group.
    public static let originalNameTag = "modelgate.original_name"

    /// Whether SageMaker accepts `name` as a model package group name.
    public static func isValidGroupName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...maxGroupNameLength).contains(bytes.count), bytes.count == name.count else { return false }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// The group name for a model called `name` elsewhere (see the type's documentation).
    public static func groupName(for name: String) -> String {
        if isValidGroupName(name) { return name }
        return NameMapping.mapped(name, maxLength: maxGroupNameLength) { $0.isASCII && isAlphanumeric(UInt8($0.value)) }
    }

    /// Whether `text` fits SageMaker's tag value rule (`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, at most 256 characters).
    public static func isValidTagValue(_ text: String) -> Bool {
        text.count <= 256 && text.unicodeScalars.allSatisfy(isTagCharacter)
    }

    /// Whether `text` fits SageMaker's tag key rule (the value rule, 1–128 characters).
    public static func isValidTagKey(_ text: String) -> Bool {
        (1...128).contains(text.count) && text.unicodeScalars.allSatisfy(isTagCharacter)
    }

    /// Letters, separators (spaces), numbers and `_.:/=+-@`: the characters of tags and customer metadata.
    static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
