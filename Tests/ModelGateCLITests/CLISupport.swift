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
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs so a large output cannot block it.
        let outData = LockedData()
        let errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
            stderr: String(decoding: errData.get(), as: UTF8.self))
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

extension JSONValue {
    var array: [JSONValue] { arrayValue ?? [] }
    var strings: [String] { array.compactMap(\.stringValue) }
}
