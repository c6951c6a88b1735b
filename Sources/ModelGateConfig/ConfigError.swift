/// A problem with the config file: where it is (file, line, key path) and what was expected.
///
/// `description` reads like a compiler diagnostic,
/// `modelgate.yaml:12: registries[1].kind: unknown kind 'foo' (expected one of mlflow, sagemaker, …)`.
/// It never contains a secret value: messages name keys and variables, not the values of secret keys.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code callers can switch on; new codes can be added without breaking anyone.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidYAML, fileNotFound, unreadableFile, unknownKey, unknownKind, missingKey, wrongType
            case invalidValue, invalidName, duplicateName, unsupportedAuth, unsetVariable, unknownRegistry
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not valid YAML (the line is the one the YAML parser reported).
        public static var invalidYAML: Self { Self(.invalidYAML) }
        /// An explicitly named config file (`--config`, `$MODELGATE_CONFIG`) does not exist.
        public static var fileNotFound: Self { Self(.fileNotFound) }
        /// The file exists but cannot be read or is not UTF-8 text.
        public static var unreadableFile: Self { Self(.unreadableFile) }
        /// A key that is not part of the schema at this place (often a typo).
        public static var unknownKey: Self { Self(.unknownKey) }
        /// A registry `kind` that ModelGate has no adapter for.
        public static var unknownKind: Self { Self(.unknownKind) }
        /// A required key is absent.
        public static var missingKey: Self { Self(.missingKey) }
        /// A mapping where a scalar was expected, a word where a number was expected, and so on.
        public static var wrongType: Self { Self(.wrongType) }
        /// A value of the right type that is not acceptable (a bad URL, a negative count, a bad duration).
        public static var invalidValue: Self { Self(.invalidValue) }
        /// A registry name that breaks the naming rules.
        public static var invalidName: Self { Self(.invalidName) }
        /// Two registries (or two server tokens) with the same name.
        public static var duplicateName: Self { Self(.duplicateName) }
        /// An auth type the registry kind does not accept.
        public static var unsupportedAuth: Self { Self(.unsupportedAuth) }
        /// A `${VAR}` whose variable is not set, found when the value is about to be used.
        public static var unsetVariable: Self { Self(.unsetVariable) }
        /// A `conflicts` entry that names a registry that is not configured.
        public static var unknownRegistry: Self { Self(.unknownRegistry) }

        /// The code's name, e.g. `unknownKey`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The config file as it was named (a path, or the name given to `parse(yaml:file:environment:)`).
    public var file: String
    /// The 1-based line of the offending key or value, when known.
    public var line: Int?
    /// The key path, e.g. `registries[1].kind` or `server.tokens[0].role`, when the problem has one.
    public var key: String?
    /// What is wrong and what was expected. Never a secret.
    public var message: String

    /// Creates an error; `message` must not contain secret values.
    public init(code: Code, file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: KEY: MESSAGE`, leaving out the parts that are unknown.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key, !key.isEmpty { text += "\(key): " }
        return text + message
    }
}
