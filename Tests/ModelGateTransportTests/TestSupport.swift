import Foundation
import Logging
import ModelGateCore
import Synchronization

@testable import ModelGateTransport

#if canImport(Glibc)
import Glibc
#endif

/// A thread-safe list, for recording what fakes and servers saw.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// Answers with scripted responses (or errors), in order, and records every request it got.
struct ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(TransportResponse)
        case fail(RegistryError)
    }
    let steps: [Step]
    let received = Recorder<TransportRequest>()

    init(_ steps: [Step]) { self.steps = steps }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let index = received.count
        received.append(request)
        switch steps[min(index, steps.count - 1)] {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }
}

/// Collects every log line (message and metadata) for secret scanning.
struct CollectingLogHandler: LogHandler {
    let lines: Recorder<String>
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.append("\(event.level) \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
    }
}

extension Logger {
    static func collecting(into lines: Recorder<String>) -> Logger {
        var logger = Logger(label: "modelgate.transport") { _ in CollectingLogHandler(lines: lines) }
        logger.logLevel = .trace
        return logger
    }
}

/// A plain TCP server on 127.0.0.1 for wire-level tests the HTTP frameworks cannot fake: a broken
/// response, a proxy that shows the raw request line, a server that never answers. Each connection's
/// request head (up to the blank line) is read, recorded and handed to `handler`, which writes raw bytes.
final class RawServer: Sendable {
    let port: Int
    let heads = Recorder<String>()
    private let listener: Int32

    init(backlog: Int32 = 16, acceptConnections: Bool = true, handler: @escaping @Sendable (_ head: String, _ socket: Int32) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        guard acceptConnections else { return }
        let heads = self.heads
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                let head = RawServer.readHead(client)
                heads.append(head)
                handler(head, client)
                close(client)
            }
        }
    }

    /// Stops accepting (the accept loop ends) and closes the listening socket.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    static func readHead(_ socket: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 65536 {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
            if data.count >= 4, data.suffix(4) == [13, 10, 13, 10] { break }
            if let text = String(bytes: data, encoding: .utf8), text.contains("\r\n\r\n") { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ text: String, to socket: Int32) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return }
            sent += count
        }
    }

    /// Waits until the peer closes the connection (or `limit` passes): a server that never answers.
    static func waitForPeerToClose(_ socket: Int32, limit: Duration = .seconds(5)) {
        let deadline = ContinuousClock.now + limit
        var buffer = [UInt8](repeating: 0, count: 1024)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) > 0 {
                if recv(socket, &buffer, buffer.count, 0) <= 0 { return }
            }
        }
    }
}

/// A loopback port with nothing listening on it (bound, then closed): connecting is refused.
func closedPort() throws -> Int {
    let server = try RawServer(acceptConnections: false) { _, _ in }
    let port = server.port
    server.stop()
    return port
}

/// A transport with short limits, no proxy and a fresh handle pool, for live tests.
func testTransport(
    maxResponseBytes: Int = 1 << 20, connectTimeout: Duration = .seconds(2), totalTimeout: Duration = .seconds(5),
    proxy: ProxyConfiguration = .none, logger: Logger = Logger(label: "modelgate.transport")
) -> CurlTransport {
    CurlTransport(
        options: TransportOptions(
            connectTimeout: connectTimeout, totalTimeout: totalTimeout, maxResponseBytes: maxResponseBytes,
            proxy: proxy),
        logger: logger)
}
