import Foundation
import ModelGateCore
import Yams

extension ConfigParser {
    mutating func auth(_ registry: Section, kind: RegistryKind) throws(ConfigError) -> AuthConfig {
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
}

extension Array where Element: Equatable {
    fileprivate func uniqued() -> [Element] {
        var result: [Element] = []
        for element in self where !result.contains(element) { result.append(element) }
        return result
    }
}
