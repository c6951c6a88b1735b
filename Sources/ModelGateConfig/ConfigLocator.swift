import Foundation

/// Finds the config file and the catalog (DESIGN §3) from an injected environment and current directory.
///
/// Config file: `--config`, then `$MODELGATE_CONFIG`, then `./modelgate.yaml`, then
/// `$XDG_CONFIG_HOME/modelgate/config.yaml` (`XDG_CONFIG_HOME` defaults to `$HOME/.config`). An explicit file
/// (option or variable) that does not exist is an error; when none of the implicit places has one, there
/// is no config, and commands that only read the catalog still work.
///
/// Catalog: `--catalog`, then `$MODELGATE_CATALOG`, then `catalog:` in the config (relative to the config
/// file's directory), then `$XDG_DATA_HOME/modelgate/catalog.sqlite` (`XDG_DATA_HOME` defaults to
/// `$HOME/.local/share`).
public struct ConfigLocator: Sendable {
    /// Where a config file was found.
    public enum Source: String, Sendable, Hashable {
        /// `--config`.
        case option
        /// `$MODELGATE_CONFIG`.
        case environment
        /// `./modelgate.yaml`.
        case currentDirectory
        /// `$XDG_CONFIG_HOME/modelgate/config.yaml`.
        case userConfig
    }

    /// A config file that exists.
    public struct Location: Sendable, Hashable {
        /// Absolute (or current-directory-relative, if the current directory was given relative) path.
        public var path: String
        /// Which lookup step found it.
        public var source: Source
    }

    /// The process environment (or a test's).
    public var environment: [String: String]
    /// The directory relative paths are resolved against.
    public var currentDirectory: String

    /// Creates a locator over this environment and current directory.
    public init(environment: [String: String], currentDirectory: String) {
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// A locator over the real process environment and working directory.
    public static var process: ConfigLocator {
        ConfigLocator(
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
    }

    private var home: String? { nonEmpty("HOME") }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    private func absolute(_ path: String) -> String {
        PathResolution.resolve(path, relativeTo: currentDirectory, home: home)
    }

    /// An XDG base directory: the variable when it holds an absolute path (the spec says to ignore relative
    /// ones), else `$HOME/<fallback>`.
    private func xdgDirectory(_ variable: String, fallback: String) -> String? {
        if let value = nonEmpty(variable), value.hasPrefix("/") { return value }
        return home.map { PathResolution.join($0, fallback) }
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// The config file to use, or nil when there is none. `explicit` is the `--config` value.
    public func locateConfig(explicit: String?) throws(ConfigError) -> Location? {
        if let explicit {
            let path = absolute(explicit)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError(code: .fileNotFound, file: explicit, message: "config file not found (given with --config)")
            }
            return Location(path: path, source: .option)
        }
        if let variable = nonEmpty("MODELGATE_CONFIG") {
            let path = absolute(variable)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError(
                    code: .fileNotFound, file: variable, message: "config file not found (named by MODELGATE_CONFIG)")
            }
            return Location(path: path, source: .environment)
        }
        let local = PathResolution.join(currentDirectory, "modelgate.yaml")
        if Self.isFile(local) { return Location(path: local, source: .currentDirectory) }
        if let base = xdgDirectory("XDG_CONFIG_HOME", fallback: ".config") {
            let path = PathResolution.join(base, "modelgate/config.yaml")
            if Self.isFile(path) { return Location(path: path, source: .userConfig) }
        }
        return nil
    }

    /// Finds and loads the config file; nil when there is none. `explicit` is the `--config` value.
    public func loadConfig(explicit: String?) throws(ConfigError) -> ModelGateConfig? {
        guard let location = try locateConfig(explicit: explicit) else { return nil }
        return try ModelGateConfig.load(path: location.path, environment: environment)
    }

    /// The catalog database path. `explicit` is the `--catalog` value; `config` the loaded config, if any.
    public func catalogPath(explicit: String?, config: ModelGateConfig?) throws(ConfigError) -> String {
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let variable = nonEmpty("MODELGATE_CATALOG") { return absolute(variable) }
        if let config, let path = try config.catalogPath(home: home) {
            return absolute(path)
        }
        guard let base = xdgDirectory("XDG_DATA_HOME", fallback: ".local/share") else {
            throw ConfigError(
                code: .unsetVariable, file: "environment", key: "HOME",
                message: "environment variable HOME is not set; give --catalog, or set MODELGATE_CATALOG or XDG_DATA_HOME")
        }
        return PathResolution.join(base, "modelgate/catalog.sqlite")
    }
}
