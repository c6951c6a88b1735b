import Foundation
import ModelGateAdapterKit
import ModelGateCore

extension WandBAdapter {
    /// One page of the registry's collections (`RegistryCollections`, Relay cursor), each with all its
    /// memberships (`RegistryVersions`, every page) and the run that logged each artifact (`ArtifactCreatedBy`).
    ///
    /// W&B offers no change feed ModelGate can trust, so `since` is ignored and every listing is a full one
    /// (`enumeratesEverything`). A malformed collection is reported in `ListingPage.errors`, a malformed
    /// membership in its snapshot's `errors`. A collection whose memberships keep failing after the retries is a
    /// per-object error, and so is a membership whose `ArtifactCreatedBy` does (it is left out, and read again by
    /// the next sync). A failed collections call or a refusal of the credentials throws.
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let token = cursor.flatMap { $0.isEmpty ? nil : $0 }
        let org = try await organization()
        let page = try await collectionsPage(cursor: token, perPage: pageSize)
        let observedAt = now()
        let outcomes = try await orderedConcurrentMap(page.nodes, limit: concurrency) { node in
            try await snapshot(for: node, org: org, observedAt: observedAt)
        }
        return ListingPage(outcomes: outcomes, next: page.next, enumeratesEverything: true)
    }

    func snapshot(for node: JSONValue, org: Organization, observedAt: Date) async throws -> ModelOutcome {
        let model: RegistryModel
        do {
            model = try WandBMapping.model(node, registry: registry)
        } catch {
            return .failed(ObjectError(model: nil, version: nil, message: "malformed collection: \(error)"))
        }
        let members: [JSONValue]
        do {
            members = try await memberships(collection: model.name)
        } catch {
            return try ModelOutcome.after(error, model: model.name)
        }
        let runs = try await orderedConcurrentMap(members, limit: concurrency) { member -> (run: JSONValue?, failure: ObjectError?) in
            guard let id = member["artifact"]?["id"]?.stringValue else { return (nil, nil) }
            do {
                return (try await createdBy(artifactID: id), nil)
            } catch {
                switch try ObjectReadFailure.classify(error) {
                case .gone: return (nil, nil)
                case .malformed(let why), .unreadable(let why):
                    let version = member["versionIndex"]?.int64Value.map { "v\($0)" }
                    return (nil, ObjectError(model: model.name, version: version, message: "ArtifactCreatedBy: \(why)"))
                }
            }
        }
        var versions: [ModelVersion] = []
        var errors: [ObjectError] = []
        var unreadable = 0
        for (member, (run, failure)) in zip(members, runs) {
            if let error = failure {
                // Stored without its run, the version would lose its lineage: it is left out and read again next time.
                errors.append(error)
                unreadable += 1
                continue
            }
            do {
                versions.append(
                    try WandBMapping.version(
                        member, model: model.name, registry: registry, entity: org.entity, project: registryProject, run: run))
            } catch {
                errors.append(ObjectError(model: model.name, version: nil, message: "malformed membership: \(error)"))
            }
        }
        versions.sort { (WandBMapping.versionIndex($0.version) ?? -1) < (WandBMapping.versionIndex($1.version) ?? -1) }
        let lineage = versions.flatMap { WandBMapping.edges($0, registry: registry, observedAt: observedAt) }
        return .snapshot(
            ModelSnapshot(model: model, versions: versions, lineage: lineage, errors: errors, unreadable: unreadable))
    }
}
