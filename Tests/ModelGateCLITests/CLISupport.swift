import Foundation
import ModelGateCore
import Testing

/// Runs the built `modelgate` binary the way a user does, in a scratch directory with a clean environment.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as JSON (fails the test when it is not exactly one JSON document).
        func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
            try #require(
                try? JSONValue.parse(Data(stdout.utf8)), "stdout is not JSON: \(stdout.prefix(300))",
                sourceLocation: sourceLocation)
        }
    }

    /// The scratch directory: the working directory of every run, holding `modelgate.yaml` when written.
    let directory: URL
    var environment: [String: String]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Nothing from the developer's own setup leaks in: no config, catalog or credentials of theirs.
        environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
            "XDG_DATA_HOME": directory.appendingPathComponent("data").path,
        ]
    }

    var catalogPath: String { directory.appendingPathComponent("catalog.sqlite").path }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Writes `modelgate.yaml` in the scratch directory (found there as `./modelgate.yaml`).
    /// Mode 0600, as a file holding tokens should be (a group- or world-readable config gets a warning on stderr).
    func writeConfig(_ yaml: String) throws {
        try write("modelgate.yaml", yaml)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent("modelgate.yaml").path)
    }

    static let binary: URL = {
        // The test bundle sits next to the products of the same build.
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("modelgate")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/modelgate")
    }()

    @discardableResult
    func run(_ arguments: String..., environment extra: [String: String] = [:]) throws -> Result {
        try run(arguments: arguments, environment: extra)
    }

    func run(arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let running = try launch(arguments: arguments, environment: extra)
        let status = running.waitUntilExit()
        return Result(status: status, stdout: running.stdout, stderr: running.stderr)
    }

    /// Starts the binary and returns at once; its stdout and stderr are read as they come (a server, a waiting sync).
    func launch(arguments: [String], environment extra: [String: String] = [:]) throws -> RunningCLI {
        try RunningCLI(
            arguments: arguments, directory: directory, environment: environment.merging(extra) { $1 })
    }
}

/// A running `modelgate`: both pipes are drained while it runs, so a large output can never block it.
final class RunningCLI: @unchecked Sendable {
    let process = Process()
    private let out = LockedData()
    private let err = LockedData()
    private let reading = DispatchGroup()

    init(arguments: [String], directory: URL, environment: [String: String]) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, sink) in [(outPipe, out), (errPipe, err)] {
            reading.enter()
            DispatchQueue.global().async { [reading] in
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    sink.append(chunk)
                }
                reading.leave()
            }
        }
    }

    /// What it printed so far.
    var stdout: String { String(decoding: out.get(), as: UTF8.self) }
    var stderr: String { String(decoding: err.get(), as: UTF8.self) }

    /// Polls stderr until `condition` holds on it, the process ends or `seconds` pass; whether it held.
    func waitForStderr(seconds: Double, _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(stderr) { return true }
            if !process.isRunning { return condition(stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition(stderr)
    }

    /// Blocks until the process exits and its output is read; its exit status.
    @discardableResult
    func waitUntilExit() -> Int32 {
        process.waitUntilExit()
        reading.wait()
        return process.terminationStatus
    }

    /// `waitUntilExit` off the concurrency pool.
    func exit() async -> Int32 {
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.waitUntilExit()) }
        }
    }

    /// Sends `signal` when it still runs.
    func send(_ signal: Int32) { if process.isRunning { kill(process.processIdentifier, signal) } }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func append(_ more: Data) { lock.withLock { data += more } }
    func get() -> Data { lock.withLock { data } }
}

extension JSONValue {
    var array: [JSONValue] { arrayValue ?? [] }
    var strings: [String] { array.compactMap(\.stringValue) }
}
