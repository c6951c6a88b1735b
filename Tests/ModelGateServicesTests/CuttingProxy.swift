import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP proxy on 127.0.0.1 in front of a real server that "cuts the cable" mid-sync.
///
/// It forwards bytes both ways, one thread per direction, until a request from the client holds `trigger`
/// (e.g. a model name in `registered-models/get?name=…`). That request is not forwarded: every open
/// connection is shut down and the listening socket closed, so retries get "connection refused", as when
/// a server goes away. Plain POSIX sockets on threads; loopback only.
final class CuttingProxy: Sendable {
    /// Where clients connect: `http://127.0.0.1:port`.
    let port: UInt16
    private let upstreamPort: UInt16
    private let trigger: [UInt8]
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var cut = false
        var nextID = 0
        var connections: [Int: (client: Int32, upstream: Int32)] = [:]
        /// Client chunks that started an HTTP request and were forwarded.
        var forwardedRequests = 0
        /// The first line of the request that triggered the cut.
        var cutRequestLine: String?
    }

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts listening on a free loopback port, in front of `127.0.0.1:upstreamPort`.
    init(upstreamPort: UInt16, cutOnRequestContaining trigger: String) throws {
        self.upstreamPort = upstreamPort
        self.trigger = Array(trigger.utf8)
        let fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { throw SocketError(description: "socket() failed: errno \(errno)") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw SocketError(description: "bind/listen failed: errno \(errno)")
        }
        guard let port = Self.localPort(of: fd) else {
            close(fd)
            throw SocketError(description: "getsockname failed: errno \(errno)")
        }
        self.listener = fd
        self.port = port
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Whether the cut happened.
    var isCut: Bool { state.withLock { $0.cut } }
    /// Requests forwarded to the server before the cut.
    var forwardedRequests: Int { state.withLock { $0.forwardedRequests } }
    /// The request line (`GET /api/…`) that triggered the cut.
    var cutRequestLine: String? { state.withLock { $0.cutRequestLine } }

    /// Cuts now (also what a test calls at its end so that no thread outlives it).
    func stop() { cut(requestLine: nil) }

    // MARK: - Internals

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break  // the listener was shut down by `cut`
            }
            Self.noSigPipe(client)
            let upstream = Self.connectLoopback(port: upstreamPort)
            guard upstream >= 0 else {
                close(client)
                continue
            }
            let id: Int? = state.withLock { state in
                if state.cut { return nil }
                let id = state.nextID
                state.nextID += 1
                state.connections[id] = (client, upstream)
                return id
            }
            guard let id else {
                close(client)
                close(upstream)
                continue
            }
            let pair = ConnectionPair(id: id, client: client, upstream: upstream)
            Thread.detachNewThread { [self] in pump(pair, from: client, to: upstream, inspect: true) }
            Thread.detachNewThread { [self] in pump(pair, from: upstream, to: client, inspect: false) }
        }
        close(listener)
    }

    private func pump(_ pair: ConnectionPair, from source: Int32, to destination: Int32, inspect: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        loop: while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            let chunk = buffer[0..<count]
            if inspect {
                if Self.contains(chunk, trigger) {
                    cut(requestLine: Self.firstLine(chunk))
                    break loop
                }
                if Self.startsRequest(chunk) { state.withLock { $0.forwardedRequests += 1 } }
            }
            var offset = 0
            while offset < count {
                let sent = buffer.withUnsafeBytes { bytes in
                    send(destination, bytes.baseAddress! + offset, count - offset, Self.sendFlags)
                }
                if sent < 0, errno == EINTR { continue }
                if sent <= 0 { break loop }
                offset += sent
            }
        }
        // Either side finished or failed: end both directions; the second pump to get here closes the sockets.
        shutdown(pair.client, Int32(SHUT_RDWR))
        shutdown(pair.upstream, Int32(SHUT_RDWR))
        if pair.finishOne() {
            state.withLock { state in
                state.connections[pair.id] = nil
                close(pair.client)
                close(pair.upstream)
            }
        }
    }

    private func cut(requestLine: String?) {
        state.withLock { state in
            if !state.cut {
                state.cut = true
                state.cutRequestLine = requestLine
                shutdown(listener, Int32(SHUT_RDWR))  // wakes `accept`; later connects are refused
            }
            // Sockets are closed only under this lock (see `pump`), so these descriptors are still ours.
            for (client, upstream) in state.connections.values {
                shutdown(client, Int32(SHUT_RDWR))
                shutdown(upstream, Int32(SHUT_RDWR))
            }
        }
    }

    // MARK: - Socket helpers

    #if canImport(Glibc)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)
    static func noSigPipe(_ fd: Int32) {}
    #else
    static let streamType = SOCK_STREAM
    static let sendFlags: Int32 = 0
    static func noSigPipe(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
    }
    #endif

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func localPort(of fd: Int32) -> UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? UInt16(bigEndian: address.sin_port) : nil
    }

    /// A connected socket to `127.0.0.1:port`, or -1.
    static func connectLoopback(port: UInt16) -> Int32 {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { return -1 }
        noSigPipe(fd)
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// A loopback port nothing listens on (bound, read, released).
    static func closedPort() throws -> UInt16 {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw SocketError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, let port = localPort(of: fd) else { throw SocketError(description: "bind failed: errno \(errno)") }
        return port
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    static func startsRequest(_ chunk: ArraySlice<UInt8>) -> Bool {
        ["GET ", "POST ", "PATCH ", "DELETE ", "PUT ", "HEAD "].contains { chunk.starts(with: Array($0.utf8)) }
    }

    static func firstLine(_ chunk: ArraySlice<UInt8>) -> String {
        let line = chunk.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line.prefix(300), as: UTF8.self)
    }
}

/// The two sockets of one proxied connection; the second of its two pumps to finish closes them.
private final class ConnectionPair: Sendable {
    let id: Int
    let client: Int32
    let upstream: Int32
    private let finished = Atomic<Int>(0)

    init(id: Int, client: Int32, upstream: Int32) {
        self.id = id
        self.client = client
        self.upstream = upstream
    }

    /// True for the second caller.
    func finishOne() -> Bool { finished.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == 2 }
}
