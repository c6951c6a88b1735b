import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTransport
import ModelGateTestKit
import Testing

/// Sync against the Azure ML simulator over libcurl, with Entra ID client-secret and certificate auth.
@Suite(.serialized) struct AzureMLSyncTests {
    func catalogVersions(_ catalog: CatalogDatabase, _ registry: String) async throws -> [ModelVersion] {
        try await catalog.versions(VersionQuery(registry: registry, includeDeleted: true)).items
    }

    @Test func aWorkspaceSyncsOverSeveralPagesWithEveryFieldAndArchivedVersions() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 3)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-ws", models: 8)
            h.simulator.setContainerArchived(AzureHarness.workspace, model: "model-01", archived: true)
            let c = try h.connect("aml-ws", scope: AzureHarness.workspace)
            let catalog = try CatalogDatabase.inMemory()

            let report = await SyncService(catalog: catalog).sync(
                SyncTarget(adapter: c.adapter, counters: { (c.stats.snapshot.requests, c.stats.snapshot.retries) }),
                options: SyncOptions(full: true))
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.pages == 3, "8 containers at 3 a page")
            #expect(report.created == truth.versions.count)
            #expect(report.errors.isEmpty)
            expectMatches(try await catalogVersions(catalog, "aml-ws"), truth.versions)

            // Archived versions (isArchived) are there, and so is the archived container.
            #expect(truth.versions.contains { $0.lifecycle == .archived })
            let archived = try await catalog.versions(VersionQuery(registry: "aml-ws", lifecycle: .archived)).items
            #expect(archived.count == truth.versions.filter { $0.lifecycle == .archived }.count)
            #expect(try await catalog.model(registry: "aml-ws", name: "model-01") != nil)

            // Model fields and the native JSON.
            let model = try #require(try await catalog.model(registry: "aml-ws", name: "model-00"))
            #expect(model.description == "model 0")
            #expect(model.tags == ["team": "risk", "m": "0"])
            #expect(model.createdAt.map(Timestamp.format) == truth.models[0].createdAt.map(Timestamp.format))
            let version = try #require(try await catalog.version(registry: "aml-ws", model: "model-04", version: "2"))
            #expect(version.raw?["properties"]?["modelType"]?.stringValue == "CustomModel")
            #expect(version.raw?["id"]?.stringValue?.hasSuffix("/workspaces/ws-main/models/model-04/versions/2") == true)

            // Lineage: version_of and produced_by from jobName.
            let edges = try await catalog.lineageEdges(touching: LineageEdge.versionNode("aml-ws", "model-00", "1"))
            #expect(edges.contains { $0.relation == .producedBy && $0.to == LineageEdge.runNode("aml-ws", "job-0-0") })
            #expect(edges.contains { $0.relation == .versionOf })

            // Paging: nextLink with $skipToken for containers and for a model's versions (model-04 has 5).
            let log = h.simulator.requestLog
            #expect(log.filter { $0.contains("/models?") && $0.contains("$skipToken=") }.count == 2)
            #expect(log.contains { $0.contains("/models/model-04/versions?") && $0.contains("$skipToken=") })
            #expect(log.allSatisfy { $0.contains("api-version=2025-12-01") })
            #expect(log.filter { $0.contains("/versions?") }.allSatisfy { $0.contains("listViewType=All") })

            // A second sync changes nothing.
            let again = await SyncService(catalog: catalog).sync(SyncTarget(adapter: c.adapter), options: SyncOptions(full: true))
            #expect(again.status == .ok)
            #expect(again.created == 0 && again.updated == 0 && again.deleted == 0)
        }
    }

    @Test(arguments: [JWTAlgorithmChoice.ps256, .rs256])
    func aRegistrySyncsWithCertificateAuth(_ algorithm: JWTAlgorithmChoice) async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 2)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.registryScope, registry: "aml-reg", models: 5)
            let c = try h.connect("aml-reg", scope: AzureHarness.registryScope, credential: .certificate(algorithm.value), pageSize: 2)
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: c.adapter), options: SyncOptions(full: true))
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            #expect(report.pages == 3)
            expectMatches(try await catalogVersions(catalog, "aml-reg"), truth.versions)
            #expect(h.entra.hits == 1, "one token for the whole sync")
            #expect(h.simulator.requestLog.allSatisfy { $0.contains("/registries/reg-shared/") })
            let version = try #require(try await catalog.version(registry: "aml-reg", model: "model-00", version: "1"))
            #expect(version.raw?["type"]?.stringValue == "Microsoft.MachineLearningServices/registries/models/versions")
        }
    }

    @Test func theSyncConvergesThroughTwentyPercentInjectedFaults() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 3)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-faulty", models: 12)
            h.simulator.faults.plan = FaultPlan.mixed(0.2, seed: 20_261_127, retryAfterSeconds: 0)
            let c = try h.connect(
                "aml-faulty", scope: AzureHarness.workspace,
                retry: RetryPolicy(maxAttempts: 12, base: .milliseconds(1), cap: .milliseconds(4)))
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(
                SyncTarget(adapter: c.adapter, counters: { (c.stats.snapshot.requests, c.stats.snapshot.retries) }),
                options: SyncOptions(full: true))
            #expect(report.status == .ok, "\(report.errors)")
            #expect(report.complete)
            let injected = h.simulator.faults.injected
            #expect(injected.values.reduce(0, +) >= 4, "faults were injected: \(injected)")
            #expect((injected[.throttle] ?? 0) > 0, "429s with Retry-After among them: \(injected)")
            #expect(report.retries > 0)
            let stored = try await catalogVersions(catalog, "aml-faulty")
            expectMatches(stored, truth.versions)
            #expect(report.created == truth.versions.count, "nothing counted twice")

            // Again through faults: nothing changes, nothing is tombstoned.
            let again = await SyncService(catalog: catalog).sync(SyncTarget(adapter: c.adapter), options: SyncOptions(full: true))
            #expect(again.status == .ok, "\(again.errors)")
            #expect(again.created == 0 && again.updated == 0 && again.deleted == 0)
            #expect(try await catalogVersions(catalog, "aml-faulty").count == truth.versions.count)
        }
    }

    @Test func anExpiredTokenIsRefreshedMidSync() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 2)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-exp", models: 5)
            let c = try h.connect("aml-exp", scope: AzureHarness.workspace, pageSize: 2)

            var snapshots: [ModelSnapshot] = []
            var page = try await c.adapter.listSnapshots(cursor: nil, since: nil)
            snapshots += page.snapshots
            #expect(h.entra.hits == 1)
            var expiries = 0
            while let next = page.next {
                h.tokens.expireAll()  // the token dies between pages
                expiries += 1
                page = try await c.adapter.listSnapshots(cursor: next, since: nil)
                snapshots += page.snapshots
            }
            #expect(expiries == 2)
            #expect(h.entra.hits == 3, "a fresh token after each expiry")
            expectMatches(snapshots.flatMap(\.versions), truth.versions)
            #expect(h.simulator.requestLog.count > 0)

            // Without the refresh hook, the expiry surfaces as ARM's own error.
            let plain = try h.connect("aml-exp", scope: AzureHarness.workspace, refreshOnUnauthorized: false)
            _ = try await plain.adapter.model(name: "model-00")
            h.tokens.expireAll()
            let error = await #expect(throws: RegistryError.self) { _ = try await plain.adapter.model(name: "model-00") }
            #expect(error?.code == .unauthorized)
            #expect(error?.providerCode == "ExpiredAuthenticationToken")
            #expect(error?.description.contains("aml-exp") == true)
        }
    }

    @Test func aShortLivedTokenIsRenewedBeforeItExpiresMidSync() async throws {
        // Tokens live 2 s; the provider renews at half-life, so no call is ever refused (no 401 hook needed:
        // this is the path a configured registry takes). The time is a test clock that moves 1.2 s between pages
        // (a real sleep raced the token's expiry under a loaded suite).
        let clock = ManualClock()
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 2, tokenLifetime: 2, now: clock.function)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-short", models: 4)
            let c = try h.connect("aml-short", scope: AzureHarness.workspace, pageSize: 2, refreshOnUnauthorized: false)
            var page = try await c.adapter.listSnapshots(cursor: nil, since: nil)
            var versions = page.snapshots.flatMap(\.versions)
            while let next = page.next {
                clock.advance(by: 1.2)
                page = try await c.adapter.listSnapshots(cursor: next, since: nil)
                versions += page.snapshots.flatMap(\.versions)
            }
            expectMatches(versions, truth.versions)
            #expect(h.entra.hits == 2, "renewed once, before ARM could refuse it")
        }
    }

    @Test func aWrongSecretIsRejectedWithAClearErrorAndNoCatalogChange() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 3)) { h in
            let truth = AzureFixtures.seed(h.simulator, scope: AzureHarness.workspace, registry: "aml-auth", models: 4)
            let catalog = try CatalogDatabase.inMemory()
            let good = try h.connect("aml-auth", scope: AzureHarness.workspace)
            #expect(await SyncService(catalog: catalog).sync(SyncTarget(adapter: good.adapter), options: SyncOptions(full: true)).status == .ok)
            let before = try await catalogVersions(catalog, "aml-auth")
            let beforeHistory = try await catalog.history(registry: "aml-auth", model: "model-00")

            h.simulator.seed(
                AzureHarness.workspace,
                versions: [ModelVersion(registry: "aml-auth", kind: .azureml, model: "model-00", version: "9", sourceURI: "azureml://x")])
            let wrong = try h.connect("aml-auth", scope: AzureHarness.workspace, credential: .secret("not-the-secret"))
            let requestsBefore = h.simulator.requestLog.count
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: wrong.adapter), options: SyncOptions(full: true))
            #expect(report.status == .failed)
            let message = try #require(report.errors.last?.message)
            #expect(message.contains("aml-auth"), "names the registry: \(message)")
            #expect(message.contains("invalid_client") || message.contains("AADSTS7000215"), "\(message)")
            #expect(!message.contains("not-the-secret"), "never shows the secret")
            #expect(h.simulator.requestLog.count == requestsBefore, "no ARM call without a token")
            let after = try await catalogVersions(catalog, "aml-auth")
            #expect(after == before)
            #expect(after.count == truth.versions.count)
            #expect(try await catalog.history(registry: "aml-auth", model: "model-00").count == beforeHistory.count)
        }
    }
}

/// `JWTAlgorithm` without importing ModelGateSigning into the test arguments.
enum JWTAlgorithmChoice: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ps256, rs256
    var testDescription: String { rawValue }
}
