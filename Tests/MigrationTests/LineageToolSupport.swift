import Foundation
import Testing

/// The outside programs the lineage tests hand output to: Graphviz `dot`, headless Chromium, and Python's
/// `jsonschema` (from the repository's `.venv`) for the OpenLineage JSON schema.
enum LineageTools {
    /// The repository root (three levels above this file).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `$MODELGATE_OPENLINEAGE_SPEC`, else `shared/specs/openlineage` beside the repository (where CI puts it).
    static var openLineageSpec: URL? {
        let candidates = [
            ProcessInfo.processInfo.environment["MODELGATE_OPENLINEAGE_SPEC"].map { URL(fileURLWithPath: $0) },
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/specs/openlineage"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("OpenLineage.json").path) }
    }

    /// An executable on PATH (or at an absolute path), nil when missing.
    static func which(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static var dot: String? { which("dot") }
    static var chromium: String? { which("chromium") ?? which("chromium-browser") ?? which("google-chrome") }

    /// A Python that can `import jsonschema, referencing`: the repository's `.venv`.
    static let python: String? = {
        for candidate in [repositoryRoot.appendingPathComponent(".venv/bin/python").path] where FileManager.default.isExecutableFile(atPath: candidate) {
            if let result = try? run(candidate, ["-c", "import jsonschema, referencing"]), result.status == 0 {
                return candidate
            }
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion (killed after `timeout` seconds), feeding `input` on stdin.
    static func run(_ executable: String, _ arguments: [String], input: String? = nil, timeout: Double = 120) throws
        -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let file = directory.appendingPathComponent("in")
            try Data(input.utf8).write(to: file)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }

    /// Validates JSON Lines of OpenLineage events against `OpenLineage.json` and the facet schemas next to it;
    /// returns the number of events and every error (an empty list means valid).
    static func validateOpenLineage(_ jsonLines: String) throws -> (events: Int, errors: [String]) {
        let python = try #require(python, "no Python with jsonschema")
        let spec = try #require(openLineageSpec, "no OpenLineage spec directory")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-ol-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("validate.py"), events = directory.appendingPathComponent("events.jsonl")
        try Data(validator.utf8).write(to: script)
        try Data(jsonLines.utf8).write(to: events)
        let result = try run(python, [script.path, events.path, spec.path])
        #expect(result.status == 0, "\(result.stderr)")
        struct Answer: Decodable {
            var events: Int
            var errors: [String]
        }
        let answer = try JSONDecoder().decode(Answer.self, from: Data(result.stdout.utf8))
        return (answer.events, answer.errors)
    }

    /// Draft 2020-12 validation with a registry of the spec files (the facets `$ref` the core schema by its `$id`),
    /// format checks on (`date-time` through rfc3339-validator, `uuid` built in, `uri` below), then each facet
    /// against its own schema.
    static let validator = #"""
        import json, pathlib, sys
        from urllib.parse import urlparse
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry, Resource

        spec = pathlib.Path(sys.argv[2])
        schemas = {p.name: json.loads(p.read_text()) for p in spec.glob("*.json")}
        registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
        checker = FormatChecker()

        @checker.checks("uri")
        def is_uri(value):
            if not isinstance(value, str):
                return True
            parts = urlparse(value)
            return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value

        core = Draft202012Validator(schemas["OpenLineage.json"], registry=registry, format_checker=checker)
        ids = {n[len("facets-"):-len(".json")]: s["$id"] for n, s in schemas.items() if n.startswith("facets-")}
        def definition(name):
            return Draft202012Validator({"$ref": schemas["OpenLineage.json"]["$id"] + "#/$defs/" + name},
                                        registry=registry, format_checker=checker)
        def facet(name):
            return Draft202012Validator({"$ref": ids[name] + "#/$defs/" + name}, registry=registry, format_checker=checker)
        dataset_facets = {"datasetType": "DatasetTypeDatasetFacet", "version": "DatasetVersionDatasetFacet",
                          "symlinks": "SymlinksDatasetFacet", "tags": "TagsDatasetFacet",
                          "documentation": "DocumentationDatasetFacet", "ownership": "OwnershipDatasetFacet"}
        job_facets = {"jobType": "JobTypeJobFacet", "sourceCodeLocation": "SourceCodeLocationJobFacet"}
        run_facets = {"tags": "TagsRunFacet"}
        errors, count = [], 0
        for number, line in enumerate(open(sys.argv[1]), 1):
            if not line.strip():
                continue
            count += 1
            try:
                event = json.loads(line)
            except Exception as error:
                errors.append(f"line {number}: not JSON: {error}")
                continue
            top = list(core.iter_errors(event))
            for e in top:
                errors.append(f"line {number}: {e.message} at {list(e.absolute_path)}")
            if top and isinstance(event, dict):
                # oneOf says only "not valid under any"; say why against the event type it claims to be.
                kind = "RunEvent" if "run" in event else "DatasetEvent" if "dataset" in event else "JobEvent"
                for e in definition(kind).iter_errors(event):
                    errors.append(f"line {number}: {kind}: {e.message} at {list(e.absolute_path)}")
            def check(facets, table, where):
                for key, value in (facets or {}).items():
                    if key not in table:
                        errors.append(f"line {number}: facet {key} in {where} has no schema here")
                        continue
                    for e in facet(table[key]).iter_errors(value):
                        errors.append(f"line {number}: {where}.{key}: {e.message}")
            datasets = ([event["dataset"]] if "dataset" in event else []) + event.get("inputs", []) + event.get("outputs", [])
            for d in datasets:
                check(d.get("facets"), dataset_facets, "dataset")
            if isinstance(event.get("job"), dict):
                check(event["job"].get("facets"), job_facets, "job")
            if isinstance(event.get("run"), dict):
                check(event["run"].get("facets"), run_facets, "run")
        print(json.dumps({"events": count, "errors": errors}))
        """#
}
