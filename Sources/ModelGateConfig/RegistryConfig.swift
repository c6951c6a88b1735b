import ModelGateCore

/// One entry of `registries:`, validated for its kind.
///
/// String values have `${VAR}` already substituted. A value that references an unset variable holds
/// the text with that reference left empty and is listed in `unresolvedVariables`; call
/// `checkResolved()` before using the registry. `description` never shows a secret.
public struct RegistryConfig: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Default W&B API base when a `wandb` registry has no `url:`.
    public static let defaultWandBURL = "https://api.wandb.ai"

    /// The registry's name: lowercase letters, digits and hyphens, unique in the file.
    public var name: String
    /// Which adapter serves it.
    public var kind: RegistryKind
    /// API base of the self-hosted kinds (mlflow, gitlab, wandb).
    public var url: String?
    /// API base override (any kind; meant for the cloud kinds and local simulators).
    public var endpoint: String?
    /// AWS region (sagemaker).
    public var region: String?
    /// GCP project (vertex) or GitLab project id or path (gitlab).
    public var project: String?
    /// GCP location (vertex).
    public var location: String?
    /// Azure subscription id (azureml).
    public var subscription: String?
    /// Azure resource group (azureml).
    public var resourceGroup: String?
    /// Azure ML workspace (azureml; exactly one of `workspace` and `registryName`).
    public var workspace: String?
    /// The `registry:` key: the Azure ML registry or the W&B registry (project `wandb-registry-<name>`).
    public var registryName: String?
    /// W&B entity (the organization's entity).
    public var entity: String?
    /// Entra ID authority override (azureml), e.g. `https://login.microsoftonline.com`.
    public var authority: String?
    /// Credentials.
    public var auth: AuthConfig
    /// A PEM file of CA certificates to trust for this registry.
    public var caBundle: String?
    /// Skip TLS certificate verification (for test setups only).
    public var insecureSkipTLSVerify: Bool
    /// Connect and total timeouts.
    public var timeout: TimeoutSettings
    /// Retry policy.
    public var retry: RetrySettings
    /// Page size of list calls (the adapter caps it at the registry's maximum).
    public var pageSize: Int?
    /// The config file.
    public var file: String
    /// The 1-based line where the registry's entry starts.
    public var line: Int?
    /// `${VAR}` references in this registry's values whose variables are not set.
    public var unresolvedVariables: [UnresolvedVariable]

    /// Creates a registry configuration; values are taken as given (validation happens when parsing).
    public init(
        name: String, kind: RegistryKind, url: String? = nil, endpoint: String? = nil, region: String? = nil,
        project: String? = nil, location: String? = nil, subscription: String? = nil,
        resourceGroup: String? = nil, workspace: String? = nil, registryName: String? = nil,
        entity: String? = nil, authority: String? = nil, auth: AuthConfig = .none, caBundle: String? = nil,
        insecureSkipTLSVerify: Bool = false, timeout: TimeoutSettings = TimeoutSettings(),
        retry: RetrySettings = RetrySettings(), pageSize: Int? = nil, file: String = "", line: Int? = nil,
        unresolvedVariables: [UnresolvedVariable] = []
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.endpoint = endpoint
        self.region = region
        self.project = project
        self.location = location
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.workspace = workspace
        self.registryName = registryName
        self.entity = entity
        self.authority = authority
        self.auth = auth
        self.caBundle = caBundle
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.timeout = timeout
        self.retry = retry
        self.pageSize = pageSize
        self.file = file
        self.line = line
        self.unresolvedVariables = unresolvedVariables
    }

    /// The API base, without a trailing slash: `endpoint` when set; otherwise `url` for the self-hosted
    /// kinds (`https://api.wandb.ai` for wandb without one) and the cloud default for the others:
    /// `https://api.sagemaker.{region}.amazonaws.com`, `https://{location}-aiplatform.googleapis.com`
    /// (`https://aiplatform.googleapis.com` for location `global`), `https://management.azure.com`.
    public var baseURL: String {
        let base: String
        if let endpoint, !endpoint.isEmpty {
            base = endpoint
        } else {
            switch kind {
            case .mlflow, .gitlab: base = url ?? ""
            case .wandb: base = url ?? Self.defaultWandBURL
            case .sagemaker: base = "https://api.sagemaker.\(region ?? "").amazonaws.com"
            case .vertex:
                base = location == "global"
                    ? "https://aiplatform.googleapis.com" : "https://\(location ?? "")-aiplatform.googleapis.com"
            case .azureml: base = "https://management.azure.com"
            }
        }
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Throws the first unset `${VAR}` of this registry, naming the variable and the key:
    /// `modelgate.yaml:9: registries[0].auth.password: environment variable MLFLOW_TRACKING_PASSWORD is not set`.
    /// Call it before a command uses the registry.
    public func checkResolved() throws(ConfigError) {
        try unresolvedVariables.checkAllResolved()
    }

    /// The registry as the catalog knows it.
    public var info: RegistryInfo { RegistryInfo(name: name, kind: kind, endpoint: baseURL) }

    /// `mlflow-prod (mlflow, http://127.0.0.1:5000, auth {type: basic, username: alice, password: ***})`.
    public var description: String {
        "\(name) (\(kind.rawValue), \(baseURL), auth \(auth))"
    }

    /// Every set key, secrets as `***`.
    public var debugDescription: String {
        var parts = ["name: \(name)", "kind: \(kind.rawValue)"]
        let optional: [(String, String?)] = [
            ("url", url), ("endpoint", endpoint), ("region", region), ("project", project),
            ("location", location), ("subscription", subscription), ("resource_group", resourceGroup),
            ("workspace", workspace), ("registry", registryName), ("entity", entity), ("authority", authority),
            ("ca_bundle", caBundle),
        ]
        for case let (key, value?) in optional { parts.append("\(key): \(value)") }
        parts.append("auth: \(auth)")
        if insecureSkipTLSVerify { parts.append("insecure_skip_tls_verify: true") }
        parts.append("timeout: {connect: \(timeout.connect), total: \(timeout.total)}")
        parts.append("retry: {max_attempts: \(retry.maxAttempts), base: \(retry.base), cap: \(retry.cap)}")
        if let pageSize { parts.append("page_size: \(pageSize)") }
        return "RegistryConfig(" + parts.joined(separator: ", ") + ")"
    }

    /// Reflection (`dump`, `Mirror`) shows no secret either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "kind": kind, "baseURL": baseURL, "auth": auth.description,
                "unresolvedVariables": unresolvedVariables.map(\.name),
            ])
    }
}
