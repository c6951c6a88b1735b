import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport

extension GitLabAdapter {
    /// One page of `registered-models/search` (`order_by=name ASC`, GitLab's keyset `page_token` as the cursor),
    /// each model with every version from its `latest_versions`.
    ///
    /// `since` is ignored: every listing reads everything and is complete. A malformed model is reported in
    /// `ListingPage.errors`, a malformed version in its snapshot's `errors`; a model whose own read keeps
    /// failing after the retries is a per-object error. A failed search or a refusal of the credentials throws.
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let token = cursor.flatMap { $0.isEmpty ? nil : $0 }
        let page = try await client.searchRegisteredModels(maxResults: pageSize, orderBy: ["name ASC"], pageToken: token)
        let observedAt = now()
        var seen: Set<String> = []
        let items = page.items.filter { item in
            guard let name = item["name"]?.stringValue else { return true }
            return seen.insert(name).inserted
        }
        let outcomes = try await orderedConcurrentMap(items, limit: concurrency) { item in
            try await snapshot(for: item, observedAt: observedAt)
        }
        return ListingPage(outcomes: outcomes, next: page.nextPageToken)
    }

    func snapshot(for item: JSONValue, observedAt: Date) async throws -> ModelOutcome {
        var json = item
        if item["latest_versions"] == nil, let name = item["name"]?.stringValue {
            // Not expected from GitLab (the search entity carries every version), but never guess "no versions".
            do {
                let answer = try await client.call(.GET, "registered-models/get", query: [("name", name)])
                json = answer["registered_model"] ?? .null
            } catch {
                return try ModelOutcome.after(error, model: name)
            }
        }
        let wire: MLflowRegisteredModel
        do {
            wire = try MLflowRegisteredModel(json: json)
        } catch {
            return .failed(
                ObjectError(model: item["name"]?.stringValue, version: nil, message: "malformed registered model: \(error)"))
        }
        let (versions, errors) = try self.versions(of: json)
        var lineage: [LineageEdge] = []
        for version in versions { lineage += GitLabMapping.edges(version, registry: registry, observedAt: observedAt) }
        return .snapshot(
            ModelSnapshot(
                model: GitLabMapping.model(wire, registry: registry), versions: versions, lineage: lineage, errors: errors))
    }

    /// The versions in a `registered_model` object's `latest_versions`, by SemVer; malformed ones as errors.
    func versions(of model: JSONValue) throws -> ([ModelVersion], [ObjectError]) {
        let name = model["name"]?.stringValue
        var versions: [ModelVersion] = []
        var errors: [ObjectError] = []
        let items: [JSONValue]
        switch model["latest_versions"] {
        case nil, .null?: items = []
        case .array(let array)?: items = array
        case let other?:
            return ([], [ObjectError(model: name, version: nil, message: "'latest_versions' is not an array: \(other.jsonString())")])
        }
        var seen: Set<String> = []
        for item in items {
            do {
                let wire = try MLflowModelVersion(json: item)
                let version = try GitLabMapping.version(wire, registry: registry)
                if seen.insert(version.version).inserted {
                    versions.append(version)
                } else {
                    errors.append(
                        ObjectError(
                            model: name, version: version.version,
                            message: "two GitLab versions share the SemVer \(version.version); kept the first"))
                }
            } catch let error as MLflowDecodingError {
                errors.append(
                    ObjectError(model: name, version: MLflowModelVersion.versionHint(item), message: "malformed model version: \(error)"))
            } catch let error as GitLabMapping.MappingError {
                errors.append(ObjectError(model: name, version: MLflowModelVersion.versionHint(item), message: error.description))
            }
        }
        versions.sort { lhs, rhs in GitLabSemVerOrder.less(lhs.version, rhs.version) }
        return (versions, errors)
    }
}

/// SemVer precedence for sorting (falls back to text order for anything that is not SemVer).
enum GitLabSemVerOrder {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        func parts(_ text: String) -> (core: [Int], pre: [String])? {
            let noBuild = text.split(separator: "+", maxSplits: 1).first.map(String.init) ?? text
            let split = noBuild.split(separator: "-", maxSplits: 1).map(String.init)
            guard let first = split.first else { return nil }
            let core = first.split(separator: ".").compactMap { Int($0) }
            guard core.count == 3 else { return nil }
            return (core, split.count > 1 ? split[1].split(separator: ".").map(String.init) : [])
        }
        guard let l = parts(lhs), let r = parts(rhs) else { return lhs < rhs }
        if l.core != r.core { return l.core.lexicographicallyPrecedes(r.core) }
        if l.pre.isEmpty != r.pre.isEmpty { return !l.pre.isEmpty }
        for (a, b) in zip(l.pre, r.pre) where a != b {
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a < b
            }
        }
        return l.pre.count < r.pre.count
    }
}
