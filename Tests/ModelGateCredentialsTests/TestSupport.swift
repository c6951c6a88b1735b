import Foundation
import ModelGateCore
import ModelGateTransport
import Synchronization

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { [self] in self.now() } }
}

/// Routes every request to a handler, and records them.
struct FakeTransport: HTTPTransport {
    let handler: @Sendable (TransportRequest) async throws -> TransportResponse
    let log = RequestLog()

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        log.append(request)
        return try await handler(request)
    }
}

final class RequestLog: Sendable {
    private let requests = Mutex<[TransportRequest]>([])
    func append(_ request: TransportRequest) { requests.withLock { $0.append(request) } }
    var all: [TransportRequest] { requests.withLock { $0 } }
    var count: Int { requests.withLock { $0.count } }
}

/// A temporary directory removed when the value is dropped by the test.
struct TemporaryDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-credentials-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ text: String) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// `application/x-www-form-urlencoded` parsing, as a token endpoint does it.
func parseForm(_ body: [UInt8]) -> [String: String] {
    var form: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
        }
        form[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return form
}

func jsonResponse(_ status: Int, _ object: [String: Any]) -> TransportResponse {
    let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return TransportResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body))
}

func oauthError(_ status: Int, _ error: String, _ description: String) -> TransportResponse {
    jsonResponse(status, ["error": error, "error_description": description])
}
