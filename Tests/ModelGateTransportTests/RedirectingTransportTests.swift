import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateCore
import Testing

@testable import ModelGateTransport

@Suite struct RedirectingTransportTests {
    static func redirect(_ status: Int, to location: String) -> ScriptedTransport.Step {
        .respond(TransportResponse(status: status, headers: [("Location", location)]))
    }

    @Test func aCrossHostRedirectDropsCredentialsAndASameHostOneKeepsThem() async throws {
        let routerB = Router()
        routerB.get("/target") { request, _ -> String in
            "auth=\(request.headers[.authorization] ?? "none") token=\(request.headers[HTTPField.Name("PRIVATE-TOKEN")!] ?? "none") custom=\(request.headers[HTTPField.Name("X-Signed")!] ?? "none") keep=\(request.headers[HTTPField.Name("X-Keep")!] ?? "none")"
        }
        try await Application(router: routerB).test(.live) { clientB in
            let portB = try #require(clientB.port)
            let routerA = Router()
            routerA.get("/away") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.location] = "http://localhost:\(portB)/target"
                return Response(status: .found, headers: headers)
            }
            routerA.get("/here") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.location] = "/target"
                return Response(status: .temporaryRedirect, headers: headers)
            }
            routerA.get("/target") { request, _ -> String in "auth=\(request.headers[.authorization] ?? "none")" }
            try await Application(router: routerA).test(.live) { clientA in
                let portA = try #require(clientA.port)
                let transport = RedirectingTransport(testTransport())
                let headers = [
                    ("Authorization", "Bearer s3cret"), ("PRIVATE-TOKEN", "glpat-x"), ("X-Signed", "sig"),
                    ("X-Keep", "yes"),
                ]
                let away = try await transport.send(
                    TransportRequest(url: "http://127.0.0.1:\(portA)/away", headers: headers, sensitiveHeaders: ["X-Signed"]))
                #expect(away.status == 200)
                #expect(away.bodyText == "auth=none token=none custom=none keep=yes")
                #expect(away.url == "http://localhost:\(portB)/target")

                let here = try await transport.send(
                    TransportRequest(url: "http://127.0.0.1:\(portA)/here", headers: headers))
                #expect(here.bodyText == "auth=Bearer s3cret")
                #expect(here.url == "http://127.0.0.1:\(portA)/target")
            }
        }
    }

    @Test func moreThanFiveHopsIsARedirectLimitError() async throws {
        let inner = ScriptedTransport((0..<10).map { Self.redirect(302, to: "/hop\($0)") })
        let error = await #expect(throws: RegistryError.self) {
            try await RedirectingTransport(inner).send(TransportRequest(url: "http://h/start", registry: "r"))
        }
        #expect(error?.code == .redirectLimit)
        #expect(inner.received.count == 6)
        #expect(inner.received.all.last?.url == "http://h/hop4")
    }

    @Test func fiveHopsAreFollowed() async throws {
        let inner = ScriptedTransport((0..<5).map { Self.redirect(301, to: "/hop\($0)") } + [.respond(TransportResponse(status: 200))])
        let response = try await RedirectingTransport(inner).send(TransportRequest(url: "http://h/start"))
        #expect(response.status == 200)
        #expect(response.url == "http://h/hop4")
    }

    @Test func aRedirectCycleIsDetected() async throws {
        let inner = ScriptedTransport([Self.redirect(307, to: "http://h/b"), Self.redirect(307, to: "http://h/a")])
        let error = await #expect(throws: RegistryError.self) {
            try await RedirectingTransport(inner).send(TransportRequest(url: "http://h/a"))
        }
        #expect(error?.code == .redirectLimit)
        #expect(error?.message.contains("cycle") == true)
        #expect(inner.received.count == 2)
    }

    @Test(arguments: [(303, HTTPMethod.PUT, HTTPMethod.GET), (302, .POST, .GET), (301, .POST, .GET), (307, .POST, .POST), (308, .PUT, .PUT), (302, .PUT, .PUT)])
    func methodRewritesFollowTheStatus(status: Int, method: HTTPMethod, expected: HTTPMethod) async throws {
        let inner = ScriptedTransport([Self.redirect(status, to: "/next"), .respond(TransportResponse(status: 200))])
        _ = try await RedirectingTransport(inner).send(
            TransportRequest(method: method, url: "http://h/first", headers: [("Content-Type", "application/json")], body: [1, 2]))
        let hop = try #require(inner.received.all.last)
        #expect(hop.method == expected)
        #expect(hop.body == (expected == method ? [1, 2] : []))
        #expect((hop.header("Content-Type") != nil) == (expected == method))
    }

    @Test func aChangeOfSchemeOrPortCountsAsAnotherHost() async throws {
        for target in ["https://h/next", "http://h:8080/next"] {
            let inner = ScriptedTransport([Self.redirect(302, to: target), .respond(TransportResponse(status: 200))])
            _ = try await RedirectingTransport(inner).send(
                TransportRequest(url: "http://h/first", headers: [("Authorization", "x"), ("X-Amz-Date", "d"), ("Cookie", "c")]))
            #expect(inner.received.all.last?.headers.isEmpty == true)
        }
        // http://h and http://h:80 are the same origin.
        let inner = ScriptedTransport([Self.redirect(302, to: "http://H:80/next"), .respond(TransportResponse(status: 200))])
        _ = try await RedirectingTransport(inner).send(TransportRequest(url: "http://h/first", headers: [("Authorization", "x")]))
        #expect(inner.received.all.last?.header("Authorization") == "x")
    }

    @Test func aRedirectToAnotherSchemeIsRefused() async throws {
        let inner = ScriptedTransport([Self.redirect(302, to: "file:///etc/passwd")])
        let error = await #expect(throws: RegistryError.self) {
            try await RedirectingTransport(inner).send(TransportRequest(url: "http://h/first"))
        }
        #expect(error?.code == .transport)
    }

    /// The stack authorizes once per attempt and never again on a hop.
    @Test func theStackAuthorizesOncePerAttemptAndNotOnRedirects() async throws {
        struct CountingAuthorizer: RequestAuthorizer {
            let calls = Recorder<String>()
            func authorize(_ request: inout TransportRequest) async throws {
                calls.append(request.url)
                request.setHeader("Authorization", "Bearer t\(calls.count)")
                request.sensitiveHeaders.insert("X-Extra")
                request.setHeader("X-Extra", "secret")
            }
        }
        let authorizer = CountingAuthorizer()
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 503)), Self.redirect(302, to: "http://other/x"),
            .respond(TransportResponse(status: 200)),
        ])
        let response = try await TransportStack.make(base: inner, authorizer: authorizer, sleep: { _ in }, random: { 0 })
            .send(TransportRequest(url: "http://h/first"))
        #expect(response.status == 200)
        #expect(response.attempts == 2)
        #expect(authorizer.calls.all == ["http://h/first", "http://h/first"])
        let sent = inner.received.all
        #expect(sent.map { $0.header("Authorization") } == ["Bearer t1", "Bearer t2", nil])
        #expect(sent.last?.header("X-Extra") == nil)
    }
}
