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
        let formatText = q["format"] ?? "json"
        guard let format = LineageFormat(rawValue: formatText) else {
            throw APIError.invalid("format", "format must be one of \(formats.joined(separator: ", ")), got '\(formatText)'")
        }
        var depth = 5
        if let text = q["depth"] {
            guard let value = Int(text), (0...50).contains(value) else {
                throw APIError.invalid("depth", "depth must be an integer from 0 to 50, got '\(text)'")
            }
            depth = value
        }
        var direction = LineageDirection.both
        if let text = q["direction"] {
            guard let value = LineageDirection(rawValue: text) else {
                throw APIError.invalid("direction", "direction must be up, down or both, got '\(text)'")
            }
            direction = value
        }
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
