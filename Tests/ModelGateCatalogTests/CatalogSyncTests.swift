import Foundation
import GRDB
import ModelGateCore
import Testing

@testable import ModelGateCatalog

@Suite struct CatalogSyncTests {
    @Test func aVersionIsTombstonedAfterNMissesAndNeverBefore() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1"), Fixture.version("fraud", "2")]), source: .sync,
            at: Fixture.t0)
        let onlyOne: Set<CatalogVersionKey> = [CatalogVersionKey(model: "fraud", version: "1")]

        let first = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 3, at: Fixture.time(1))
        let second = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 3, at: Fixture.time(2))
        #expect(first.isEmpty && second.isEmpty)
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2")?.deleted == false)

        let third = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 3, at: Fixture.time(3))
        #expect(third.count == 1)
        #expect(third.first?.kind == .deleted)
        #expect(third.first?.version == "2")
        #expect(third.first?.at == Fixture.time(3))
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "2")?.deleted == true)
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")?.deleted == false)

        // A tombstoned version is not counted again
        let fourth = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 3, at: Fixture.time(4))
        #expect(fourth.isEmpty)
        let state = try await catalog.syncState(registry: "mlflow-prod")
        #expect(state.lastCompleteListingAt == Fixture.time(4))
    }

    @Test func beingSeenAgainResetsTheMissCount() async throws {
        let (catalog, queue) = try Fixture.catalog()
        let both = Fixture.page(versions: [Fixture.version("fraud", "1"), Fixture.version("fraud", "2")])
        _ = try await catalog.apply(page: both, source: .sync, at: Fixture.t0)
        let onlyOne: Set<CatalogVersionKey> = [CatalogVersionKey(model: "fraud", version: "1")]
        let all: Set<CatalogVersionKey> = [CatalogVersionKey(model: "fraud", version: "1"), CatalogVersionKey(model: "fraud", version: "2")]

        _ = try await catalog.recordCompleteListing(registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 2, at: Fixture.time(1))
        #expect(try await Fixture.count(queue, "SELECT missCount FROM modelVersion WHERE version = '2'") == 1)
        _ = try await catalog.recordCompleteListing(registry: "mlflow-prod", seen: all, tombstoneAfterMisses: 2, at: Fixture.time(2))
        #expect(try await Fixture.count(queue, "SELECT missCount FROM modelVersion WHERE version = '2'") == 0)
        let again = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 2, at: Fixture.time(3))
        #expect(again.isEmpty, "one miss after a reset is not two misses")

        // The page upsert resets it too, without a change row
        _ = try await catalog.apply(page: both, source: .sync, at: Fixture.time(4))
        #expect(try await Fixture.count(queue, "SELECT missCount FROM modelVersion WHERE version = '2'") == 0)
        let final = try await catalog.recordCompleteListing(
            registry: "mlflow-prod", seen: onlyOne, tombstoneAfterMisses: 2, at: Fixture.time(5))
        #expect(final.isEmpty)
        #expect(try await Fixture.count(queue, "SELECT count(*) FROM change WHERE kind = 'deleted'") == 0)
    }

    @Test func listingsOfOneRegistryNeverTouchAnother() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(page: Fixture.page(versions: [Fixture.version("fraud", "1")]), source: .sync, at: Fixture.t0)
        _ = try await catalog.apply(
            page: Fixture.page(registry: "sm-us", versions: [Fixture.version("fraud", "1", registry: "sm-us")]),
            source: .sync, at: Fixture.t0)

        let deleted = try await catalog.recordCompleteListing(
            registry: "sm-us", seen: [], tombstoneAfterMisses: 1, at: Fixture.time(1))

        #expect(deleted.map(\.registry) == ["sm-us"])
        #expect(try await catalog.version(registry: "mlflow-prod", model: "fraud", version: "1")?.deleted == false)
    }

    @Test func syncStateAndRegistriesRoundTrip() async throws {
        let (catalog, _) = try Fixture.catalog()
        try await catalog.upsertRegistry(RegistryInfo(name: "mlflow-prod", kind: .mlflow, endpoint: "http://127.0.0.1:5000"))
        try await catalog.upsertRegistry(RegistryInfo(name: "sm-us", kind: .sagemaker))
        #expect(try await catalog.syncState(registry: "mlflow-prod") == SyncState(registry: "mlflow-prod"))

        let state = SyncState(
            registry: "mlflow-prod", cursor: "page-3", watermark: 1_790_000_000_123, syncCount: 7,
            lastCompleteListingAt: Fixture.time(1))
        try await catalog.saveSyncState(registry: "mlflow-prod", state)
        #expect(try await catalog.syncState(registry: "mlflow-prod") == state)
        try await catalog.recordSyncResult(registry: "sm-us", at: Fixture.time(2), status: "failed", message: "HTTP 403")
        try await catalog.upsertRegistry(RegistryInfo(name: "sm-us", kind: .sagemaker, endpoint: "http://127.0.0.1:5001"))

        let registries = try await catalog.registries()
        #expect(registries.map(\.name) == ["mlflow-prod", "sm-us"])
        let sm = try #require(registries.last)
        #expect(sm.kind == .sagemaker)
        #expect(sm.endpoint == "http://127.0.0.1:5001")
        #expect(sm.lastSyncAt == Fixture.time(2))
        #expect(sm.lastSyncStatus == "failed")
        #expect(sm.lastSyncMessage == "HTTP 403")
        await #expect(throws: CatalogError.self) {
            try await catalog.recordSyncResult(registry: "nope", at: Fixture.t0, status: "ok", message: nil)
        }
        await #expect(throws: DatabaseError.self) { try await catalog.saveSyncState(registry: "nope", SyncState(registry: "nope")) }
    }

    @Test func versionMapEntriesAreFoundBySourceTargetAndCopyID() async throws {
        let (catalog, _) = try Fixture.catalog()
        let source = VersionRef(registry: "mlflow-prod", model: "fraud", version: "7")
        let entry = VersionMapEntry(
            source: source, target: VersionRef(registry: "sm-us", model: "fraud", version: "1"), copyID: "c-1",
            createdAt: Fixture.t0)
        try await catalog.insertVersionMap(entry)
        try await catalog.insertVersionMap(
            VersionMapEntry(
                source: source, target: VersionRef(registry: "aml", model: "fraud", version: "7"), copyID: "c-2",
                createdAt: Fixture.t0))

        #expect(try await catalog.versionMap(source: source).map(\.target.registry) == ["aml", "sm-us"])
        #expect(try await catalog.versionMap(source: source, targetRegistry: "sm-us") == [entry])
        #expect(try await catalog.versionMap(target: VersionRef(registry: "sm-us", model: "fraud", version: "1")) == entry)
        #expect(try await catalog.versionMap(copyID: "c-2").map(\.target.registry) == ["aml"])
        #expect(try await catalog.versionMap(target: VersionRef(registry: "sm-us", model: "fraud", version: "9")) == nil)
        await #expect(throws: CatalogError.self) {
            try await catalog.insertVersionMap(
                VersionMapEntry(source: VersionRef(registry: "a", model: "b"), target: source, copyID: "x", createdAt: Fixture.t0))
        }
    }

    @Test func versionSortKeysOrderNumbersNumerically() {
        let ordered = ["0.9", "1", "1.0", "1.2", "1.10", "2", "10", "v2", "v10", "v10a"]
        let sorted = ordered.shuffled().sorted { CatalogEncoding.versionSort($0) < CatalogEncoding.versionSort($1) }
        #expect(sorted == ordered)
        #expect(CatalogEncoding.versionSort("007") != CatalogEncoding.versionSort("7"))
    }
}
