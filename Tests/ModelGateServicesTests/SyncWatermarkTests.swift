import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import Synchronization
import Testing

/// An incremental registry in memory: it lists the models changed at or after `since` (each with all its versions),
/// and can be told that a model cannot be read right now (its calls keep failing after the retries).
final class IncrementalRegistry: RegistryAdapter, Sendable {
    struct State {
        var versions: [ModelVersion] = []
        var unreadable: Set<String> = []
        var sinces: [Int64?] = []
    }
    let state = Mutex(State())
    var registry: String { "incremental" }
    var kind: RegistryKind { .sagemaker }
    var capabilities: RegistryCapabilities { RegistryCapabilities(incrementalListing: true) }

    func add(_ model: String, _ version: String, updatedAt: Date) {
        state.withLock {
            $0.versions.append(
                ModelVersion(
                    registry: registry, kind: kind, model: model, version: version, sourceURI: "s3://b/\(model)/\(version)",
                    createdAt: updatedAt, updatedAt: updatedAt))
        }
    }

    var sinces: [Int64?] { state.withLock { $0.sinces } }

    func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let s = state.withLock { state in
            state.sinces.append(since)
            return state
        }
        var snapshots: [ModelSnapshot] = []
        var errors: [ObjectError] = []
        for model in Set(s.versions.map(\.model)).sorted() {
            let versions = s.versions.filter { $0.model == model }
            guard let since, versions.allSatisfy({ Timestamp.milliseconds($0.updatedAt ?? .distantPast) < since }) else {
                if s.unreadable.contains(model) {
                    errors.append(ObjectError(model: model, version: nil, message: "incremental: 503 after 5 attempts"))
                } else {
                    snapshots.append(
                        ModelSnapshot(model: RegistryModel(registry: registry, kind: kind, name: model), versions: versions))
                }
                continue
            }
        }
        return ListingPage(
            snapshots: snapshots, next: nil, errors: errors, enumeratesEverything: since == nil, unreadable: errors.count)
    }

    func version(model: String, version: String) async throws -> ModelVersion? { nil }
    func model(name: String) async throws -> RegistryModel? { nil }
    func createModel(name: String, description: String?, tags: [String: String]) async throws -> RegistryModel {
        throw unsupported("createModel", "in memory")
    }
    func createVersion(_ new: NewVersion) async throws -> ModelVersion { throw unsupported("createVersion", "in memory") }
    func setVersionTags(model: String, version: String, tags: [String: String]) async throws {}
    func deleteVersionTag(model: String, version: String, key: String) async throws {}
    func setAlias(model: String, alias: String, version: String) async throws {}
    func deleteAlias(model: String, alias: String) async throws {}
    func setLifecycle(model: String, version: String, lifecycle: Lifecycle) async throws {}
}

/// Issue 15, item 11: the incremental watermark never passes what failed, nor now + 5 minutes.
struct SyncWatermarkTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aPerObjectErrorKeepsTheWatermarkSoTheNextSyncReadsWhatFailed() async throws {
        let registry = IncrementalRegistry()
        let catalog = try CatalogDatabase.inMemory()
        let service = SyncService(catalog: catalog, now: { Self.now })
        let target = SyncTarget(adapter: registry)
        registry.add("a", "1", updatedAt: Self.now.addingTimeInterval(-3600))
        let first = await service.sync(target, options: SyncOptions())
        #expect(first.status == .ok && first.created == 1)
        let watermark = try #require(try await catalog.syncState(registry: "incremental").watermark)

        // Model b changes, but cannot be read now; model a changes later than b, and is read.
        registry.add("b", "1", updatedAt: Self.now.addingTimeInterval(-1800))
        registry.add("a", "2", updatedAt: Self.now.addingTimeInterval(-600))
        registry.state.withLock { $0.unreadable = ["b"] }
        let second = await service.sync(target, options: SyncOptions())
        #expect(second.status == .ok && second.created == 1 && !second.complete)
        #expect(second.errors.map(\.model) == ["b"])
        #expect(try await catalog.syncState(registry: "incremental").watermark == watermark, "not past what failed")

        // The next incremental sync asks from the old watermark, so b's change is still in its window.
        registry.state.withLock { $0.unreadable = [] }
        let third = await service.sync(target, options: SyncOptions())
        #expect(registry.sinces.last == watermark)
        #expect(third.status == .ok && third.errors.isEmpty)
        #expect(try await catalog.version(registry: "incremental", model: "b", version: "1") != nil, "b@1 is stored at last")
        #expect(try await catalog.syncState(registry: "incremental").watermark == Timestamp.milliseconds(Self.now.addingTimeInterval(-600)))
    }

    @Test func aRegistryClockFarAheadDoesNotPushTheWatermarkPastNowPlusFiveMinutes() async throws {
        let registry = IncrementalRegistry()
        let catalog = try CatalogDatabase.inMemory()
        let service = SyncService(catalog: catalog, now: { Self.now })
        let target = SyncTarget(adapter: registry)
        let ceiling = Timestamp.milliseconds(Self.now) + 300_000
        // A version stamped ten years ahead (a plausible time, so it is stored).
        registry.add("a", "1", updatedAt: Self.now.addingTimeInterval(10 * 365 * 86_400))
        _ = await service.sync(target, options: SyncOptions())
        #expect(try await catalog.syncState(registry: "incremental").watermark == ceiling)

        // A change made six minutes later is found by the next incremental sync (the registry's own overlap, such
        // as SageMaker's 5 minutes before the watermark, covers the slack).
        registry.add("c", "1", updatedAt: Self.now.addingTimeInterval(360))
        let second = await service.sync(target, options: SyncOptions())
        #expect(registry.sinces.last == ceiling)
        #expect(second.created == 1)
        #expect(try await catalog.version(registry: "incremental", model: "c", version: "1") != nil)
    }

    @Test func aWatermarkSavedFarAheadIsBroughtBackToNowPlusFiveMinutes() async throws {
        let registry = IncrementalRegistry()
        let catalog = try CatalogDatabase.inMemory()
        let service = SyncService(catalog: catalog, now: { Self.now })
        let target = SyncTarget(adapter: registry)
        registry.add("a", "1", updatedAt: Self.now.addingTimeInterval(-60))
        _ = await service.sync(target, options: SyncOptions())
        var state = try await catalog.syncState(registry: "incremental")
        state.watermark = Timestamp.milliseconds(Self.now.addingTimeInterval(50 * 365 * 86_400))
        try await catalog.saveSyncState(registry: "incremental", state)

        registry.add("c", "1", updatedAt: Self.now.addingTimeInterval(360))
        let second = await service.sync(target, options: SyncOptions())
        #expect(registry.sinces.last == Timestamp.milliseconds(Self.now) + 300_000)
        #expect(second.created == 1, "the change is found")
        #expect(second.status == .ok)
        #expect(try await catalog.syncState(registry: "incremental").watermark ?? .max <= Timestamp.milliseconds(Self.now) + 300_000)
    }
}
