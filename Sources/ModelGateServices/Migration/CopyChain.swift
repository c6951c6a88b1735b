import Foundation
import ModelGateCatalog
import ModelGateCore

/// Where a version's copies came from and went, across any number of hops (A → B → C), from the version map.
public enum CopyChain {
    /// The sources of `ref`, nearest first: for C that is [B, A].
    public static func upstream(of ref: VersionRef, in catalog: CatalogDatabase, maxHops: Int = 32) async throws
        -> [VersionRef]
    {
        var chain: [VersionRef] = []
        var seen: Set<VersionRef> = [ref]
        var current = ref
        while chain.count < maxHops, let entry = try await catalog.versionMap(target: current) {
            guard seen.insert(entry.source).inserted else { break }
            chain.append(entry.source)
            current = entry.source
        }
        return chain
    }

    /// Every copy made from `ref`, and copies of those, breadth first.
    public static func downstream(of ref: VersionRef, in catalog: CatalogDatabase, maxHops: Int = 32) async throws
        -> [VersionRef]
    {
        var found: [VersionRef] = []
        var seen: Set<VersionRef> = [ref]
        var frontier = [ref]
        var hops = 0
        while !frontier.isEmpty, hops < maxHops {
            var next: [VersionRef] = []
            for node in frontier {
                for entry in try await catalog.versionMap(source: node) where seen.insert(entry.target).inserted {
                    found.append(entry.target)
                    next.append(entry.target)
                }
            }
            frontier = next
            hops += 1
        }
        return found
    }
}
