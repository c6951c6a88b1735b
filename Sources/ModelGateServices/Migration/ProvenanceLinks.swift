import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore

/// Turns ModelGate's provenance on copies into catalog facts: a `migrated_from` lineage edge from each copy to its
/// source and a version-map row, so `show` names both sides even in a catalog that never ran the migration.
public enum ProvenanceLinks {
    /// The edges and version-map rows for the copies in `versions` (provenance read by `provenance`).
    public static func links(
        _ versions: [ModelVersion], at: Date, provenance: (ModelVersion) -> Provenance?
    ) -> (edges: [LineageEdge], map: [VersionMapEntry]) {
        var edges: [LineageEdge] = []
        var map: [VersionMapEntry] = []
        for version in versions where !version.deleted {
            guard let found = provenance(version), let source = found.sourceRef, let sourceVersion = source.version else {
                continue
            }
            var properties = ["copy_id": found.copyID]
            if let digest = found.digest { properties["digest"] = digest }
            edges.append(
                LineageEdge(
                    from: LineageEdge.versionNode(version.registry, version.model, version.version),
                    to: LineageEdge.versionNode(source.registry, source.model, sourceVersion), relation: .migratedFrom,
                    assertedBy: "modelgate", observedAt: at, properties: properties))
            map.append(VersionMapEntry(source: source, target: version.ref, copyID: found.copyID, createdAt: at))
        }
        return (edges, map)
    }
}
