import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import Synchronization
import Testing

/// A registry whose one version changes only in its native JSON between listings (a field ModelGate does not
/// map), which the catalog stores without a change row. Runs without any server.
private final class RawOnlyChangeRegistry: RegistryAdapter {
    let listings = Atomic<Int>(0)
    var registry: String { "stub" }
    var kind: RegistryKind { .mlflow }
    var capabilities: RegistryCapabilities { RegistryCapabilities() }

    func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let listing = listings.wrappingAdd(1, ordering: .relaxed).newValue
        let version = ModelVersion(
            registry: registry, kind: kind, model: "m", version: "1", sourceURI: "s3://b/m/1",
            raw: ["version": "1", "unmapped_field": .int(Int64(listing))])
        let model = RegistryModel(registry: registry, kind: kind, name: "m")
        return ListingPage(snapshots: [ModelSnapshot(model: model, versions: [version])], next: nil)
    }

    func version(model: String, version: String) async throws -> ModelVersion? { nil }
    func model(name: String) async throws -> RegistryModel? { nil }
    func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        throw unsupported("createModel", "stub")
    }
    func createVersion(_ new: NewVersion) async throws -> ModelVersion { throw unsupported("createVersion", "stub") }
    func setVersionTags(model: String, version: String, tags: [String: String]) async throws {}
    func deleteVersionTag(model: String, version: String, key: String) async throws {}
    func setAlias(model: String, alias: String, version: String) async throws {}
    func deleteAlias(model: String, alias: String) async throws {}
    func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {}
}

struct SyncReportCountTests {
    /// Every listed version lands in exactly one of created / updated / unchanged, also when only its native
    /// JSON moved (the catalog rewrites the row without a change row).
    @Test func aVersionChangedOnlyInItsNativeJSONCountsAsUnchanged() async throws {
        let catalog = try CatalogDatabase.inMemory()
        let service = SyncService(catalog: catalog)
        let target = SyncTarget(adapter: RawOnlyChangeRegistry())
        let first = await service.sync(target, options: SyncOptions())
        #expect(first.created == 1)
        let second = await service.sync(target, options: SyncOptions())
        #expect(second.status == .ok)
        #expect((second.created, second.updated, second.unchanged) == (0, 0, 1))
        #expect(try await catalog.history(registry: "stub", model: "m").map(\.kind) == [.created, .created])
        #expect(try await catalog.version(registry: "stub", model: "m", version: "1")?.raw?["unmapped_field"] == .int(2))
    }
}
