import Foundation
import Hummingbird
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

/// `GET /api/v1/lineage?ref=&format=&depth=&direction=`: the lineage neighbourhood of a version or model in each of
/// `modelgate lineage`'s formats (the same graph and renderers).
enum LineageEndpoint {
    static let formats = LineageFormat.allCases.map(\.rawValue)

    static func render(ref: VersionRef, query q: QueryParameters, catalog: CatalogDatabase) async throws -> Response {
        let format = try q.choice("format", formats).flatMap(LineageFormat.init(rawValue:)) ?? .json
        let depth = try q.integer("depth", in: 0...50) ?? 5
        let direction =
            try q.choice("direction", LineageDirection.allCases.map(\.rawValue)).flatMap(LineageDirection.init(rawValue:)) ?? .both
        let known: Bool
        if let version = ref.version {
            known = try await catalog.version(registry: ref.registry, model: ref.model, version: version) != nil
        } else {
            known = try await catalog.model(registry: ref.registry, name: ref.model) != nil
        }
        guard known else { throw APIError.notFound("\(ref) is not in the catalog", field: "ref") }
        let graph = try await LineageGraph(catalog: catalog).neighbourhood(of: ref, depth: depth, direction: direction)
        let body = try LineageRendering.render(graph, as: format)
        return Response(
            status: .ok, headers: [.contentType: contentType(format)], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func contentType(_ format: LineageFormat) -> String {
        switch format {
        case .json: "application/json"
        case .openlineage: "application/x-ndjson"
        case .html: "text/html; charset=utf-8"
        case .markdown: "text/markdown; charset=utf-8"
        case .dot: "text/vnd.graphviz; charset=utf-8"
        case .text, .mermaid: "text/plain; charset=utf-8"
        }
    }
}
