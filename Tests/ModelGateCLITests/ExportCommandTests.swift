import Foundation
import ModelGateCatalog
import ModelGateCore
import Testing

/// `modelgate export` on the built binary, over a catalog seeded as a sync leaves it.
@Suite struct ExportCommandTests {
    /// `sha256:<hex>` of a file by coreutils, independent of ModelGate's own hashing.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "sha256:" + String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    @Test func exportWritesABundleWhoseManifestDigestsVerify() async throws {
        let cli = try await CatalogCommandTests.seeded()
        let out = cli.directory.appendingPathComponent("bundle")
        let result = try cli.run("export", "--catalog", cli.catalogPath, "--out", out.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("bundle: \(out.path)"))
        #expect(result.stdout.contains("versions.jsonl"))

        let manifest = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent("manifest.json")))
        #expect(manifest["format_version"] == 1)
        #expect(manifest["tool"]?.stringValue?.hasPrefix("modelgate ") == true)
        #expect(manifest["sources"]?.strings == ["mlflow-dev", "mlflow-prod"])
        #expect(manifest["counts"]?["versions"] == 5)
        #expect(manifest["counts"]?["models"] == 3)
        #expect(manifest["failures"]?.array.isEmpty == true)
        let files = try #require(manifest["files"]?.objectValue)
        #expect(Set(files.keys) == ["registries.jsonl", "models.jsonl", "versions.jsonl", "lineage.jsonl", "changes.jsonl"])
        for (file, digest) in files {
            #expect(try Self.sha256sum(out.appendingPathComponent(file).path) == digest.stringValue, "\(file)")
        }
        // One normalized version a line, with its native raw.
        let lines = try String(contentsOf: out.appendingPathComponent("versions.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 5)
        let first = try JSONValue.parse(Data(lines[0].utf8))
        #expect(first["registry"] == "mlflow-dev" && first["raw"]?["version"] == "1")
    }

    @Test func jsonOutputIsExactlyOneManifestDocument() async throws {
        let cli = try await CatalogCommandTests.seeded()
        let out = cli.directory.appendingPathComponent("prod")
        let result = try cli.run(
            "export", "--catalog", cli.catalogPath, "--out", out.path, "--registry", "mlflow-prod", "--model", "churn",
            "--output", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["format_version"] == 1)
        #expect(json["sources"]?.strings == ["mlflow-prod"])
        #expect(json["counts"]?["versions"] == 1)
        // The document printed is the manifest written.
        let onDisk = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent("manifest.json")))
        #expect(json == onDisk)
    }

    @Test func aNonEmptyOutDirectoryIsRefusedWithExit1() async throws {
        let cli = try await CatalogCommandTests.seeded()
        let out = cli.directory.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let result = try cli.run("export", "--catalog", cli.catalogPath, "--out", out.path, "--output", "json")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: ") && result.stderr.contains("not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["notes.txt"])
    }

    @Test func anUnknownRegistryIsRefusedAndWithoutOutItIsAUsageError() async throws {
        let cli = try await CatalogCommandTests.seeded()
        let unknown = try cli.run(
            "export", "--catalog", cli.catalogPath, "--out", cli.directory.appendingPathComponent("x").path,
            "--registry", "nope")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'nope'"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("x").path))
        let usage = try cli.run("export", "--catalog", cli.catalogPath)
        #expect(usage.status == 64)
    }
}
