/// `REGISTRY:MODEL[@VERSION]` as written on the command line: the first `:` ends the registry,
/// the last `@` starts the version (model names may hold `:` and `@`).
public struct VersionRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The configured registry name, the text before the first `:`.
    public var registry: String
    /// The model name as the registry spells it; empty for a bare `REGISTRY` reference.
    public var model: String
    /// The version after the last `@`; nil when the reference names the model as a whole.
    public var version: String?

    /// A reference from its parts; `version` nil names the whole model.
    public init(registry: String, model: String, version: String? = nil) {
        self.registry = registry
        self.model = model
        self.version = version
    }

    /// Parses `text`; `requireModel: false` also accepts a bare `REGISTRY` (model then empty).
    public init(parsing text: String, requireModel: Bool = true) throws(RefParseError) {
        guard let colon = text.firstIndex(of: ":") else {
            guard !requireModel, !text.isEmpty else {
                throw RefParseError(text: text, reason: "expected REGISTRY:MODEL[@VERSION]")
            }
            self.init(registry: text, model: "", version: nil)
            return
        }
        let registry = String(text[..<colon])
        var rest = String(text[text.index(after: colon)...])
        var version: String?
        if let at = rest.lastIndex(of: "@") {
            version = String(rest[rest.index(after: at)...])
            rest = String(rest[..<at])
            if version?.isEmpty == true { throw RefParseError(text: text, reason: "the version after '@' is empty") }
        }
        guard !registry.isEmpty else { throw RefParseError(text: text, reason: "the registry before ':' is empty") }
        guard !rest.isEmpty else { throw RefParseError(text: text, reason: "the model after ':' is empty") }
        self.init(registry: registry, model: rest, version: version)
    }

    /// The reference as written on the command line: `REGISTRY`, `REGISTRY:MODEL` or `REGISTRY:MODEL@VERSION`.
    public var description: String {
        if model.isEmpty { return registry }
        return version.map { "\(registry):\(model)@\($0)" } ?? "\(registry):\(model)"
    }
}

/// Why a `REGISTRY:MODEL[@VERSION]` argument could not be parsed.
public struct RefParseError: Error, Sendable, CustomStringConvertible {
    /// The argument as given.
    public var text: String
    /// Which part is missing or empty, in words (`the model after ':' is empty`).
    public var reason: String
    /// `invalid reference 'TEXT': REASON`, for error output.
    public var description: String { "invalid reference '\(text)': \(reason)" }
}
