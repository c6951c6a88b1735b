import Foundation
import ModelGateCore

/// Static keys from the shared files: `~/.aws/credentials` (sections `[name]`) first, then `~/.aws/config`
/// (sections `[profile name]`, and `[default]`).
///
/// The profile is the one given, else `AWS_PROFILE`, else `default`. `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE` move the files. A missing file or a missing `default` profile means "ask the next
/// provider"; a named profile that is missing, half-filled or not made of static keys (SSO, role) is an error.
public struct SharedFileAWSCredentialProvider: AWSCredentialProvider {
    private let explicitProfile: String?
    private let environment: [String: String]
    private let homeDirectory: String?

    /// - Parameters:
    ///   - profile: the profile named in ModelGate's config, or nil for `AWS_PROFILE`/`default`.
    ///   - environment: the process environment (injected).
    ///   - homeDirectory: where `.aws/` lives (injected; nil when unknown).
    public init(profile: String? = nil, environment: [String: String], homeDirectory: String?) {
        self.explicitProfile = profile?.isEmpty == true ? nil : profile
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The profile that will be read.
    public var profile: String {
        if let explicitProfile { return explicitProfile }
        if let fromEnvironment = environment["AWS_PROFILE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "default"
    }

    /// The credentials file path, or nil when neither the variable nor a home directory gives one.
    public var credentialsFile: String? {
        path(variable: "AWS_SHARED_CREDENTIALS_FILE", default: ".aws/credentials")
    }

    /// The config file path, or nil when neither the variable nor a home directory gives one.
    public var configFile: String? { path(variable: "AWS_CONFIG_FILE", default: ".aws/config") }

    private func path(variable: String, default relative: String) -> String? {
        if let value = environment[variable], !value.isEmpty {
            if value == "~" || value.hasPrefix("~/"), let homeDirectory {
                return homeDirectory + value.dropFirst()
            }
            return value
        }
        guard let homeDirectory, !homeDirectory.isEmpty else { return nil }
        return URL(fileURLWithPath: homeDirectory).appendingPathComponent(relative).path
    }

    public func credential() async throws -> AWSCredential? {
        let profile = self.profile
        let operation = "read AWS profile '\(profile)'"
        var sawProfile = false
        let sources: [(path: String?, section: [String])] = [
            (credentialsFile, [profile]),
            (configFile, profile == "default" ? ["default", "profile default"] : ["profile \(profile)"]),
        ]
        for source in sources {
            guard let path = source.path, let text = try Self.read(path, operation: operation) else { continue }
            let sections = INIFile.parse(text)
            guard let name = source.section.first(where: { sections[$0] != nil }), let values = sections[name] else {
                continue
            }
            sawProfile = true
            let id = values["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
            let secret = values["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
            switch (id, secret) {
            case (let id?, let secret?):
                var expiration: Date?
                if let text = values["x_security_token_expires"] ?? values["aws_expiration"] {
                    guard let ms = Timestamp.parseMilliseconds(text) else {
                        throw RegistryError(
                            code: .credentials, registry: "", operation: operation,
                            message: "the expiration of profile '\(profile)' in \(path) is not an RFC 3339 time")
                    }
                    expiration = Date(timeIntervalSince1970: Double(ms) / 1000)
                }
                return AWSCredential(
                    accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"],
                    expiration: expiration)
            case (nil, nil):
                continue
            default:
                throw RegistryError(
                    code: .credentials, registry: "", operation: operation,
                    message: "profile '\(profile)' in \(path) has only one of aws_access_key_id and aws_secret_access_key")
            }
        }
        if profile == "default" { return nil }
        let files = [credentialsFile, configFile].compactMap { $0 }.joined(separator: " and ")
        throw RegistryError(
            code: .credentials, registry: "", operation: operation,
            message: sawProfile
                ? "profile '\(profile)' in \(files) holds no static keys (aws_access_key_id/aws_secret_access_key); "
                    + "SSO and role profiles are not supported, export credentials with `aws configure export-credentials`"
                : "profile '\(profile)' was not found in \(files.isEmpty ? "the shared AWS files" : files)")
    }

    private static func read(_ path: String, operation: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            SecretFilePermissions.check(path, holding: "AWS credentials file")
            return text
        } catch {
            throw RegistryError(
                code: .credentials, registry: "", operation: operation, message: "cannot read \(path): \(error.localizedDescription)")
        }
    }

    public var description: String {
        "shared files (\(credentialsFile ?? "~/.aws/credentials"), \(configFile ?? "~/.aws/config"), profile '\(profile)')"
    }
}

/// The INI dialect of the AWS shared files: `[section]`, `key = value`, `#`/`;` comment lines, indented
/// lines belong to a nested block (`s3 =`) and are skipped. Keys are lowercased, as botocore does.
enum INIFile {
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard let end = trimmed.firstIndex(of: "]") else {
                    current = nil
                    continue
                }
                let inner = trimmed[trimmed.index(after: trimmed.startIndex)..<end]
                let name = inner.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let first = line.first, !first.isWhitespace,
                let equals = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" })
            else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
        return sections
    }
}
