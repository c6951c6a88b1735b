import Foundation
import Hummingbird
import ModelGateCatalog
import ModelGateCore

/// `GET /api/v1/lineage?ref=&format=`.
///
/// For now this serves the catalog's own edges touching the node as JSON; the lineage formats (text, markdown,
/// html, openlineage, dot, mermaid) come from the lineage service being built in parallel, and this one function
/// is where they plug in.
enum LineageEndpoint {
    static let formats = ["json"]

    static func render(ref: VersionRef, format: String, catalog: CatalogDatabase) async throws -> Response {
        guard formats.contains(format) else {
            throw APIError.invalid("format", "format must be one of \(formats.joined(separator: ", ")) for now, got '\(format)'")
        }
        let node =
            ref.version.map { LineageEdge.versionNode(ref.registry, ref.model, $0) }
            ?? LineageEdge.modelNode(ref.registry, ref.model)
        let edges = try await catalog.lineageEdges(touching: node)
        return try JSONBody.response(LineageDocument(ref: ref.description, node: node, edges: edges))
    }

    struct LineageDocument: Encodable {
        var ref: String
        var node: String
        var edges: [LineageEdge]
    }
}
