import Foundation
import ModelGateAdapterKit
import ModelGateCore

extension VertexAdapter {
    /// One page of `models`, each model with all its versions (`:listVersions`, every page).
    ///
    /// Without `since` the walk covers everything (the cursor is Vertex's `pageToken`). With `since` (Unix ms)
    /// the models are listed `orderBy=update_time desc` and the walk ends at the first model whose
    /// `updateTime` is older than `since`: only models changed since the watermark are read (each with all
    /// its versions). A malformed model is reported in `ListingPage.errors`, a malformed version in its
    /// snapshot's `errors`; a model deleted between the two calls is left out, and one whose `:listVersions`
    /// keeps failing after the retries is a per-object error (read again by the next sync). A failed
    /// `models` call or a refusal of the credentials throws.
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let token = cursor.flatMap { $0.isEmpty ? nil : $0 }
        let page = try await client.listModels(
            pageSize: pageSize, pageToken: token, orderBy: since == nil ? nil : "update_time desc")
        let observedAt = now()
        var items = page.models
        var reachedWatermark = false
        if let since {
            if let stop = items.firstIndex(where: { item in
                guard let updated = item["updateTime"]?.stringValue.flatMap(Timestamp.parseMilliseconds) else { return false }
                return updated < since
            }) {
                items = Array(items[..<stop])
                reachedWatermark = true
            }
        }
        let outcomes = try await orderedConcurrentMap(items, limit: concurrency) { item in
            try await snapshot(for: item, observedAt: observedAt)
        }
        return ListingPage(
            outcomes: outcomes, next: reachedWatermark ? nil : page.nextPageToken, enumeratesEverything: since == nil)
    }

    func snapshot(for item: JSONValue, observedAt: Date) async throws -> ModelOutcome {
        let model: RegistryModel
        do {
            model = try VertexMapping.model(item, registry: registry)
        } catch {
            return .failed(ObjectError(model: nil, version: nil, message: "malformed Model: \(error)"))
        }
        let raws: [JSONValue]
        do {
            raws = try await client.allVersions(model: model.name, pageSize: pageSize)
        } catch {
            return try ModelOutcome.after(error, model: model.name)
        }
        var versions: [ModelVersion] = []
        var errors: [ObjectError] = []
        for raw in raws {
            do {
                versions.append(try VertexMapping.version(raw, model: model.name, registry: registry))
            } catch {
                errors.append(ObjectError(model: model.name, version: nil, message: "malformed Model version: \(error)"))
            }
        }
        versions.sort { lhs, rhs in
            switch (Int(lhs.version), Int(rhs.version)) {
            case let (left?, right?): return left < right
            default: return lhs.version < rhs.version
            }
        }
        let lineage = versions.flatMap { VertexMapping.edges($0, registry: registry, observedAt: observedAt) }
        return .snapshot(ModelSnapshot(model: model, versions: versions, lineage: lineage, errors: errors))
    }
}
