import ModelGateCore

extension RegistryKind {
    /// The auth types this kind accepts.
    public var acceptedAuthTypes: [AuthType] {
        switch self {
        case .mlflow: [.none, .basic, .bearer]
        case .sagemaker: [.aws]
        case .vertex: [.googleServiceAccount, .bearer]
        case .azureml: [.azureClientSecret, .azureClientCertificate, .bearer]
        case .gitlab: [.none, .token]
        case .wandb: [.apiKey]
        }
    }

    /// The auth used when a registry has no `auth:` key: none for MLflow and GitLab (public
    /// projects), the default AWS chain for SageMaker; `nil` when the kind needs an explicit `auth:`.
    public var defaultAuth: AuthConfig? {
        switch self {
        case .mlflow, .gitlab: AuthConfig.none
        case .sagemaker: .aws(AWSAuth())
        case .vertex, .azureml, .wandb: nil
        }
    }

    /// Kinds whose API base is the `url:` key (mlflow, gitlab, wandb); the others are cloud services
    /// with a fixed API base that `endpoint:` overrides.
    public var isSelfHosted: Bool {
        switch self {
        case .mlflow, .gitlab, .wandb: true
        case .sagemaker, .vertex, .azureml: false
        }
    }
}
