import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import Testing

@testable import ModelGateServices

/// Builders and file helpers for the bundle tests: a catalog filled through `apply(page:)` as a sync leaves it.
enum BundleFixture {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func model(_ name: String, registry: String = "mlflow-prod", tags: [String: String] = [:]) -> RegistryModel {
        RegistryModel(
            registry: registry, kind: .mlflow, name: name, displayName: name, description: "about \(name)", tags: tags,
            createdAt: t0, updatedAt: t0, raw: ["name": .string(name), "creation_timestamp": 1_790_000_000_000])
    }

    static func version(
        _ model: String, _ version: String, registry: String = "mlflow-prod", lifecycle: Lifecycle = .none,
        aliases: [String] = [], tags: [String: String] = [:], deleted: Bool = false
    ) -> ModelVersion {
        ModelVersion(
            registry: registry, kind: .mlflow, model: model, version: version, description: "v\(version) of \(model)",
            lifecycle: lifecycle, lifecycleRaw: lifecycle == .none ? "None" : lifecycle.rawValue.capitalized,
            aliases: aliases, tags: tags, sourceURI: "s3://bucket/\(model)/\(version)",
            run: RunReference(id: "run-\(model)-\(version)", uri: "http://mlflow/runs/run-\(model)-\(version)"),
            metrics: ["auc": 0.91, "rows": 1200], createdAt: t0, updatedAt: t0, createdBy: "alice", deleted: deleted,
            raw: [
                "name": .string(model), "version": .string(version), "tags": ["nested": ["k": "v"]], "score": 0.25,
                "empty": nil,
            ])
    }

    static func edges(_ registry: String, _ model: String, _ version: String, dataset: String) -> [LineageEdge] {
        let node = LineageEdge.versionNode(registry, model, version)
        let run = LineageEdge.runNode(registry, "run-\(model)-\(version)")
        return [
            LineageEdge(
                from: node, to: LineageEdge.modelNode(registry, model), relation: .versionOf, assertedBy: registry,
                observedAt: t0),
            LineageEdge(
                from: node, to: run, relation: .producedBy, assertedBy: registry, observedAt: t0,
                properties: ["run_id": "run-\(model)-\(version)"]),
            LineageEdge(
                from: run, to: "dataset:\(dataset)", relation: .used, assertedBy: registry, observedAt: t0,
                properties: ["name": dataset]),
        ]
    }

    /// mlflow-prod: fraud-detector 1 (archived), 2 (production, champion), 3 (deleted); churn 1.
    /// mlflow-dev: fraud-detector 1, migrated to prod's 2. A later sync moves champion and a tag.
    static func catalog() async throws -> CatalogDatabase {
        let catalog = try CatalogDatabase.inMemory()
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-prod", kind: .mlflow,
                models: [model("fraud-detector", tags: ["team": "risk"]), model("churn")],
                versions: [
                    version("fraud-detector", "1", lifecycle: .archived, tags: ["team": "risk"]),
                    version(
                        "fraud-detector", "2", lifecycle: .production, aliases: ["champion"],
                        tags: ["team": "risk", "framework": "xgboost"]),
                    version("fraud-detector", "3", tags: ["team": "risk"]),
                    version("churn", "1", tags: ["team": "growth"]),
                ],
                lineage: edges("mlflow-prod", "fraud-detector", "2", dataset: "cards")
                    + edges("mlflow-prod", "churn", "1", dataset: "churn-data")),
            source: .sync, at: t0)
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-prod", kind: .mlflow, models: [model("fraud-detector", tags: ["team": "risk"])],
                versions: [
                    version("fraud-detector", "1", lifecycle: .archived, aliases: ["champion"], tags: ["team": "fraud"]),
                    version("fraud-detector", "2", lifecycle: .production, tags: ["team": "risk", "framework": "xgboost"]),
                    version("fraud-detector", "3", tags: ["team": "risk"], deleted: true),
                ]),
            source: .sync, at: t0.addingTimeInterval(60))
        _ = try await catalog.apply(
            page: CatalogPage(
                registry: "mlflow-dev", kind: .mlflow, models: [model("fraud-detector", registry: "mlflow-dev")],
                versions: [version("fraud-detector", "1", registry: "mlflow-dev", tags: ["team": "risk"])],
                lineage: edges("mlflow-dev", "fraud-detector", "1", dataset: "cards-dev")),
            source: .sync, at: t0)
        try await catalog.upsertLineage([
            LineageEdge(
                from: LineageEdge.versionNode("mlflow-prod", "fraud-detector", "2"),
                to: LineageEdge.versionNode("mlflow-dev", "fraud-detector", "1"), relation: .migratedFrom,
                assertedBy: "modelgate", observedAt: t0)
        ])
        return catalog
    }

    static func exporter(_ catalog: CatalogDatabase, pageSize: Int = 2) -> BundleExporter {
        // A tiny page size makes every file go through several catalog pages.
        BundleExporter(catalog: catalog, tool: "modelgate 0.1.0", pageSize: pageSize, now: { t0 })
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `sha256:<hex>` of a file, computed by coreutils (independent of the code under test).
    static func sha256sum(_ url: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "sha256:" + String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    /// Rewrites `manifest.json` after `change` edits its JSON object.
    static func editManifest(_ bundle: URL, _ change: (inout [String: JSONValue]) -> Void) throws {
        let url = bundle.appendingPathComponent("manifest.json")
        var object = try #require(try JSONValue.parse(Data(contentsOf: url)).objectValue)
        change(&object)
        try Data(JSONValue.object(object).jsonString().utf8).write(to: url)
    }

    static func read(_ bundle: URL) throws -> BundleContents {
        try BundleReader.read(at: bundle, mlflowRegistryName: "mlflow-old")
    }

    /// The error reading `bundle` throws, or a recorded issue when it reads fine.
    static func refusal(_ bundle: URL, sourceLocation: SourceLocation = #_sourceLocation) -> BundleError? {
        do {
            let contents = try read(bundle)
            Issue.record("the bundle was accepted with \(contents.versions.count) versions", sourceLocation: sourceLocation)
            return nil
        } catch let error as BundleError {
            return error
        } catch {
            Issue.record("not a BundleError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static var fixtures: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
                .appendingPathComponent("mlflow-export-import")
        }
    }
}

@Suite struct BundleExportTests {
    static func key(_ version: ModelVersion) -> String { "\(version.registry):\(version.model)@\(version.version)" }

    @Test func aWholeCatalogExportReadsBackAsTheSameNormalizedObjects() async throws {
        let catalog = try await BundleFixture.catalog()
        let out = try BundleFixture.scratch().appendingPathComponent("bundle")
        let result = try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)

        let expectedVersions = try await catalog.versions(VersionQuery(includeDeleted: true)).items
        let expectedModels = try await catalog.exportModels(registry: nil, model: nil, cursor: nil, limit: 100).items
        #expect(result.failures.isEmpty)
        #expect(result.manifest.sources == ["mlflow-dev", "mlflow-prod"])
        #expect(result.counts.models == 3)
        #expect(result.counts.versions == 5)
        #expect(result.counts.lineage == 10)  // 3 per exported version with a run, plus the migration edge
        #expect(result.counts.changes > 5)
        #expect(result.manifest.tool == "modelgate 0.1.0")
        #expect(result.manifest.formatVersion == 1)

        let contents = try BundleFixture.read(out)
        #expect(contents.format == .modelgate)
        #expect(contents.manifest == result.manifest)
        #expect(contents.registryNames == ["mlflow-dev", "mlflow-prod"])
        #expect(contents.versions.sorted { Self.key($0) < Self.key($1) } == expectedVersions.sorted { Self.key($0) < Self.key($1) })
        #expect(Set(contents.models) == Set(expectedModels))
        // The tombstoned version is there, flagged; aliases, tags and raw survive.
        let deleted = try #require(contents.versions.first { Self.key($0) == "mlflow-prod:fraud-detector@3" })
        #expect(deleted.deleted)
        let champion = try #require(contents.versions.first { Self.key($0) == "mlflow-prod:fraud-detector@1" })
        #expect(champion.aliases == ["champion"])
        #expect(champion.tags == ["team": "fraud"])
        #expect(champion.raw?["tags"]?["nested"]?["k"] == "v")
        #expect(champion.raw?["score"] == 0.25)
        #expect(champion.metrics == ["auc": 0.91, "rows": 1200])
        #expect(contents.snapshots(of: "mlflow-prod").map(\.model.name) == ["churn", "fraud-detector"])
        #expect(contents.snapshots(of: "mlflow-prod").last?.versions.map(\.version) == ["1", "2", "3"])
        #expect(contents.lineage.count == 10)
        #expect(contents.changes.count == result.counts.changes)
        #expect(contents.changes.allSatisfy { $0.id == nil })
        #expect(contents.changes.contains { $0.kind == .aliasMoved && $0.field == "alias:champion" })
        // A snapshot carries the edges starting at its versions.
        let churn = try #require(contents.snapshots(of: "mlflow-prod").first)
        #expect(Set(churn.lineage.map(\.relation)) == [.versionOf, .producedBy])
    }

    @Test func manifestDigestsAreTheFilesSHA256AndEveryLineIsOneObject() async throws {
        let catalog = try await BundleFixture.catalog()
        let out = try BundleFixture.scratch().appendingPathComponent("bundle")
        let result = try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)
        #expect(Set(result.files.keys) == Set(BundleManifest.dataFiles))
        for (file, digest) in result.files {
            #expect(try BundleFixture.sha256sum(out.appendingPathComponent(file)) == digest, "\(file)")
        }
        let onDisk = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent("manifest.json")))
        #expect(onDisk["format_version"] == 1)
        #expect(onDisk["created_at"] == "2026-09-21T14:13:20.000Z")
        #expect(onDisk["counts"]?["versions"] == 5)
        let lines = try String(contentsOf: out.appendingPathComponent("versions.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 5)
        for line in lines {
            let object = try JSONValue.parse(Data(line.utf8))
            #expect(object["raw"] != nil && object["deleted"] != nil && object["source_uri"] != nil)
        }
        // Nothing but the bundle is left next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path) == ["bundle"])
    }

    @Test func aRegistryExportHoldsOnlyThatRegistry() async throws {
        let catalog = try await BundleFixture.catalog()
        let out = try BundleFixture.scratch().appendingPathComponent("dev")
        let result = try await BundleFixture.exporter(catalog).export(to: out, registry: "mlflow-dev", model: nil)
        #expect(result.manifest.sources == ["mlflow-dev"])
        let contents = try BundleFixture.read(out)
        #expect(contents.versions.map(Self.key) == ["mlflow-dev:fraud-detector@1"])
        #expect(contents.models.map(\.registry) == ["mlflow-dev"])
        #expect(contents.changes.allSatisfy { $0.registry == "mlflow-dev" } && !contents.changes.isEmpty)
        // Its own three edges, and the migration edge that points at it.
        #expect(contents.lineage.count == 4)
        #expect(contents.lineage.contains { $0.relation == .migratedFrom })
        #expect(!contents.lineage.contains { $0.to == "dataset:cards" })
    }

    @Test func aModelExportHoldsThatModelItsRunsAndItsChanges() async throws {
        let catalog = try await BundleFixture.catalog()
        let out = try BundleFixture.scratch().appendingPathComponent("churn")
        let result = try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: "churn")
        #expect(result.manifest.sources == ["mlflow-prod"])
        #expect(result.counts.models == 1 && result.counts.versions == 1)
        let contents = try BundleFixture.read(out)
        #expect(contents.versions.map(Self.key) == ["mlflow-prod:churn@1"])
        #expect(Set(contents.lineage.map(\.to)) == ["model:mlflow-prod:churn", "run:mlflow-prod:run-churn-1", "dataset:churn-data"])
        #expect(contents.changes.allSatisfy { $0.model == "churn" } && !contents.changes.isEmpty)

        // fraud-detector is in both registries; --registry narrows it to one.
        let both = try await BundleFixture.exporter(catalog).export(
            to: try BundleFixture.scratch().appendingPathComponent("b"), registry: nil, model: "fraud-detector")
        #expect(both.manifest.sources == ["mlflow-dev", "mlflow-prod"])
        #expect(both.counts.versions == 4)
        let one = try await BundleFixture.exporter(catalog).export(
            to: try BundleFixture.scratch().appendingPathComponent("o"), registry: "mlflow-dev", model: "fraud-detector")
        #expect(one.manifest.sources == ["mlflow-dev"] && one.counts.versions == 1)
    }

    @Test func aNonEmptyOutputDirectoryOrAnUnknownFilterIsRefusedAndNothingIsWritten() async throws {
        let catalog = try await BundleFixture.catalog()
        let parent = try BundleFixture.scratch()
        let out = parent.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: out.appendingPathComponent("notes.txt"))
        await #expect(throws: BundleError.self) {
            try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)
        }
        do {
            _ = try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)
        } catch let error as BundleError {
            #expect(error.code == .outputNotEmpty)
            #expect(error.description.contains(out.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["notes.txt"])

        for (registry, model) in [("nope", nil), (nil, "nope"), ("mlflow-dev", "churn")] as [(String?, String?)] {
            do {
                _ = try await BundleFixture.exporter(catalog).export(
                    to: parent.appendingPathComponent("x"), registry: registry, model: model)
                Issue.record("exported \(String(describing: registry)) \(String(describing: model))")
            } catch let error as BundleError {
                #expect(error.code == .nothingToExport)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["taken"])

        // An existing empty directory is fine.
        let empty = parent.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try await BundleFixture.exporter(catalog).export(to: empty, registry: nil, model: nil)
        #expect(result.counts.versions == 5)
    }

    @Test func aCatalogErrorPartWayLeavesNoHalfBundle() async throws {
        // An on-disk catalog whose change table disappears: the last file of the export cannot be read.
        let directory = try BundleFixture.scratch()
        let path = directory.appendingPathComponent("catalog.sqlite").path
        let seeded = try await BundleFixture.catalog()
        let catalog = try CatalogDatabase.open(path: path)
        for info in try await seeded.registries() {
            let versions = try await seeded.versions(VersionQuery(registry: info.name, includeDeleted: true)).items
            let models = try await seeded.exportModels(registry: info.name, model: nil, cursor: nil, limit: 100).items
            _ = try await catalog.apply(
                page: CatalogPage(registry: info.name, kind: info.kind, models: models, versions: versions),
                source: .sync, at: BundleFixture.t0)
        }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE change'); c.commit()", path]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)

        let out = directory.appendingPathComponent("bundle")
        await #expect(throws: (any Error).self) {
            try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("catalog.sqlite") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func anObjectThatFailsToExportIsListedNotDropped() async throws {
        let catalog = try await BundleFixture.catalog()
        var exporter = BundleFixture.exporter(catalog)
        exporter.testOnly_failObject = { file, _, model, version in
            file == "versions.jsonl" && model == "churn" && version == "1" ? "simulated encoding failure" : nil
        }
        let out = try BundleFixture.scratch().appendingPathComponent("bundle")
        let result = try await exporter.export(to: out, registry: nil, model: nil)
        #expect(
            result.failures == [
                BundleManifest.Failure(
                    registry: "mlflow-prod", model: "churn", version: "1",
                    message: "versions.jsonl: cannot encode: simulated encoding failure")
            ])
        #expect(result.counts.versions == 4)
        let contents = try BundleFixture.read(out)
        #expect(contents.manifest?.failures.count == 1)
        #expect(!contents.versions.contains { $0.model == "churn" })
    }
}

@Suite struct BundleVerificationTests {
    /// A fresh valid bundle of the fixture catalog.
    static func bundle() async throws -> URL {
        let catalog = try await BundleFixture.catalog()
        let out = try BundleFixture.scratch().appendingPathComponent("bundle")
        _ = try await BundleFixture.exporter(catalog).export(to: out, registry: nil, model: nil)
        return out
    }

    @Test func aChangedByteIsRefusedNamingTheFileAndBothDigests() async throws {
        let bundle = try await Self.bundle()
        let url = bundle.appendingPathComponent("versions.jsonl")
        let recorded = try BundleFixture.sha256sum(url)
        var data = try Data(contentsOf: url)
        let index = try #require(data.firstIndex(of: UInt8(ascii: "s")))  // inside "s3://…"
        data[index] = UInt8(ascii: "t")
        try data.write(to: url)
        let actual = try BundleFixture.sha256sum(url)
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .digestMismatch)
        #expect(error.file == "versions.jsonl")
        #expect(error.description.contains("versions.jsonl"))
        #expect(error.description.contains(recorded) && error.description.contains(actual))
    }

    @Test func aMissingFileIsRefused() async throws {
        let bundle = try await Self.bundle()
        try FileManager.default.removeItem(at: bundle.appendingPathComponent("lineage.jsonl"))
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .fileMissing)
        #expect(error.description.contains("lineage.jsonl"))
    }

    @Test(arguments: ["../escape.jsonl", "/etc/passwd", "a/../../escape.jsonl"])
    func aPathLeavingTheBundleIsRefused(path: String) async throws {
        let bundle = try await Self.bundle()
        // The file is even there, with the right digest: the path alone is the reason.
        let outside = bundle.deletingLastPathComponent().appendingPathComponent("escape.jsonl")
        try Data("{}\n".utf8).write(to: outside)
        let digest = try BundleFixture.sha256sum(outside)
        try BundleFixture.editManifest(bundle) { manifest in
            var files = manifest["files"]?.objectValue ?? [:]
            files[path] = .string(digest)
            manifest["files"] = .object(files)
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .unsafePath)
        #expect(error.description.contains(path))
    }

    @Test func aSymlinkLeavingTheBundleIsRefused() async throws {
        let bundle = try await Self.bundle()
        // changes.jsonl becomes a symlink to an outside copy with the very same bytes.
        let inside = bundle.appendingPathComponent("changes.jsonl")
        let outside = bundle.deletingLastPathComponent().appendingPathComponent("changes-copy.jsonl")
        try FileManager.default.copyItem(at: inside, to: outside)
        try FileManager.default.removeItem(at: inside)
        try FileManager.default.createSymbolicLink(at: inside, withDestinationURL: outside)
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .unsafePath)
        #expect(error.description.contains("changes.jsonl"))

        // A symlink that stays inside the bundle is refused too (issue 15 item 16: bundles hold only regular files;
        // this test used to accept it).
        let other = try await Self.bundle()
        let target = other.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            at: other.appendingPathComponent("changes.jsonl"), to: target.appendingPathComponent("changes.jsonl"))
        try FileManager.default.createSymbolicLink(
            atPath: other.appendingPathComponent("changes.jsonl").path, withDestinationPath: "data/changes.jsonl")
        #expect(BundleFixture.refusal(other)?.code == .unsafePath)
    }

    @Test func aNewerFormatVersionIsRefusedNamingBothNumbers() async throws {
        let bundle = try await Self.bundle()
        try BundleFixture.editManifest(bundle) { manifest in
            manifest["format_version"] = 2
            manifest["counts"] = "a shape version 1 does not know"
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .newerFormat)
        #expect(error.description == "bundle format_version 2 is newer than this modelgate knows (1); upgrade modelgate")
    }

    @Test func aBrokenLineIsRefusedNamingFileAndLineEvenWithAMatchingDigest() async throws {
        let bundle = try await Self.bundle()
        let url = bundle.appendingPathComponent("versions.jsonl")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[2] = #"{"registry": "mlflow-prod", "model": "#
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        let digest = try BundleFixture.sha256sum(url)
        try BundleFixture.editManifest(bundle) { manifest in
            var files = manifest["files"]?.objectValue ?? [:]
            files["versions.jsonl"] = .string(digest)
            manifest["files"] = .object(files)
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .invalidLine)
        #expect(error.description.hasPrefix("versions.jsonl line 3 does not parse"))
    }

    @Test func aLineOfTheWrongShapeIsRefusedToo() async throws {
        let bundle = try await Self.bundle()
        let url = bundle.appendingPathComponent("models.jsonl")
        try Data(#"{"registry": "mlflow-prod"}"#.utf8 + [0x0A]).write(to: url)
        let digest = try BundleFixture.sha256sum(url)
        try BundleFixture.editManifest(bundle) { manifest in
            var files = manifest["files"]?.objectValue ?? [:]
            files["models.jsonl"] = .string(digest)
            manifest["files"] = .object(files)
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .invalidLine)
        #expect(error.description.contains("models.jsonl line 1"))
        #expect(error.description.contains("kind"))
    }

    @Test func anUnlistedFileIsIgnoredAndAnUnlistedDataFileIsRefused() async throws {
        let bundle = try await Self.bundle()
        try Data("not json at all".utf8).write(to: bundle.appendingPathComponent("README.txt"))
        try Data("garbage\n".utf8).write(to: bundle.appendingPathComponent("extra.jsonl"))
        #expect(try BundleFixture.read(bundle).versions.count == 5)

        try BundleFixture.editManifest(bundle) { manifest in
            var files = manifest["files"]?.objectValue ?? [:]
            files["changes.jsonl"] = nil
            manifest["files"] = .object(files)
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .manifestInvalid)
        #expect(error.description.contains("changes.jsonl"))
    }

    @Test func countsThatDisagreeWithTheFilesAreRefused() async throws {
        let bundle = try await Self.bundle()
        try BundleFixture.editManifest(bundle) { manifest in
            var counts = manifest["counts"]?.objectValue ?? [:]
            counts["versions"] = 4
            manifest["counts"] = .object(counts)
        }
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .inconsistent)
        #expect(error.description.contains("versions.jsonl"))
    }

    @Test func aDirectoryThatIsNoBundleIsRefused() throws {
        let empty = try BundleFixture.scratch()
        let error = try #require(BundleFixture.refusal(empty))
        #expect(error.code == .notABundle)
        try Data("{not json".utf8).write(to: empty.appendingPathComponent("manifest.json"))
        #expect(BundleFixture.refusal(empty)?.code == .manifestInvalid)
    }
}

@Suite struct MLflowExportImportTests {
    @Test func aSingleModelExportReadsAsOneSnapshot() throws {
        let directory = try BundleFixture.fixtures.appendingPathComponent("single")
        #expect(try BundleReader.detectFormat(at: directory) == .mlflowExportImport)
        let contents = try BundleReader.read(at: directory, mlflowRegistryName: "mlflow-old")
        #expect(contents.format == .mlflowExportImport)
        #expect(contents.manifest == nil)
        #expect(contents.registries == [RegistryInfo(name: "mlflow-old", kind: .mlflow, endpoint: "http://127.0.0.1:5020")])
        let snapshots = contents.snapshots(of: "mlflow-old")
        #expect(snapshots.count == 1)
        let snapshot = try #require(snapshots.first)
        let model = snapshot.model
        #expect(model.name == "sklearn_wine" && model.registry == "mlflow-old" && model.kind == .mlflow)
        #expect(model.description == "Sklearn Wine Quality model")
        #expect(model.tags == ["team": "quality", "info": "Sklearn Wine Quality model"])  // a list of {key, value}
        #expect(model.createdAt == Timestamp.date(milliseconds: 1_789_990_000_123))
        #expect(model.raw?["versions"] == nil && model.raw?["name"] == "sklearn_wine")

        #expect(snapshot.versions.map(\.version) == ["1", "2"])
        let v1 = snapshot.versions[0]
        #expect(v1.lifecycle == .archived && v1.lifecycleRaw == "Archived")
        #expect(v1.tags == ["registered_version_info": "v1 Archived"])  // a dict
        #expect(v1.description == nil && v1.createdBy == nil && v1.aliases.isEmpty)
        #expect(v1.run == RunReference(id: "a1b2c3d4e5f60718293a4b5c6d7e8f90", uri: nil))
        #expect(v1.sourceURI == "/opt/mlflow/mlruns/1/a1b2c3d4e5f60718293a4b5c6d7e8f90/artifacts/sklearn-model")
        #expect(v1.createdAt == Timestamp.date(milliseconds: 1_789_990_001_000))
        #expect(v1.status == .ready && !v1.deleted)
        let v2 = snapshot.versions[1]
        #expect(v2.lifecycle == .production)
        #expect(v2.aliases == ["champion", "prod"])  // model-level alias plus the version's own
        #expect(v2.tags == ["registered_version_info": "v2 Production", "framework": "sklearn"])
        #expect(v2.run == nil && v2.sourceURI == "s3://models/wine/2" && v2.createdBy == "andre@example.com")
        #expect(v2.raw?["some_future_field"]?["nested"] == true)

        #expect(snapshot.errors == [
            ObjectError(
                model: "sklearn_wine", version: "3",
                message: "mlflow-export-import could not export it: RESOURCE_DOES_NOT_EXIST: Run '0f0f' not found")
        ])
        #expect(contents.lineage.count == 3)
        #expect(contents.lineage.contains {
            $0.relation == .producedBy && $0.to == "run:mlflow-old:a1b2c3d4e5f60718293a4b5c6d7e8f90"
                && $0.observedAt == Date(timeIntervalSince1970: 1_790_000_000)
        })
    }

    @Test(arguments: ["bulk", "bulk/models"])
    func aBulkExportReadsEveryModel(path: String) throws {
        let directory = try BundleFixture.fixtures.appendingPathComponent(path)
        let contents = try BundleReader.read(at: directory, mlflowRegistryName: "mlflow-old")
        let snapshots = contents.snapshots(of: "mlflow-old")
        #expect(snapshots.map(\.model.name) == ["churn", "fraud-detector"])

        let churn = snapshots[0]
        #expect(churn.model.tags == ["team": "growth"])
        #expect(churn.versions.count == 1)
        #expect(churn.versions.first?.lifecycle == .production && churn.versions.first?.lifecycleRaw == "production")
        #expect(churn.versions.first?.aliases == ["champion"])  // model aliases as a dict

        let fraud = snapshots[1]
        #expect(fraud.model.tags == ["team": "risk", "tier": "1"])  // model tags as a dict
        #expect(fraud.versions.map(\.version) == ["7", "10"])  // older latest_versions; an integer version
        let seven = fraud.versions[0]
        #expect(seven.lifecycle == .staging && seven.tags == ["team": "risk"] && seven.description == "challenger")
        #expect(seven.sourceURI?.hasPrefix("dbfs:/databricks/mlflow-tracking/7/1111") == true)
        let ten = fraud.versions[1]
        #expect(ten.lifecycle == .none && ten.lifecycleRaw == "None" && ten.status == .pending)
        #expect(ten.tags == ["team": "risk", "candidate": "yes"])  // version tags as a list
        #expect(contents.changes.isEmpty)
    }

    @Test func aModelJSONThatDoesNotParseIsRefusedNamingIt() throws {
        let copy = try BundleFixture.scratch().appendingPathComponent("bulk")
        try FileManager.default.copyItem(at: try BundleFixture.fixtures.appendingPathComponent("bulk"), to: copy)
        try Data(#"{"system": {}, "mlflow": {"registered_model": "#.utf8)
            .write(to: copy.appendingPathComponent("models/churn/model.json"))
        let error = try #require(BundleFixture.refusal(copy))
        #expect(error.code == .mlflowExportInvalid)
        #expect(error.description.contains("models/churn/model.json"))

        // A model the listing names but that has no model.json is refused as well.
        try FileManager.default.removeItem(at: copy.appendingPathComponent("models/churn"))
        let missing = try #require(BundleFixture.refusal(copy))
        #expect(missing.code == .mlflowExportInvalid)
        #expect(missing.description.contains("'churn'"))
    }

    @Test func aModelJSONWithoutARegisteredModelIsRefused() throws {
        let directory = try BundleFixture.scratch()
        try Data(#"{"system": {}, "info": {}, "mlflow": {"experiment": {}}}"#.utf8)
            .write(to: directory.appendingPathComponent("model.json"))
        let error = try #require(BundleFixture.refusal(directory))
        #expect(error.code == .mlflowExportInvalid)
        #expect(error.description.contains("model.json") && error.description.contains("registered_model"))
    }
}
