import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateTransport
import ModelGateTestKit
import Testing

/// The sync engine against a real `mlflow server` (`MODELGATE_TEST_MLFLOW_URL`; skipped when unset).
///
/// Each test has its own in-memory catalog and its own models (`zz-svc-<ms>-<random>-…`, created in name order); `OwnModels` hides the
/// other tests' models from the listing so that report counts are exact. The adapter pages at 2, so every
/// listing spans several model pages and several version pages per model.
@Suite(.serialized, .peerPresent(SyncPeer.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start DIR)"), .peerRequired(SyncPeer.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start DIR)"), .timeLimit(.minutes(5)))
struct SyncServiceRealServerTests {
    // MARK: 1. Full sync

    @Test func aFullSyncStoresEveryVersionOnceWithAliasesTagsStagesAndLineage() async throws {
        let h = try SyncHarness()
        let sha = "0123abcd\(h.id)"
        let runID = try await h.seedRun(sha: sha)
        let alpha = h.name("alpha")
        let beta = h.name("beta")
        let gamma = h.name("gamma")
        _ = try await h.mlflow.createModel(name: alpha, description: "fraud detector", tags: ["team": "risk"])
        for index in 1...5 {
            _ = try await h.mlflow.createVersion(
                NewVersion(
                    model: alpha, description: "alpha v\(index)",
                    sourceURI: index == 1 ? "runs:/\(runID)/model" : "s3://bucket/\(h.id)/alpha/\(index)",
                    runID: index == 1 ? runID : nil, tags: index == 1 ? ["framework": "sklearn"] : [:]))
        }
        try await h.seed("beta", versions: 3)
        try await h.seed("gamma", versions: 1)
        try await h.mlflow.setAlias(model: alpha, alias: "champion", version: "3")
        try await h.mlflow.setAlias(model: alpha, alias: "challenger", version: "5")
        try await h.mlflow.setAlias(model: beta, alias: "champion", version: "2")
        try await h.mlflow.setLifecycle(model: alpha, version: "2", lifecycle: .production)
        try await h.mlflow.setLifecycle(model: alpha, version: "4", lifecycle: .archived)
        try await h.mlflow.setLifecycle(model: beta, version: "1", lifecycle: .staging)

        let report = await h.sync()
        #expect(report.status == .ok, "\(report.summary)")
        #expect(report.complete)
        #expect(report.created == 9)
        #expect(report.updated == 0)
        #expect(report.deleted == 0)
        #expect(report.unchanged == 0)
        #expect(report.errors.isEmpty)
        #expect(report.pages >= 2, "three models at two per page are at least two committed pages")
        #expect(report.requests > 0)

        // Every version exactly once.
        let stored = try await h.catalogVersions()
        let keys = stored.map { "\($0.model)@\($0.version)" }
        #expect(keys == (1...5).map { "\(alpha)@\($0)" } + (1...3).map { "\(beta)@\($0)" } + ["\(gamma)@1"])
        let byKey = Dictionary(uniqueKeysWithValues: stored.map { ("\($0.model)@\($0.version)", $0) })
        let summaries = try await h.catalog.models(ModelQuery(registry: h.registry)).items
        #expect(summaries.map(\.name) == [alpha, beta, gamma])
        #expect(summaries.map(\.versionCount) == [5, 3, 1])

        // Aliases, as the registry reports them.
        let champions = try await h.catalog.versions(VersionQuery(registry: h.registry, alias: "champion")).items
        #expect(champions.map { "\($0.model)@\($0.version)" } == ["\(alpha)@3", "\(beta)@2"])
        #expect(byKey["\(alpha)@5"]?.aliases == ["challenger"])
        #expect(byKey["\(alpha)@1"]?.aliases == [])
        #expect(try await h.history(alpha, alias: "champion").map(\.after) == ["3"])

        // Stages.
        let production = try await h.catalog.versions(VersionQuery(registry: h.registry, lifecycle: .production)).items
        #expect(production.map { "\($0.model)@\($0.version)" } == ["\(alpha)@2"])
        #expect(byKey["\(alpha)@4"]?.lifecycle == .archived)
        #expect(byKey["\(alpha)@4"]?.lifecycleRaw == "Archived")
        #expect(byKey["\(beta)@1"]?.lifecycle == .staging)
        #expect(byKey["\(alpha)@1"]?.lifecycle == Lifecycle.none)
        #expect(byKey["\(alpha)@1"]?.lifecycleRaw == "None")

        // Tags and descriptions.
        #expect(byKey["\(alpha)@1"]?.tags == ["framework": "sklearn"])
        #expect(byKey["\(alpha)@2"]?.tags == [:])
        #expect(byKey["\(alpha)@4"]?.description == "alpha v4")
        let alphaModel = try #require(try await h.catalog.model(registry: h.registry, name: alpha))
        #expect(alphaModel.tags == ["team": "risk"])
        #expect(alphaModel.description == "fraud detector")

        // Run lineage: version → run → commit and dataset, plus the run's metrics on the version.
        let first = try #require(byKey["\(alpha)@1"])
        #expect(first.run?.id == runID)
        #expect(first.metrics == ["accuracy": 0.93])
        #expect(first.sourceURI == "runs:/\(runID)/model")
        #expect(byKey["\(alpha)@2"]?.run == nil)
        let runNode = LineageEdge.runNode(h.registry, runID)
        let versionNode = LineageEdge.versionNode(h.registry, alpha, "1")
        let versionEdges = Set(
            try await h.catalog.lineageEdges(touching: versionNode).map { "\($0.relation.rawValue) \($0.to)" })
        #expect(versionEdges == ["produced_by \(runNode)", "version_of \(LineageEdge.modelNode(h.registry, alpha))"])
        let runEdges = Set(
            try await h.catalog.lineageEdges(touching: runNode).map { "\($0.from) \($0.relation.rawValue) \($0.to)" })
        #expect(runEdges.contains("\(runNode) built_from commit:\(sha)"))
        #expect(runEdges.contains("\(runNode) used dataset:iris-\(h.id)@d41d8cd9"))

        // The change log: one `created` row per model and per version, nothing else but the alias rows.
        for (model, count) in [(alpha, 5), (beta, 3), (gamma, 1)] {
            let log = try await h.history(model)
            let created = log.filter { $0.kind == .created }
            #expect(created.filter { $0.version == nil }.count == 1, "\(model) created once")
            #expect(created.compactMap(\.version) == (1...count).map(String.init), "\(model)")
            #expect(log.allSatisfy { $0.kind == .created || $0.kind == .aliasMoved }, "\(log)")
        }
        let registryInfo = try #require(try await h.catalog.registry(named: h.registry))
        #expect(registryInfo.lastSyncStatus == "ok")
        #expect(try await h.catalog.syncState(registry: h.registry).lastCompleteListingAt != nil)
    }

    // MARK: 2. No-change re-sync

    @Test func aNoChangeResyncWritesNoModelVersionOrChangeRow() async throws {
        let h = try SyncHarness()
        let runID = try await h.seedRun(sha: "feedface\(h.id)")
        let a = try await h.seed("a", versions: 3, tags: ["team": "risk"])
        let b = try await h.seed("b", versions: 2)
        _ = try await h.mlflow.createVersion(
            NewVersion(model: b, description: "from a run", sourceURI: "runs:/\(runID)/model", runID: runID))
        try await h.mlflow.setAlias(model: a, alias: "champion", version: "2")
        try await h.mlflow.setLifecycle(model: a, version: "1", lifecycle: .production)
        try await h.mlflow.setVersionTags(model: b, version: "1", tags: ["k": "v"])

        let first = await h.sync()
        #expect(first.status == .ok, "\(first.summary)")
        #expect(first.created == 6)

        let versionsBefore = try await h.catalogVersions()
        let modelsBefore = [
            try await h.catalog.model(registry: h.registry, name: a), try await h.catalog.model(registry: h.registry, name: b),
        ]
        let logBefore = try await h.changeLog([a, b])
        let runNode = LineageEdge.runNode(h.registry, runID)
        let lineageBefore = try await h.catalog.lineageEdges(touching: runNode)
        #expect(!lineageBefore.isEmpty)

        let second = await h.sync()
        #expect(second.status == .ok, "\(second.summary)")
        #expect(second.complete)
        #expect(second.created == 0)
        #expect(second.updated == 0)
        #expect(second.deleted == 0)
        #expect(second.unchanged == 6)
        #expect(second.errors.isEmpty)

        // No new change rows, and every stored value (raw JSON and timestamps included) is what it was.
        #expect(try await h.changeLog([a, b]) == logBefore)
        #expect(try await h.catalogVersions() == versionsBefore)
        let modelsAfter = [
            try await h.catalog.model(registry: h.registry, name: a), try await h.catalog.model(registry: h.registry, name: b),
        ]
        #expect(modelsAfter == modelsBefore)
        // Lineage edges keep their first observation time: not rewritten.
        #expect(try await h.catalog.lineageEdges(touching: runNode) == lineageBefore)
        // Only the bookkeeping moved.
        #expect(try await h.catalog.syncState(registry: h.registry).syncCount == 2)
    }

    // MARK: 2b. Offset paging

    @Test func aModelCreatedDuringTheListingShiftsMLflowPagesButNothingIsAppliedOrCountedTwice() async throws {
        let h = try SyncHarness()
        var names: [String] = []
        for letter in ["a", "b", "c", "d"] { names.append(try await h.seed("shift-\(letter)", versions: 1)) }
        // MLflow's page tokens are offsets: a model created mid-listing with a name sorting before the pages
        // already read pushes everything one place on, so the next page starts with the last model read.
        let early = h.name("0-early")
        let once = Once()
        let target = h.target(afterPage: { page in
            guard page.next != nil, let last = page.snapshots.last?.model.name, last.hasPrefix(h.prefix), once.claim()
            else { return }
            _ = try await h.mlflow.createModel(name: early, description: nil, tags: [:])
        })
        let report = await h.service().sync(target, options: SyncOptions())
        #expect(once.hasFired, "no page of the listing ended with one of this test's models")
        #expect(report.status == .ok, "\(report.summary)")
        #expect(report.complete)
        #expect(report.created == 4)
        #expect(report.unchanged == 0, "a model repeated by the shifted page was counted twice")
        #expect(try await h.catalogVersions().map(\.model) == names)
        for name in names {
            #expect(try await h.history(name).map(\.kind) == [.created, .created], "\(name)")
        }

        // The model created behind the cursor is picked up by the next sync.
        let next = await h.sync()
        #expect(next.status == .ok, "\(next.summary)")
        #expect((next.created, next.updated, next.unchanged) == (0, 0, 4))
        #expect(try await h.catalog.models(ModelQuery(registry: h.registry)).items.map(\.name) == [early] + names)
    }

    // MARK: 3. Alias moved

    @Test func anAliasMovedBetweenSyncsIsExactlyOneChangeRow() async throws {
        let h = try SyncHarness()
        let model = try await h.seed("m", versions: 3)
        try await h.mlflow.setAlias(model: model, alias: "champion", version: "1")
        let first = await h.sync()
        #expect(first.status == .ok, "\(first.summary)")
        let logBefore = try await h.history(model)

        // Moved on the server: MLflow moves no timestamp for this, the sync must still see it.
        try await h.mlflow.setAlias(model: model, alias: "champion", version: "2")
        let moved = await h.sync()
        #expect(moved.status == .ok, "\(moved.summary)")
        #expect(moved.created == 0)
        #expect(moved.deleted == 0)
        #expect(moved.created + moved.updated + moved.unchanged == 3, "every listed version is accounted for")
        #expect(moved.updated == 2, "the version the alias left and the one it reached are updated")
        let afterMove = try await h.history(model)
        let newRows = Array(afterMove.dropFirst(logBefore.count))
        #expect(newRows.count == 1, "\(newRows)")
        let row = try #require(newRows.first)
        #expect(row.kind == .aliasMoved)
        #expect(row.field == "alias:champion")
        #expect(row.version == "2")
        #expect(row.before == "1")
        #expect(row.after == "2")
        #expect(row.source == .sync)
        let aliasHistory = try await h.history(model, alias: "champion")
        #expect(aliasHistory.map(\.before) == [nil, "1"])
        #expect(aliasHistory.map(\.after) == ["1", "2"])
        let champions = try await h.catalog.versions(VersionQuery(registry: h.registry, alias: "champion")).items
        #expect(champions.map(\.version) == ["2"])
        #expect(try await h.catalog.version(registry: h.registry, model: model, version: "1")?.aliases == [])

        // Removed on the server: one more row, from 2 to nothing.
        try await h.mlflow.deleteAlias(model: model, alias: "champion")
        let removed = await h.sync()
        #expect(removed.status == .ok, "\(removed.summary)")
        #expect(removed.updated == 1, "the version that lost the alias is updated")
        let afterRemoval = try await h.history(model)
        #expect(afterRemoval.count == afterMove.count + 1)
        #expect(try await h.history(model, alias: "champion").last.map { [$0.before, $0.after] } == ["2", nil])
        #expect(try await h.catalog.versions(VersionQuery(registry: h.registry, alias: "champion")).items.isEmpty)
    }

    // MARK: 4. Stage and tags

    @Test func aStageTransitionAndTagChangesAreEachLoggedOnce() async throws {
        let h = try SyncHarness()
        let model = try await h.seed("m", versions: 3)
        try await h.mlflow.setVersionTags(model: model, version: "2", tags: ["team": "a", "owner": "x"])
        let first = await h.sync()
        #expect(first.status == .ok, "\(first.summary)")
        let logBefore = try await h.history(model)

        try await h.mlflow.setLifecycle(model: model, version: "1", lifecycle: .staging)
        try await h.mlflow.setVersionTags(model: model, version: "2", tags: ["team": "b"])
        try await h.mlflow.deleteVersionTag(model: model, version: "2", key: "owner")
        try await h.mlflow.setVersionTags(model: model, version: "3", tags: ["validated": "yes"])
        let second = await h.sync()
        #expect(second.status == .ok, "\(second.summary)")
        #expect(second.created == 0)
        #expect(second.updated == 3)
        #expect(second.unchanged == 0)
        #expect(second.deleted == 0)

        let newRows = try await h.history(model).dropFirst(logBefore.count)
            .sorted { ($0.version ?? "", $0.field ?? "") < ($1.version ?? "", $1.field ?? "") }
        let described = newRows.map {
            "\($0.version ?? "-") \($0.kind.rawValue) \($0.field ?? "-") \($0.before ?? "nil")→\($0.after ?? "nil")"
        }
        #expect(
            described == [
                "1 lifecycle_changed lifecycle none→staging",
                "2 tag_changed tag:owner x→nil",
                "2 tag_changed tag:team a→b",
                "3 tag_changed tag:validated nil→yes",
            ])

        let v1 = try #require(try await h.catalog.version(registry: h.registry, model: model, version: "1"))
        #expect(v1.lifecycle == .staging)
        #expect(v1.lifecycleRaw == "Staging")
        #expect(try await h.catalog.version(registry: h.registry, model: model, version: "2")?.tags == ["team": "b"])
        let tagged = try await h.catalog.versions(VersionQuery(registry: h.registry, tags: [(key: "validated", value: "yes")]))
        #expect(tagged.items.map(\.version) == ["3"])
    }

    // MARK: 5. Deletion and tombstones

    @Test func aDeletedVersionIsTombstonedOnlyAfterTheConfiguredMisses() async throws {
        let h = try SyncHarness()
        let model = try await h.seed("m", versions: 3)
        let bystander = try await h.seed("n-keep", versions: 1)
        let first = await h.sync(tombstoneAfterMisses: 2)
        #expect(first.created == 4, "\(first.summary)")

        try await h.deleteVersion(model, "2")
        #expect(try await h.serverVersions(model) == ["1", "3"])

        // One complete listing misses it: not yet deleted.
        let second = await h.sync(tombstoneAfterMisses: 2)
        #expect(second.status == .ok, "\(second.summary)")
        #expect(second.complete)
        #expect(second.deleted == 0)
        #expect(try await h.catalogVersions(of: model) == ["1", "2", "3"])
        #expect(try await h.catalog.version(registry: h.registry, model: model, version: "2")?.deleted == false)
        #expect(try await h.history(model).filter { $0.kind == .deleted }.isEmpty)

        // The second miss tombstones it: deleted, with one `deleted` row.
        let third = await h.sync(tombstoneAfterMisses: 2)
        #expect(third.status == .ok, "\(third.summary)")
        #expect(third.deleted == 1)
        #expect(try await h.catalogVersions(of: model) == ["1", "3"])
        #expect(try await h.catalogVersions(of: model, includeDeleted: true) == ["1", "2", "3"])
        #expect(try await h.catalog.version(registry: h.registry, model: model, version: "2")?.deleted == true)
        let deletions = try await h.history(model).filter { $0.kind == .deleted }
        #expect(deletions.map(\.version) == ["2"])
        #expect(deletions.first?.source == .sync)
        let summary = try await h.catalog.models(ModelQuery(registry: h.registry)).items.first { $0.name == model }
        #expect(summary?.versionCount == 2)

        // Later syncs do not delete it again; the other models are untouched.
        let fourth = await h.sync(tombstoneAfterMisses: 2)
        #expect(fourth.deleted == 0, "\(fourth.summary)")
        #expect(try await h.history(model).filter { $0.kind == .deleted }.count == 1)
        #expect(try await h.history(bystander).filter { $0.kind == .deleted }.isEmpty)
        #expect(try await h.catalogVersions(of: bystander) == ["1"])
    }

    // MARK: 6. Server cut mid-sync

    @Test func aServerCutMidSyncFailsWithoutHalfPagesOrTombstonesAndTheNextSyncConverges() async throws {
        let h = try SyncHarness(registry: "mlflow-cut")
        var names: [String] = []
        for letter in ["a", "b", "c", "d", "e"] { names.append(try await h.seed("cut-\(letter)", versions: 3)) }
        let first = await h.sync(tombstoneAfterMisses: 1)
        #expect(first.status == .ok, "\(first.summary)")
        #expect(first.created == 15)

        // The server moves on: a fourth version of every model.
        for name in names {
            _ = try await h.mlflow.createVersion(NewVersion(model: name, description: "v4", sourceURI: "s3://bucket/\(name)/4"))
        }

        // Through a proxy that dies on the first request about model d (names sort a…e, two models a page,
        // so the pages holding a and b are always committed before the page holding d).
        let proxy = try CuttingProxy(upstreamPort: try PeerEnvironment.mlflowPort(), cutOnRequestContaining: names[3])
        defer { proxy.stop() }
        let proxyStats = TransportStats()
        let viaProxy = SyncHarness.adapter(
            registry: h.registry, baseURL: "http://127.0.0.1:\(proxy.port)", pageSize: 2, stats: proxyStats)
        // With tombstone_after_misses 1, a listing wrongly taken as complete would tombstone d's and e's versions.
        let cut = await h.service().sync(h.target(viaProxy, stats: proxyStats), options: SyncOptions(tombstoneAfterMisses: 1))

        #expect(proxy.isCut)
        #expect(proxy.cutRequestLine?.contains(names[3]) == true, "\(proxy.cutRequestLine ?? "no cut")")
        #expect(proxy.forwardedRequests > 0)
        #expect(!cut.complete)
        #expect(cut.deleted == 0)
        #expect(cut.pages >= 1, "the pages before the cut were committed")
        if cut.status == .failed {
            // The cut reached a listing call (the next page): the registry fails, named in its error.
            let failure = try #require(cut.errors.last)
            #expect(failure.model == nil)
            #expect(failure.message.contains(h.registry), "\(failure.message)")
            let info = try #require(try await h.catalog.registry(named: h.registry))
            #expect(info.lastSyncStatus == "failed")
            #expect(info.lastSyncMessage?.contains(h.registry) == true)
            #expect(try await h.catalog.syncState(registry: h.registry).syncCount == 1, "a failed sync is not counted")
        } else {
            // Only per-model calls met the dead server (the last page was already listed): issue 15 item 10 makes
            // each such model a per-object error naming it, and the listing incomplete.
            #expect(cut.errors.contains { $0.model == names[3] && $0.message.contains(h.registry) }, "\(cut.summary)")
        }

        // Consistent: each model has its old three versions or all four, never part of a page.
        var converged = 0
        for name in names {
            let versions = try await h.catalogVersions(of: name)
            #expect(versions == ["1", "2", "3"] || versions == ["1", "2", "3", "4"], "\(name): \(versions)")
            if versions.count == 4 { converged += 1 }
        }
        #expect(try await h.catalogVersions(of: names[0]) == ["1", "2", "3", "4"])
        #expect(try await h.catalogVersions(of: names[1]) == ["1", "2", "3", "4"])
        #expect(try await h.catalogVersions(of: names[3]) == ["1", "2", "3"])
        #expect(try await h.catalogVersions(of: names[4]) == ["1", "2", "3"])
        // Nothing was tombstoned.
        #expect(try await h.catalogVersions(includeDeleted: true).filter(\.deleted).isEmpty)
        #expect(try await h.changeLog(names).filter { $0.kind == .deleted }.isEmpty)

        // A sync through the healthy path converges to exactly the server's state, with no duplicates.
        let healed = await h.sync(tombstoneAfterMisses: 1)
        #expect(healed.status == .ok, "\(healed.summary)")
        #expect(healed.complete)
        #expect(healed.deleted == 0)
        #expect(healed.created == names.count - converged)
        for name in names {
            let server = try await h.serverVersions(name)
            #expect(server == ["1", "2", "3", "4"])
            #expect(try await h.catalogVersions(of: name, includeDeleted: true) == server, "\(name)")
            let created = try await h.history(name).filter { $0.kind == .created }.compactMap(\.version)
            #expect(created == server, "\(name): every version created exactly once")
        }
        #expect(try await h.catalog.registry(named: h.registry)?.lastSyncStatus == "ok")
    }

    // MARK: 7. Isolation between registries

    @Test func oneDeadRegistryDoesNotStopAnother() async throws {
        let h = try SyncHarness(registry: "mlflow-good")
        let model = try await h.seed("good", versions: 2)
        let deadPort = try CuttingProxy.closedPort()
        let deadStats = TransportStats()
        let dead = SyncHarness.adapter(
            registry: "mlflow-dead", baseURL: "http://127.0.0.1:\(deadPort)", pageSize: 2, stats: deadStats)
        let deadTarget = SyncTarget(
            adapter: dead, endpoint: dead.client.baseURL,
            counters: {
                let snapshot = deadStats.snapshot
                return (snapshot.requests, snapshot.retries)
            })

        let report = await h.service().run([deadTarget, h.target()], options: SyncOptions(concurrency: 2))
        #expect(!report.ok)
        #expect(report.registries.map(\.registry) == ["mlflow-dead", "mlflow-good"])

        let deadReport = try #require(report.registries.first)
        #expect(deadReport.status == .failed)
        #expect(!deadReport.complete)
        #expect(deadReport.created == 0)
        #expect(deadReport.pages == 0)
        #expect(deadReport.errors.count == 1)
        let message = try #require(deadReport.errors.first?.message)
        #expect(message.contains("mlflow-dead"), "\(message)")
        #expect(message.contains("registered-models/search"), "\(message)")
        #expect(deadReport.requests == 2, "one attempt and one retry (RetryPolicy maxAttempts 2)")
        #expect(deadReport.retries == 1)

        let goodReport = try #require(report.registries.last)
        #expect(goodReport.status == .ok, "\(goodReport.summary)")
        #expect(goodReport.complete)
        #expect(goodReport.created == 2)
        #expect(try await h.catalogVersions(of: model) == ["1", "2"])

        #expect(try await h.catalog.registry(named: "mlflow-dead")?.lastSyncStatus == "failed")
        #expect(try await h.catalog.registry(named: "mlflow-good")?.lastSyncStatus == "ok")
        #expect(try await h.catalog.versions(VersionQuery(registry: "mlflow-dead")).items.isEmpty)
    }

    // MARK: 8. Malformed data

    @Test func anOversizedObjectIsAPerObjectErrorAndTheRestOfThePageIsStored() async throws {
        let h = try SyncHarness(limits: SyncLimits(maxDescriptionBytes: 64, maxTagValueBytes: 32))
        let model = h.name("m")
        let longDescription = String(repeating: "long ", count: 40)
        let longTag = String(repeating: "n", count: 100)
        _ = try await h.mlflow.createModel(name: model, description: nil, tags: [:])
        _ = try await h.mlflow.createVersion(NewVersion(model: model, description: "short", sourceURI: "s3://b/\(h.id)/1"))
        _ = try await h.mlflow.createVersion(NewVersion(model: model, description: longDescription, sourceURI: "s3://b/\(h.id)/2"))
        _ = try await h.mlflow.createVersion(
            NewVersion(model: model, description: "ok", sourceURI: "s3://b/\(h.id)/3", tags: ["notes": longTag]))
        _ = try await h.mlflow.createVersion(NewVersion(model: model, description: "fine", sourceURI: "s3://b/\(h.id)/4"))
        try await h.mlflow.setAlias(model: model, alias: "champion", version: "4")
        let clean = try await h.seed("n-clean", versions: 2)

        let report = await h.sync()
        #expect(report.status == .ok, "a per-object problem does not fail the registry: \(report.summary)")
        #expect(report.complete)
        #expect(report.created == 4)
        let errors = report.errors.sorted { ($0.version ?? "") < ($1.version ?? "") }
        #expect(errors.map(\.model) == [model, model])
        #expect(errors.map(\.version) == ["2", "3"])
        #expect(errors.first?.message.contains("description is 200 bytes") == true, "\(errors)")
        #expect(errors.last?.message.contains("tag 'notes'") == true, "\(errors)")
        #expect(errors.allSatisfy { !$0.message.contains(longDescription) && !$0.message.contains(longTag) })

        // The rest of the page is stored.
        #expect(try await h.catalogVersions(of: model) == ["1", "4"])
        #expect(try await h.catalogVersions(of: clean) == ["1", "2"])
        #expect(try await h.catalog.version(registry: h.registry, model: model, version: "4")?.aliases == ["champion"])
        let errorRows = try await h.history(model).filter { $0.kind == .error }
        #expect(errorRows.map(\.version) == ["2", "3"])
        #expect(errorRows.map(\.after) == errors.map(\.message))

        // A re-sync reports them again but does not repeat the change rows.
        let again = await h.sync()
        #expect(again.errors.count == 2, "\(again.summary)")
        #expect(again.created == 0)
        #expect(try await h.history(model).filter { $0.kind == .error }.count == 2)

        // A stored version that turns oversized keeps its last good state, its alias, and is never tombstoned.
        _ = try await h.mlflow.client.updateModelVersion(name: model, version: "4", description: longDescription)
        let third = await h.sync(tombstoneAfterMisses: 1)
        #expect(third.status == .ok, "\(third.summary)")
        #expect(third.deleted == 0)
        #expect(third.errors.contains { $0.model == model && $0.version == "4" })
        let v4 = try #require(try await h.catalog.version(registry: h.registry, model: model, version: "4"))
        #expect(!v4.deleted)
        #expect(v4.description == "fine")
        #expect(v4.aliases == ["champion"])
    }
}
