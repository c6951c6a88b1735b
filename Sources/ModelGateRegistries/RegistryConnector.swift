import AzureMLAdapter
import Foundation
import GitLabAdapter
import Logging
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateCredentials
import ModelGateSigning
import ModelGateTransport
import SageMakerAdapter
import VertexAdapter
import WandBAdapter

/// A configured registry, ready to talk to: its authenticated transport stack, its request counters and,
/// when ModelGate has an adapter for its kind, the adapter.
public struct RegistryConnection: Sendable {
    public var config: RegistryConfig
    /// The full stack: retries, authorization, redirects, libcurl.
    public var transport: any HTTPTransport
    /// Adds the credentials this registry needs (used alone by `request --dry-run`).
    public var authorizer: any RequestAuthorizer
    public var stats: TransportStats
    /// Nil for a kind whose adapter is not built yet.
    public var adapter: (any RegistryAdapter)?

    public var name: String { config.name }
    public var baseURL: String { config.baseURL }

    /// The adapter, or an error that names the registry and says what is missing.
    public func requireAdapter() throws -> any RegistryAdapter {
        guard let adapter else {
            throw RegistryError(
                code: .configuration, registry: config.name, operation: "sync",
                message: "registries of kind '\(config.kind.rawValue)' cannot be synced by this version of ModelGate yet "
                    + "(supported: \(RegistryConnector.syncableKinds.map(\.rawValue).joined(separator: ", "))); "
                    + "`modelgate request` works with every kind")
        }
        return adapter
    }
}

/// The composition root: turns a `RegistryConfig` into transport, credentials and adapter.
/// Adding a registry kind means adding its folder under `adapters/` and one case in `makeAdapter`.
public struct RegistryConnector: Sendable {
    /// Kinds with an adapter in this build.
    public static let syncableKinds: [RegistryKind] = [.mlflow, .sagemaker, .azureml, .vertex, .gitlab, .wandb]

    public var environment: [String: String]
    public var homeDirectory: String?
    public var logger: Logger
    /// Overrides the libcurl transport (tests).
    public var baseTransport: (@Sendable (RegistryConfig) -> any HTTPTransport)?
    /// The config's `conflicts.serving_image` (registry name → image): the serving image new SageMaker and
    /// Vertex versions get (DESIGN §5).
    public var servingImages: [String: String]

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = ProcessInfo.processInfo.environment["HOME"],
        logger: Logger = Logger(label: "modelgate.transport"),
        baseTransport: (@Sendable (RegistryConfig) -> any HTTPTransport)? = nil,
        servingImages: [String: String] = [:]
    ) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.logger = logger
        self.baseTransport = baseTransport
        self.servingImages = servingImages
    }

    /// Connects to `config`. Throws a config error for an unset `${VAR}` of this registry and a
    /// `RegistryError` for unusable credentials files.
    public func connect(_ config: RegistryConfig) throws -> RegistryConnection {
        try config.checkResolved()
        let base = baseTransport?(config) ?? CurlTransport(options: Self.transportOptions(config, environment), logger: logger)
        let policy = RetryPolicy(
            maxAttempts: config.retry.maxAttempts, base: config.retry.base, cap: config.retry.cap)
        // Token endpoints go through the same TLS/proxy settings, without the registry's own credentials.
        let tokenTransport = TransportStack.make(base: base, retryPolicy: policy, logger: logger)
        let authorizer = try makeAuthorizer(config, tokenTransport: tokenTransport)
        // A token revoked or expired early answers 401: the adapter drops the cached token and tries once more.
        let invalidate = (authorizer as? BearerTokenAuthorizer).map { bearer in
            { @Sendable () async -> Void in await bearer.invalidate() }
        }
        let stats = TransportStats()
        let transport = TransportStack.make(
            base: base, authorizer: authorizer, retryPolicy: policy, stats: stats, logger: logger)
        return RegistryConnection(
            config: config, transport: transport, authorizer: authorizer, stats: stats,
            adapter: Self.makeAdapter(
                config, transport: transport, invalidateToken: invalidate, servingImage: servingImages[config.name]))
    }

    static func transportOptions(_ config: RegistryConfig, _ environment: [String: String]) -> TransportOptions {
        TransportOptions(
            connectTimeout: config.timeout.connect, totalTimeout: config.timeout.total,
            caBundlePath: config.caBundle, insecureSkipTLSVerify: config.insecureSkipTLSVerify,
            proxy: .environment(environment))
    }

    static func makeAdapter(
        _ config: RegistryConfig, transport: any HTTPTransport, invalidateToken: (@Sendable () async -> Void)? = nil,
        servingImage: String? = nil
    ) -> (any RegistryAdapter)? {
        switch config.kind {
        case .mlflow:
            return MLflowAdapter(registry: config.name, baseURL: config.baseURL, transport: transport, pageSize: config.pageSize)
        case .sagemaker:
            return SageMakerAdapter(
                registry: config.name, baseURL: config.baseURL, transport: transport, pageSize: config.pageSize,
                servingImage: servingImage)
        case .azureml:
            guard let subscription = config.subscription, let group = config.resourceGroup else { return nil }
            let scope: AzureMLClient.Scope
            if let workspace = config.workspace {
                scope = .workspace(subscription: subscription, resourceGroup: group, workspace: workspace)
            } else if let name = config.registryName {
                scope = .registry(subscription: subscription, resourceGroup: group, registry: name)
            } else {
                return nil
            }
            return AzureMLAdapter(
                registry: config.name, baseURL: config.baseURL, scope: scope, transport: transport, pageSize: config.pageSize,
                reauthenticate: invalidateToken)
        case .vertex:
            guard let project = config.project, let location = config.location else { return nil }
            return VertexAdapter(
                registry: config.name, project: project, location: location, baseURL: config.baseURL,
                transport: transport, pageSize: config.pageSize, containerImage: servingImage,
                onUnauthorized: invalidateToken)
        case .gitlab:
            guard let project = config.project else { return nil }
            return GitLabAdapter(
                registry: config.name, baseURL: config.baseURL, project: project, transport: transport,
                pageSize: config.pageSize)
        case .wandb:
            guard let entity = config.entity, let name = config.registryName else { return nil }
            return WandBAdapter(
                registry: config.name, baseURL: config.baseURL, entity: entity, registryName: name, transport: transport,
                pageSize: config.pageSize)
        }
    }

    /// The credentials of `auth:`, falling back to each kind's standard environment variables when `auth` is none.
    func makeAuthorizer(_ config: RegistryConfig, tokenTransport: any HTTPTransport) throws -> any RequestAuthorizer {
        switch config.auth {
        case .basic(let username, let password):
            return BasicAuthorizer(username: username, password: password)
        case .bearer(let token):
            return TokenAuthorizer(token: token, style: .bearer)
        case .token(let token, let header):
            return TokenAuthorizer(token: token, style: header == .privateToken ? .privateToken : .bearer)
        case .apiKey(let key):
            return BasicAuthorizer.wandb(apiKey: key)
        case .aws(let aws):
            return sigV4(config, aws)
        case .googleServiceAccount(let keyFile):
            let key = try GoogleServiceAccountKey.load(path: keyFile, registry: config.name)
            return BearerTokenAuthorizer(
                GoogleServiceAccountTokenProvider(key: key, transport: tokenTransport, registry: config.name))
        case .azureClientSecret(let tenant, let clientID, let secret):
            return BearerTokenAuthorizer(
                try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(
                        tenantID: tenant, clientID: clientID, clientSecret: secret, authority: config.authority),
                    environment: environment, transport: tokenTransport, registry: config.name))
        case .azureClientCertificate(let tenant, let clientID, let certificate, let algorithm):
            return BearerTokenAuthorizer(
                try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(
                        tenantID: tenant, clientID: clientID, certificatePath: certificate,
                        algorithm: algorithm == .rs256 ? .rs256 : .ps256, authority: config.authority),
                    environment: environment, transport: tokenTransport, registry: config.name))
        case .none:
            return try defaultAuthorizer(config, tokenTransport: tokenTransport)
        }
    }

    private func sigV4(_ config: RegistryConfig, _ aws: AWSAuth?) -> any RequestAuthorizer {
        let provider: any AWSCredentialProvider
        if let aws, let keyID = aws.accessKeyID, let secret = aws.secretAccessKey {
            provider = StaticAWSCredentialProvider(
                AWSCredential(accessKeyID: keyID, secretAccessKey: secret, sessionToken: aws.sessionToken))
        } else {
            provider = AWSCredentialChain.standard(
                profile: aws?.profile, environment: environment, homeDirectory: homeDirectory)
        }
        let region = config.region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        return SigV4Authorizer(region: region, service: "sagemaker", credentials: provider)
    }

    /// Without `auth:`, each kind uses what its own tools read from the environment.
    private func defaultAuthorizer(_ config: RegistryConfig, tokenTransport: any HTTPTransport) throws
        -> any RequestAuthorizer
    {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch config.kind {
        case .mlflow:
            if let token = env("MLFLOW_TRACKING_TOKEN") { return TokenAuthorizer(token: token) }
            if let user = env("MLFLOW_TRACKING_USERNAME"), let password = env("MLFLOW_TRACKING_PASSWORD") {
                return BasicAuthorizer(username: user, password: password)
            }
            return NoAuthorizer()
        case .sagemaker:
            return sigV4(config, nil)
        case .vertex:
            guard let path = env("GOOGLE_APPLICATION_CREDENTIALS") else { return NoAuthorizer() }
            let key = try GoogleServiceAccountKey.load(path: path, registry: config.name)
            return BearerTokenAuthorizer(
                GoogleServiceAccountTokenProvider(key: key, transport: tokenTransport, registry: config.name))
        case .azureml:
            guard env("AZURE_CLIENT_ID") != nil else { return NoAuthorizer() }
            return BearerTokenAuthorizer(
                try AzureClientCredentialsTokenProvider.make(
                    settings: AzureCredentialSettings(authority: config.authority), environment: environment,
                    transport: tokenTransport, registry: config.name))
        case .gitlab:
            if let token = env("GITLAB_TOKEN") { return TokenAuthorizer(token: token) }
            return NoAuthorizer()
        case .wandb:
            if let key = env("WANDB_API_KEY") { return BasicAuthorizer.wandb(apiKey: key) }
            return NoAuthorizer()
        }
    }
}
