import Foundation
import ModelGateAdapterKit
import ModelGateCore

extension MLflowAdapter {
    /// One page of registered models (`registered-models/search`, by name), each with all its versions
    /// (`model-versions/search` filtered by name, every page), its aliases (`registered-models/get`) and
    /// lineage (`runs/get`, each distinct run once per listing).
    ///
    /// `since` is ignored: MLflow cannot filter by update time, so every listing reads everything and is
    /// complete. The cursor is MLflow's own page token. A malformed model is reported in
    /// `ListingPage.errors`, a malformed version or an unreadable run in its snapshot's `errors`; the rest
    /// of the page is kept. A model whose calls keep failing after the retries is a per-object error, and so
    /// is a version whose run cannot be read for that reason (it is left out, and read again by the next
    /// sync). A failed `registered-models/search` or a refusal of the credentials throws for the whole page.
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let token = cursor.flatMap { $0.isEmpty ? nil : $0 }
        if token == nil { await runCache.reset() }
        let page = try await client.searchRegisteredModels(
            maxResults: modelPageSize, orderBy: ["name ASC"], pageToken: token)
        let observedAt = now()

        // Offsets shift when models are created or deleted mid-listing: a model repeated from an
        // earlier page (or within this one) is left out.
        let fresh = await runCache.claimModels(page.items.compactMap { $0["name"]?.stringValue })
        var seen: Set<String> = []
        let items = page.items.filter { item in
            guard let name = item["name"]?.stringValue else { return true }
            return fresh.contains(name) && seen.insert(name).inserted
        }
        let outcomes = try await orderedConcurrentMap(items, limit: concurrency) { item in
            try await snapshot(for: item, observedAt: observedAt)
        }

        if page.nextPageToken == nil { await runCache.reset() }
        return ListingPage(outcomes: outcomes, next: page.nextPageToken)
    }

    func snapshot(for item: JSONValue, observedAt: Date) async throws -> ModelOutcome {
        let listed: MLflowRegisteredModel
        do {
            listed = try MLflowRegisteredModel(json: item)
        } catch {
            return .failed(
                ObjectError(model: item["name"]?.stringValue, version: nil, message: "malformed registered model: \(error)"))
        }
        let model: MLflowRegisteredModel
        do {
            model = try await client.getRegisteredModel(name: listed.name)
        } catch {
            return try ModelOutcome.after(error, model: listed.name)
        }

        var errors: [ObjectError] = []
        var wires: [MLflowModelVersion] = []
        let rawVersions: [JSONValue]
        do {
            rawVersions = try await client.allModelVersions(name: model.name, pageSize: versionPageSize)
        } catch {
            // An answer that is not MLflow's JSON (an HTML error page with 200, a body that is not UTF-8, nesting
            // too deep to read), or calls that keep failing, fail this model alone; the rest of the page is kept.
            return try ModelOutcome.after(error, model: model.name)
        }
        for raw in rawVersions {
            do {
                wires.append(try MLflowModelVersion(json: raw))
            } catch {
                errors.append(
                    ObjectError(
                        model: model.name, version: MLflowModelVersion.versionHint(raw),
                        message: "malformed model version: \(error)"))
            }
        }
        wires.sort { lhs, rhs in
            switch (Int(lhs.version), Int(rhs.version)) {
            case let (left?, right?): return left < right
            default: return lhs.version < rhs.version
            }
        }

        var runs: [String: MLflowRun] = [:]
        var runProblems: [String: String] = [:]
        var unreadableRuns: [String: String] = [:]
        var runOrder: [String] = []
        for runID in wires.compactMap(\.runID)
        where runs[runID] == nil && runProblems[runID] == nil && unreadableRuns[runID] == nil {
            runOrder.append(runID)
            do {
                switch try await runCache.run(runID, client: client) {
                case .found(let run): runs[runID] = run
                case .unavailable(let why): runProblems[runID] = why
                }
            } catch {
                switch try ObjectReadFailure.classify(error) {
                case .gone, .malformed: runProblems[runID] = String(describing: error)
                case .unreadable(let why): unreadableRuns[runID] = why
                }
            }
        }

        var versions: [ModelVersion] = []
        var lineage: [LineageEdge] = []
        var unreadable = 0
        for wire in wires {
            if let runID = wire.runID, let why = unreadableRuns[runID] {
                // Stored without its run, the version would lose its metrics: it is left out and read again next time.
                errors.append(
                    ObjectError(model: model.name, version: wire.version, message: "run \(runID) could not be read: \(why)"))
                unreadable += 1
                continue
            }
            let run = wire.runID.flatMap { runs[$0] }
            versions.append(
                MLflowMapping.version(
                    wire, registry: registry, aliases: model.aliases(of: wire.version), metrics: run?.metrics ?? [:]))
            lineage += MLflowMapping.versionEdges(wire, registry: registry, observedAt: observedAt)
            if let runID = wire.runID, let why = runProblems[runID] {
                errors.append(
                    ObjectError(
                        model: model.name, version: wire.version,
                        message: "run \(runID) could not be read, so its lineage and metrics are missing: \(why)"))
            }
        }
        for runID in runOrder {
            if let run = runs[runID] { lineage += MLflowMapping.runEdges(run, registry: registry, observedAt: observedAt) }
        }
        return .snapshot(
            ModelSnapshot(
                model: MLflowMapping.model(model, registry: registry), versions: versions, lineage: lineage,
                errors: errors, unreadable: unreadable))
    }
}
