import Foundation
import ModelGateCatalog
import ModelGateCore

/// A small catalog written page by page, the way sync writes it, holding every kind of lineage fact:
/// - `mlflow-a:fraud@1` production, `champion`, digest `sha256:aaa…`, produced by run `r1`, which used dataset
///   `iris` and was built from commit `abc123` of `https://github.com/acme/fraud.git`;
/// - `mlflow-a:fraud@2` staging, no run;
/// - `sm-b:fraud@1` Approved, same digest, a ModelGate copy of `mlflow-a:fraud@1` (copy `c-1`);
/// - `sm-b:fraud@2` Approved, no run, a copy of `mlflow-a:fraud@2` (copy `c-2`): lifecycle disagrees, no run anywhere;
/// - `vertex-c:fraud@1`, digest `sha256:ccc…` (differs), a copy of `sm-b:fraud@1` (copy `c-3`);
/// - `azure-d:other@3` with digest `sha256:aaa…` (same artifact, no migration) and `azure-d:other@4` with none.
enum LineageFixture {
    static let digestA = "sha256:" + String(repeating: "a", count: 64)
    static let digestC = "sha256:" + String(repeating: "c", count: 64)
    static let at = Date(timeIntervalSince1970: 1_795_000_000)

    static func catalog() async throws -> CatalogDatabase {
        let catalog = try CatalogDatabase.inMemory()
        let observed = at
        func v(
            _ registry: String, _ kind: RegistryKind, _ model: String, _ version: String, lifecycle: Lifecycle = .none,
            raw: String? = nil, aliases: [String] = [], digest: String? = nil, run: String? = nil,
            description: String? = nil
        ) -> ModelVersion {
            ModelVersion(
                registry: registry, kind: kind, model: model, version: version, description: description,
                lifecycle: lifecycle, lifecycleRaw: raw, aliases: aliases, tags: ["team": "risk"],
                sourceURI: "s3://models/\(model)/\(version)", artifactDigest: digest, run: run.map { RunReference(id: $0) },
                createdAt: observed, updatedAt: observed)
        }
        func edge(_ from: String, _ to: String, _ relation: LineageRelation, _ by: String, _ properties: [String: String] = [:])
            -> LineageEdge
        {
            LineageEdge(from: from, to: to, relation: relation, assertedBy: by, observedAt: observed, properties: properties)
        }
        let a1 = LineageEdge.versionNode("mlflow-a", "fraud", "1"), a2 = LineageEdge.versionNode("mlflow-a", "fraud", "2")
        let b1 = LineageEdge.versionNode("sm-b", "fraud", "1"), b2 = LineageEdge.versionNode("sm-b", "fraud", "2")
        let c1 = LineageEdge.versionNode("vertex-c", "fraud", "1")
        let run = LineageEdge.runNode("mlflow-a", "r1")
        let pages = [
            CatalogPage(
                registry: "mlflow-a", kind: .mlflow, models: [RegistryModel(registry: "mlflow-a", kind: .mlflow, name: "fraud")],
                versions: [
                    v("mlflow-a", .mlflow, "fraud", "1", lifecycle: .production, raw: "Production", aliases: ["champion"],
                      digest: digestA, run: "r1", description: "gradient boosting, Nov cut"),
                    v("mlflow-a", .mlflow, "fraud", "2", lifecycle: .staging, raw: "Staging"),
                ],
                lineage: [
                    edge(a1, LineageEdge.modelNode("mlflow-a", "fraud"), .versionOf, "mlflow-a"),
                    edge(a2, LineageEdge.modelNode("mlflow-a", "fraud"), .versionOf, "mlflow-a"),
                    edge(a1, run, .producedBy, "mlflow-a", ["run_id": "r1"]),
                    edge(run, "dataset:iris@d41d8cd9", .used, "mlflow-a",
                         ["name": "iris", "digest": "d41d8cd9", "source": #"{"uri": "s3://data/iris.csv"}"#, "context": "training"]),
                    edge(run, "commit:abc123", .builtFrom, "mlflow-a", ["sha": "abc123", "repo_url": "https://github.com/acme/fraud.git"]),
                ]),
            CatalogPage(
                registry: "sm-b", kind: .sagemaker, models: [RegistryModel(registry: "sm-b", kind: .sagemaker, name: "fraud")],
                versions: [
                    v("sm-b", .sagemaker, "fraud", "1", lifecycle: .approved, raw: "Approved", digest: digestA),
                    v("sm-b", .sagemaker, "fraud", "2", lifecycle: .approved, raw: "Approved"),
                ],
                lineage: [
                    edge(b1, LineageEdge.modelNode("sm-b", "fraud"), .versionOf, "sm-b"),
                    edge(b2, LineageEdge.modelNode("sm-b", "fraud"), .versionOf, "sm-b"),
                    edge(b1, a1, .migratedFrom, "modelgate", ["copy_id": "c-1"]),
                    edge(b2, a2, .migratedFrom, "modelgate", ["copy_id": "c-2"]),
                ]),
            CatalogPage(
                registry: "vertex-c", kind: .vertex,
                models: [RegistryModel(registry: "vertex-c", kind: .vertex, name: "fraud")],
                versions: [v("vertex-c", .vertex, "fraud", "1", aliases: ["default"], digest: digestC)],
                lineage: [
                    edge(c1, LineageEdge.modelNode("vertex-c", "fraud"), .versionOf, "vertex-c"),
                    edge(c1, b1, .migratedFrom, "modelgate", ["copy_id": "c-3"]),
                ]),
            CatalogPage(
                registry: "azure-d", kind: .azureml,
                models: [RegistryModel(registry: "azure-d", kind: .azureml, name: "other")],
                versions: [
                    v("azure-d", .azureml, "other", "3", digest: digestA),
                    v("azure-d", .azureml, "other", "4"),
                ]),
        ]
        for page in pages { _ = try await catalog.apply(page: page, source: .sync, at: observed) }
        let ref = { (r: String, v: String) in VersionRef(registry: r, model: "fraud", version: v) }
        try await catalog.insertVersionMap(VersionMapEntry(source: ref("mlflow-a", "1"), target: ref("sm-b", "1"), copyID: "c-1", createdAt: observed))
        try await catalog.insertVersionMap(VersionMapEntry(source: ref("mlflow-a", "2"), target: ref("sm-b", "2"), copyID: "c-2", createdAt: observed))
        try await catalog.insertVersionMap(VersionMapEntry(source: ref("sm-b", "1"), target: ref("vertex-c", "1"), copyID: "c-3", createdAt: observed))
        return catalog
    }
}
