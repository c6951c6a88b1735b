import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import Testing

/// A lineage walk stops at a node cap and a deadline and says so (issue 15 item 6), in JSON and in text.
@Suite("Lineage: node cap and deadline")
struct LineageLimitTests {
    /// One run that produced `count` versions: its downstream neighbourhood has `count + 1` nodes.
    static func fan(_ count: Int) async throws -> CatalogDatabase {
        let catalog = try CatalogDatabase.inMemory()
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        try await catalog.upsertLineage(
            (1...count).map {
                LineageEdge(
                    from: LineageEdge.versionNode("reg", "m", String($0)), to: LineageEdge.runNode("reg", "r1"),
                    relation: .producedBy, assertedBy: "reg", observedAt: t0)
            })
        return catalog
    }

    @Test func aWalkPastTheNodeCapStopsAndSaysSo() async throws {
        let catalog = try await Self.fan(300)
        // A deadline no run reaches, so only the node cap can stop these walks (the suite may run on a busy machine).
        let graph = LineageGraph(catalog: catalog, limits: LineageLimits(maxNodes: 50, deadline: .seconds(3600)))
        let found = try await graph.neighbourhood(ofNode: LineageEdge.runNode("reg", "r1"), depth: 1, direction: .down)
        #expect(found.truncated?.reason == .nodeCap)
        #expect(found.nodes.filter { $0.kind != .registry }.count == 50)
        #expect(LineageRendering.text(found).contains("truncated: the walk stopped at 50 nodes"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try LineageRendering.json(found).utf8)) as? [String: Any])
        #expect((json["truncated"] as? [String: Any])?["reason"] as? String == "node_cap")
        // Under the cap the same walk is whole.
        let whole = try await LineageGraph(catalog: catalog, limits: LineageLimits(maxNodes: 1000, deadline: .seconds(3600)))
            .neighbourhood(ofNode: LineageEdge.runNode("reg", "r1"), depth: 1, direction: .down)
        #expect(whole.truncated == nil)
        #expect(whole.nodes.filter { $0.kind != .registry }.count == 301)
        #expect(!LineageRendering.text(whole).contains("truncated"))
    }

    @Test func aWalkPastTheDeadlineStopsAndSaysSo() async throws {
        let catalog = try await Self.fan(20)
        let graph = LineageGraph(catalog: catalog, limits: LineageLimits(deadline: .zero))
        let found = try await graph.neighbourhood(ofNode: LineageEdge.runNode("reg", "r1"), depth: 1, direction: .both)
        #expect(found.truncated?.reason == .deadline)
        #expect(LineageRendering.text(found).contains("truncated: the walk stopped after"))
    }
}
