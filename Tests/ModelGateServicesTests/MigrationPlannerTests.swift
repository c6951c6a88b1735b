import Foundation
import ModelGateTestKit
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import Testing

/// The planner and applier over in-memory registries: plan contents, idempotency, resume after a crash,
/// stale plans, conflicts and skips. (Real registries: MigrationRealPeerTests.)
@Suite("Migration plan and apply")
struct MigrationPlannerTests {
    struct Crash: Error {}

    func seededMLflow() -> MemoryRegistry {
        let mlflow = MemoryRegistry.mlflow("mlflow-prod")
        mlflow.seed("fraud-detector", "1", tags: ["team": "risk"], source: "s3://models/fd/1", run: "run-1")
        mlflow.seed("fraud-detector", "2", tags: ["team": "risk", "auc": "0.91"], aliases: ["champion"],
            lifecycle: .production, source: "s3://models/fd/2", description: "second", run: "run-2")
        mlflow.seed("fraud-detector", "3", lifecycle: .staging, source: "s3://models/fd/3")
        return mlflow
    }

    func planner(_ source: MemoryRegistry, _ target: MemoryRegistry, _ options: MigrationOptions = .init(),
                 owners: [String: String] = [:]) -> MigrationPlanner {
        MigrationPlanner(source: AdapterSource(source), target: target, options: options, tagOwners: owners)
    }

    /// Normalized end state of a target, without the parts a registry invents (times).
    func endState(_ registry: MemoryRegistry) -> [String] {
        registry.modelNames().flatMap { model in
            registry.versions(of: model).map { v in
                "\(model)@\(v.version) src=\(v.sourceURI ?? "-") run=\(v.run?.id ?? "-") life=\(v.lifecycleRaw ?? "-") "
                    + "aliases=\(v.aliases.sorted()) tags=\(v.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
            }
        }
    }

    @Test func planListsEachActionWithItsProvenanceAndWritesNothing() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.sagemaker("sm-us")
        let plan = try await planner(source, target, .init(carryLifecycle: true)).plan(model: "fraud-detector")
        #expect(plan.from == "mlflow-prod:fraud-detector")
        #expect(plan.to == "sm-us")
        #expect(plan.actions.map(\.op) == [.createModel, .createVersion, .createVersion, .setLifecycle, .createVersion, .setLifecycle])
        let second = try #require(plan.actions.first { $0.op == .createVersion && $0.version == "2" })
        #expect(second.targetVersion == nil)  // SageMaker numbers versions itself
        #expect(second.details["source_uri"] == "s3://models/fd/2")
        #expect(second.details["run_id"] == "run-2")
        #expect(second.details["tags"]?["auc"] == "0.91")
        #expect(second.details["provenance"]?["source"] == "mlflow-prod:fraud-detector@2")
        let lifecycle = try #require(plan.actions.first { $0.op == .setLifecycle && $0.version == "2" })
        #expect(lifecycle.details["target_raw"] == "Approved")
        let staging = try #require(plan.actions.first { $0.op == .setLifecycle && $0.version == "3" })
        #expect(staging.details["target_raw"] == "PendingManualApproval")
        #expect(target.writes == 0)
        #expect(plan.id == plan.computedID && plan.id.count == 16)

        // The JSON round trip keeps everything apply compares.
        let data = try JSONEncoder().encode(plan)
        let decoded = try JSONDecoder().decode(MigrationPlan.self, from: data)
        #expect(decoded.actions == plan.actions)
        #expect(decoded.staleness(comparedTo: plan) == nil)
        let object = try JSONValue.parse(data)
        for key in ["from", "to", "created_at", "actions", "conflicts", "skips"] { #expect(object[key] != nil, "\(key)") }
        for key in ["op", "model", "version", "target_model", "target_version", "details"] {
            #expect(object["actions"]?.arrayValue?.first?[key] != nil, "\(key)")
        }
    }

    @Test func applyThenReplanIsEmptyAndASecondApplyWritesNothing() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.sagemaker("sm-us")
        let catalog = try CatalogDatabase.inMemory()
        let options = MigrationOptions(carryLifecycle: true)
        let plan = try await planner(source, target, options).plan()
        let result = try await MigrationApplier(target: target, catalog: catalog).apply(plan)
        #expect(result.ok)
        #expect(result.applied.count == plan.actions.count)
        let copies = target.versions(of: "fraud-detector")
        #expect(copies.map(\.version) == ["1", "2", "3"])
        #expect(copies[1].tags["modelgate.source"] == "mlflow-prod:fraud-detector@2")
        #expect(copies[1].tags["modelgate.source_version"] == "2")
        #expect(copies[1].lifecycleRaw == "Approved")
        #expect(copies[0].lifecycleRaw == "PendingManualApproval")

        let writes = target.writes
        let again = try await planner(source, target, options).plan()
        #expect(again.isEmpty, "\(again.actions.map { MigrationApplier.describe($0) })")
        let second = try await MigrationApplier(target: target, catalog: catalog).apply(again)
        #expect(second.applied.isEmpty)
        #expect(target.writes == writes)

        // The catalog recorded the copies: version map both ways and a migrated_from edge.
        let map = try await catalog.versionMap(source: VersionRef(registry: "mlflow-prod", model: "fraud-detector", version: "2"))
        #expect(map.map(\.target) == [VersionRef(registry: "sm-us", model: "fraud-detector", version: "2")])
        let edges = try await catalog.lineageEdges(touching: LineageEdge.versionNode("sm-us", "fraud-detector", "2"))
        #expect(edges.contains { $0.relation == .migratedFrom && $0.to == "version:mlflow-prod:fraud-detector@2" })
        let history = try await catalog.history(registry: "sm-us", model: "fraud-detector")
        #expect(history.contains { $0.kind == .created && $0.source == .migrate && $0.version == "3" })
    }

    @Test func aCrashAfterEachActionResumesToTheSameEndState() async throws {
        let options = MigrationOptions(copyAliases: true, carryLifecycle: true)
        let uninterrupted = MemoryRegistry.mlflow("mlflow-dr")
        let full = try await planner(seededMLflow(), uninterrupted, options).plan()
        _ = try await MigrationApplier(target: uninterrupted, catalog: nil).apply(full)
        let expected = endState(uninterrupted)
        #expect(!expected.isEmpty)

        for k in 1..<full.actions.count {
            let source = seededMLflow()
            let target = MemoryRegistry.mlflow("mlflow-dr")
            let catalog = try CatalogDatabase.inMemory()
            let saved = try await planner(source, target, options).plan()
            var crashing = MigrationApplier(target: target, catalog: catalog)
            crashing.afterAction = { index, _ in if index == k { throw Crash() } }
            await #expect(throws: Crash.self) { _ = try await crashing.apply(saved) }
            // Running it again: the fresh plan is foreseen by the saved one, and finishes the job.
            let fresh = try await planner(source, target, options).plan()
            #expect(saved.staleness(comparedTo: fresh) == nil, "after \(k) actions")
            #expect(fresh.actions.count == saved.actions.count - k, "after \(k) actions")
            _ = try await MigrationApplier(target: target, catalog: catalog).apply(fresh)
            #expect(endState(target) == expected, "after a crash at action \(k)")
            #expect(try await planner(source, target, options).plan().isEmpty)
        }
    }

    @Test func aPlanWhoseTargetChangedIsStale() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.mlflow("mlflow-dr")
        let options = MigrationOptions(copyAliases: true)
        _ = try await MigrationApplier(target: target, catalog: nil).apply(try await planner(source, target, options).plan())
        // A new source version after the plan was made: the plan did not foresee it.
        let saved = try await planner(source, target, options).plan()
        #expect(saved.isEmpty)
        source.seed("fraud-detector", "4", source: "s3://models/fd/4")
        let fresh = try await planner(source, target, options).plan()
        let why = try #require(saved.staleness(comparedTo: fresh))
        #expect(why.contains("fraud-detector@4"))
    }

    @Test func anAliasHeldByAnotherVersionIsAConflictAndForceMovesIt() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.mlflow("mlflow-dr")
        target.seed("fraud-detector", "1", aliases: ["champion"], source: "s3://elsewhere/1")
        let plan = try await planner(source, target, .init(copyAliases: true)).plan()
        let conflict = try #require(plan.conflicts.first)
        #expect(plan.conflicts.count == 1)
        #expect(conflict.kind == "alias" && conflict.field == "alias:champion")
        #expect(conflict.values == ["mlflow-prod": "2", "mlflow-dr": "1"])
        #expect(!plan.actions.contains { $0.op == .setAlias })

        let forced = try await planner(source, target, .init(copyAliases: true, force: true)).plan()
        #expect(forced.conflicts.isEmpty)
        let move = try #require(forced.actions.first { $0.op == .setAlias })
        #expect(move.details["previous"] == "1")
        let catalog = try CatalogDatabase.inMemory()
        _ = try await MigrationApplier(target: target, catalog: catalog).apply(forced)
        let copyOf2 = try #require(target.versions(of: "fraud-detector").first { $0.tags["modelgate.source_version"] == "2" })
        #expect(copyOf2.aliases == ["champion"])
        #expect(target.versions(of: "fraud-detector").first { $0.version == "1" }?.aliases == [])
        let moves = try await catalog.history(registry: "mlflow-dr", model: "fraud-detector", alias: "champion")
        #expect(moves.contains { $0.kind == .aliasMoved && $0.after == copyOf2.version && $0.source == .migrate })
    }

    @Test func tagsAreAUnionAndADifferentValueIsAConflictUnlessTheOwnerSaysOtherwise() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.mlflow("mlflow-dr")
        _ = try await MigrationApplier(target: target, catalog: nil).apply(try await planner(source, target).plan())
        source.mutate("fraud-detector", "2") { $0.tags["team"] = "fraud"; $0.tags["new"] = "yes" }
        let plan = try await planner(source, target).plan()
        #expect(plan.conflicts.map(\.field) == ["tag:team"])
        let add = try #require(plan.actions.first { $0.op == .setTags })
        #expect(add.details["tags"] == ["new": "yes"])
        // The source registry owns "team": its value goes across without a conflict.
        let owned = try await planner(source, target, owners: ["te": "mlflow-prod"]).plan()
        #expect(owned.conflicts.isEmpty)
        #expect(owned.actions.first { $0.op == .setTags }?.details["tags"] == ["new": "yes", "team": "fraud"])
        // The target owns it: kept as the target has it, silently.
        let kept = try await planner(source, target, owners: ["team": "mlflow-dr"]).plan()
        #expect(kept.conflicts.isEmpty)
        #expect(kept.actions.first { $0.op == .setTags }?.details["tags"] == ["new": "yes"])
    }

    @Test func aRejectedCopyIsNeverUndoneAutomatically() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.sagemaker("sm-us")
        _ = try await MigrationApplier(target: target, catalog: nil).apply(
            try await planner(source, target, .init(carryLifecycle: true)).plan())
        target.mutate("fraud-detector", "2") { $0.lifecycle = .rejected; $0.lifecycleRaw = "Rejected" }
        let plan = try await planner(source, target, .init(carryLifecycle: true, force: true)).plan()
        #expect(plan.conflicts.map(\.kind) == ["lifecycle"])
        #expect(!plan.actions.contains { $0.op == .setLifecycle })
    }

    @Test func skipsSayWhyAndArtifactMapRewritesURIs() async throws {
        let source = MemoryRegistry.mlflow("mlflow-prod")
        source.seed("m", "1", source: "mlflow-artifacts:/1/abc/artifacts/model")
        source.seed("m", "2", aliases: ["champion"], lifecycle: .archived, source: "s3://ok/2")
        let target = MemoryRegistry.sagemaker("sm-us")
        let plan = try await planner(source, target, .init(copyAliases: true, carryLifecycle: true)).plan()
        #expect(plan.actions.filter { $0.op == .createVersion }.map(\.version) == ["2"])
        let reasons = plan.skips.map { "\($0.version ?? "-"): \($0.reason)" }
        #expect(reasons.contains { $0.hasPrefix("1: ") && $0.contains("without an upload") && $0.contains("--artifact-map") })
        #expect(reasons.contains { $0.hasPrefix("2: ") && $0.contains("alias 'champion'") && $0.contains("no aliases") })
        #expect(reasons.contains { $0.hasPrefix("2: ") && $0.contains("'archived' has no equivalent") })

        let mapped = try await planner(
            source, target, .init(artifactMap: [ArtifactRewrite(parsing: "mlflow-artifacts:/=s3://replica/")!])
        ).plan()
        let first = try #require(mapped.actions.first { $0.op == .createVersion && $0.version == "1" })
        #expect(first.details["source_uri"] == "s3://replica/1/abc/artifacts/model")
    }

    @Test func namesThatCollideOnTheTargetAreConflictsAndRenameNeedsOneModel() async throws {
        let source = MemoryRegistry.mlflow("mlflow-prod")
        source.seed("a", "1")
        let target = MemoryRegistry.sagemaker("sm-us")
        await #expect(throws: MigrationError.self) {
            _ = try await planner(source, target, .init(rename: "b")).plan()
        }
        let renamed = try await planner(source, target, .init(rename: "b")).plan(model: "a")
        #expect(renamed.names == ["a": "b"])
        #expect(renamed.actions.first?.targetModel == "b")
        await #expect(throws: MigrationError.self) { _ = try await planner(source, target).plan(model: "nope") }
        await #expect(throws: MigrationError.self) { _ = try await planner(source, target).plan(model: "a", version: "9") }
    }

    @Test func aCopyIsNotCopiedBackToWhereItCameFrom() async throws {
        let source = seededMLflow()
        let target = MemoryRegistry.sagemaker("sm-us")
        _ = try await MigrationApplier(target: target, catalog: nil).apply(try await planner(source, target).plan())
        let back = try await planner(target, source).plan()
        #expect(back.actions.isEmpty)
        #expect(back.skips.count == 3)
        #expect(back.skips.allSatisfy { $0.reason.contains("already in mlflow-prod") })
    }

    @Test func aChainOfCopiesKeepsEachHopsSource() async throws {
        let a = seededMLflow()
        let b = MemoryRegistry.sagemaker("sm-us")
        let c = MemoryRegistry.mlflow("mlflow-dr")
        let catalog = try CatalogDatabase.inMemory()
        _ = try await MigrationApplier(target: b, catalog: catalog).apply(try await planner(a, b).plan())
        _ = try await MigrationApplier(target: c, catalog: catalog).apply(try await planner(b, c).plan())
        let hop = try #require(c.versions(of: "fraud-detector").first { $0.version == "2" })
        #expect(hop.tags["modelgate.source"] == "sm-us:fraud-detector@2")
        let up = try await catalog.versionMap(target: hop.ref)
        #expect(up?.source == VersionRef(registry: "sm-us", model: "fraud-detector", version: "2"))
        let upper = try await catalog.versionMap(target: try #require(up?.source))
        #expect(upper?.source == VersionRef(registry: "mlflow-prod", model: "fraud-detector", version: "2"))
        let origin = VersionRef(registry: "mlflow-prod", model: "fraud-detector", version: "2")
        let middle = VersionRef(registry: "sm-us", model: "fraud-detector", version: "2")
        #expect(try await CopyChain.upstream(of: hop.ref, in: catalog) == [middle, origin])
        #expect(try await CopyChain.downstream(of: origin, in: catalog) == [middle, hop.ref])
    }
}
