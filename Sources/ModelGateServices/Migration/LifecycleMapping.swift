import ModelGateCore

/// DESIGN §5's lifecycle mapping: the native value a target registry gets for a normalized lifecycle.
public enum LifecycleMapping {
    /// The raw value `kind` holds for `lifecycle`, or nil where the registry has no equivalent.
    public static func targetRaw(_ lifecycle: Lifecycle, kind: RegistryKind) -> String? {
        switch (kind, lifecycle) {
        case (.mlflow, .production): "Production"
        case (.mlflow, .staging), (.mlflow, .approved): "Staging"
        case (.mlflow, .rejected), (.mlflow, .archived): "Archived"
        case (.sagemaker, .production), (.sagemaker, .approved): "Approved"
        case (.sagemaker, .staging), (.sagemaker, .pendingApproval): "PendingManualApproval"
        case (.sagemaker, .rejected): "Rejected"
        case (.azureml, .production): "Production"
        case (.azureml, .staging): "Staging"
        case (.azureml, .approved): "Approved"
        case (.azureml, .rejected): "Rejected"
        case (.azureml, .archived): "Archived"
        default: nil
        }
    }

    /// True when `version` (in a registry of `kind`) already holds what `lifecycle` maps to.
    public static func holds(_ version: ModelVersion, _ lifecycle: Lifecycle, kind: RegistryKind) -> Bool {
        guard let raw = targetRaw(lifecycle, kind: kind) else { return true }
        return version.lifecycleRaw?.lowercased() == raw.lowercased()
    }
}
