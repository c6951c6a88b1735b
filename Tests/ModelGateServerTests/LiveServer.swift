import Foundation
import ModelGateCatalog
import ModelGateServer
import Testing

/// `GatewayServer.run` on 127.0.0.1 with a free port, for clients outside the process (mlflow, chromium).
final class LiveServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    static func start(_ server: GatewayServer) async throws -> LiveServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run(host: "127.0.0.1", port: 0, handleSignals: false) { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw ServerSetupError("the test server did not start")
        }
        return LiveServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A finished child process.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program on its own thread (never blocking the cooperative pool the server's handlers run on).
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws
    -> ProcessResult
{
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment { process.environment = environment }
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            // Drain stderr on another thread so that neither pipe can fill up and stall the child.
            let errData = LockedData()
            let errThread = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
            errThread.start()
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
            continuation.resume(
                returning: ProcessResult(
                    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                    stderr: String(decoding: errData.get(), as: UTF8.self)))
        }
        thread.start()
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    func get() -> Data { lock.withLock { data ?? Data() } }
}

/// The repository root (two levels above this file's folder).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A Python with `mlflow`: `$MODELGATE_TEST_PYTHON`, else the repository's `.venv/bin/python`, when it can
/// import mlflow.
let venvPython: String? = {
    var candidates = [repositoryRoot.appendingPathComponent(".venv/bin/python").path]
    if let override = ProcessInfo.processInfo.environment["MODELGATE_TEST_PYTHON"], !override.isEmpty {
        candidates.insert(override, at: 0)
    }
    for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "import mlflow"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { continue }
        process.waitUntilExit()
        if process.terminationStatus == 0 { return path }
    }
    return nil
}()

/// Debian's `chromium`, when installed.
let chromiumPath: String? = {
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    where FileManager.default.isExecutableFile(atPath: path) {
        return path
    }
    return nil
}()
