import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import Testing

/// Lineage read from registries that were synced after a chain of migrations: the last copy shows every hop back
/// to the first registry's training run (and its dataset and commit, where the registry reports them).
@Suite("Lineage across a migration chain")
struct LineageChainTests {
    /// Vertex (seeded with a training pipeline) → Azure ML → GitLab, all simulated; runs without any peer.
    @Test func simulatedChainVertexToAzureToGitLab() async throws {
        try await MigrationWorld.with { world in
            let name = PeerEnvironment.unique("lin")
            let pipeline = "projects/demo-project/locations/us-central1/trainingPipelines/7001"
            world.cloud.vertex.seed(
                model: RegistryModel(registry: "vertex", kind: .vertex, name: name),
                versions: [
                    ModelVersion(
                        registry: "vertex", kind: .vertex, model: name, version: "1", tags: ["team": "risk"],
                        sourceURI: "gs://models/\(name)/1", run: RunReference(id: pipeline))
                ])
            try await world.migrate(
                "vertex", model: name, to: "azureml",
                options: MigrationOptions(artifactMap: EveryPairTests.artifactMap(into: "azureml")))
            let azureName = try world.adapter("azureml").targetModelName(for: name)
            try await world.migrate("azureml", model: azureName, to: "gitlab")
            let gitLab = try world.adapter("gitlab")
            let gitLabName = gitLab.targetModelName(for: azureName)
            let copy = try #require(try await gitLab.snapshot(model: gitLabName)?.versions.first)

            let catalog = try CatalogDatabase.inMemory()
            try await world.sync(["vertex", "azureml", "gitlab"], into: catalog)
            let found = try await LineageGraph(catalog: catalog).neighbourhood(of: copy.ref, depth: 2, direction: .up)
            let ids = Set(found.nodes.map(\.id))
            let chain = try await CopyChain.upstream(of: copy.ref, in: catalog)
            #expect(chain.map(\.registry) == ["azureml", "vertex"])
            for ref in chain {
                #expect(ids.contains(LineageEdge.versionNode(ref.registry, ref.model, ref.version ?? "")), "\(ref)")
            }
            #expect(ids.contains(LineageEdge.runNode("vertex", pipeline)), "the first registry's training pipeline")
            #expect(found.edges.contains { $0.relation == .producedBy && $0.assertedBy == "vertex" })
            #expect(found.edges.filter { $0.relation == .migratedFrom }.count == 2)
            #expect(!found.edges.contains { $0.relation == .sameAs }, "no digests, so no same_as")

            // Every format renders this graph; the OpenLineage events validate.
            for format in LineageFormat.allCases {
                #expect(!(try LineageRendering.render(found, as: format)).isEmpty, "\(format)")
            }
            if LineageTools.python != nil, LineageTools.openLineageSpec != nil {
                let result = try LineageTools.validateOpenLineage(try OpenLineageExport.jsonLines(found))
                #expect(result.errors.isEmpty, "\(result.errors)")
            }
            let report = try await CatalogReportBuilder(catalog: catalog).build()
            #expect(report.copies.contains { $0.copy == copy.ref.description && $0.origin.hasPrefix("vertex:") })
        }
    }

    /// MLflow (a real run with a dataset input and a git commit) → SageMaker (moto) → Vertex.
    @Test(.peerPresent(PeerEnvironment.mlflowAndMoto && LineageTools.python != nil, "needs the real MLflow server, moto and the .venv"), .peerRequired(PeerEnvironment.mlflowAndMoto && LineageTools.python != nil, "needs the real MLflow server, moto and the .venv"))
    func mlflowToSageMakerToVertexReachesTheRunAndItsDataset() async throws {
        let tracking = try #require(PeerEnvironment.mlflowURL)
        let python = try #require(LineageTools.python)
        let script = """
            import sys, mlflow, pandas as pd
            mlflow.set_tracking_uri(sys.argv[1])
            mlflow.set_experiment("modelgate-lineage")
            with mlflow.start_run() as run:
                frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
                mlflow.log_input(mlflow.data.from_pandas(frame, source="s3://data/iris.csv", name="iris"), context="training")
                mlflow.set_tag("mlflow.source.git.commit", "0123456789abcdef0123456789abcdef01234567")
                mlflow.set_tag("mlflow.source.git.repoURL", "https://github.com/acme/fraud.git")
                print("RUN_ID=" + run.info.run_id)
            """
        let made = try LineageTools.run(python, ["-c", script, tracking], timeout: 180)
        #expect(made.status == 0, "\(made.stderr.suffix(2000))")
        let runID = try #require(
            made.stdout.split(separator: "\n").first { $0.hasPrefix("RUN_ID=") }.map { String($0.dropFirst(7)) })
        try await MigrationWorld.with { world in
            let name = PeerEnvironment.unique("linfraud")
            let mlflow = try world.adapter("mlflow")
            _ = try await mlflow.createModel(name: name, description: "fraud", tags: [:])
            _ = try await mlflow.createVersion(
                NewVersion(model: name, description: "cut 1", sourceURI: "s3://models/\(name)/1", runID: runID))
            try await mlflow.setLifecycle(model: name, version: "1", lifecycle: .production)
            try await world.migrate("mlflow", model: name, to: "sm", options: MigrationOptions(carryLifecycle: true))
            let mapped = MigrationOptions(artifactMap: [ArtifactRewrite(from: "s3://models/", to: "gs://models/")])
            try await world.migrate("sm", model: name, to: "vertex", options: mapped)
            let vertex = try world.adapter("vertex")
            let copy = try #require(try await vertex.snapshot(model: vertex.targetModelName(for: name))?.versions.first)

            let catalog = try CatalogDatabase.inMemory()
            try await world.sync(["mlflow", "sm", "vertex"], into: catalog)
            let found = try await LineageGraph(catalog: catalog).neighbourhood(of: copy.ref, depth: 3, direction: .up)
            let ids = Set(found.nodes.map(\.id))
            #expect(ids.contains("version:sm:\(name)@1"))
            #expect(ids.contains("version:mlflow:\(name)@1"))
            #expect(ids.contains(LineageEdge.runNode("mlflow", runID)))
            #expect(ids.contains { $0.hasPrefix("dataset:iris") }, "\(ids.sorted())")
            #expect(ids.contains("commit:0123456789abcdef0123456789abcdef01234567"))
            let result = try LineageTools.validateOpenLineage(try OpenLineageExport.jsonLines(found))
            #expect(result.errors.isEmpty, "\(result.errors)")
            let text = LineageRendering.text(found)
            #expect(text.contains("used → dataset iris"))
            #expect(text.contains("source s3://data/iris.csv"), "MLflow's JSON dataset source is unwrapped")
        }
    }
}
