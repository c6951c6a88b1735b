import Foundation
import ModelGateCatalog
import ModelGateCore
import Testing

/// `modelgate lineage` and `modelgate report` on the binary, over a catalog holding a two-hop copy chain
/// (`mlflow-prod:fraud@2` → `sm:fraud@1` → `vertex:fraud@1`) and the MLflow run with its dataset.
@Suite struct LineageCommandTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func seeded() async throws -> CLI {
        let cli = try CLI()
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        func edge(_ from: String, _ to: String, _ relation: LineageRelation, _ by: String, _ p: [String: String] = [:])
            -> LineageEdge
        { LineageEdge(from: from, to: to, relation: relation, assertedBy: by, observedAt: t0, properties: p) }
        let m2 = LineageEdge.versionNode("mlflow-prod", "fraud", "2"), s1 = LineageEdge.versionNode("sm", "fraud", "1")
        let v1 = LineageEdge.versionNode("vertex", "fraud", "1")
        let pages = [
            CatalogPage(
                registry: "mlflow-prod", kind: .mlflow, models: [RegistryModel(registry: "mlflow-prod", kind: .mlflow, name: "fraud")],
                versions: [
                    ModelVersion(
                        registry: "mlflow-prod", kind: .mlflow, model: "fraud", version: "2", lifecycle: .production,
                        lifecycleRaw: "Production", aliases: ["champion"], run: RunReference(id: "r9"), createdAt: t0)
                ],
                lineage: [
                    edge(m2, LineageEdge.runNode("mlflow-prod", "r9"), .producedBy, "mlflow-prod"),
                    edge(LineageEdge.runNode("mlflow-prod", "r9"), "dataset:transactions@abcd", .used, "mlflow-prod",
                         ["name": "transactions", "digest": "abcd"]),
                ]),
            CatalogPage(
                registry: "sm", kind: .sagemaker, models: [RegistryModel(registry: "sm", kind: .sagemaker, name: "fraud")],
                versions: [
                    ModelVersion(
                        registry: "sm", kind: .sagemaker, model: "fraud", version: "1", lifecycle: .pendingApproval,
                        lifecycleRaw: "PendingManualApproval", createdAt: t0)
                ],
                lineage: [edge(s1, m2, .migratedFrom, "modelgate", ["copy_id": "k1"])]),
            CatalogPage(
                registry: "vertex", kind: .vertex, models: [RegistryModel(registry: "vertex", kind: .vertex, name: "fraud")],
                versions: [ModelVersion(registry: "vertex", kind: .vertex, model: "fraud", version: "1", createdAt: t0)],
                lineage: [edge(v1, s1, .migratedFrom, "modelgate", ["copy_id": "k2"])]),
        ]
        for page in pages { _ = try await catalog.apply(page: page, source: .sync, at: t0) }
        try await catalog.insertVersionMap(
            VersionMapEntry(
                source: VersionRef(registry: "mlflow-prod", model: "fraud", version: "2"),
                target: VersionRef(registry: "sm", model: "fraud", version: "1"), copyID: "k1", createdAt: t0))
        try await catalog.insertVersionMap(
            VersionMapEntry(
                source: VersionRef(registry: "sm", model: "fraud", version: "1"),
                target: VersionRef(registry: "vertex", model: "fraud", version: "1"), copyID: "k2", createdAt: t0))
        return cli
    }

    @Test func lineagePrintsTheChainInEveryFormat() async throws {
        let cli = try await Self.seeded()
        let text = try cli.run("lineage", "vertex:fraud@1", "--catalog", cli.catalogPath, "--direction", "up")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("vertex:fraud@1"))
        #expect(text.stdout.contains("migrated_from → mlflow-prod:fraud@2"))
        #expect(text.stdout.contains("used → dataset transactions@abcd"))

        let json = try cli.run("lineage", "vertex:fraud@1", "--catalog", cli.catalogPath, "--output", "json").json()
        #expect(json["root"]?.stringValue == "version:vertex:fraud@1")
        #expect(json["nodes"]?.array.contains { $0["id"]?.stringValue == "run:mlflow-prod:r9" } == true)

        for (format, marker) in [
            ("markdown", "# Lineage of"), ("html", "<!DOCTYPE html>"), ("dot", "digraph lineage {"),
            ("mermaid", "flowchart LR"), ("openlineage", "\"schemaURL\":\"https://openlineage.io/spec/2-0-2/"),
        ] {
            let result = try cli.run("lineage", "vertex:fraud@1", "--catalog", cli.catalogPath, "--format", format)
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(result.stdout.contains(marker), "\(format)")
        }
        let lines = try cli.run("lineage", "vertex:fraud@1", "--catalog", cli.catalogPath, "--format", "openlineage")
        for line in lines.stdout.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "one event a line")
        }

        let missing = try cli.run("lineage", "vertex:nope@1", "--catalog", cli.catalogPath)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not in the catalog"))
        let usage = try cli.run("lineage", "vertex:fraud@1", "--catalog", cli.catalogPath, "--format", "png")
        #expect(usage.status == 64)
    }

    @Test func reportWritesMarkdownHTMLAndJSON() async throws {
        let cli = try await Self.seeded()
        let markdown = try cli.run("report", "--catalog", cli.catalogPath)
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.contains("## Copies across registries"))
        #expect(markdown.stdout.contains("vertex:fraud@1 ← sm:fraud@1 ← mlflow-prod:fraud@2"))

        let json = try cli.run("report", "--catalog", cli.catalogPath, "--output", "json").json()
        #expect(json["copies"]?.array.count == 2)
        #expect(json["gaps"]?["lifecycle_mismatch"]?.array.first?["copy"]?.stringValue == "sm:fraud@1")

        let out = cli.directory.appendingPathComponent("out/report.html").path
        let html = try cli.run("report", "--catalog", cli.catalogPath, "--format", "html", "--out", out)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.isEmpty)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.contains("<table id=\"copies\""))
        #expect(!page.contains("<script") && !page.contains("<link"))
    }
}
