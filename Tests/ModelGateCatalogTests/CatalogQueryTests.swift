import Foundation
import GRDB
import ModelGateCore
import Testing

@testable import ModelGateCatalog

@Suite struct CatalogQueryTests {
    /// Two registries: mlflow-prod (fraud 1,2,10 and churn 1) and sm-us (fraud 1); sm-us fraud 1 is tombstoned.
    static func seeded() async throws -> (CatalogDatabase, DatabaseQueue) {
        let (catalog, queue) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(
                models: [Fixture.model("fraud", description: "Detects fraud"), Fixture.model("churn")],
                versions: [
                    Fixture.version("fraud", "10", description: "newest", lifecycle: .staging, tags: ["team": "risk", "gpu": "yes"]),
                    Fixture.version("fraud", "2", lifecycle: .production, aliases: ["champion"], tags: ["team": "risk"]),
                    Fixture.version("fraud", "1", lifecycle: .archived, tags: ["team": "risk", "gpu": "no"]),
                    Fixture.version("churn", "1", description: "Customer churn", tags: ["team": "growth", "note": "XGBoost baseline"]),
                ]),
            source: .sync, at: Fixture.t0)
        _ = try await catalog.apply(
            page: Fixture.page(
                registry: "sm-us",
                versions: [
                    Fixture.version("fraud", "1", registry: "sm-us", lifecycle: .approved, tags: ["team": "risk"]),
                    Fixture.version("fraud", "2", registry: "sm-us", lifecycle: .production, aliases: ["champion"]),
                ]),
            source: .sync, at: Fixture.t0)
        _ = try await catalog.recordCompleteListing(
            registry: "sm-us", seen: [CatalogVersionKey(model: "fraud", version: "2")], tombstoneAfterMisses: 1,
            at: Fixture.time(1))
        return (catalog, queue)
    }

    static func refs(_ page: ResultPage<ModelVersion>) -> [String] {
        page.items.map { "\($0.registry):\($0.model)@\($0.version)" }
    }

    @Test func withoutFiltersAllLiveVersionsComeInRegistryModelNumericVersionOrder() async throws {
        let (catalog, _) = try await Self.seeded()
        let all = try await catalog.versions(VersionQuery())
        #expect(Self.refs(all) == [
            "mlflow-prod:churn@1", "mlflow-prod:fraud@1", "mlflow-prod:fraud@2", "mlflow-prod:fraud@10", "sm-us:fraud@2",
        ])
        #expect(all.nextCursor == nil)
    }

    @Test func registryAndModelFiltersNarrowTheList() async throws {
        let (catalog, _) = try await Self.seeded()
        #expect(Self.refs(try await catalog.versions(VersionQuery(registry: "sm-us"))) == ["sm-us:fraud@2"])
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(model: "fraud")))
                == ["mlflow-prod:fraud@1", "mlflow-prod:fraud@2", "mlflow-prod:fraud@10", "sm-us:fraud@2"])
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(registry: "mlflow-prod", model: "churn")))
                == ["mlflow-prod:churn@1"])
        #expect(try await catalog.versions(VersionQuery(registry: "nope")).items.isEmpty)
    }

    @Test func aliasAndLifecycleFiltersMatchExactly() async throws {
        let (catalog, _) = try await Self.seeded()
        let champions = try await catalog.versions(VersionQuery(alias: "champion"))
        #expect(Self.refs(champions) == ["mlflow-prod:fraud@2", "sm-us:fraud@2"])
        #expect(champions.items.allSatisfy { $0.aliases == ["champion"] })
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(lifecycle: .production)))
                == ["mlflow-prod:fraud@2", "sm-us:fraud@2"])
        #expect(Self.refs(try await catalog.versions(VersionQuery(lifecycle: .staging))) == ["mlflow-prod:fraud@10"])
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(registry: "mlflow-prod", alias: "champion", lifecycle: .staging)))
                .isEmpty)
    }

    @Test func tagFiltersRequireEveryTagToMatch() async throws {
        let (catalog, _) = try await Self.seeded()
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(tags: [("team", "risk")])))
                == ["mlflow-prod:fraud@1", "mlflow-prod:fraud@2", "mlflow-prod:fraud@10"])
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(tags: [("team", "risk"), ("gpu", "yes")])))
                == ["mlflow-prod:fraud@10"])
        #expect(try await catalog.versions(VersionQuery(tags: [("team", "growth"), ("gpu", "yes")])).items.isEmpty)
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(model: "fraud", tags: [("gpu", "no")])))
                == ["mlflow-prod:fraud@1"])
    }

    @Test func searchIsACaseInsensitiveSubstringOfNameVersionDescriptionOrTagValue() async throws {
        let (catalog, _) = try await Self.seeded()
        #expect(Self.refs(try await catalog.versions(VersionQuery(search: "CHURN"))) == ["mlflow-prod:churn@1"])
        #expect(Self.refs(try await catalog.versions(VersionQuery(search: "xgboost"))) == ["mlflow-prod:churn@1"])
        #expect(Self.refs(try await catalog.versions(VersionQuery(search: "NEWEST"))) == ["mlflow-prod:fraud@10"])
        #expect(
            Self.refs(try await catalog.versions(VersionQuery(registry: "mlflow-prod", search: "10")))
                == ["mlflow-prod:fraud@10"])
        // LIKE wildcards in the text are literal
        #expect(try await catalog.versions(VersionQuery(search: "%")).items.isEmpty)
    }

    @Test func deletedVersionsAppearOnlyWhenIncluded() async throws {
        let (catalog, _) = try await Self.seeded()
        #expect(Self.refs(try await catalog.versions(VersionQuery(registry: "sm-us"))) == ["sm-us:fraud@2"])
        let all = try await catalog.versions(VersionQuery(registry: "sm-us", includeDeleted: true))
        #expect(Self.refs(all) == ["sm-us:fraud@1", "sm-us:fraud@2"])
        #expect(all.items.map(\.deleted) == [true, false])
    }

    @Test func limitAndCursorPageThroughEveryVersionOnceInOrder() async throws {
        let (catalog, _) = try Fixture.catalog()
        let versions = (1...23).map { Fixture.version("m\($0 % 3)", "\($0)", tags: ["team": "risk"]) }
        _ = try await catalog.apply(page: Fixture.page(versions: versions), source: .sync, at: Fixture.t0)
        let expected = Self.refs(try await catalog.versions(VersionQuery()))
        #expect(expected.count == 23)

        for base in [VersionQuery(), VersionQuery(tags: [("team", "risk")]), VersionQuery(model: "m1")] {
            var query = base
            query.limit = 5
            var seen: [String] = []
            var pages = 0
            while true {
                let page = try await catalog.versions(query)
                pages += 1
                #expect(page.items.count <= 5)
                seen += Self.refs(page)
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            let full = Self.refs(try await catalog.versions(base))
            #expect(seen == full)
            #expect(pages == (full.count + 4) / 5)
        }
        await #expect(throws: CatalogError.self) { try await catalog.versions(VersionQuery(cursor: "garbage")) }
    }

    @Test func queriesByModelAndByTagUseAnIndexNotAScan() async throws {
        let (catalog, _) = try await Self.seeded()
        let queries: [(String, VersionQuery)] = [
            ("registry+model", VersionQuery(registry: "mlflow-prod", model: "fraud")),
            ("model", VersionQuery(model: "fraud")),
            ("tag", VersionQuery(tags: [("team", "risk")])),
            ("two tags", VersionQuery(tags: [("team", "risk"), ("gpu", "yes")])),
            ("alias", VersionQuery(alias: "champion")),
            ("lifecycle", VersionQuery(lifecycle: .production)),
        ]
        for (name, query) in queries {
            let plan = try await catalog.queryPlan(for: query).joined(separator: "\n")
            #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(name): \(plan)")
            #expect(!plan.contains("SCAN modelVersion"), "\(name): \(plan)")
            #expect(!plan.contains("SCAN v"), "\(name): \(plan)")
        }
        let tagPlan = try await catalog.queryPlan(for: VersionQuery(tags: [("team", "risk")])).joined(separator: "\n")
        #expect(tagPlan.contains("versionTag_onKeyValue"), "\(tagPlan)")
    }

    @Test func modelSummariesCountLiveVersionsAndEncodeTheDesignShape() async throws {
        let (catalog, _) = try await Self.seeded()
        _ = try await catalog.recordCompleteListing(
            registry: "sm-us", seen: [], seenModels: [], tombstoneAfterMisses: 1, at: Fixture.time(2))

        let live = try await catalog.models(ModelQuery())
        #expect(live.items.map { "\($0.registry):\($0.name)=\($0.versionCount)" } == ["mlflow-prod:churn=1", "mlflow-prod:fraud=3"])
        let all = try await catalog.models(ModelQuery(includeDeleted: true))
        #expect(all.items.map { "\($0.registry):\($0.name):\($0.deleted)" }
            == ["mlflow-prod:churn:false", "mlflow-prod:fraud:false", "sm-us:fraud:true"])
        #expect(try await catalog.models(ModelQuery(search: "DETECTS")).items.map(\.name) == ["fraud"])
        #expect(try await catalog.models(ModelQuery(registry: "sm-us", includeDeleted: true)).items.count == 1)

        let first = try await catalog.models(ModelQuery(limit: 1))
        #expect(first.items.map(\.name) == ["churn"])
        let second = try await catalog.models(ModelQuery(limit: 1, cursor: first.nextCursor))
        #expect(second.items.map(\.name) == ["fraud"])
        #expect(second.nextCursor == nil)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(try #require(second.items.first)), as: UTF8.self)
        #expect(json == #"{"created_at":"2026-09-21T14:13:20.000Z","deleted":false,"description":"Detects fraud","kind":"mlflow","name":"fraud","registry":"mlflow-prod","tags":{},"updated_at":"2026-09-21T14:13:20.000Z","version_count":3}"#)
    }

    @Test func historyIsOldestFirstAndFiltersByAliasAndSince() async throws {
        let (catalog, _) = try Fixture.catalog()
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("fraud", "1", aliases: ["champion"])]), source: .sync,
            at: Fixture.t0)
        _ = try await catalog.apply(
            page: Fixture.page(versions: [
                Fixture.version("fraud", "1", lifecycle: .archived), Fixture.version("fraud", "2", aliases: ["champion"]),
            ]), source: .sync, at: Fixture.time(10))
        _ = try await catalog.apply(
            page: Fixture.page(versions: [Fixture.version("other", "1")]), source: .sync, at: Fixture.time(11))

        let history = try await catalog.history(registry: "mlflow-prod", model: "fraud")
        // the page order: model, version 1 (created), its alias; then version 1 changed, version 2 created, alias moved
        #expect(history.map(\.kind) == [.created, .created, .aliasMoved, .lifecycleChanged, .created, .aliasMoved])
        #expect(history.map(\.at) == history.map(\.at).sorted())
        let since = try await catalog.history(registry: "mlflow-prod", model: "fraud", since: Fixture.time(5))
        #expect(since.map(\.kind) == [.lifecycleChanged, .created, .aliasMoved])
        let alias = try await catalog.history(registry: "mlflow-prod", model: "fraud", alias: "champion")
        #expect(alias.map(\.after) == ["1", "2"])
        let aliasSince = try await catalog.history(
            registry: "mlflow-prod", model: "fraud", alias: "champion", since: Fixture.time(5))
        #expect(aliasSince.map(\.before) == ["1"])
        #expect(try await catalog.history(registry: "sm-us", model: "fraud").isEmpty)
    }
}
