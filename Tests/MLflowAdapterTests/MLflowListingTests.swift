import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import Testing

@Suite struct MLflowListingTests {
    @Test func mapsEveryFieldOfTheRecordedModelAndItsVersions() async throws {
        let transport = FakeTransport(routes: transcriptRoutes())
        let page = try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil)

        #expect(page.next == nil)
        #expect(page.errors.isEmpty)
        let snapshot = try #require(page.snapshots.first)
        #expect(page.snapshots.count == 1)
        #expect(snapshot.errors.isEmpty)

        let model = snapshot.model
        #expect(model.registry == "mlflow-test")
        #expect(model.kind == .mlflow)
        #expect(model.name == "gw-model")
        #expect(model.displayName == "gw-model")
        #expect(model.description == "gateway test model")
        #expect(model.tags == ["team": "ml", "owner": "gw"])
        #expect(model.createdAt == date(ms: 1_795_707_079_937))
        #expect(model.updatedAt == date(ms: 1_795_707_105_523))
        #expect(model.raw == (try json(MLflowFixtures.gwModelGet))["registered_model"])

        #expect(snapshot.versions.map(\.version) == ["1", "2", "3"])
        let v1 = snapshot.versions[0]
        #expect(v1.registry == "mlflow-test")
        #expect(v1.kind == .mlflow)
        #expect(v1.model == "gw-model")
        #expect(v1.description == "v1 updated")
        #expect(v1.status == .ready)
        #expect(v1.lifecycle == .none)
        #expect(v1.lifecycleRaw == "None")
        #expect(v1.aliases == [])
        #expect(v1.tags == ["framework": "sklearn", "validated": "true"])
        #expect(v1.sourceURI == "/srv/mlflow/artifacts/1/d1bdbab41a8343fcae4b53fc06174a53/artifacts/model")
        #expect(v1.artifactDigest == nil)
        #expect(v1.run == RunReference(id: MLflowFixtures.runID, uri: "http://example.invalid/run/1"))
        #expect(v1.metrics == ["accuracy": 0.93, "f1": 0.88])
        #expect(v1.createdAt == date(ms: 1_795_707_081_733))
        #expect(v1.updatedAt == date(ms: 1_795_707_104_451))
        #expect(v1.createdBy == nil)
        #expect(v1.deleted == false)
        #expect(v1.raw == (try json(MLflowFixtures.gwVersion1)))

        let v2 = snapshot.versions[1]
        #expect(v2.aliases == ["champion"])
        #expect(v2.run == RunReference(id: MLflowFixtures.runID, uri: nil))
        #expect(v2.sourceURI == "runs:/d1bdbab41a8343fcae4b53fc06174a53/model")

        let v3 = snapshot.versions[2]
        #expect(v3.lifecycle == .staging)
        #expect(v3.lifecycleRaw == "Staging")
        #expect(v3.description == "v3 from s3")
        #expect(v3.sourceURI == "s3://bucket/path/model")
        #expect(v3.metrics.isEmpty)
    }

    @Test func emptyStringsFromMLflowBecomeNil() async throws {
        let transport = FakeTransport(routes: transcriptRoutes())
        let snapshot = try #require(try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil).snapshots.first)
        let v2 = try #require(snapshot.versions.first { $0.version == "2" })
        let v3 = try #require(snapshot.versions.first { $0.version == "3" })
        #expect(v2.description == nil)  // "description": ""
        #expect(v2.run?.uri == nil)  // "run_link": ""
        #expect(v3.run == nil)  // "run_id": "" and "run_link": ""
        #expect(v3.tags.isEmpty)  // no "tags" key at all
    }

    @Test func buildsLineageFromVersionsAndTheirRun() async throws {
        let transport = FakeTransport(routes: transcriptRoutes())
        let snapshot = try #require(try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil).snapshots.first)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let run = LineageEdge.runNode("mlflow-test", MLflowFixtures.runID)
        func version(_ v: String) -> String { LineageEdge.versionNode("mlflow-test", "gw-model", v) }

        let edges = Set(snapshot.lineage.map { "\($0.from) -\($0.relation.rawValue)-> \($0.to)" })
        #expect(
            edges == [
                "\(version("1")) -version_of-> model:mlflow-test:gw-model",
                "\(version("2")) -version_of-> model:mlflow-test:gw-model",
                "\(version("3")) -version_of-> model:mlflow-test:gw-model",
                "\(version("1")) -produced_by-> \(run)",
                "\(version("2")) -produced_by-> \(run)",
                "\(run) -used-> dataset:iris@d41d8cd9",
                "\(run) -built_from-> commit:abc123def456",
            ])
        #expect(snapshot.lineage.count == 7)  // the shared run's edges appear once
        #expect(snapshot.lineage.allSatisfy { $0.assertedBy == "mlflow-test" && $0.observedAt == at })
        let used = try #require(snapshot.lineage.first { $0.relation == .used })
        #expect(
            used.properties == [
                "name": "iris", "digest": "d41d8cd9", "source_type": "local", "source": #"{"uri":"/data/iris.csv"}"#,
                "context": "training",
            ])
        let builtFrom = try #require(snapshot.lineage.first { $0.relation == .builtFrom })
        #expect(builtFrom.properties == ["sha": "abc123def456"])
        let producedBy = try #require(snapshot.lineage.first { $0.relation == .producedBy && $0.from == version("1") })
        #expect(producedBy.properties == ["run_id": MLflowFixtures.runID, "run_link": "http://example.invalid/run/1"])
    }

    @Test func pagesThroughAllVersionsAndDropsDuplicatesOfShiftedOffsets() async throws {
        var routes = transcriptRoutes()
        routes["GET model-versions/search"] = { request in
            request.query("page_token") == MLflowFixtures.nextPageToken
                ? FakeTransport.json(MLflowFixtures.gwVersionsShiftedPage2)
                : FakeTransport.json(MLflowFixtures.gwVersionsPage1)
        }
        let transport = FakeTransport(routes: routes)
        let snapshot = try #require(try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil).snapshots.first)

        #expect(snapshot.versions.map(\.version) == ["1", "2", "3"])
        let searches = transport.requests("GET model-versions/search")
        #expect(searches.count == 2)
        #expect(searches.map { $0.query("filter") } == ["name='gw-model'", "name='gw-model'"])
        #expect(searches.map { $0.query("max_results") } == ["2", "2"])
        #expect(searches.map { $0.query("page_token") } == [nil, MLflowFixtures.nextPageToken])
        #expect(transport.requests("GET registered-models/get").map { $0.query("name") } == ["gw-model"])
    }

    @Test func aModelRepeatedOnALaterPageBecauseOffsetsShiftedIsListedOnce() async throws {
        var routes = transcriptRoutes()
        // The second page repeats gw-model, as MLflow does when a model is created before it mid-listing.
        routes["GET registered-models/search"] = { request in
            request.query("page_token") == "bW9kZWxzOjE="
                ? FakeTransport.json(MLflowFixtures.gwModelSearch)
                : FakeTransport.json(
                    MLflowFixtures.gwModelSearch.replacingOccurrences(
                        of: #""aliases": [{"alias": "champion", "version": "2"}]}]"#,
                        with: #""aliases": [{"alias": "champion", "version": "2"}]}], "next_page_token": "bW9kZWxzOjE=""#))
        }
        let adapter = makeAdapter(FakeTransport(routes: routes), pageSize: 1)
        let first = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(first.snapshots.map(\.model.name) == ["gw-model"])
        let second = try await adapter.listSnapshots(cursor: first.next, since: nil)
        #expect(second.snapshots.isEmpty)
        #expect(second.next == nil)
        // A new listing starts afresh.
        let again = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(again.snapshots.map(\.model.name) == ["gw-model"])
    }

    @Test func pagesOverModelsWithTheServerTokenAsCursor() async throws {
        var routes = transcriptRoutes()
        routes["GET registered-models/search"] = { request in
            request.query("page_token") == "bW9kZWxzOjE="
                ? FakeTransport.json(MLflowFixtures.m2Search)
                : FakeTransport.json(
                    MLflowFixtures.gwModelSearch.replacingOccurrences(
                        of: #""aliases": [{"alias": "champion", "version": "2"}]}]"#,
                        with: #""aliases": [{"alias": "champion", "version": "2"}]}], "next_page_token": "bW9kZWxzOjE=""#))
        }
        routes["GET registered-models/get"] = { request in
            switch request.query("name") {
            case "gw-model": return FakeTransport.json(MLflowFixtures.gwModelGet)
            case "m2": return FakeTransport.json(MLflowFixtures.m2Get)
            default: return FakeTransport.json(MLflowFixtures.modelNotFound, status: 404)
            }
        }
        routes["GET model-versions/search"] = { request in
            if request.query("filter") == "name='m2'" { return FakeTransport.json(MLflowFixtures.m2Versions) }
            return request.query("page_token") == MLflowFixtures.nextPageToken
                ? FakeTransport.json(MLflowFixtures.gwVersionsPage2) : FakeTransport.json(MLflowFixtures.gwVersionsPage1)
        }
        let transport = FakeTransport(routes: routes)
        let adapter = makeAdapter(transport, pageSize: 1)

        let first = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(first.snapshots.map(\.model.name) == ["gw-model"])
        #expect(first.next == "bW9kZWxzOjE=")
        let second = try await adapter.listSnapshots(cursor: first.next, since: nil)
        #expect(second.snapshots.map(\.model.name) == ["m2"])
        #expect(second.next == nil)
        let m2 = try #require(second.snapshots.first)
        #expect(m2.versions.map(\.version) == ["1", "2", "5"])
        #expect(m2.model.description == nil)
        #expect(m2.model.tags.isEmpty)

        let searches = transport.requests("GET registered-models/search")
        #expect(searches.map { $0.query("page_token") } == [nil, "bW9kZWxzOjE="])
        #expect(searches.allSatisfy { $0.query("max_results") == "1" && $0.queryAll("order_by") == ["name ASC"] })

        // The whole walk through the protocol's helper gives both models; the run shared by gw-model and m2
        // is read once per listing, even across pages.
        let before = transport.requests("GET runs/get").count
        let all = try await adapter.allSnapshots()
        #expect(all.map(\.model.name) == ["gw-model", "m2"])
        #expect(transport.requests("GET runs/get").count == before + 1)
        #expect(before == 1)
    }

    @Test func capsPageSizesAtTheServerMaximums() async throws {
        let transport = FakeTransport(routes: transcriptRoutes())
        let adapter = makeAdapter(transport, pageSize: 500_000)
        #expect(adapter.modelPageSize == 1000)
        #expect(adapter.versionPageSize == 200_000)
        _ = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(transport.requests("GET registered-models/search").first?.query("max_results") == "1000")
        #expect(transport.requests("GET model-versions/search").first?.query("max_results") == "200000")
        let defaults = makeAdapter(transport, pageSize: nil)
        #expect(defaults.modelPageSize == 100)
        #expect(defaults.versionPageSize == 10_000)
    }

    @Test func anEmptyRegistryAnswersWithAnEmptyObject() async throws {
        let transport = FakeTransport(routes: ["GET registered-models/search": { _ in FakeTransport.json("{}") }])
        let page = try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil)
        #expect(page.snapshots.isEmpty)
        #expect(page.next == nil)
        #expect(page.errors.isEmpty)
    }

    @Test func malformedObjectsBecomeObjectErrorsAndTheRestOfThePageIsKept() async throws {
        let good = try json(MLflowFixtures.gwVersion1)
        let noVersion = try json(MLflowFixtures.gwVersion2).setting("version", nil)
        let badTags = try json(MLflowFixtures.gwVersion3).setting("tags", "framework=sklearn")
        let badTimestamp = try json(MLflowFixtures.gwVersion3).setting("version", "4")
            .setting("creation_timestamp", "yesterday")
        let versions: JSONValue = ["model_versions": [good, noVersion, badTags, badTimestamp, "not an object"]]
        let models: JSONValue = [
            "registered_models": [
                ["creation_timestamp": 1, "description": "no name"],
                try json(MLflowFixtures.gwModelSearch)["registered_models"]?.arrayValue?.first ?? nil,
            ]
        ]
        var routes = transcriptRoutes()
        routes["GET registered-models/search"] = { _ in FakeTransport.json(models.jsonString()) }
        routes["GET model-versions/search"] = { _ in FakeTransport.json(versions.jsonString()) }
        let transport = FakeTransport(routes: routes)

        let page = try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil)

        #expect(page.errors.count == 1)
        #expect(page.errors.first?.model == nil)
        #expect(page.errors.first?.message.contains("'name'") == true)
        let snapshot = try #require(page.snapshots.first)
        #expect(snapshot.versions.map(\.version) == ["1"])
        let problems = snapshot.errors.sorted { ($0.version ?? "") < ($1.version ?? "") }
        #expect(problems.count == 4)
        #expect(problems.allSatisfy { $0.model == "gw-model" })
        #expect(problems.map(\.version) == [nil, nil, "3", "4"])
        #expect(problems.contains { $0.message.contains("field 'version'") })
        #expect(problems.contains { $0.version == "3" && $0.message.contains("field 'tags'") })
        #expect(problems.contains { $0.version == "4" && $0.message.contains("field 'creation_timestamp'") })
        #expect(problems.contains { $0.message.contains("not a JSON object") })
    }

    @Test func aMissingRunIsAPerVersionErrorAndTheVersionsStayListed() async throws {
        var routes = transcriptRoutes()
        routes["GET runs/get"] = { _ in FakeTransport.json(MLflowFixtures.runNotFound, status: 404) }
        let transport = FakeTransport(routes: routes)
        let page = try await makeAdapter(transport).listSnapshots(cursor: nil, since: nil)

        let snapshot = try #require(page.snapshots.first)
        #expect(page.errors.isEmpty)
        #expect(snapshot.versions.map(\.version) == ["1", "2", "3"])
        #expect(snapshot.versions.allSatisfy { $0.metrics.isEmpty })
        #expect(snapshot.errors.map(\.version) == ["1", "2"])
        #expect(snapshot.errors.allSatisfy { $0.model == "gw-model" && $0.message.contains(MLflowFixtures.runID) })
        #expect(snapshot.lineage.filter { $0.relation == .producedBy }.count == 2)
        #expect(!snapshot.lineage.contains { $0.relation == .used || $0.relation == .builtFrom })
        #expect(transport.requests("GET runs/get").count == 1)
    }

    @Test func aModelDeletedDuringTheListingIsLeftOut() async throws {
        var routes = transcriptRoutes()
        routes["GET registered-models/get"] = { _ in FakeTransport.json(MLflowFixtures.modelNotFound, status: 404) }
        let page = try await makeAdapter(FakeTransport(routes: routes)).listSnapshots(cursor: nil, since: nil)
        #expect(page.snapshots.isEmpty)
        #expect(page.errors.isEmpty)
    }

    @Test func aFailingListingCallFailsThePageWithAnErrorNamingTheRegistryAndTheCall() async throws {
        var routes = transcriptRoutes()
        routes["GET registered-models/search"] = { _ in
            FakeTransport.json(#"{"error_code": "INTERNAL_ERROR", "message": "database is locked"}"#, status: 500)
        }
        let adapter = makeAdapter(FakeTransport(routes: routes))
        let error = try await #require(throws: RegistryError.self) {
            try await adapter.listSnapshots(cursor: nil, since: nil)
        }
        #expect(error.code == .serverError)
        #expect(error.httpStatus == 500)
        #expect(error.providerCode == "INTERNAL_ERROR")
        #expect(error.registry == "mlflow-test")
        #expect(error.operation == "GET /api/2.0/mlflow/registered-models/search")
        #expect(error.description.contains("mlflow-test"))
        #expect(error.description.contains("database is locked"))
    }

    // Issue 15, item 10: one model's failing call no longer fails the page (this test pinned the opposite before).
    @Test func aModelWhoseVersionsCallFailsIsAPerObjectErrorNamingTheRegistryAndTheCall() async throws {
        var routes = transcriptRoutes()
        routes["GET model-versions/search"] = { _ in
            FakeTransport.json(#"{"error_code": "INTERNAL_ERROR", "message": "database is locked"}"#, status: 500)
        }
        let page = try await makeAdapter(FakeTransport(routes: routes)).listSnapshots(cursor: nil, since: nil)
        #expect(page.snapshots.isEmpty)
        #expect(page.unreadable == page.errors.count && !page.errors.isEmpty)
        let error = try #require(page.errors.first)
        #expect(error.version == nil && error.model != nil)
        #expect(error.message.contains("mlflow-test"))
        #expect(error.message.contains("GET /api/2.0/mlflow/model-versions/search"))
        #expect(error.message.contains("HTTP 500") && error.message.contains("INTERNAL_ERROR"))
        #expect(error.message.contains("database is locked"))
    }

    @Test(arguments: [
        ("READY", VersionStatus.ready), ("PENDING_REGISTRATION", .pending), ("FAILED_REGISTRATION", .failed),
        ("SOMETHING_NEW", .pending),
    ])
    func statusWordsMapToVersionStatus(word: String, expected: VersionStatus) async throws {
        let version = try json(MLflowFixtures.gwVersion3).setting("status", .string(word))
        var routes = transcriptRoutes()
        routes["GET model-versions/search"] = { _ in FakeTransport.json(#"{"model_versions": [\#(version.jsonString())]}"#) }
        let snapshot = try #require(
            try await makeAdapter(FakeTransport(routes: routes)).listSnapshots(cursor: nil, since: nil).snapshots.first)
        #expect(snapshot.versions.first?.status == expected)
    }

    @Test(arguments: [
        ("None", Lifecycle.none), ("Staging", .staging), ("Production", .production), ("Archived", .archived),
        ("development", .none),
    ])
    func stagesMapToLifecycleAndKeepTheirWord(stage: String, expected: Lifecycle) async throws {
        let version = try json(MLflowFixtures.gwVersion3).setting("current_stage", .string(stage))
        var routes = transcriptRoutes()
        routes["GET model-versions/search"] = { _ in FakeTransport.json(#"{"model_versions": [\#(version.jsonString())]}"#) }
        let snapshot = try #require(
            try await makeAdapter(FakeTransport(routes: routes)).listSnapshots(cursor: nil, since: nil).snapshots.first)
        #expect(snapshot.versions.first?.lifecycle == expected)
        #expect(snapshot.versions.first?.lifecycleRaw == stage)
    }
}
