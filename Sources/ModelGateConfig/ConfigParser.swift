import Foundation
import ModelGateCore
import Yams

/// Turns YAML text into a validated `ModelGateConfig`, walking Yams' node tree so that every error
/// can name its line. Values are read as strings and converted here, so `project: 42` and `"42"` agree.
struct ConfigParser {
    let file: String
    let environment: [String: String]
    /// Every unset `${VAR}` met so far, in document order.
    private(set) var unresolved: [UnresolvedVariable] = []

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

    // MARK: - Registries

    private mutating func registries(_ entry: Entry) throws(ConfigError) -> [RegistryConfig] {
        if isNull(entry.value) { return [] }
        guard case .sequence(let sequence) = entry.value else {
            throw wrongType(entry, expected: "a list of registries")
        }
        var result: [RegistryConfig] = []
        var firstLine: [String: Int?] = [:]
        for (index, item) in sequence.enumerated() {
            let path = "registries[\(index)]"
            let registry = try registry(item, path: path)
            if let previous = firstLine[registry.name] {
                let nameLine = try section(item, path: path, allowed: Self.allRegistryKeys)["name"]?.valueLine
                let firstDefined = previous.map { " (first defined on line \($0))" } ?? ""
                throw ConfigError(
                    code: .duplicateName, file: file, line: nameLine ?? registry.line, key: "\(path).name",
                    message: "duplicate registry name '\(registry.name)'\(firstDefined); names must be unique")
            }
            firstLine[registry.name] = registry.line
            result.append(registry)
        }
        return result
    }

    private mutating func registry(_ node: Node, path: String) throws(ConfigError) -> RegistryConfig {
        let start = unresolved.endIndex
        let fields = try section(node, path: path, allowed: Self.allRegistryKeys, what: "a registry")

        guard let nameEntry = fields["name"] else { throw missing(fields, "name", hint: "a registry name") }
        let name = try structuralString(nameEntry)
        guard Self.isValidRegistryName(name) else {
            throw ConfigError(
                code: .invalidName, file: file, line: nameEntry.valueLine, key: nameEntry.path,
                message: "invalid registry name '\(name)' (expected lowercase letters, digits and hyphens, "
                    + "starting with a letter or digit, at most 63 characters)")
        }

        let validKinds = RegistryKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindEntry = fields["kind"] else {
            throw missing(fields, "kind", hint: "one of \(validKinds)")
        }
        let kindText = try structuralString(kindEntry)
        guard let kind = RegistryKind(rawValue: kindText) else {
            throw ConfigError(
                code: .unknownKind, file: file, line: kindEntry.valueLine, key: kindEntry.path,
                message: "unknown kind '\(kindText)' (expected one of \(validKinds))")
        }

        let applicable = Self.commonRegistryKeys + Self.specificKeys(of: kind)
        for entry in fields.entries where !applicable.contains(entry.key) {
            let users = RegistryKind.allCases.filter { Self.specificKeys(of: $0).contains(entry.key) }
            var message = "key '\(entry.key)' does not apply to kind \(kind.rawValue)"
            message += " (it is used by \(users.map(\.rawValue).joined(separator: ", "))"
            if entry.key == "url", !kind.isSelfHosted { message += "; use 'endpoint' to override the API base" }
            message += ")"
            throw ConfigError(code: .unknownKey, file: file, line: entry.keyLine, key: entry.path, message: message)
        }

        var config = RegistryConfig(name: name, kind: kind, file: file, line: fields.line)
        config.url = try url(fields["url"])
        config.endpoint = try url(fields["endpoint"])
        config.authority = try url(fields["authority"])
        config.region = try identifier(fields["region"], example: "an AWS region such as us-east-1")
        config.location = try identifier(fields["location"], example: "a Google Cloud location such as europe-west4")
        config.project = try nonEmptyString(fields["project"])
        config.subscription = try nonEmptyString(fields["subscription"])
        config.resourceGroup = try nonEmptyString(fields["resource_group"])
        config.workspace = try nonEmptyString(fields["workspace"])
        config.registryName = try nonEmptyString(fields["registry"])
        config.entity = try nonEmptyString(fields["entity"])
        config.caBundle = try nonEmptyString(fields["ca_bundle"])
        config.insecureSkipTLSVerify = try bool(fields["insecure_skip_tls_verify"]) ?? false
        config.pageSize = try int(fields["page_size"], minimum: 1)
        if let entry = fields["timeout"] { config.timeout = try timeout(entry) }
        if let entry = fields["retry"] { config.retry = try retry(entry) }

        switch kind {
        case .mlflow:
            try require(fields, "url", hint: "the MLflow tracking server URL")
        case .sagemaker:
            try require(fields, "region", hint: "an AWS region such as us-east-1")
        case .vertex:
            try require(fields, "project", hint: "a Google Cloud project id")
            try require(fields, "location", hint: "a Google Cloud location such as europe-west4")
        case .azureml:
            try require(fields, "subscription", hint: "an Azure subscription id")
            try require(fields, "resource_group", hint: "an Azure resource group")
            switch (fields["workspace"], fields["registry"]) {
            case (nil, nil):
                throw ConfigError(
                    code: .missingKey, file: file, line: fields.line, key: "\(path).workspace",
                    message: "an azureml registry needs exactly one of 'workspace' or 'registry', and has neither")
            case (_?, let registry?):
                throw ConfigError(
                    code: .invalidValue, file: file, line: registry.keyLine, key: registry.path,
                    message: "an azureml registry needs exactly one of 'workspace' or 'registry', and has both")
            default: break
            }
        case .gitlab:
            try require(fields, "url", hint: "the GitLab instance URL")
            try require(fields, "project", hint: "a GitLab project id or path")
        case .wandb:
            try require(fields, "entity", hint: "the organization's W&B entity")
            try require(fields, "registry", hint: "a W&B registry name such as model")
            if config.url == nil { config.url = RegistryConfig.defaultWandBURL }
        }

        config.auth = try auth(fields, kind: kind)
        config.unresolvedVariables = Array(unresolved[start...])
        return config
    }

    static func isValidRegistryName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63, name.first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private mutating func timeout(_ entry: Entry) throws(ConfigError) -> TimeoutSettings {
        let fields = try section(entry, allowed: ["connect", "total"])
        var result = TimeoutSettings()
        if let connect = try duration(fields["connect"]) { result.connect = connect }
        if let total = try duration(fields["total"]) { result.total = total }
        return result
    }

    private mutating func retry(_ entry: Entry) throws(ConfigError) -> RetrySettings {
        let fields = try section(entry, allowed: ["max_attempts", "base", "cap"])
        var result = RetrySettings()
        if let attempts = try int(fields["max_attempts"], minimum: 1) { result.maxAttempts = attempts }
        if let base = try duration(fields["base"]) { result.base = base }
        if let cap = try duration(fields["cap"]) { result.cap = cap }
        if result.cap < result.base, let entry = fields["cap"] ?? fields["base"] {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "retry cap (\(result.cap)) must not be smaller than base (\(result.base))")
        }
        return result
    }

    // MARK: - Auth

    private mutating func auth(_ registry: Section, kind: RegistryKind) throws(ConfigError) -> AuthConfig {
        let accepted = kind.acceptedAuthTypes.map(\.rawValue).joined(separator: ", ")
        guard let entry = registry["auth"], !isNull(entry.value) else {
            if let fallback = kind.defaultAuth { return fallback }
            throw ConfigError(
                code: .missingKey, file: file, line: registry.line, key: registry.childPath("auth"),
                message: "missing required key 'auth' (kind \(kind.rawValue) accepts type \(accepted))")
        }
        // `auth: none` as a shorthand for `auth: {type: none}`.
        if case .scalar(let scalar) = entry.value, scalar.string == "none" {
            try checkAccepted(.none, kind: kind, line: entry.valueLine, key: entry.path)
            return .none
        }
        let fields = try section(
            entry.value, path: entry.path, allowed: ["type"] + AuthType.allCases.flatMap(Self.authKeys).uniqued(),
            what: "an auth mapping", line: entry.valueLine)
        guard let typeEntry = fields["type"] else {
            throw missing(fields, "type", hint: "for kind \(kind.rawValue) one of \(accepted)")
        }
        let typeText = try structuralString(typeEntry)
        guard let type = AuthType(rawValue: typeText) else {
            throw ConfigError(
                code: .invalidValue, file: file, line: typeEntry.valueLine, key: typeEntry.path,
                message: "unknown auth type '\(typeText)' (kind \(kind.rawValue) accepts \(accepted))")
        }
        try checkAccepted(type, kind: kind, line: typeEntry.valueLine, key: typeEntry.path)
        let allowed = Self.authKeys(of: type)
        for field in fields.entries where field.key != "type" && !allowed.contains(field.key) {
            var message = "key '\(field.key)' does not apply to auth type \(type.rawValue)"
            message += allowed.isEmpty ? " (it takes no other keys)" : " (expected \(allowed.joined(separator: ", ")))"
            throw ConfigError(code: .unknownKey, file: file, line: field.keyLine, key: field.path, message: message)
        }

        switch type {
        case .none:
            return .none
        case .basic:
            return .basic(
                username: try requiredString(fields, "username"), password: try requiredString(fields, "password"))
        case .bearer:
            return .bearer(token: try requiredString(fields, "token"))
        case .aws:
            let aws = AWSAuth(
                profile: try nonEmptyString(fields["profile"]),
                accessKeyID: try nonEmptyString(fields["access_key_id"]),
                secretAccessKey: try nonEmptyString(fields["secret_access_key"]),
                sessionToken: try nonEmptyString(fields["session_token"]))
            if (fields["access_key_id"] == nil) != (fields["secret_access_key"] == nil) {
                let present = fields["access_key_id"] ?? fields["secret_access_key"]
                let absent = fields["access_key_id"] == nil ? "access_key_id" : "secret_access_key"
                throw ConfigError(
                    code: .missingKey, file: file, line: present?.keyLine ?? fields.line,
                    key: fields.childPath(absent),
                    message: "access_key_id and secret_access_key must be given together")
            }
            if let session = fields["session_token"], fields["access_key_id"] == nil {
                throw ConfigError(
                    code: .missingKey, file: file, line: session.keyLine, key: fields.childPath("access_key_id"),
                    message: "session_token needs access_key_id and secret_access_key")
            }
            return .aws(aws)
        case .googleServiceAccount:
            return .googleServiceAccount(keyFile: try requiredString(fields, "key_file"))
        case .azureClientSecret:
            return .azureClientSecret(
                tenant: try requiredString(fields, "tenant"), clientID: try requiredString(fields, "client_id"),
                clientSecret: try requiredString(fields, "client_secret"))
        case .azureClientCertificate:
            return .azureClientCertificate(
                tenant: try requiredString(fields, "tenant"), clientID: try requiredString(fields, "client_id"),
                certificate: try requiredString(fields, "certificate"),
                algorithm: try choice(fields["algorithm"], default: AssertionAlgorithm.ps256))
        case .token:
            return .token(
                token: try requiredString(fields, "token"), header: try choice(fields["header"], default: .bearer))
        case .apiKey:
            return .apiKey(try requiredString(fields, "api_key"))
        }
    }

    private func checkAccepted(_ type: AuthType, kind: RegistryKind, line: Int?, key: String) throws(ConfigError) {
        guard kind.acceptedAuthTypes.contains(type) else {
            let accepted = kind.acceptedAuthTypes.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(
                code: .unsupportedAuth, file: file, line: line, key: key,
                message: "auth type '\(type.rawValue)' is not accepted by kind \(kind.rawValue) (expected \(accepted))")
        }
    }

    // MARK: - Sync, conflicts, server

    private mutating func sync(_ entry: Entry) throws(ConfigError) -> SyncSettings {
        let fields = try section(entry, allowed: ["concurrency", "tombstone_after_misses", "full_every"])
        var result = SyncSettings()
        if let value = try int(fields["concurrency"], minimum: 1) { result.concurrency = value }
        if let value = try int(fields["tombstone_after_misses"], minimum: 1) { result.tombstoneAfterMisses = value }
        if let value = try int(fields["full_every"], minimum: 1) { result.fullEvery = value }
        return result
    }

    private mutating func conflicts(_ entry: Entry, registries: [RegistryConfig]) throws(ConfigError)
        -> ConflictSettings
    {
        let fields = try section(entry, allowed: ["source_of_truth", "tag_owners", "serving_image"])
        let names = registries.map(\.name)
        var result = ConflictSettings()
        if let map = fields["source_of_truth"] {
            for item in try section(map, allowed: nil).entries {
                result.sourceOfTruth[item.key] = try registryReference(item, names: names, line: item.valueLine)
            }
        }
        if let map = fields["tag_owners"] {
            for item in try section(map, allowed: nil).entries {
                result.tagOwners[item.key] = try registryReference(item, names: names, line: item.valueLine)
            }
        }
        if let map = fields["serving_image"] {
            for item in try section(map, allowed: nil).entries {
                _ = try checkRegistryName(item.key, names: names, line: item.keyLine, key: item.path)
                guard let image = try string(item), !image.text.isEmpty || image.isUnresolved else {
                    throw ConfigError(
                        code: .invalidValue, file: file, line: item.valueLine, key: item.path,
                        message: "expected a container image reference")
                }
                result.servingImage[item.key] = image.text
            }
        }
        return result
    }

    private mutating func registryReference(_ entry: Entry, names: [String], line: Int?) throws(ConfigError)
        -> String
    {
        guard let value = try string(entry) else {
            throw ConfigError(
                code: .missingKey, file: file, line: line, key: entry.path, message: "expected a registry name")
        }
        return try checkRegistryName(value.text, names: names, line: line, key: entry.path)
    }

    private func checkRegistryName(_ name: String, names: [String], line: Int?, key: String) throws(ConfigError)
        -> String
    {
        guard names.contains(name) else {
            var message = "unknown registry '\(name)'"
            if let guess = KeySuggestion.closest(to: name, in: names) { message += "; did you mean '\(guess)'?" }
            message += names.isEmpty ? " (no registries are configured)" : " (configured: \(names.joined(separator: ", ")))"
            throw ConfigError(code: .unknownRegistry, file: file, line: line, key: key, message: message)
        }
        return name
    }

    private mutating func server(_ entry: Entry) throws(ConfigError) -> ServerSettings {
        let fields = try section(entry, allowed: ["listen", "tokens", "audit_retention_days"])
        var result = ServerSettings()
        if let listen = fields["listen"], let value = try string(listen), !value.isUnresolved {
            guard let (host, port) = Self.hostAndPort(value.text) else {
                throw ConfigError(
                    code: .invalidValue, file: file, line: listen.valueLine, key: listen.path,
                    message: "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, got '\(value.text)'")
            }
            result = ServerSettings(host: host, port: port)
        }
        if let daysEntry = fields["audit_retention_days"], let days = try int(daysEntry, minimum: 1) {
            guard days <= ServerSettings.maximumAuditRetentionDays else {
                throw ConfigError(
                    code: .invalidValue, file: file, line: daysEntry.valueLine, key: daysEntry.path,
                    message: "expected a whole number of days up to \(ServerSettings.maximumAuditRetentionDays), got \(days)")
            }
            result.auditRetentionDays = days
        }
        if let tokens = fields["tokens"], !isNull(tokens.value) {
            guard case .sequence(let sequence) = tokens.value else {
                throw wrongType(tokens, expected: "a list of {name, role, token | token_sha256}")
            }
            var seen: Set<String> = []
            for (index, item) in sequence.enumerated() {
                let token = try serverToken(item, path: "\(tokens.path)[\(index)]")
                guard seen.insert(token.name).inserted else {
                    throw ConfigError(
                        code: .duplicateName, file: file, line: token.line, key: "\(tokens.path)[\(index)].name",
                        message: "duplicate token name '\(token.name)'")
                }
                result.tokens.append(token)
            }
        }
        return result
    }

    private mutating func serverToken(_ node: Node, path: String) throws(ConfigError) -> ServerToken {
        let fields = try section(node, path: path, allowed: ["name", "role", "token", "token_sha256"], what: "a token")
        let name = try requiredString(fields, "name")
        guard let roleEntry = fields["role"] else {
            throw missing(fields, "role", hint: ServerRole.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let role: ServerRole = try choice(roleEntry, default: .reader)
        let secret: ServerTokenSecret
        switch (fields["token"], fields["token_sha256"]) {
        case (let token?, nil):
            secret = .token(try requiredString(fields, token.key))
        case (nil, let hash?):
            guard let text = try string(hash) else { throw missing(fields, hash.key, hint: "a value is needed") }
            let value = text.text.lowercased()
            let isHex = value.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
            if !text.isUnresolved, value.count != 64 || !isHex {
                throw ConfigError(
                    code: .invalidValue, file: file, line: hash.valueLine, key: hash.path,
                    message: "expected the token's SHA-256 as 64 hexadecimal digits")
            }
            secret = .sha256(value)
        case (nil, nil):
            throw ConfigError(
                code: .missingKey, file: file, line: fields.line, key: fields.childPath("token"),
                message: "a server token needs 'token' or 'token_sha256'")
        case (_?, let hash?):
            throw ConfigError(
                code: .invalidValue, file: file, line: hash.keyLine, key: hash.path,
                message: "give either 'token' or 'token_sha256', not both")
        }
        return ServerToken(name: name, role: role, secret: secret, line: fields.line)
    }

    static func hostAndPort(_ text: String) -> (String, Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace), portText.allSatisfy(\.isASCII),
            let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        return (String(host), port)
    }
}

// MARK: - Node reading

extension ConfigParser {
    /// One `key: value` pair of a mapping, with its key path.
    struct Entry {
        let key: String
        let path: String
        let keyNode: Node
        let value: Node
        var keyLine: Int? { keyNode.mark?.line }
        var valueLine: Int? { value.mark?.line ?? keyNode.mark?.line }
    }

    /// The pairs of one mapping, checked against the keys allowed there.
    struct Section {
        let path: String
        let line: Int?
        let entries: [Entry]
        subscript(key: String) -> Entry? { entries.first { $0.key == key } }
        func childPath(_ key: String) -> String { ConfigParser.join(path, key) }
    }

    static func join(_ path: String, _ key: String) -> String {
        let simple = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        if !simple { return "\(path)[\"\(key)\"]" }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar, .alias: "a single value"
        }
    }

    func wrongType(_ entry: Entry, expected: String) -> ConfigError {
        ConfigError(
            code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
            message: "expected \(expected), got \(describe(entry.value))")
    }

    func missing(_ fields: Section, _ key: String, hint: String) -> ConfigError {
        ConfigError(
            code: .missingKey, file: file, line: fields.line, key: fields.childPath(key),
            message: "missing required key '\(key)' (\(hint))")
    }

    func require(_ fields: Section, _ key: String, hint: String) throws(ConfigError) {
        if fields[key] == nil || isNull(fields[key]!.value) { throw missing(fields, key, hint: hint) }
    }

    func section(_ entry: Entry, allowed: [String]?) throws(ConfigError) -> Section {
        try section(entry.value, path: entry.path, allowed: allowed, line: entry.valueLine)
    }

    /// Reads a mapping. `allowed` nil means any key (user-defined keys such as model names).
    func section(_ node: Node, path: String, allowed: [String]?, what: String = "a mapping", line: Int? = nil)
        throws(ConfigError) -> Section
    {
        guard case .mapping(let mapping) = node else {
            throw ConfigError(
                code: .wrongType, file: file, line: node.mark?.line ?? line, key: path.isEmpty ? nil : path,
                message: "expected \(what), got \(describe(node))")
        }
        var entries: [Entry] = []
        try collect(mapping, path: path, into: &entries)
        if let allowed {
            for entry in entries where !allowed.contains(entry.key) {
                var message = "unknown key '\(entry.key)'"
                if let guess = KeySuggestion.closest(to: entry.key, in: allowed) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += " (expected one of \(allowed.joined(separator: ", ")))"
                }
                throw ConfigError(code: .unknownKey, file: file, line: entry.keyLine, key: entry.path, message: message)
            }
        }
        return Section(path: path, line: node.mark?.line ?? line, entries: entries)
    }

    /// The pairs of a mapping, with YAML merge keys (`<<: *defaults`) expanded; explicit keys win.
    private func collect(_ mapping: Node.Mapping, path: String, into entries: inout [Entry]) throws(ConfigError) {
        var merged: [Node.Mapping] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(
                    code: .wrongType, file: file, line: keyNode.mark?.line, key: path.isEmpty ? nil : path,
                    message: "expected a plain key, got \(describe(keyNode))")
            }
            if keyScalar.string == "<<", keyScalar.style == .plain || keyScalar.style == .any {
                switch value {
                case .mapping(let inner): merged.append(inner)
                case .sequence(let list):
                    for item in list {
                        guard case .mapping(let inner) = item else { continue }
                        merged.append(inner)
                    }
                default:
                    throw ConfigError(
                        code: .wrongType, file: file, line: value.mark?.line, key: path.isEmpty ? nil : path,
                        message: "a merge key '<<' needs a mapping or a list of mappings")
                }
                continue
            }
            entries.append(Entry(key: keyScalar.string, path: Self.join(path, keyScalar.string), keyNode: keyNode, value: value))
        }
        for inner in merged {
            var innerEntries: [Entry] = []
            try collect(inner, path: path, into: &innerEntries)
            for entry in innerEntries where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
        }
    }

    /// A scalar after `${VAR}` substitution.
    struct Text {
        var text: String
        var isUnresolved: Bool
    }

    /// The scalar's text with variables substituted; nil when the value is null. Unset variables are
    /// recorded, not thrown.
    mutating func string(_ entry: Entry) throws(ConfigError) -> Text? {
        if isNull(entry.value) { return nil }
        guard case .scalar(let scalar) = entry.value else { throw wrongType(entry, expected: "a single value") }
        switch VariableSubstitution.substitute(scalar.string, environment: environment) {
        case .success(let result):
            for name in result.unset {
                unresolved.append(UnresolvedVariable(name: name, key: entry.path, file: file, line: entry.valueLine))
            }
            return Text(text: result.text, isUnresolved: !result.unset.isEmpty)
        case .failure(.unterminated):
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "'${' without a closing '}' (write '$$' for a literal '$')")
        case .failure(.invalidName):
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "'${…}' must hold a variable name of letters, digits and underscores (write '$$' for a literal '$')")
        }
    }

    /// A value the file cannot be read without (names, kinds, auth types): an unset variable is an error now.
    mutating func structuralString(_ entry: Entry) throws(ConfigError) -> String {
        let before = unresolved.count
        guard let value = try string(entry), !value.text.isEmpty || value.isUnresolved else {
            throw ConfigError(code: .missingKey, file: file, line: entry.valueLine, key: entry.path, message: "must not be empty")
        }
        if value.isUnresolved {
            let name = unresolved[before].name
            unresolved.removeSubrange(before...)
            throw ConfigError(
                code: .unsetVariable, file: file, line: entry.valueLine, key: entry.path,
                message: "environment variable \(name) is not set (this key is needed to read the file)")
        }
        return value.text
    }

    mutating func nonEmptyString(_ entry: Entry?) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        if value.text.isEmpty && !value.isUnresolved {
            throw ConfigError(code: .invalidValue, file: file, line: entry.valueLine, key: entry.path, message: "must not be empty")
        }
        return value.text
    }

    mutating func requiredString(_ fields: Section, _ key: String) throws(ConfigError) -> String {
        guard let entry = fields[key], let value = try nonEmptyString(entry) else {
            throw missing(fields, key, hint: "a value is needed")
        }
        return value
    }

    mutating func url(_ entry: Entry?) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        if Self.hasUserInfo(value.text) {
            // Never echoed: the text holds a password (issue 15 item 15).
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "must not hold credentials (user:password@ in the URL; the value is not shown); "
                    + "put them under 'auth' instead")
        }
        if !value.isUnresolved {
            guard let url = URL(string: value.text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
            else {
                throw ConfigError(
                    code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                    message: "expected an http:// or https:// URL with a host")
            }
        }
        return value.text
    }

    /// Whether a URL's authority (between `scheme://` and the first `/`, `?` or `#`) holds `user[:password]@`.
    static func hasUserInfo(_ text: String) -> Bool {
        guard let schemeEnd = text.range(of: "://") else { return false }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    mutating func identifier(_ entry: Entry?, example: String) throws(ConfigError) -> String? {
        guard let entry, let value = try string(entry) else { return nil }
        let valid = !value.text.isEmpty && value.text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        if !value.isUnresolved && !valid {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected \(example) (lowercase letters, digits and hyphens), got '\(value.text)'")
        }
        return value.text
    }

    /// An integer ≥ `minimum`; nil when absent or when it references an unset variable.
    mutating func int(_ entry: Entry?, minimum: Int) throws(ConfigError) -> Int? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        guard let number = Int(value.text.trimmingWhitespace()) else {
            throw ConfigError(
                code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a whole number, got '\(value.text)'")
        }
        guard number >= minimum else {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a whole number of at least \(minimum), got \(number)")
        }
        return number
    }

    mutating func bool(_ entry: Entry?) throws(ConfigError) -> Bool? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        switch value.text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default:
            throw ConfigError(
                code: .wrongType, file: file, line: entry.valueLine, key: entry.path,
                message: "expected true or false, got '\(value.text)'")
        }
    }

    /// A positive duration (`10s`, `500ms`, `1m`, `1.5s`, or a bare number of seconds).
    mutating func duration(_ entry: Entry?) throws(ConfigError) -> Duration? {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return nil }
        guard let duration = DurationParsing.parse(value.text), duration > .zero else {
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "expected a positive duration such as 10s, 500ms, 1m, 1.5s or a number of seconds, "
                    + "got '\(value.text)'")
        }
        return duration
    }

    /// One of an enum's raw values; `fallback` when absent or unresolved.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ entry: Entry?, default fallback: Choice)
        throws(ConfigError) -> Choice where Choice.RawValue == String
    {
        guard let entry, let value = try string(entry), !value.isUnresolved else { return fallback }
        guard let choice = Choice(rawValue: value.text) else {
            let valid = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(
                code: .invalidValue, file: file, line: entry.valueLine, key: entry.path,
                message: "unknown value '\(value.text)' (expected one of \(valid))")
        }
        return choice
    }
}

extension Array where Element: Equatable {
    fileprivate func uniqued() -> [Element] {
        var result: [Element] = []
        for element in self where !result.contains(element) { result.append(element) }
        return result
    }
}
