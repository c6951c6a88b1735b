import Foundation
import ModelGateCore

/// The multi-cloud story `modelgate demo` seeds into the simulators: a `fraud-detector` trained in MLflow (runs
/// with a dataset and a git commit, champion and challenger aliases, stages), a `churn` model in Azure ML, a
/// `ranking` model in W&B and a `recommender` with SemVer versions in GitLab. The copies of the fraud detector into
/// SageMaker and Vertex are not seeded: the demo makes them with ModelGate's own migrations.
public enum DemoStory {
    public static let fraudDetector = "fraud-detector"

    public static func seed(_ cloud: SimulatedCloud, now: Date = Date()) {
        func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
        let transactions = MLflowSeedDataset(
            name: "transactions-2026q3", digest: "9f2c41d0", sourceType: "s3", source: "s3://risk-data/transactions/2026q3/")
        for (i, (auc, commit)) in [(0.912, "4e1f0c2"), (0.927, "8a03b9d"), (0.941, "c71d5e0"), (0.948, "f0a2e61")].enumerated() {
            cloud.mlflow.seedRun(
                id: "run-fraud-\(i + 1)", metrics: ["auc": auc, "precision_at_1pct": auc - 0.21],
                tags: ["mlflow.source.git.commit": commit, "mlflow.source.name": "git@github.com:acme/fraud.git"],
                datasets: [transactions])
        }
        cloud.mlflow.seed(
            models: [
                RegistryModel(
                    registry: "mlflow", kind: .mlflow, name: fraudDetector, description: "Card fraud scoring (gradient boosting)",
                    tags: ["team": "risk", "domain": "payments"], createdAt: daysAgo(60))
            ],
            versions: (1...4).map { v in
                ModelVersion(
                    registry: "mlflow", kind: .mlflow, model: fraudDetector, version: "\(v)",
                    description: ["baseline", "more features", "tuned, promoted", "new merchant features"][v - 1],
                    lifecycle: [.archived, .archived, .production, .staging][v - 1],
                    aliases: v == 3 ? ["champion"] : v == 4 ? ["challenger"] : [],
                    tags: ["team": "risk", "framework": "xgboost"],
                    sourceURI: "s3://acme-models/fraud-detector/\(v)/model", run: RunReference(id: "run-fraud-\(v)"),
                    createdAt: daysAgo(Double(50 - v * 10)), createdBy: v < 3 ? "alice" : "bob")
            })

        var churn: [ModelVersion] = []
        for v in 1...3 {
            let stage: String? = v == 2 ? "Production" : (v == 3 ? "Staging" : nil)
            let uri = "azureml://subscriptions/\(SimulatedCloud.subscription)/workspaces/ws-main/models/churn/\(v)"
            churn.append(
                ModelVersion(
                    registry: "azureml", kind: .azureml, model: "churn", version: String(v), description: "churn v\(v)",
                    lifecycleRaw: stage, tags: ["owner": "crm"], sourceURI: uri,
                    run: RunReference(id: "churn-train-job-\(v)"), createdAt: daysAgo(Double(30 - v * 5))))
        }
        cloud.azure.seed(
            .workspace(subscription: SimulatedCloud.subscription, resourceGroup: SimulatedCloud.resourceGroup,
                workspace: SimulatedCloud.workspace),
            models: [RegistryModel(registry: "azureml", kind: .azureml, name: "churn", description: "Subscriber churn")],
            versions: churn)

        var ranking: [ModelVersion] = []
        for v in 0...2 {
            let aliases: [String] = v == 1 ? ["production"] : []
            let ndcg: Double = 0.70 + Double(v) / 50
            ranking.append(
                ModelVersion(
                    registry: "wandb", kind: .wandb, model: "ranking", version: "v\(v)", description: "ranker v\(v)",
                    aliases: aliases, tags: ["ltr": ""], run: RunReference(id: "ranker-train-\(v)"), metrics: ["ndcg": ndcg],
                    createdAt: daysAgo(Double(20 - v * 4))))
        }
        cloud.wandb.seed(
            model: RegistryModel(registry: "wandb", kind: .wandb, name: "ranking", description: "Search ranking"),
            versions: ranking, registry: SimulatedCloud.wandbRegistry)

        cloud.gitLab.seed(
            GitLabSeedModel(
                name: "recommender", description: "Product recommendations",
                versions: ["1.0.0", "1.1.0", "2.0.0"].enumerated().map { i, v in
                    GitLabSeedVersion(version: v, description: "recommender \(v)", tags: ["stack": "pytorch"],
                        createdAt: daysAgo(Double(15 - i * 5)))
                }))
    }
}
