import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices
import ModelGateTestKit
import Testing

/// The lineage graph, its formats and the catalog report over ``LineageFixture``.
@Suite("Lineage graph, formats and report")
struct LineageGraphTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000 + 9 * 86_400)

    func graph(_ catalog: CatalogDatabase) -> LineageGraph { LineageGraph(catalog: catalog, now: { Self.now }) }

    @Test func theLastCopyShowsTheWholeChainBackToTheRunItsDatasetAndCommit() async throws {
        let catalog = try await LineageFixture.catalog()
        let found = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 2, direction: .up)
        let ids = Set(found.nodes.map(\.id))
        for expected in [
            "version:vertex-c:fraud@1", "version:sm-b:fraud@1", "version:mlflow-a:fraud@1", "run:mlflow-a:r1",
            "dataset:iris@d41d8cd9", "commit:abc123", "copy:c-1", "copy:c-3", "registry:mlflow-a",
        ] {
            #expect(ids.contains(expected), "missing \(expected) in \(ids.sorted())")
        }
        let migrated = found.edges.filter { $0.relation == .migratedFrom }.map { "\($0.from) -> \($0.to)" }
        #expect(Set(migrated) == [
            "version:vertex-c:fraud@1 -> version:sm-b:fraud@1", "version:sm-b:fraud@1 -> version:mlflow-a:fraud@1",
        ])
        #expect(found.edges.allSatisfy { !$0.assertedBy.isEmpty })
        #expect(found.edges.contains { $0.relation == .used && $0.assertedBy == "mlflow-a" })
        // Going up never pulls in the copy's siblings through the model node.
        #expect(!ids.contains("version:sm-b:fraud@2"))
        #expect(!ids.contains("version:mlflow-a:fraud@2"))

        // Copy hops are free: with depth 0 the chain is still whole, but the run is one hop too far.
        let shallow = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 0, direction: .up)
        let shallowIDs = Set(shallow.nodes.map(\.id))
        #expect(shallowIDs.contains("version:mlflow-a:fraud@1"))
        #expect(!shallowIDs.contains("run:mlflow-a:r1"))
        // Depth 1 reaches the run, not its dataset.
        let one = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 1, direction: .up)
        #expect(one.nodes.contains { $0.id == "run:mlflow-a:r1" })
        #expect(!one.nodes.contains { $0.id == "dataset:iris@d41d8cd9" })
    }

    @Test func downstreamFromTheOriginFindsEveryCopy() async throws {
        let catalog = try await LineageFixture.catalog()
        let found = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "mlflow-a", model: "fraud", version: "1"), depth: 3, direction: .down)
        let ids = Set(found.nodes.map(\.id))
        #expect(ids.isSuperset(of: ["version:sm-b:fraud@1", "version:vertex-c:fraud@1"]))
        #expect(!ids.contains("run:mlflow-a:r1"), "down does not go to the run")

        // From the run: the version it produced and every copy of that version.
        let fromRun = try await graph(catalog).neighbourhood(ofNode: "run:mlflow-a:r1", depth: 1, direction: .down)
        #expect(Set(fromRun.nodes.filter { $0.kind == .version }.map(\.id)) == [
            "version:mlflow-a:fraud@1", "version:sm-b:fraud@1", "version:vertex-c:fraud@1", "version:azure-d:other@3",
        ])
    }

    @Test func sameAsOnlyBetweenEqualDigests() async throws {
        let catalog = try await LineageFixture.catalog()
        var pairs: Set<String> = []
        for (registry, model, version) in [
            ("mlflow-a", "fraud", "1"), ("vertex-c", "fraud", "1"), ("azure-d", "other", "4"), ("sm-b", "fraud", "2"),
        ] {
            let found = try await graph(catalog).neighbourhood(
                of: VersionRef(registry: registry, model: model, version: version), depth: 3, direction: .both)
            for edge in found.edges where edge.relation == .sameAs {
                #expect(edge.assertedBy == "modelgate")
                #expect(edge.properties["digest"] == LineageFixture.digestA)
                pairs.insert("\(edge.from) = \(edge.to)")
            }
        }
        #expect(pairs == [
            "version:azure-d:other@3 = version:mlflow-a:fraud@1", "version:azure-d:other@3 = version:sm-b:fraud@1",
            "version:mlflow-a:fraud@1 = version:sm-b:fraud@1",
        ])
    }

    @Test func everyFormatIsProduced() async throws {
        let catalog = try await LineageFixture.catalog()
        let found = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 3, direction: .both)
        for format in LineageFormat.allCases {
            let text = try LineageRendering.render(found, as: format)
            #expect(text.contains("fraud"), "\(format)")
        }
        let tree = LineageRendering.text(found)
        #expect(tree.hasPrefix("vertex-c:fraud@1"))
        #expect(tree.contains("upstream"))
        #expect(tree.contains("└─ migrated_from → sm-b:fraud@1"))
        #expect(tree.contains("used → dataset iris@d41d8cd9  (source s3://data/iris.csv, training)"))
        let json = try JSONSerialization.jsonObject(with: Data(try LineageRendering.json(found).utf8)) as? [String: Any]
        #expect(json?["root"] as? String == "version:vertex-c:fraud@1")
        #expect(((json?["edges"] as? [[String: Any]]) ?? []).allSatisfy { $0["asserted_by"] != nil && $0["observed_at"] != nil })
        #expect(LineageRendering.mermaid(found).hasPrefix("flowchart LR\n"))
        #expect(LineageRendering.markdown(found).contains("| from | relation | to | asserted by | observed at |"))
    }

    static let openLineageTools = "a .venv Python with jsonschema (make setup) and ../shared/specs/openlineage"

    @Test(
        .peerPresent(LineageTools.python != nil && LineageTools.openLineageSpec != nil, LineageGraphTests.openLineageTools),
        .peerRequired(LineageTools.python != nil && LineageTools.openLineageSpec != nil, LineageGraphTests.openLineageTools))
    func openLineageEventsValidateAgainstTheSchema() async throws {
        let catalog = try await LineageFixture.catalog()
        let found = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 3, direction: .both)
        let lines = try OpenLineageExport.jsonLines(found)
        let result = try LineageTools.validateOpenLineage(lines)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let events = lines.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.count == result.events && events.count > 0)
        // One dataset event per model version; runs for the training run and each migration.
        let datasets = events.compactMap { $0["dataset"] as? [String: Any] }
        #expect(Set(datasets.compactMap { $0["name"] as? String }).isSuperset(of: ["fraud@1", "other@3"]))
        let vertex = try #require(datasets.first { ($0["namespace"] as? String) == "vertex://vertex-c" })
        let facets = try #require(vertex["facets"] as? [String: Any])
        #expect((facets["datasetType"] as? [String: Any])?["datasetType"] as? String == "MODEL")
        #expect((facets["version"] as? [String: Any])?["datasetVersion"] as? String == "1")
        let symlinks = ((facets["symlinks"] as? [String: Any])?["identifiers"] as? [[String: Any]]) ?? []
        #expect(symlinks.contains { ($0["namespace"] as? String) == "sagemaker://sm-b" })
        let jobs = events.compactMap { ($0["job"] as? [String: Any])?["name"] as? String }
        #expect(jobs.contains("train/r1"))
        #expect(jobs.contains("migrate/sm-b->vertex-c") && jobs.contains("migrate/mlflow-a->sm-b"))
        let training = try #require(events.first { (($0["job"] as? [String: Any])?["name"] as? String) == "train/r1" })
        // MLflow's JSON source becomes OpenLineage's naming: namespace `s3://bucket`, name the path.
        #expect(((training["inputs"] as? [[String: Any]]) ?? []).contains {
            ($0["namespace"] as? String) == "s3://data" && ($0["name"] as? String) == "iris.csv"
        })

        // The validator is live: a broken event is refused.
        let broken = #"{"eventType":"DONE","eventTime":"yesterday","schemaURL":"x","run":{"runId":"r1"},"job":{"namespace":"n"}}"#
        let refused = try LineageTools.validateOpenLineage(broken + "\n").errors.joined(separator: "\n")
        for why in ["'DONE' is not one of", "'yesterday' is not a 'date-time'", "'r1' is not a 'uuid'", "'producer' is a required", "'x' is not a 'uri'", "'name' is a required"] {
            #expect(refused.contains(why), "\(why) in \(refused)")
        }
    }

    @Test(.peerPresent(LineageTools.dot != nil, "needs Graphviz `dot` (apt-get install graphviz; make setup does)"), .peerRequired(LineageTools.dot != nil, "needs Graphviz `dot` (apt-get install graphviz; make setup does)"))
    func dotOutputIsAcceptedByGraphviz() async throws {
        let dot = try #require(LineageTools.dot)
        let catalog = try await LineageFixture.catalog()
        let found = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 3, direction: .both)
        let result = try LineageTools.run(dot, ["-Tsvg"], input: LineageRendering.dot(found))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("<svg"))
        #expect(result.stdout.contains("migrated_from"))
        let bad = try LineageTools.run(dot, ["-Tsvg"], input: "digraph { a -> }")
        #expect(bad.status != 0, "dot refuses broken input, so the check above means something")
    }

    @Test func reportFindsTheGaps() async throws {
        let catalog = try await LineageFixture.catalog()
        let report = try await CatalogReportBuilder(catalog: catalog, now: { Self.now }).build(aliasDays: 30)
        #expect(report.registries.map(\.registry) == ["azure-d", "mlflow-a", "sm-b", "vertex-c"])
        #expect(Set(report.highlighted.map(\.ref)) == ["mlflow-a:fraud@1", "sm-b:fraud@1", "sm-b:fraud@2"])
        #expect(report.highlighted.first { $0.ref == "mlflow-a:fraud@1" }?.copies == ["sm-b:fraud@1"])
        let vertexCopy = try #require(report.copies.first { $0.copy == "vertex-c:fraud@1" })
        #expect(vertexCopy.chain == ["vertex-c:fraud@1", "sm-b:fraud@1", "mlflow-a:fraud@1"])
        #expect(vertexCopy.origin == "mlflow-a:fraud@1")
        #expect(report.gaps.productionWithoutRun.map(\.ref) == ["sm-b:fraud@2"])
        #expect(report.gaps.lifecycleMismatch.map(\.copy) == ["sm-b:fraud@2"])
        #expect(report.gaps.digestMismatch.map(\.copy) == ["vertex-c:fraud@1"])
        #expect(report.gaps.aliasesMoved.contains { $0.alias == "champion" && $0.after == "1" })
        #expect(report.gaps.aliasesMoved.contains { $0.alias == "default" })
        // The window: nine days ago is outside a week.
        let week = try await CatalogReportBuilder(catalog: catalog, now: { Self.now }).build(aliasDays: 7)
        #expect(week.gaps.aliasesMoved.isEmpty)

        for format in ReportFormat.allCases {
            let text = try CatalogReportRendering.render(report, as: format)
            #expect(text.contains("sm-b:fraud@2"), "\(format)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(try CatalogReportRendering.render(report, as: .json).utf8))
        let gaps = (json as? [String: Any])?["gaps"] as? [String: Any]
        #expect((gaps?["digest_mismatch"] as? [Any])?.count == 1)
        let html = CatalogReportRendering.html(report)
        #expect(!html.contains("<script") && !html.contains("<link") && html.contains("<svg"))
    }

    @Test(.peerPresent(LineageTools.chromium != nil, "needs Chromium (apt-get install chromium; make setup does)"), .peerRequired(LineageTools.chromium != nil, "needs Chromium (apt-get install chromium; make setup does)"))
    func htmlOpensInHeadlessChromium() async throws {
        let chromium = try #require(LineageTools.chromium)
        let catalog = try await LineageFixture.catalog()
        let report = try await CatalogReportBuilder(catalog: catalog, now: { Self.now }).build(aliasDays: 30)
        let lineage = try await graph(catalog).neighbourhood(
            of: VersionRef(registry: "vertex-c", model: "fraud", version: "1"), depth: 3, direction: .both)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, html, tables) in [
            ("report", CatalogReportRendering.html(report), ["registries", "models", "highlighted", "copies", "gap-digest"]),
            ("lineage", LineageRendering.html(lineage), ["nodes", "edges"]),
        ] {
            let page = directory.appendingPathComponent("\(name).html")
            try Data(html.utf8).write(to: page)
            let common = [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(directory.appendingPathComponent("profile-\(name)").path)",
            ]
            let dom = try LineageTools.run(chromium, common + ["--dump-dom", page.absoluteString], timeout: 90)
            #expect(dom.status == 0, "\(dom.stderr.suffix(2000))")
            for id in tables { #expect(dom.stdout.contains("<table id=\"\(id)\""), "\(name): table \(id) in the DOM") }
            #expect(dom.stdout.contains("<svg"))
            let shot = directory.appendingPathComponent("\(name).png")
            let screenshot = try LineageTools.run(
                chromium, common + ["--screenshot=\(shot.path)", "--window-size=1280,2000", page.absoluteString], timeout: 90)
            #expect(screenshot.status == 0, "\(screenshot.stderr.suffix(2000))")
            let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(name): a screenshot with something on it (\(size) bytes)")
            if let keep = ProcessInfo.processInfo.environment["MODELGATE_KEEP_SCREENSHOTS"] {
                try? FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep).appendingPathComponent("\(name).png"))
                try? FileManager.default.copyItem(at: page, to: URL(fileURLWithPath: keep).appendingPathComponent("\(name).html"))
            }
        }
    }
}
