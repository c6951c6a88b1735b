import Foundation
import ModelGateCore

/// An AWS access key pair, with the session token and expiry of temporary credentials.
///
/// `description` shows only the access key id (which is not a secret); the secret key and the session
/// token never appear in text, `dump` or reflection.
public struct AWSCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id (`AKIA…`, `ASIA…`).
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The STS/SSO session token of temporary credentials.
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    /// Creates a credential; an empty session token counts as none.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken?.isEmpty == true ? nil : sessionToken
        self.expiration = expiration
    }

    /// Whether the credential has expired at `now` (expiration ≤ now).
    public func isExpired(at now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration <= now
    }

    public var description: String {
        var text = "AWSCredential(accessKeyID: \(accessKeyID), secretAccessKey: ***"
        if sessionToken != nil { text += ", sessionToken: ***" }
        if let expiration { text += ", expiration: \(Timestamp.format(expiration))" }
        return text + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "secretAccessKey": "***"], displayStyle: .struct)
    }
}

/// A source of AWS credentials.
public protocol AWSCredentialProvider: Sendable, CustomStringConvertible {
    /// The credential this source holds; `nil` means "nothing here, ask the next one"; throwing means
    /// "this source is broken" (a half-configured profile, an unreadable file).
    func credential() async throws -> AWSCredential?
}

extension AWSCredentialProvider {
    /// The credential to sign with now: refuses a missing one and an expired one with a
    /// `RegistryError(.credentials)` that says where it looked and what to do.
    /// - Parameters:
    ///   - registry: the registry name for the error.
    ///   - now: the current time (injected).
    public func usableCredential(registry: String, now: Date) async throws -> AWSCredential {
        let found: AWSCredential?
        do {
            found = try await credential()
        } catch var error as RegistryError {
            if error.registry.isEmpty { error.registry = registry }
            throw error
        }
        guard let credential = found else {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "resolve AWS credentials",
                message:
                    "no AWS credentials found (looked in: \(description)); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    + "or configure a profile in ~/.aws/credentials")
        }
        if let expiration = credential.expiration, credential.isExpired(at: now) {
            throw RegistryError(
                code: .credentials, registry: registry, operation: "resolve AWS credentials",
                message:
                    "the AWS credential \(credential.accessKeyID) expired at \(Timestamp.format(expiration)); "
                    + "refresh the session credentials (for example `aws sso login`) and try again")
        }
        return credential
    }
}

/// Tries providers in order; the first one that returns a credential wins. A provider that throws stops
/// the chain (a broken source is reported, not skipped).
public struct AWSCredentialChain: AWSCredentialProvider {
    /// The providers, in the order they are asked.
    public let providers: [any AWSCredentialProvider]

    /// A chain over `providers`, asked in order.
    public init(_ providers: [any AWSCredentialProvider]) { self.providers = providers }

    /// The usual AWS order: environment variables, then the shared credentials and config files.
    ///
    /// An explicit `profile` (from ModelGate's config) skips the environment keys, as the AWS SDKs do when a
    /// profile is named in code; `AWS_PROFILE` only selects the profile of the shared files.
    /// - Parameters:
    ///   - profile: the profile named in the config, or nil.
    ///   - environment: the process environment (injected).
    ///   - homeDirectory: the home directory that holds `.aws/` (injected).
    public static func standard(
        profile: String? = nil, environment: [String: String], homeDirectory: String?
    ) -> AWSCredentialChain {
        let files = SharedFileAWSCredentialProvider(
            profile: profile, environment: environment, homeDirectory: homeDirectory)
        if profile != nil { return AWSCredentialChain([files]) }
        return AWSCredentialChain([EnvironmentAWSCredentialProvider(environment: environment), files])
    }

    public func credential() async throws -> AWSCredential? {
        for provider in providers {
            if let found = try await provider.credential() { return found }
        }
        return nil
    }

    public var description: String { providers.map(\.description).joined(separator: ", then ") }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION`
/// (RFC 3339) from an injected environment.
public struct EnvironmentAWSCredentialProvider: AWSCredentialProvider {
    private let environment: [String: String]

    /// Reads from `environment` (pass `ProcessInfo.processInfo.environment` in production).
    public init(environment: [String: String]) { self.environment = environment }

    public func credential() async throws -> AWSCredential? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                return nil
            }
            return text
        }
        let id = value("AWS_ACCESS_KEY_ID")
        let secret = value("AWS_SECRET_ACCESS_KEY")
        switch (id, secret) {
        case (nil, nil): return nil
        case (let id?, let secret?):
            var expiration: Date?
            if let text = value("AWS_CREDENTIAL_EXPIRATION") {
                guard let ms = Timestamp.parseMilliseconds(text) else {
                    throw RegistryError(
                        code: .credentials, registry: "", operation: "read AWS credentials from the environment",
                        message: "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time")
                }
                expiration = Date(timeIntervalSince1970: Double(ms) / 1000)
            }
            return AWSCredential(
                accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"), expiration: expiration)
        case (nil, _):
            throw RegistryError(
                code: .credentials, registry: "", operation: "read AWS credentials from the environment",
                message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither")
        case (_, nil):
            throw RegistryError(
                code: .credentials, registry: "", operation: "read AWS credentials from the environment",
                message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither")
        }
    }

    public var description: String { "environment (AWS_ACCESS_KEY_ID)" }
}

/// A fixed credential (from ModelGate's config or a test).
public struct StaticAWSCredentialProvider: AWSCredentialProvider {
    private let value: AWSCredential

    /// Always answers `credential`.
    public init(_ credential: AWSCredential) { self.value = credential }

    public func credential() async throws -> AWSCredential? { value }

    public var description: String { "static credential \(value.accessKeyID)" }
}
