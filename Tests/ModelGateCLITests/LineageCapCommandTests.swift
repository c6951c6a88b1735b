import Foundation
import ModelGateCatalog
import ModelGateCore
import Testing

/// `modelgate lineage` over a neighbourhood larger than the node cap says it was truncated (issue 15 item 6).
@Suite struct LineageCapCommandTests {
    @Test func lineageOfAModelWithMoreVersionsThanTheCapSaysItWasTruncated() async throws {
        let cli = try CLI()
        let catalog = try CatalogDatabase.open(path: cli.catalogPath)
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        let versions = (1...600).map {
            ModelVersion(registry: "wide", kind: .mlflow, model: "m", version: String($0), createdAt: t0)
        }
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "wide", kind: .mlflow, models: [RegistryModel(registry: "wide", kind: .mlflow, name: "m")],
                versions: versions,
                lineage: versions.map {
                    LineageEdge(
                        from: LineageEdge.versionNode("wide", "m", $0.version), to: LineageEdge.modelNode("wide", "m"),
                        relation: .versionOf, assertedBy: "wide", observedAt: t0)
                }),
            source: .sync, at: t0)
        let text = try cli.run("lineage", "wide:m", "--direction", "down", "--depth", "1", "--catalog", cli.catalogPath)
        #expect(text.status == 0, "\(text.stderr)")
        // The node cap (500) stops it, or on a very busy machine the 10 s deadline first: either way it says so.
        #expect(text.stdout.contains("truncated: the walk stopped"))
        let json = try cli.run("lineage", "wide:m", "--direction", "down", "--format", "json", "--catalog", cli.catalogPath)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(["node_cap", "deadline"].contains((object["truncated"] as? [String: Any])?["reason"] as? String ?? ""))
    }
}
