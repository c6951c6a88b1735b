/// The `type:` of an `auth:` mapping.
public enum AuthType: String, Sendable, Hashable, CaseIterable {
    /// No credentials (no `auth:` key, or `type: none`).
    case none
    /// HTTP Basic: `username`, `password`.
    case basic
    /// `Authorization: Bearer <token>`.
    case bearer
    /// AWS Signature V4 from a profile, explicit keys, or the default chain.
    case aws
    /// A Google service-account key file exchanged for access tokens.
    case googleServiceAccount = "google_service_account"
    /// Entra ID client credentials with a client secret.
    case azureClientSecret = "azure_client_secret"
    /// Entra ID client credentials with a certificate assertion.
    case azureClientCertificate = "azure_client_certificate"
    /// A GitLab token, sent as a bearer token or in `PRIVATE-TOKEN`.
    case token
    /// A W&B API key.
    case apiKey = "api_key"
}

/// Signing algorithm of the Entra ID client assertion.
public enum AssertionAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PSS with SHA-256 (the default, what Entra ID recommends).
    case ps256 = "PS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
}

/// Which header carries a GitLab token.
public enum TokenHeader: String, Sendable, Hashable, CaseIterable {
    /// `Authorization: Bearer <token>` (the default).
    case bearer
    /// `PRIVATE-TOKEN: <token>`.
    case privateToken = "private-token"
}

/// AWS credentials for SageMaker. Every field is optional: what is not given comes from the default
/// chain (`AWS_*` environment, then `~/.aws/credentials` and `config`).
public struct AWSAuth: Sendable, Hashable {
    /// A profile of the shared config files.
    public var profile: String?
    /// An explicit access key id (not a secret).
    public var accessKeyID: String?
    /// The secret access key that goes with `accessKeyID`.
    public var secretAccessKey: String?
    /// A session token of temporary credentials.
    public var sessionToken: String?

    /// Creates AWS auth settings.
    public init(
        profile: String? = nil, accessKeyID: String? = nil, secretAccessKey: String? = nil,
        sessionToken: String? = nil
    ) {
        self.profile = profile
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// A registry's `auth:` mapping (DESIGN §3).
///
/// `description`, `debugDescription` and its reflection print `***` in place of every secret
/// (passwords, tokens, secret keys, API keys); paths, user names, tenants and access key ids are shown.
public enum AuthConfig: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// No credentials.
    case none
    /// HTTP Basic (MLflow).
    case basic(username: String, password: String)
    /// A bearer token (MLflow, Vertex with a pre-fetched access token, Azure ML).
    case bearer(token: String)
    /// AWS Signature V4 (SageMaker).
    case aws(AWSAuth)
    /// A Google service-account key file; `token_uri` comes from the file (Vertex).
    case googleServiceAccount(keyFile: String)
    /// Entra ID client secret (Azure ML).
    case azureClientSecret(tenant: String, clientID: String, clientSecret: String)
    /// Entra ID certificate (a PEM holding key and certificate) (Azure ML).
    case azureClientCertificate(tenant: String, clientID: String, certificate: String, algorithm: AssertionAlgorithm)
    /// A GitLab personal, project or group access token.
    case token(token: String, header: TokenHeader)
    /// A W&B API key.
    case apiKey(String)

    /// The `type:` this value was written with.
    public var type: AuthType {
        switch self {
        case .none: .none
        case .basic: .basic
        case .bearer: .bearer
        case .aws: .aws
        case .googleServiceAccount: .googleServiceAccount
        case .azureClientSecret: .azureClientSecret
        case .azureClientCertificate: .azureClientCertificate
        case .token: .token
        case .apiKey: .apiKey
        }
    }

    private static let mask = "***"

    /// The non-secret fields by name, and the secret ones as `***`, in the config file's key order.
    var redactedFields: KeyValuePairs<String, String> {
        let m = Self.mask
        switch self {
        case .none:
            return [:]
        case .basic(let username, _):
            return ["username": username, "password": m]
        case .bearer:
            return ["token": m]
        case .aws(let aws):
            return [
                "profile": aws.profile ?? "-", "access_key_id": aws.accessKeyID ?? "-",
                "secret_access_key": aws.secretAccessKey == nil ? "-" : m,
                "session_token": aws.sessionToken == nil ? "-" : m,
            ]
        case .googleServiceAccount(let keyFile):
            return ["key_file": keyFile]
        case .azureClientSecret(let tenant, let clientID, _):
            return ["tenant": tenant, "client_id": clientID, "client_secret": m]
        case .azureClientCertificate(let tenant, let clientID, let certificate, let algorithm):
            return [
                "tenant": tenant, "client_id": clientID, "certificate": certificate,
                "algorithm": algorithm.rawValue,
            ]
        case .token(_, let header):
            return ["token": m, "header": header.rawValue]
        case .apiKey:
            return ["api_key": m]
        }
    }

    /// `{type: basic, username: alice, password: ***}`.
    public var description: String {
        var parts = ["type: \(type.rawValue)"]
        for (key, value) in redactedFields { parts.append("\(key): \(value)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// Reflection (`dump`, `Mirror`) shows the redacted fields only.
    public var customMirror: Mirror {
        var children: [(label: String?, value: Any)] = [("type", type.rawValue)]
        for (key, value) in redactedFields { children.append((key, value)) }
        return Mirror(self, children: children, displayStyle: .enum)
    }
}
