import ModelGateSigning

/// The deterministic mapping of a model name onto a registry's name rules, shared by the adapters whose registries
/// restrict names (SageMaker groups, Vertex model ids, Azure ML containers).
///
/// Characters `keep` accepts are kept; every run of other characters becomes one hyphen; characters `dropLeading`
/// names are dropped until the first kept one (names that may not start with them); the result is cut so that `-`
/// plus the first 8 hex digits of the SHA-256 of the original name fit in `maxLength`, and that suffix is appended,
/// so two names that differ only in replaced characters never collide. A name with nothing left becomes `m-<hex>`.
public enum NameMapping {
    /// - Parameter walking: the text whose characters are kept or replaced (the name itself unless given, e.g.
    ///   lowercased); the suffix always hashes the original `name`.
    public static func mapped(
        _ name: String, walking: String? = nil, maxLength: Int, keep: (Unicode.Scalar) -> Bool,
        dropLeading: (Unicode.Scalar) -> Bool = { _ in false }
    ) -> String {
        var sanitized = ""
        var pendingHyphen = false
        for scalar in (walking ?? name).unicodeScalars {
            guard keep(scalar) else {
                pendingHyphen = true
                continue
            }
            if sanitized.isEmpty, dropLeading(scalar) { continue }
            if pendingHyphen, !sanitized.isEmpty { sanitized.append("-") }
            pendingHyphen = false
            sanitized.unicodeScalars.append(scalar)
        }
        let suffix = String(Hex.encode(Digest.sha256(name)).prefix(8))
        var base = String(sanitized.prefix(maxLength - suffix.count - 1))
        while base.hasSuffix("-") { base.removeLast() }
        return base.isEmpty ? "m-\(suffix)" : "\(base)-\(suffix)"
    }
}
