import Foundation
import ModelGateCore

/// The whole config file (DESIGN §3), parsed and validated.
///
/// Load it with `load(path:environment:)`, or find it first with `ConfigLocator`. `${VAR}` references
/// are substituted from the environment given; unset ones are kept per registry (see
/// `RegistryConfig.checkResolved()`), under `server` (`ServerSettings.checkResolved()`) and for the rest of
/// the file (`checkResolved()`).
public struct ModelGateConfig: Sendable, Hashable, CustomStringConvertible {
    /// The config file as named when loading (used in every error message).
    public var file: String
    /// The directory of `file`; a relative `catalog:` is relative to it.
    public var directory: String
    /// The `catalog:` value as written (after substitution); see `catalogPath`.
    public var catalog: String?
    /// The configured registries, in file order.
    public var registries: [RegistryConfig]
    /// The `sync:` section.
    public var sync: SyncSettings
    /// The `conflicts:` section.
    public var conflicts: ConflictSettings
    /// The `server:` section.
    public var server: ServerSettings
    /// Unset `${VAR}` references in `catalog`, `sync` and `conflicts` (registries and server keep their own).
    public var unresolvedVariables: [UnresolvedVariable]

    /// An empty configuration with every default.
    public init(
        file: String, directory: String = ".", catalog: String? = nil, registries: [RegistryConfig] = [],
        sync: SyncSettings = SyncSettings(), conflicts: ConflictSettings = ConflictSettings(),
        server: ServerSettings = ServerSettings(), unresolvedVariables: [UnresolvedVariable] = []
    ) {
        self.file = file
        self.directory = directory
        self.catalog = catalog
        self.registries = registries
        self.sync = sync
        self.conflicts = conflicts
        self.server = server
        self.unresolvedVariables = unresolvedVariables
    }

    /// Reads and parses the file at `path`. Errors name `path`, the line and the key.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> Self {
        try load(path: path, reportedAs: path, environment: environment)
    }

    /// Reads the file at `path` and names it `reportedAs` in errors.
    static func load(path: String, reportedAs name: String, environment: [String: String]) throws(ConfigError)
        -> Self
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .fileNotFound, file: name, message: "config file not found")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .unreadableFile, file: name, message: "is a directory, not a config file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .unreadableFile, file: name, message: "cannot read the file (check permissions)")
        }
        SecretFilePermissions.check(path, holding: "config file")
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, file: name, message: "the file is not UTF-8 text")
        }
        var parser = ConfigParser(file: name, environment: environment)
        return try parser.parse(yaml: text, directory: Self.directory(of: path))
    }

    /// Parses YAML text; `file` is the name used in errors and the base of a relative `catalog:`.
    public static func parse(yaml: String, file: String = "modelgate.yaml", environment: [String: String])
        throws(ConfigError) -> Self
    {
        var parser = ConfigParser(file: file, environment: environment)
        return try parser.parse(yaml: yaml, directory: Self.directory(of: file))
    }

    /// The registry with this name, if configured.
    public func registry(named name: String) -> RegistryConfig? {
        registries.first { $0.name == name }
    }

    /// The registries with these names in the order given (all of them for an empty list), each checked
    /// with `checkResolved()`. An unknown name is an error that suggests the closest configured one.
    public func registries(named names: [String]) throws(ConfigError) -> [RegistryConfig] {
        let selected: [RegistryConfig]
        if names.isEmpty {
            selected = registries
        } else {
            var found: [RegistryConfig] = []
            for name in names {
                guard let registry = registry(named: name) else {
                    let configured = registries.map(\.name)
                    var message = "no registry named '\(name)'"
                    if let guess = KeySuggestion.closest(to: name, in: configured) {
                        message += "; did you mean '\(guess)'?"
                    }
                    message += configured.isEmpty
                        ? " (no registries are configured)" : " (configured: \(configured.joined(separator: ", ")))"
                    throw ConfigError(code: .unknownRegistry, file: file, key: "registries", message: message)
                }
                found.append(registry)
            }
            selected = found
        }
        for registry in selected { try registry.checkResolved() }
        return selected
    }

    /// Throws if `catalog`, `sync` or `conflicts` reference an unset variable.
    public func checkResolved() throws(ConfigError) {
        try unresolvedVariables.checkAllResolved()
    }

    /// `catalog:` resolved against the config file's directory (`~/` against `HOME` when given);
    /// nil when the file has no `catalog:`. Throws if it references an unset variable.
    public func catalogPath(home: String? = nil) throws(ConfigError) -> String? {
        guard let catalog else { return nil }
        if let variable = unresolvedVariables.first(where: { $0.key == "catalog" }) { throw variable.error }
        return PathResolution.resolve(catalog, relativeTo: directory, home: home)
    }

    /// `modelgate.yaml: 3 registries (mlflow-prod, sm-us, aml)`; never a secret.
    public var description: String {
        "\(file): \(registries.count) registries (\(registries.map(\.name).joined(separator: ", ")))"
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Path joining without touching the file system (so tests can inject directories).
enum PathResolution {
    /// `path` if absolute; `HOME/rest` for `~/rest` when `home` is known; else `base/path`.
    static func resolve(_ path: String, relativeTo base: String, home: String?) -> String {
        if path.hasPrefix("/") { return path }
        if let home, !home.isEmpty {
            if path == "~" { return home }
            if path.hasPrefix("~/") { return join(home, String(path.dropFirst(2))) }
        }
        return join(base, path)
    }

    static func join(_ base: String, _ path: String) -> String {
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        if relative.isEmpty || relative == "." { return base }
        if base.isEmpty || base == "." { return String(relative) }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}
