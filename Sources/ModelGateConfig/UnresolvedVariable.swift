/// A `${VAR}` reference whose variable was not set when the config was loaded.
///
/// Loading does not fail on it; the command that uses the affected registry (or server, or global
/// setting) calls `checkResolved()` and gets an error naming the variable and the key.
public struct UnresolvedVariable: Sendable, Hashable, CustomStringConvertible {
    /// The variable name, e.g. `MLFLOW_TRACKING_PASSWORD`.
    public var name: String
    /// The key path of the value that references it, e.g. `registries[0].auth.password`.
    public var key: String
    /// The config file.
    public var file: String
    /// The 1-based line of the value.
    public var line: Int?

    /// Creates a record of an unset variable.
    public init(name: String, key: String, file: String, line: Int?) {
        self.name = name
        self.key = key
        self.file = file
        self.line = line
    }

    /// The error to report when the value is needed.
    public var error: ConfigError {
        ConfigError(
            code: .unsetVariable, file: file, line: line, key: key,
            message: "environment variable \(name) is not set")
    }

    /// Same text as `error.description`.
    public var description: String { error.description }
}

extension Array where Element == UnresolvedVariable {
    /// Throws the error of the first unset variable, if any.
    func checkAllResolved() throws(ConfigError) {
        if let first { throw first.error }
    }
}
