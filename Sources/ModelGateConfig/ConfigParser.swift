import Foundation
import ModelGateCore
import Yams

/// Turns YAML text into a validated `ModelGateConfig`, walking Yams' node tree so that every error
/// can name its line. Values are read as strings and converted here, so `project: 42` and `"42"` agree.
struct ConfigParser {
    let file: String
    let environment: [String: String]
    /// Every unset `${VAR}` met so far, in document order.
    var unresolved: [UnresolvedVariable] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    // MARK: - Keys

    static let topLevelKeys = ["catalog", "registries", "sync", "conflicts", "server"]
    static let commonRegistryKeys = [
        "name", "kind", "endpoint", "auth", "ca_bundle", "insecure_skip_tls_verify", "timeout", "retry", "page_size",
    ]
    static func specificKeys(of kind: RegistryKind) -> [String] {
        switch kind {
        case .mlflow: ["url"]
        case .sagemaker: ["region"]
        case .vertex: ["project", "location"]
        case .azureml: ["subscription", "resource_group", "workspace", "registry", "authority"]
        case .gitlab: ["url", "project"]
        case .wandb: ["url", "entity", "registry"]
        }
    }
    static let allRegistryKeys: [String] = {
        var keys = commonRegistryKeys
        for kind in RegistryKind.allCases {
            for key in specificKeys(of: kind) where !keys.contains(key) { keys.append(key) }
        }
        return keys
    }()
    static func authKeys(of type: AuthType) -> [String] {
        switch type {
        case .none: []
        case .basic: ["username", "password"]
        case .bearer: ["token"]
        case .aws: ["profile", "access_key_id", "secret_access_key", "session_token"]
        case .googleServiceAccount: ["key_file"]
        case .azureClientSecret: ["tenant", "client_id", "client_secret"]
        case .azureClientCertificate: ["tenant", "client_id", "certificate", "algorithm"]
        case .token: ["token", "header"]
        case .apiKey: ["api_key"]
        }
    }

    // MARK: - Document

    mutating func parse(yaml: String, directory: String) throws(ConfigError) -> ModelGateConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw yamlError(error, yaml: yaml)
        } catch {
            throw ConfigError(code: .invalidYAML, file: file, message: "invalid YAML: \(error)")
        }
        var config = ModelGateConfig(file: file, directory: directory)
        guard let root, !isNull(root) else { return config }
        let top = try section(root, path: "", allowed: Self.topLevelKeys)

        if let entry = top["catalog"], let value = try string(entry) {
            config.catalog = value.text
        }
        let registriesStart = unresolved.endIndex
        if let entry = top["registries"] {
            config.registries = try registries(entry)
        }
        let registriesEnd = unresolved.endIndex
        if let entry = top["sync"] { config.sync = try sync(entry) }
        if let entry = top["conflicts"] { config.conflicts = try conflicts(entry, registries: config.registries) }
        let serverStart = unresolved.endIndex
        if let entry = top["server"] { config.server = try server(entry) }
        config.server.unresolvedVariables = Array(unresolved[serverStart...])
        config.unresolvedVariables = Array(unresolved[..<registriesStart] + unresolved[registriesEnd..<serverStart])
        return config
    }

    private func yamlError(_ error: YamlError, yaml: String) -> ConfigError {
        func make(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> ConfigError {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) started on line \(context.mark.line))" }
            return ConfigError(code: .invalidYAML, file: file, line: mark.line, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return make(problem, context, mark)
        case .parser(let context, let problem, let mark, _): return make(problem, context, mark)
        case .composer(let context, let problem, let mark, _): return make(problem, context, mark)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { yaml.prefix($0).filter { $0 == "\n" }.count + 1 }
            return ConfigError(code: .invalidYAML, file: file, line: line, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(
                code: .invalidYAML, file: file, line: context.mark.line,
                message: "duplicate key \(names) in the same mapping")
        default:
            return ConfigError(code: .invalidYAML, file: file, message: "invalid YAML: \(error)")
        }
    }
}
