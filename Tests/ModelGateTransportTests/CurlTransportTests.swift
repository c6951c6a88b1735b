import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateCore
import Testing

@testable import ModelGateTransport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct CurlTransportTests {
    /// A server that echoes what it received.
    static func echoApplication() -> some ApplicationProtocol {
        let router = Router()
        router.on("/echo", method: .post) { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Seen-Method")!] = request.method.rawValue
            headers[HTTPField.Name("X-Seen-Header")!] = request.headers[HTTPField.Name("X-Custom")!] ?? "none"
            headers[HTTPField.Name("X-Seen-Content-Type")!] = request.headers[.contentType] ?? "none"
            return Response(status: .created, headers: headers, body: .init(byteBuffer: body))
        }
        router.get("/hello") { request, _ -> Response in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Seen-Header")!] = request.headers[HTTPField.Name("X-Custom")!] ?? "none"
            headers[HTTPField.Name("X-Query")!] = request.uri.query ?? ""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "hello")))
        }
        router.get("/big") { _, _ in String(repeating: "x", count: 10_000) }
        router.get("/big-chunked") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                for _ in 0..<10 { try await writer.write(ByteBuffer(string: String(repeating: "y", count: 1000))) }
                try await writer.finish(nil)
            })
        }
        return Application(router: router)
    }

    @Test func getRoundTripsHeadersAndQuery() async throws {
        try await Self.echoApplication().test(.live) { client in
            let port = try #require(client.port)
            let response = try await testTransport().send(
                TransportRequest(url: "http://127.0.0.1:\(port)/hello?a=1&b=two", headers: [("X-Custom", "value 1")]))
            #expect(response.status == 200)
            #expect(response.bodyText == "hello")
            #expect(response.header("x-seen-header") == "value 1")
            #expect(response.header("X-Query") == "a=1&b=two")
            #expect(response.url == "http://127.0.0.1:\(port)/hello?a=1&b=two")
            #expect(response.attempts == 1)
        }
    }

    @Test func postSendsBodyAndHeadersAndKeepsContentTypeUnsetByDefault() async throws {
        try await Self.echoApplication().test(.live) { client in
            let port = try #require(client.port)
            let transport = testTransport()
            let payload = Array(#"{"name":"churn","big":"\#(String(repeating: "z", count: 5000))"}"#.utf8)
            let response = try await transport.send(
                TransportRequest(
                    method: .POST, url: "http://127.0.0.1:\(port)/echo",
                    headers: [("X-Custom", "abc"), ("Content-Type", "application/json")], body: payload))
            #expect(response.status == 201)
            #expect(response.body == payload)
            #expect(response.header("X-Seen-Method") == "POST")
            #expect(response.header("X-Seen-Header") == "abc")
            #expect(response.header("X-Seen-Content-Type") == "application/json")

            // Without a Content-Type, libcurl's form-urlencoded default must not appear.
            let bare = try await transport.send(
                TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/echo", body: Array("raw".utf8)))
            #expect(bare.bodyText == "raw")
            #expect(bare.header("X-Seen-Content-Type") == "none")
        }
    }

    @Test func finishedHandlesAreKeptForReuse() async throws {
        try await Self.echoApplication().test(.live) { client in
            let port = try #require(client.port)
            let transport = testTransport()
            #expect(transport.testOnly_idleHandleCount == 0)
            for _ in 0..<3 {
                let response = try await transport.send(TransportRequest(url: "http://127.0.0.1:\(port)/hello"))
                #expect(response.status == 200)
            }
            #expect(transport.testOnly_idleHandleCount == 1)
        }
    }

    @Test(arguments: ["/big", "/big-chunked"])
    func responsesOverTheCapFailAsTooLarge(path: String) async throws {
        try await Self.echoApplication().test(.live) { client in
            let port = try #require(client.port)
            let error = await #expect(throws: RegistryError.self) {
                try await testTransport(maxResponseBytes: 1024).send(
                    TransportRequest(url: "http://127.0.0.1:\(port)\(path)", registry: "reg"))
            }
            #expect(error?.code == .tooLarge)
            #expect(error?.registry == "reg")
            #expect(error?.operation == "GET \(path)")
            // The same body fits under a larger cap.
            let fits = try await testTransport(maxResponseBytes: 20_000).send(
                TransportRequest(url: "http://127.0.0.1:\(port)\(path)"))
            #expect(fits.body.count == 10_000)
        }
    }

    @Test func aConnectionDroppedMidResponseIsATransportError() async throws {
        let server = try RawServer { _, socket in
            RawServer.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\nonly part", to: socket)
        }
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            try await testTransport().send(
                TransportRequest(url: "http://127.0.0.1:\(server.port)/models", registry: "mlflow", operation: "ListModels"))
        }
        #expect(error?.code == .transport)
        #expect(error?.operation == "ListModels")
        #expect(error?.registry == "mlflow")
        let failure = try #require(error?.underlying as? TransportFailure)
        #expect(failure.requestMayHaveBeenSent)
    }

    @Test func aRefusedConnectionIsATransportErrorThatSentNothing() async throws {
        let port = try closedPort()
        let error = await #expect(throws: RegistryError.self) {
            try await testTransport().send(TransportRequest(method: .POST, url: "http://127.0.0.1:\(port)/x", registry: "r"))
        }
        #expect(error?.code == .transport)
        #expect(error?.operation == "POST /x")
        let failure = try #require(error?.underlying as? TransportFailure)
        #expect(failure.requestMayHaveBeenSent == false)
        #expect(error?.description.contains("r: POST /x failed") == true)
    }

    @Test func aConnectTimeoutIsATransportError() async throws {
        // A listener whose accept queue is full and never drained: further SYNs are dropped, so connect hangs.
        let server = try RawServer(backlog: 0, acceptConnections: false) { _, _ in }
        defer { server.stop() }
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(server.port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(fd)
        }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        let error = await #expect(throws: RegistryError.self) {
            try await testTransport(connectTimeout: .milliseconds(300), totalTimeout: .seconds(600)).send(
                TransportRequest(url: "http://127.0.0.1:\(server.port)/x"))
        }
        // The connect timeout, not the total one, ended it: a transport error long before 600 s (the bound is
        // loose on purpose: in a full parallel run a request can wait for a pool thread for many seconds).
        #expect(error?.code == .transport)
        #expect(started.duration(to: .now) < .seconds(300))
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try RawServer { _, socket in RawServer.waitForPeerToClose(socket) }
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = await #expect(throws: RegistryError.self) {
            try await testTransport(totalTimeout: .milliseconds(400)).send(
                TransportRequest(method: .POST, url: "http://127.0.0.1:\(server.port)/slow", body: [1, 2, 3]))
        }
        #expect(error?.code == .timeout)
        // Without the timeout it would wait forever (the `.timeout` code says which limit ended it); the
        // bound is loose because in a full parallel run a request can wait for a pool thread.
        #expect(started.duration(to: .now) < .seconds(300))
        // The request was on the wire, so a POST must not be retried blindly.
        #expect((error?.underlying as? TransportFailure)?.requestMayHaveBeenSent == true)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try RawServer { _, socket in RawServer.waitForPeerToClose(socket) }
        defer { server.stop() }
        let transport = testTransport(totalTimeout: .seconds(900))
        let started = ContinuousClock.now
        let task = Task { try await transport.send(TransportRequest(url: "http://127.0.0.1:\(server.port)/hang")) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Long before the 900 s timeout: the cancellation, not the timeout, ended the transfer.
        #expect(started.duration(to: .now) < .seconds(300))
    }

    @Test func anHTTPProxyFromTheInjectedEnvironmentIsUsed() async throws {
        let proxy = try RawServer { _, socket in
            RawServer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nfrom-proxy", to: socket)
        }
        defer { proxy.stop() }
        let environment = ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": "internal.example"]
        let transport = testTransport(proxy: .environment(environment))
        let response = try await transport.send(TransportRequest(url: "http://registry.example.test:8080/api/models?x=1"))
        #expect(response.bodyText == "from-proxy")
        let head = try #require(proxy.heads.all.first)
        #expect(head.hasPrefix("GET http://registry.example.test:8080/api/models?x=1 HTTP/1.1\r\n"))
        #expect(head.lowercased().contains("\r\nhost: registry.example.test:8080\r\n"))
    }

    @Test func noProxyBypassesTheProxyAndUppercaseHTTPProxyIsIgnored() async throws {
        let proxy = try RawServer { _, socket in
            RawServer.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\nConnection: close\r\n\r\nproxy", to: socket)
        }
        defer { proxy.stop() }
        try await Self.echoApplication().test(.live) { client in
            let port = try #require(client.port)
            let bypassed = testTransport(
                proxy: .environment(["http_proxy": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost,127.0.0.1"]))
            let direct = try await bypassed.send(TransportRequest(url: "http://127.0.0.1:\(port)/hello"))
            #expect(direct.bodyText == "hello")

            let uppercaseOnly = testTransport(proxy: .environment(["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"]))
            let alsoDirect = try await uppercaseOnly.send(TransportRequest(url: "http://127.0.0.1:\(port)/hello"))
            #expect(alsoDirect.bodyText == "hello")
        }
        #expect(proxy.heads.count == 0)
    }

    @Test func headerValuesWithLineBreaksAreRefused() async throws {
        let error = await #expect(throws: RegistryError.self) {
            try await testTransport().send(
                TransportRequest(url: "http://127.0.0.1:1/x", headers: [("X-Evil", "a\r\nInjected: yes")]))
        }
        #expect(error?.code == .invalidRequest)
    }
}
