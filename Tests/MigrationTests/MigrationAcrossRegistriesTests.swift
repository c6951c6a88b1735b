import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import Testing

/// Migrations between the real MLflow server, moto (SigV4 verified) and the simulated Vertex AI, Azure ML, GitLab
/// and W&B, each registry reached through its config entry: the plan, the copies it makes, a re-run that changes
/// nothing, and the chain of hops a fresh catalog reads back from the registries' provenance.
@Suite("Migration across registries")
struct MigrationAcrossRegistriesTests {
    /// A model with two versions in MLflow: v1 staging with a tag, v2 production holding `champion`.
    func seedMLflow(_ world: MigrationWorld, _ name: String) async throws {
        let mlflow = try world.adapter("mlflow")
        _ = try await mlflow.createModel(name: name, description: "fraud scoring", tags: ["team": "risk"])
        for i in 1...2 {
            _ = try await mlflow.createVersion(
                NewVersion(model: name, description: "cut \(i)", sourceURI: "s3://models/\(name)/\(i)", tags: ["auc": "0.9\(i)"]))
        }
        try await mlflow.setLifecycle(model: name, version: "1", lifecycle: .staging)
        try await mlflow.setLifecycle(model: name, version: "2", lifecycle: .production)
        try await mlflow.setAlias(model: name, alias: "champion", version: "2")
    }

    @Test(.peerPresent(PeerEnvironment.mlflowAndMoto, "needs the real MLflow server and moto (make test starts them)"), .peerRequired(PeerEnvironment.mlflowAndMoto, "needs the real MLflow server and moto (make test starts them)"))
    func mlflowToSageMakerToVertexKeepsTheWholeChain() async throws {
        try await MigrationWorld.with { world in
            let name = PeerEnvironment.unique("fraud")
            try await seedMLflow(world, name)

            // MLflow → SageMaker, carrying the lifecycle: production becomes Approved.
            let first = try await world.migrate("mlflow", model: name, to: "sm", options: MigrationOptions(carryLifecycle: true))
            #expect(first.plan.actions.map(\.op) == [.createModel, .createVersion, .setLifecycle, .createVersion, .setLifecycle])
            let sm = try world.adapter("sm")
            let smVersions = try #require(try await sm.snapshot(model: name)).versions.sorted { $0.version < $1.version }
            #expect(smVersions.map(\.lifecycleRaw) == ["PendingManualApproval", "Approved"])
            #expect(smVersions.map { sm.provenance(of: $0)?.source } == ["mlflow:\(name)@1", "mlflow:\(name)@2"])
            #expect(smVersions.map(\.sourceURI) == ["s3://models/\(name)/1", "s3://models/\(name)/2"])
            #expect(smVersions[1].raw?["InferenceSpecification"]?["Containers"]?.arrayValue?.first?["Image"]?.stringValue
                == MigrationWorld.sageMakerImage)
            #expect(try await world.planner("mlflow", "sm", MigrationOptions(carryLifecycle: true)).plan(model: name).isEmpty)

            // SageMaker → Vertex: Vertex holds gs:// only, so the plan skips until the files are mapped.
            let unmapped = try await world.planner("sm", "vertex").plan(model: name)
            #expect(unmapped.actions.isEmpty)
            #expect(unmapped.skips.count == 2 && unmapped.skips.allSatisfy { $0.reason.contains("--artifact-map") })
            let mapped = MigrationOptions(artifactMap: [ArtifactRewrite(from: "s3://models/", to: "gs://models/")])
            let second = try await world.migrate("sm", model: name, to: "vertex", options: mapped)
            #expect(second.result.applied.count == 2)
            let vertex = try world.adapter("vertex")
            let vertexVersions = try #require(try await vertex.snapshot(model: name)).versions
            #expect(Set(vertexVersions.compactMap(\.sourceURI)) == ["gs://models/\(name)/1", "gs://models/\(name)/2"])
            #expect(Set(vertexVersions.compactMap { vertex.provenance(of: $0)?.source }) == ["sm:\(name)@1", "sm:\(name)@2"])
            #expect(Set(vertexVersions.compactMap(\.description)) == ["cut 1", "cut 2"])
            #expect(try await world.planner("sm", "vertex", mapped).plan(model: name).isEmpty)

            // A fresh catalog learns the chain from the registries alone.
            let catalog = try CatalogDatabase.inMemory()
            try await world.sync(["mlflow", "sm", "vertex"], into: catalog)
            let copyOf2 = try #require(vertexVersions.first { vertex.provenance(of: $0)?.sourceVersion == "2" })
            let chain = try await CopyChain.upstream(of: copyOf2.ref, in: catalog)
            #expect(chain == [
                VersionRef(registry: "sm", model: name, version: "2"), VersionRef(registry: "mlflow", model: name, version: "2"),
            ])
            let down = try await CopyChain.downstream(of: VersionRef(registry: "mlflow", model: name, version: "2"), in: catalog)
            #expect(down == [VersionRef(registry: "sm", model: name, version: "2"), copyOf2.ref])
        }
    }

    @Test(.peerPresent(PeerEnvironment.mlflowAndMoto, "needs the real MLflow server and moto (make test starts them)"), .peerRequired(PeerEnvironment.mlflowAndMoto, "needs the real MLflow server and moto (make test starts them)"))
    func aCrashAfterKActionsThenApplyAgainEndsLikeAnUninterruptedRun() async throws {
        struct Crash: Error {}
        try await MigrationWorld.with { world in
            let options = MigrationOptions(carryLifecycle: true)
            let sm = try world.adapter("sm")
            var ends: [[String]] = []
            for crashAt in [nil, 1, 2, 3] as [Int?] {
                let name = PeerEnvironment.unique("crash")
                try await seedMLflow(world, name)
                let saved = try await world.planner("mlflow", "sm", options).plan(model: name)
                var applier = MigrationApplier(target: sm, catalog: nil)
                if let crashAt { applier.afterAction = { index, _ in if index == crashAt { throw Crash() } } }
                do {
                    _ = try await applier.apply(saved)
                    #expect(crashAt == nil)
                } catch is Crash {
                    let fresh = try await world.planner("mlflow", "sm", options).plan(model: name)
                    #expect(saved.staleness(comparedTo: fresh) == nil)
                    _ = try await MigrationApplier(target: sm, catalog: nil).apply(fresh)
                }
                #expect(try await world.planner("mlflow", "sm", options).plan(model: name).isEmpty)
                let versions = try #require(try await sm.snapshot(model: name)).versions
                #expect(versions.count == 2, "no duplicate copy after a crash at \(String(describing: crashAt))")
                ends.append(MigrationWorld.essentials(versions, adapter: sm).map { $0.replacingOccurrences(of: name, with: "M") })
            }
            #expect(ends.allSatisfy { $0 == ends[0] }, "\(ends)")
        }
    }

    @Test(.peerPresent(PeerEnvironment.mlflowURL != nil, "needs the real MLflow server (make test starts it)"), .peerRequired(PeerEnvironment.mlflowURL != nil, "needs the real MLflow server (make test starts it)"))
    func mlflowToGitLabKeepsVersionNumbersAsSemVer() async throws {
        try await MigrationWorld.with { world in
            let name = PeerEnvironment.unique("ranker")
            try await seedMLflow(world, name)
            let done = try await world.migrate("mlflow", model: name, to: "gitlab", options: MigrationOptions(copyAliases: true))
            #expect(done.plan.actions.filter { $0.op == .createVersion }.map(\.targetVersion) == ["1.0.0", "2.0.0"])
            #expect(done.plan.skips.contains { $0.reason.contains("alias 'champion'") && $0.reason.contains("no aliases") })
            let gitLab = try world.adapter("gitlab")
            let versions = try #require(try await gitLab.snapshot(model: name)).versions
            #expect(Set(versions.map(\.version)) == ["1.0.0", "2.0.0"])
            #expect(Set(versions.compactMap { gitLab.provenance(of: $0)?.source }) == ["mlflow:\(name)@1", "mlflow:\(name)@2"])
            #expect(try await world.planner("mlflow", "gitlab", MigrationOptions(copyAliases: true)).plan(model: name).isEmpty)
        }
    }

    @Test(.peerPresent(PeerEnvironment.mlflowURL != nil, "needs the real MLflow server (make test starts it)"), .peerRequired(PeerEnvironment.mlflowURL != nil, "needs the real MLflow server (make test starts it)"))
    func azureAndWandBModelsMoveIntoMLflow() async throws {
        try await MigrationWorld.with { world in
            let churn = PeerEnvironment.unique("churn")
            world.cloud.azure.seed(
                .workspace(
                    subscription: SimulatedCloud.subscription, resourceGroup: SimulatedCloud.resourceGroup,
                    workspace: SimulatedCloud.workspace),
                versions: (1...2).map { i in
                    ModelVersion(
                        registry: "azureml", kind: .azureml, model: churn, version: "\(i)", description: "churn \(i)",
                        lifecycleRaw: i == 2 ? "Production" : nil, tags: ["owner": "crm"],
                        sourceURI: "azureml://subscriptions/s/workspaces/w/models/\(churn)/\(i)", run: RunReference(id: "job-\(i)"))
                })
            let fromAzure = try await world.migrate(
                "azureml", model: churn, to: "mlflow", options: MigrationOptions(carryLifecycle: true))
            #expect(fromAzure.result.applied.filter { $0.action.op == .createVersion }.count == 2)
            let mlflow = try world.adapter("mlflow")
            let copies = try #require(try await mlflow.snapshot(model: churn)).versions.sorted { $0.version < $1.version }
            #expect(copies.map(\.sourceURI) == (1...2).map { "azureml://subscriptions/s/workspaces/w/models/\(churn)/\($0)" })
            #expect(copies.map { $0.tags["owner"] } == ["crm", "crm"])
            #expect(copies.map { $0.tags[Provenance.sourceKey] } == ["azureml:\(churn)@1", "azureml:\(churn)@2"])
            #expect(copies[1].lifecycleRaw == "Production")
            #expect(try await world.planner("azureml", "mlflow", MigrationOptions(carryLifecycle: true)).plan(model: churn).isEmpty)

            let ranking = PeerEnvironment.unique("ranking")
            world.cloud.wandb.seed(
                model: RegistryModel(registry: "wandb", kind: .wandb, name: ranking, description: "ranker"),
                versions: (0...1).map { i in
                    ModelVersion(registry: "wandb", kind: .wandb, model: ranking, version: "v\(i)", aliases: i == 1 ? ["prod"] : [])
                }, registry: SimulatedCloud.wandbRegistry)
            let fromWandB = try await world.migrate("wandb", model: ranking, to: "mlflow", options: MigrationOptions(copyAliases: true))
            #expect(fromWandB.plan.actions.filter { $0.op == .createVersion }.map(\.version) == ["v0", "v1"])
            let linked = try #require(try await mlflow.snapshot(model: ranking)).versions.sorted { $0.version < $1.version }
            #expect(linked.count == 2)
            #expect(linked.allSatisfy { $0.sourceURI?.hasPrefix("wandb-artifact://") == true })
            #expect(linked.map { $0.tags[Provenance.sourceKey] } == ["wandb:\(ranking)@v0", "wandb:\(ranking)@v1"])
            #expect(linked[1].aliases == ["prod"], "the alias is copied; W&B's own `latest` is not")
            #expect(try await world.planner("wandb", "mlflow", MigrationOptions(copyAliases: true)).plan(model: ranking).isEmpty)

            // Into W&B, a version whose files are not already a W&B artifact is a skip that says so.
            let intoWandB = try await world.planner("mlflow", "wandb").plan(model: churn)
            #expect(intoWandB.actions.isEmpty)
            #expect(intoWandB.skips.count == 2 && intoWandB.skips.allSatisfy { $0.reason.contains("needs upload") })
        }
    }

    @Test func vertexToAzureAndAzureToGitLabWithoutRealPeers() async throws {
        try await MigrationWorld.with { world in
            world.cloud.vertex.seed(
                model: RegistryModel(registry: "vertex", kind: .vertex, name: "churn_model", displayName: "Churn"),
                versions: (1...2).map { i in
                    ModelVersion(
                        registry: "vertex", kind: .vertex, model: "churn_model", version: "\(i)", description: "v\(i)",
                        tags: ["team": "growth"], sourceURI: "gs://models/churn/\(i)")
                })
            // Azure takes azureml:// and https:// artifacts: gs:// needs a mapping, then versions keep their numbers.
            let blocked = try await world.planner("vertex", "azureml").plan(model: "churn_model")
            #expect(blocked.actions.isEmpty && blocked.skips.count == 2)
            let options = MigrationOptions(artifactMap: [ArtifactRewrite(from: "gs://models/", to: "https://replica.example.com/models/")])
            let done = try await world.migrate("vertex", model: "churn_model", to: "azureml", options: options)
            #expect(done.plan.actions.filter { $0.op == .createVersion }.map(\.targetVersion) == ["1", "2"])
            let azure = try world.adapter("azureml")
            let copies = try #require(try await azure.snapshot(model: "churn_model")).versions
            #expect(Set(copies.map(\.version)) == ["1", "2"])
            #expect(Set(copies.compactMap { azure.provenance(of: $0)?.source }) == ["vertex:churn_model@1", "vertex:churn_model@2"])
            #expect(try await world.planner("vertex", "azureml", options).plan(model: "churn_model").isEmpty)

            // Azure → GitLab: a fresh catalog synced from both sees GitLab's copies come from Azure, which came from Vertex.
            _ = try await world.migrate("azureml", model: "churn_model", to: "gitlab")
            let catalog = try CatalogDatabase.inMemory()
            try await world.sync(["vertex", "azureml", "gitlab"], into: catalog)
            let chain = try await CopyChain.upstream(
                of: VersionRef(registry: "gitlab", model: "churn_model", version: "2.0.0"), in: catalog)
            #expect(chain == [
                VersionRef(registry: "azureml", model: "churn_model", version: "2"),
                VersionRef(registry: "vertex", model: "churn_model", version: "2"),
            ])
        }
    }
}
