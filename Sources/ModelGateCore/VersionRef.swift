/// `REGISTRY:MODEL[@VERSION]` as written on the command line: the first `:` ends the registry,
/// the last `@` starts the version (model names may hold `:` and `@`).
public struct VersionRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var registry: String
    public var model: String
    public var version: String?

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

    public var description: String {
        if model.isEmpty { return registry }
        return version.map { "\(registry):\(model)@\($0)" } ?? "\(registry):\(model)"
    }
}

public struct RefParseError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid reference '\(text)': \(reason)" }
}
