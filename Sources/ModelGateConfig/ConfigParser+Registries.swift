import Foundation
import ModelGateCore
import Yams

extension ConfigParser {
    mutating func registries(_ entry: Entry) throws(ConfigError) -> [RegistryConfig] {
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
}
