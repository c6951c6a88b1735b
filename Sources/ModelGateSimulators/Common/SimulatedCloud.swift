import Foundation
import Hummingbird
import ModelGateSigning

/// Every simulated registry behind one loopback host, with the token endpoints their auth needs, and the
/// `registries:` config entries that point ModelGate at them. Tests, `modelgate demo` and the reliability suite
/// use it so that ModelGate reaches the simulators through the same config, connector and credentials code a real
/// deployment uses: only the endpoints differ.
public final class SimulatedCloud: Sendable {
    public static let project = "demo-project"
    public static let location = "us-central1"
    public static let clientEmail = "modelgate@demo-project.iam.gserviceaccount.com"
    public static let keyID = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    public static let tenant = "00000000-0000-0000-0000-0000000a2e1d"
    public static let clientID = "11111111-2222-3333-4444-55555555de70"
    public static let subscription = "00000000-1111-2222-3333-444444444444"
    public static let resourceGroup = "rg-ml"
    public static let workspace = "ws-main"
    public static let gitLabProject = "42"
    public static let wandbRegistry = "model"
    /// The MLflow simulator's basic-auth user.
    public static let mlflowUser = "admin"
    public static let sageMakerRegion = "us-east-1"
    /// Where the SageMaker simulator's `POST /` is mounted on the shared host.
    public static let sageMakerPath = "/sagemaker"

    public let host: SimulatorHost
    public let tokens: TokenRegistry
    public let google: GoogleTokenEndpoint
    public let entra: EntraTokenEndpoint
    public let vertex: VertexSimulator
    public let azure: AzureMLSimulator
    public let gitLab: GitLabSimulator
    public let wandb: WandBSimulator
    public let mlflow: MLflowSimulator
    public let sageMaker: SageMakerSimulator
    /// Where the service-account key file was written.
    public let keyFile: String
    /// The simulators' own (fake) secrets: the Entra client secret, the GitLab token, the W&B API key.
    public let azureSecret: String
    public let gitLabToken: String
    public let wandbKey: String
    /// The MLflow user's password and the SageMaker key pair.
    public let mlflowPassword: String
    public let awsAccessKeyID: String
    public let awsSecretAccessKey: String

    private init(
        host: SimulatorHost, tokens: TokenRegistry, google: GoogleTokenEndpoint, entra: EntraTokenEndpoint,
        vertex: VertexSimulator, azure: AzureMLSimulator, gitLab: GitLabSimulator, wandb: WandBSimulator,
        keyFile: String, azureSecret: String, gitLabToken: String, wandbKey: String, mlflow: MLflowSimulator,
        sageMaker: SageMakerSimulator, mlflowPassword: String, awsAccessKeyID: String, awsSecretAccessKey: String
    ) {
        self.host = host
        self.tokens = tokens
        self.google = google
        self.entra = entra
        self.vertex = vertex
        self.azure = azure
        self.gitLab = gitLab
        self.wandb = wandb
        self.keyFile = keyFile
        self.azureSecret = azureSecret
        self.gitLabToken = gitLabToken
        self.wandbKey = wandbKey
        self.mlflow = mlflow
        self.sageMaker = sageMaker
        self.mlflowPassword = mlflowPassword
        self.awsAccessKeyID = awsAccessKeyID
        self.awsSecretAccessKey = awsSecretAccessKey
    }

    /// Starts the host on a free 127.0.0.1 port and writes the service-account key file into `directory`.
    /// Secrets are random per start, so nothing outside this process can use them.
    public static func start(directory: URL, faults: FaultPlan = .none) async throws -> SimulatedCloud {
        let tokens = TokenRegistry()
        let account = GoogleTokenEndpoint.Account(
            clientEmail: clientEmail, keyID: keyID, publicKey: try RSAPublicKey(pem: SampleKeys.serviceAccountPublicKey))
        let google = GoogleTokenEndpoint(accounts: [account], tokens: tokens)
        let azureSecret = "sim~" + randomText()
        let entra = EntraTokenEndpoint(
            applications: [
                .init(
                    tenantID: tenant, clientID: clientID, clientSecret: azureSecret,
                    certificate: try X509Certificate(pem: SampleKeys.appCertificate))
            ], tokens: tokens)
        let vertex = VertexSimulator(
            project: project, location: location, tokens: tokens, faults: FaultInjector(faults), operationPolls: 2)
        let azure = AzureMLSimulator(tokens: tokens, faults: FaultInjector(faults), lroPolls: 2, lroRetryAfterSeconds: 0)
        azure.addScope(.workspace(subscription: subscription, resourceGroup: resourceGroup, workspace: workspace))
        let gitLabToken = "glpat-" + randomText()
        let gitLab = GitLabSimulator(projectID: gitLabProject, tokens: [gitLabToken], faults: FaultInjector(faults))
        let wandbKey = randomText() + randomText()
        let wandb = WandBSimulator(apiKeys: [wandbKey], faults: FaultInjector(faults))
        wandb.createRegistry(wandbRegistry)
        let mlflowPassword = "mg-" + randomText()
        let mlflow = MLflowSimulator(users: [mlflowUser: mlflowPassword], faults: FaultInjector(faults))
        let awsAccessKeyID = "AKIASIM" + randomText().prefix(13).uppercased()
        let awsSecretAccessKey = randomText() + randomText().prefix(16)
        let sageMaker = SageMakerSimulator(
            keys: [awsAccessKeyID: awsSecretAccessKey], region: sageMakerRegion, pathPrefix: sageMakerPath,
            faults: FaultInjector(faults))

        let router = Router()
        google.addRoutes(to: router)
        entra.addRoutes(to: router)
        vertex.addRoutes(to: router)
        azure.addRoutes(to: router)
        gitLab.addRoutes(to: router)
        wandb.addRoutes(to: router)
        mlflow.addRoutes(to: router)
        sageMaker.addRoutes(to: router)
        let host = try await SimulatorHost.start(router)
        google.baseURL = host.baseURL
        entra.baseURL = host.baseURL
        azure.baseURL = host.baseURL

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyFile = directory.appendingPathComponent("vertex-service-account.json").path
        try google.keyFile(for: account, privateKeyPEM: SampleKeys.serviceAccountKey, projectID: project)
            .write(to: URL(fileURLWithPath: keyFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        return SimulatedCloud(
            host: host, tokens: tokens, google: google, entra: entra, vertex: vertex, azure: azure, gitLab: gitLab,
            wandb: wandb, keyFile: keyFile, azureSecret: azureSecret, gitLabToken: gitLabToken, wandbKey: wandbKey,
            mlflow: mlflow, sageMaker: sageMaker, mlflowPassword: mlflowPassword, awsAccessKeyID: awsAccessKeyID,
            awsSecretAccessKey: awsSecretAccessKey)
    }

    public func stop() async { await host.stop() }

    /// Registry names used by ``registriesYAML(names:servingImage:)``'s entries.
    public struct Names: Sendable {
        public var vertex = "vertex"
        public var azure = "azureml"
        public var gitLab = "gitlab"
        public var wandb = "wandb"
        public var mlflow = "mlflow"
        public var sageMaker = "sagemaker"
        public init() {}
    }

    /// `registries:` list entries (no header line) for the six simulated registries, indented two spaces.
    /// Secrets are written as `${VAR}` references; ``environment`` holds their values.
    public func registriesYAML(names: Names = Names()) -> String {
        let base = host.baseURL
        return """
              - name: \(names.vertex)
                kind: vertex
                project: \(Self.project)
                location: \(Self.location)
                endpoint: \(base)
                auth: {type: google_service_account, key_file: "\(keyFile)"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}
              - name: \(names.azure)
                kind: azureml
                subscription: \(Self.subscription)
                resource_group: \(Self.resourceGroup)
                workspace: \(Self.workspace)
                endpoint: \(base)
                authority: \(base)
                auth: {type: azure_client_secret, tenant: \(Self.tenant), client_id: \(Self.clientID), client_secret: "${MODELGATE_SIM_AZURE_SECRET}"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}
              - name: \(names.gitLab)
                kind: gitlab
                url: \(base)
                project: \(Self.gitLabProject)
                auth: {type: token, token: "${MODELGATE_SIM_GITLAB_TOKEN}"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}
              - name: \(names.wandb)
                kind: wandb
                url: \(base)
                entity: \(wandb.entity)
                registry: \(Self.wandbRegistry)
                auth: {type: api_key, api_key: "${MODELGATE_SIM_WANDB_KEY}"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}
              - name: \(names.mlflow)
                kind: mlflow
                url: \(base)
                auth: {type: basic, username: \(Self.mlflowUser), password: "${MODELGATE_SIM_MLFLOW_PASSWORD}"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}
              - name: \(names.sageMaker)
                kind: sagemaker
                region: \(Self.sageMakerRegion)
                endpoint: \(base)\(Self.sageMakerPath)
                auth: {type: aws, access_key_id: "${MODELGATE_SIM_AWS_KEY_ID}", secret_access_key: "${MODELGATE_SIM_AWS_SECRET}"}
                retry: {max_attempts: 8, base: 10ms, cap: 100ms}

            """
    }

    /// The variables ``registriesYAML(names:)`` refers to.
    public var environment: [String: String] {
        [
            "MODELGATE_SIM_AZURE_SECRET": azureSecret, "MODELGATE_SIM_GITLAB_TOKEN": gitLabToken,
            "MODELGATE_SIM_WANDB_KEY": wandbKey, "MODELGATE_SIM_MLFLOW_PASSWORD": mlflowPassword,
            "MODELGATE_SIM_AWS_KEY_ID": awsAccessKeyID, "MODELGATE_SIM_AWS_SECRET": awsSecretAccessKey,
        ]
    }

    static func randomText() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(UInt8.random(in: 0...35, using: &generator), radix: 36) }.joined()
    }
}
