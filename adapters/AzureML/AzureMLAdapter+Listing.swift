import Foundation
import ModelGateAdapterKit
import ModelGateCore

extension AzureMLAdapter {
    /// One page of model containers (`…/models?listViewType=All`), each with all its versions
    /// (`…/models/{name}/versions?listViewType=All`, every `nextLink`).
    ///
    /// `since` is ignored: ARM has no updated-since filter, so every listing reads everything and every page
    /// says `enumeratesEverything`. The cursor is ARM's `nextLink`, verbatim. A malformed container is
    /// reported in `ListingPage.errors`, a malformed version in its snapshot's `errors`; the rest of the page
    /// is kept. A container deleted between the listing and the read of its versions is left out; one whose
    /// versions call keeps failing after the retries is a per-object error (read again by the next sync). A
    /// failed listing call or a refusal of the credentials throws (the page is then not returned at all).
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let link = cursor.flatMap { $0.isEmpty ? nil : $0 }
        let page = try await client.listModels(nextLink: link)
        let observedAt = now()
        var seen: Set<String> = []
        let items = page.items.filter { item in
            guard let name = item["name"]?.stringValue else { return true }
            return seen.insert(name).inserted
        }
        let outcomes = try await orderedConcurrentMap(items, limit: concurrency) { item in
            try await snapshot(for: item, observedAt: observedAt)
        }
        return ListingPage(outcomes: outcomes, next: page.nextLink, enumeratesEverything: true)
    }

    func snapshot(for item: JSONValue, observedAt: Date) async throws -> ModelOutcome {
        let model: RegistryModel
        do {
            model = try AzureMLMapping.model(item, registry: registry)
        } catch {
            return .failed(
                ObjectError(model: item["name"]?.stringValue, version: nil, message: "malformed model container: \(error)"))
        }
        let raws: [JSONValue]
        do {
            raws = try await client.allVersions(model: model.name)
        } catch {
            return try ModelOutcome.after(error, model: model.name)
        }
        var versions: [ModelVersion] = []
        var errors: [ObjectError] = []
        var seen: Set<String> = []
        for raw in raws {
            do {
                let version = try AzureMLMapping.version(raw, model: model.name, registry: registry)
                // Offsets shift when versions are created during the walk: a repeat is dropped.
                if seen.insert(version.version).inserted { versions.append(version) }
            } catch {
                errors.append(
                    ObjectError(
                        model: model.name, version: raw["name"]?.stringValue, message: "malformed model version: \(error)"))
            }
        }
        versions.sort { lhs, rhs in
            switch (Int(lhs.version), Int(rhs.version)) {
            case (let left?, let right?): return left < right
            case (_?, nil): return true
            case (nil, _?): return false
            default: return lhs.version < rhs.version
            }
        }
        let lineage = versions.flatMap { AzureMLMapping.edges($0, observedAt: observedAt) }
        return .snapshot(ModelSnapshot(model: model, versions: versions, lineage: lineage, errors: errors))
    }
}
