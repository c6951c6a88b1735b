import Foundation
import ModelGateCore
import Yams

extension ConfigParser {
    mutating func sync(_ entry: Entry) throws(ConfigError) -> SyncSettings {
        let fields = try section(entry, allowed: ["concurrency", "tombstone_after_misses", "full_every"])
        var result = SyncSettings()
        if let value = try int(fields["concurrency"], minimum: 1) { result.concurrency = value }
        if let value = try int(fields["tombstone_after_misses"], minimum: 1) { result.tombstoneAfterMisses = value }
        if let value = try int(fields["full_every"], minimum: 1) { result.fullEvery = value }
        return result
    }

    mutating func conflicts(_ entry: Entry, registries: [RegistryConfig]) throws(ConfigError)
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

    mutating func server(_ entry: Entry) throws(ConfigError) -> ServerSettings {
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
