import CModelGateCurl
import Foundation
import Logging
import ModelGateCore
import NIOPosix
import Synchronization

/// libcurl's process-wide setup, run once (a Swift global is initialised lazily and thread-safely).
private let curlGlobalInit: CURLcode = ccurl_global_init()

/// The real transport: libcurl's easy API, one blocking `curl_easy_perform` per request on a dedicated
/// `NIOThreadPool` thread, so the cooperative pool never blocks.
///
/// - Cancelling the calling task aborts the transfer (through `CURLOPT_XFERINFOFUNCTION`) and throws
///   `CancellationError`.
/// - Connections are reused: finished easy handles go back to an idle stack (`curl_easy_reset` keeps their
///   connection, DNS and TLS session caches).
/// - Redirects are not followed here (see `RedirectingTransport`); a 3xx is returned as is.
/// - Failures below HTTP throw `RegistryError` with code `.transport`, `.timeout` or `.tooLarge`, naming
///   `request.registry` and `request.operationName`, with a `TransportFailure` as `underlying`.
/// - Proxies come from `TransportOptions.proxy` only; libcurl never reads the process environment.
public struct CurlTransport: HTTPTransport {
    /// Threads used by every `CurlTransport` created without its own pool: 16 threads, started on first
    /// use and kept for the life of the process (the shared `NIOThreadPool.singleton` has only one thread
    /// per core, and Hummingbird's file I/O uses it too).
    public static let sharedThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// Limits, TLS, HTTP version and proxies for every request sent by this transport.
    public let options: TransportOptions
    private let threadPool: NIOThreadPool
    private let handles: HandlePool
    private let logger: Logger

    /// - Parameters:
    ///   - options: limits, TLS, HTTP version, proxies.
    ///   - threadPool: the pool that runs the blocking transfers. The caller starts it and shuts it down
    ///     (for example as a `Service`); `nil` uses `sharedThreadPool`.
    ///   - maxIdleHandles: how many idle easy handles (and so warm connections) to keep.
    ///   - logger: receives one trace line per exchange, with the URL redacted.
    public init(
        options: TransportOptions = TransportOptions(), threadPool: NIOThreadPool? = nil, maxIdleHandles: Int = 16,
        logger: Logger = Logger(label: "modelgate.transport")
    ) {
        _ = curlGlobalInit
        self.options = options
        self.threadPool = threadPool ?? Self.sharedThreadPool
        self.handles = HandlePool(capacity: maxIdleHandles)
        self.logger = logger
    }

    /// Performs one HTTP exchange (no redirects, no retries) on the transport's thread pool.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try Task.checkCancellation()
        let cancel = CancelFlag()
        let options = self.options
        let handles = self.handles
        let started = ContinuousClock.now
        let response: TransportResponse
        do {
            response = try await withTaskCancellationHandler {
                try await threadPool.runIfActive {
                    try EasyTransfer.perform(request, options: options, handles: handles, cancel: cancel)
                }
            } onCancel: {
                cancel.set()
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw RegistryError(
                code: .transport, registry: request.registry, operation: request.operationName,
                message: "the transport's thread pool is not running (it was shut down or never started)")
        }
        logger.trace(
            "curl exchange",
            metadata: [
                "method": "\(request.method.rawValue)", "url": "\(Redactor.redact(url: request.url))",
                "status": "\(response.status)", "ms": "\(started.duration(to: .now).milliseconds)",
            ])
        return response
    }

    /// Idle easy handles kept for reuse (for tests).
    var testOnly_idleHandleCount: Int { handles.idleCount }
}

extension CurlTransport {
    /// libcurl's built-in CA bundle path (`CURLINFO_CAINFO`, libcurl 7.84+), if it has one.
    static func defaultCAInfo(_ handle: UnsafeMutableRawPointer) -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard ccurl_getinfo_string(handle, CURLINFO_CAINFO, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer)
    }
}

extension Duration {
    /// Whole milliseconds, at least 0 and at most `Int64.max` (never traps, however long the duration).
    var milliseconds: Int64 {
        let parts = components
        let (whole, overflow) = parts.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return parts.seconds > 0 ? Int64.max : 0 }
        let (total, overflow2) = whole.addingReportingOverflow(parts.attoseconds / 1_000_000_000_000_000)
        return overflow2 ? Int64.max : max(0, total)
    }
}

/// The flag the progress callback reads to abort a transfer when its task is cancelled.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

/// Owns one libcurl easy handle and cleans it up.
///
/// `@unchecked Sendable` invariant: a handle is used by one thread at a time. It is either idle in a
/// `HandlePool` (reachable only under the pool's `Mutex`) or checked out by exactly one `EasyTransfer`,
/// which configures, performs and returns it on a single thread-pool thread.
final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }
}

/// A stack of idle easy handles; reusing one reuses its open connections.
final class HandlePool: Sendable {
    private let idle = Mutex<[EasyHandle]>([])
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    func checkOut() -> EasyHandle? {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return EasyHandle()
    }

    /// Resets the handle (which clears every option and so every pointer into a finished transfer) and
    /// keeps it if there is room; otherwise it is cleaned up.
    func checkIn(_ handle: EasyHandle) {
        curl_easy_reset(handle.raw)
        let surplus: EasyHandle? = idle.withLock { stack in
            guard stack.count < capacity else { return handle }
            stack.append(handle)
            return nil
        }
        _ = surplus  // released outside the lock
    }

    var idleCount: Int { idle.withLock { $0.count } }
}

/// The state of one `curl_easy_perform`, reached from the C callbacks through an unretained pointer.
/// It lives on one pool thread for the whole transfer and outlives `curl_easy_perform`.
final class EasyTransfer {
    let cancel: CancelFlag
    let maxResponseBytes: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceededCap = false
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(cancel: CancelFlag, maxResponseBytes: Int) {
        self.cancel = cancel
        self.maxResponseBytes = maxResponseBytes
        let size = ccurl_error_size()
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit { errorBuffer.deallocate() }

    /// Runs on a thread-pool thread: configures a handle, performs the exchange, maps the outcome.
    static func perform(
        _ request: TransportRequest, options: TransportOptions, handles: HandlePool, cancel: CancelFlag
    ) throws -> TransportResponse {
        guard let handle = handles.checkOut() else {
            throw RegistryError(
                code: .transport, registry: request.registry, operation: request.operationName,
                message: "libcurl could not create a handle (out of memory?)")
        }
        defer { handles.checkIn(handle) }
        let transfer = EasyTransfer(cancel: cancel, maxResponseBytes: options.maxResponseBytes)
        return try withExtendedLifetime(transfer) {
            try transfer.run(request, options: options, handle: handle.raw)
        }
    }

    private func run(_ request: TransportRequest, options: TransportOptions, handle: UnsafeMutableRawPointer) throws
        -> TransportResponse
    {
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        try configure(handle, request: request, options: options, headerList: &headerList)

        let code = curl_easy_perform(handle)
        if cancel.isSet { throw CancellationError() }
        guard code == CURLE_OK else {
            var requestSize = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
            throw error(for: code, request: request, requestSize: requestSize)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return TransportResponse(status: status, headers: headers, body: body, url: request.url, attempts: 1)
    }

    private func configure(
        _ handle: UnsafeMutableRawPointer, request: TransportRequest, options: TransportOptions,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws {
        func invalid(_ message: String) -> RegistryError {
            RegistryError(
                code: .invalidRequest, registry: request.registry, operation: request.operationName, message: message)
        }
        var failed: [String] = []
        func check(_ code: CURLcode, _ name: String) { if code != CURLE_OK { failed.append(name) } }

        check(ccurl_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        check(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        check(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        check(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        check(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "TCP_KEEPALIVE")
        check(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)), "ERRORBUFFER")
        check(ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")

        // Limits.
        check(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, options.connectTimeout.milliseconds))), "CONNECTTIMEOUT_MS")
        check(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(max(1, options.totalTimeout.milliseconds))), "TIMEOUT_MS")
        check(ccurl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxResponseBytes)), "MAXFILESIZE_LARGE")

        // TLS: verification is on unless explicitly skipped, and always for requests that require system trust.
        let tls = TLSSettings(options: options, request: request)
        let verify = tls.verify ? 1 : 0
        check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, verify), "SSL_VERIFYPEER")
        check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, verify * 2), "SSL_VERIFYHOST")
        check(ccurl_setopt_long(handle, CURLOPT_PROXY_SSL_VERIFYPEER, verify), "PROXY_SSL_VERIFYPEER")
        check(ccurl_setopt_long(handle, CURLOPT_PROXY_SSL_VERIFYHOST, verify * 2), "PROXY_SSL_VERIFYHOST")
        switch tls.roots {
        case .system:
            break
        case .replacedBy(let caBundlePath):
            check(ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath), "CAINFO")
            check(ccurl_setopt_string(handle, CURLOPT_PROXY_CAINFO, caBundlePath), "PROXY_CAINFO")
        case .systemPlus(let caBundlePath):
            // CURLOPT_CAINFO would replace the system bundle: hand libcurl both, concatenated, as one blob.
            let pem: [UInt8]
            do {
                pem = try TLSSettings.systemBundle(plus: caBundlePath, defaultPath: CurlTransport.defaultCAInfo(handle))
            } catch {
                throw invalid("cannot read the CA bundle '\(caBundlePath)' to add to the system's: \(error)")
            }
            pem.withUnsafeBytes { bytes in
                check(ccurl_setopt_blob_copy(handle, CURLOPT_CAINFO_BLOB, bytes.baseAddress, bytes.count), "CAINFO_BLOB")
                check(
                    ccurl_setopt_blob_copy(handle, CURLOPT_PROXY_CAINFO_BLOB, bytes.baseAddress, bytes.count),
                    "PROXY_CAINFO_BLOB")
            }
        }
        let version = options.httpVersion == .http1_1 ? ccurl_http_version_1_1() : ccurl_http_version_2tls()
        check(ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, version), "HTTP_VERSION")

        // Proxy: always explicit, so libcurl never consults the process environment.
        if let proxy = options.proxy.proxy(for: request.url) {
            check(ccurl_setopt_string(handle, CURLOPT_PROXY, proxy), "PROXY")
            check(ccurl_setopt_string(handle, CURLOPT_NOPROXY, ""), "NOPROXY")
        } else {
            check(ccurl_setopt_string(handle, CURLOPT_PROXY, ""), "PROXY")
            check(ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*"), "NOPROXY")
        }

        // Method and body.
        let sendsBody = !request.body.isEmpty || [.POST, .PUT, .PATCH].contains(request.method)
        switch request.method {
        case .HEAD:
            check(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1), "NOBODY")
        case .GET where !sendsBody:
            check(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        default:
            if sendsBody {
                check(ccurl_setopt_long(handle, CURLOPT_POST, 1), "POST")
                check(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "POSTFIELDSIZE_LARGE")
                if request.body.isEmpty {
                    check(ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""), "COPYPOSTFIELDS")
                } else {
                    let code = request.body.withUnsafeBytes {
                        ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                    }
                    check(code, "COPYPOSTFIELDS")
                }
            }
            if request.method != .POST {
                check(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue), "CUSTOMREQUEST")
            }
        }

        // Headers, in order; libcurl's defaults that would change the request are switched off.
        for header in request.headers {
            let forbidden = CharacterSet(charactersIn: "\r\n\0")
            guard header.name.rangeOfCharacter(from: forbidden) == nil,
                header.value.rangeOfCharacter(from: forbidden) == nil,
                !header.name.isEmpty, !header.name.contains(":")
            else {
                throw invalid("header '\(header.name.prefix(40))' has an invalid name or a line break in its value")
            }
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        if sendsBody {
            if request.header("Content-Type") == nil { headerList = curl_slist_append(headerList, "Content-Type:") }
            if request.header("Expect") == nil { headerList = curl_slist_append(headerList, "Expect:") }
        }
        if request.header("User-Agent") == nil {
            check(ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent), "USERAGENT")
        }
        check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")

        // Callbacks: non-capturing, with this transfer as an unretained context pointer.
        let context = Unmanaged.passUnretained(self).toOpaque()
        check(ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard length > 0, let data else { return length }
            if transfer.body.count + length > transfer.maxResponseBytes {
                transfer.exceededCap = true
                return 0  // makes libcurl fail with CURLE_WRITE_ERROR
            }
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
            return length
        }, "WRITEFUNCTION")
        check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        check(ccurl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard length > 0, let data else { return length }
            let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }.trimmingCharacters(in: .whitespacesAndNewlines)
            transfer.receivedHeaderLine(line)
            return length
        }, "HEADERFUNCTION")
        check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
        check(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "NOPROGRESS")
        check(ccurl_setopt_xferinfo_function(handle) { context, _, _, _, _ in
            Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue().cancel.isSet ? 1 : 0
        }, "XFERINFOFUNCTION")
        check(ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "XFERINFODATA")

        if !failed.isEmpty {
            throw RegistryError(
                code: .configuration, registry: request.registry, operation: request.operationName,
                message: "libcurl refused option(s) \(failed.joined(separator: ", ")); is libcurl older than 7.85?")
        }
    }

    /// Keeps the headers of the final response: a new status line (after `100 Continue` or a proxy's
    /// `CONNECT` answer) starts over.
    private func receivedHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { headers.append((name: name, value: value)) }
        }
    }

    private func error(for code: CURLcode, request: TransportRequest, requestSize: Int) -> any Error {
        var detail = String(cString: errorBuffer)
        if detail.isEmpty { detail = String(cString: curl_easy_strerror(code)) }
        detail = Redactor.redact(text: detail)
        let neverSent: Set<CURLcode> = [CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT]
        let failure = TransportFailure(
            curlCode: Int(code.rawValue), detail: detail,
            requestMayHaveBeenSent: !neverSent.contains(code) && requestSize > 0)
        func make(_ code: RegistryError.Code, _ message: String) -> RegistryError {
            RegistryError(
                code: code, registry: request.registry, operation: request.operationName, message: message,
                underlying: failure)
        }
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return CancellationError()
        case CURLE_WRITE_ERROR where exceededCap, CURLE_FILESIZE_EXCEEDED:
            return make(.tooLarge, "the response is larger than the \(maxResponseBytes)-byte cap")
        case CURLE_OPERATION_TIMEDOUT where requestSize == 0:
            // Nothing was sent: the host never accepted the connection (or the TLS handshake) in time.
            return make(.transport, "could not connect in time: \(detail)")
        case CURLE_OPERATION_TIMEDOUT:
            return make(.timeout, "timed out waiting for the response: \(detail)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return make(.configuration, "bad URL '\(Redactor.redact(url: request.url))': \(detail)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return make(.transport, "could not resolve the host: \(detail)")
        case CURLE_COULDNT_CONNECT:
            return make(.transport, "could not connect: \(detail)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return make(.transport, "TLS failed: \(detail)")
        default:
            return make(.transport, "the connection failed: \(detail)")
        }
    }
}
