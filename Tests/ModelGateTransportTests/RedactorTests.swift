import Logging
import ModelGateCore
import Testing

@testable import ModelGateTransport

@Suite struct RedactorTests {
    @Test(arguments: [
        ("https://h/p?token=abc&x=1", "https://h/p?token=***&x=1"),
        ("https://h/p?access_token=abc", "https://h/p?access_token=***"),
        ("https://h/p?api_key=abc&apikey=def&key=ghi", "https://h/p?api_key=***&apikey=***&key=***"),
        ("https://h/p?password=abc&secret=def", "https://h/p?password=***&secret=***"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=ff00&X-Amz-Security-Token=tok",
         "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***"),
        ("https://h/p?client_secret=a&assertion=b&client_assertion=c&sig=d&signature=e",
         "https://h/p?client_secret=***&assertion=***&client_assertion=***&sig=***&signature=***"),
        ("https://user:pa55@h:8443/p?q=1", "https://***@h:8443/p?q=1"),
        ("http://proxyuser@proxy:3128", "http://***@proxy:3128"),
        ("https://h/cb#access_token=abc&state=s", "https://h/cb#access_token=***&state=s"),
        ("https://h/p?page_token_x=1&max_results=10", "https://h/p?page_token_x=***&max_results=10"),
        ("https://h/p/with@sign?name=v", "https://h/p/with@sign?name=v"),
        ("https://h/plain", "https://h/plain"),
    ])
    func urlsLoseTheirSecrets(input: String, expected: String) {
        #expect(Redactor.redact(url: input) == expected)
    }

    @Test func sensitiveHeaderValuesAreMasked() {
        let redactor = Redactor(sensitiveHeaders: ["X-Goog-Signature-Like"])
        let headers: [(name: String, value: String)] = [
            ("authorization", "Bearer a"), ("Proxy-Authorization", "Basic b"), ("X-Amz-Security-Token", "c"),
            ("Cookie", "d"), ("PRIVATE-TOKEN", "e"), ("x-api-key", "f"), ("x-goog-signature-like", "g"),
            ("Accept", "application/json"),
        ]
        let redacted = redactor.redact(headers: headers)
        #expect(redacted.map(\.value) == ["***", "***", "***", "***", "***", "***", "***", "application/json"])
        #expect(redacted.map(\.name) == headers.map(\.name))
    }

    @Test func dryRunDescriptionsHideEverySecret() {
        let request = TransportRequest(
            method: .POST, url: "https://u:p@h/x?token=t0k", headers: [("Authorization", "Bearer b3arer"), ("X-Sig", "s1g"), ("Accept", "*/*")],
            body: [1, 2, 3], sensitiveHeaders: ["X-Sig"])
        let text = Redactor(for: request).describe(request)
        #expect(text == "POST https://***@h/x?token=***\nAuthorization: ***\nX-Sig: ***\nAccept: */*\n(body: 3 bytes)")
    }

    @Test func freeTextIsScrubbed() {
        let text = Redactor.redact(
            text: #"failed: Authorization: Bearer abcdef123456 url=https://h/x?sig=zz9 {"client_secret": "cs-1"} password=hunter2&x=1 Authorization: Basic dXNlcjpwYXNz"#)
        for secret in ["abcdef123456", "zz9", "cs-1", "hunter2", "dXNlcjpwYXNz"] {
            #expect(!text.contains(secret), "\(secret) leaked in \(text)")
        }
        #expect(text.contains("x=1"))
        // Ordinary words after "token" or "Basic" are left alone.
        let prose = "The security token included is invalid; Basic authentication"
        #expect(Redactor.redact(text: prose) == prose)
        #expect(Redactor.redact(text: "sent Cookie: session=abc; other=def\nnext") == "sent Cookie: ***\nnext")
    }

    @Test func operationNamesNeverCarryTheQuery() {
        #expect(TransportRequest(method: .DELETE, url: "https://h/a/b?token=x").operationName == "DELETE /a/b")
        #expect(TransportRequest(url: "https://h").operationName == "GET /")
        #expect(TransportRequest(url: "https://h/x", operation: "SageMaker.ListModelPackages").operationName == "SageMaker.ListModelPackages")
    }

    /// Everything logged during a run with credentials in a header and in the URL is free of them.
    @Test func nothingLoggedContainsASecret() async throws {
        let lines = Recorder<String>()
        let logger = Logger.collecting(into: lines)
        let server = try RawServer { head, socket in
            if head.hasPrefix("GET /fail") {
                RawServer.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", to: socket)
            } else {
                RawServer.write("HTTP/1.1 302 Found\r\nLocation: /fail?access_token=l0cati0nsecret\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", to: socket)
            }
        }
        defer { server.stop() }
        let transport = TransportStack.make(
            base: testTransport(logger: logger), retryPolicy: RetryPolicy(maxAttempts: 2), logger: logger,
            sleep: { _ in }, random: { 0 })
        let request = TransportRequest(
            url: "http://user:pw-s3cr3t@127.0.0.1:\(server.port)/start?access_token=url-s3cr3t&X-Amz-Signature=sig-s3cr3t",
            headers: [("Authorization", "Bearer hdr-s3cr3t"), ("X-Custom-Secret", "custom-s3cr3t")],
            registry: "reg", sensitiveHeaders: ["X-Custom-Secret"])
        let response = try await transport.send(request)
        #expect(response.status == 503)
        let refused = try closedPort()
        var failing = request
        failing.url = "http://127.0.0.1:\(refused)/x?token=url-s3cr3t"
        do {
            _ = try await transport.send(failing)
        } catch {
            logger.error("request failed", metadata: ["error": "\(error)"])
        }
        let all = lines.all
        #expect(all.count >= 5)
        #expect(all.contains { $0.contains("http attempt") && $0.contains("attempt=2") })
        for line in all {
            #expect(!line.contains("s3cr3t"), "secret in log line: \(line)")
            #expect(!line.contains("l0cati0nsecret"), "secret in log line: \(line)")
        }
    }
}

@Suite struct ProxyConfigurationTests {
    @Test func variablesAreReadLikeLibcurlDoes() {
        let configuration = ProxyConfiguration.environment([
            "HTTP_PROXY": "http://upper:1", "HTTPS_PROXY": "http://secure:2", "NO_PROXY": ".corp.example, 10.0.0.1",
        ])
        #expect(configuration.httpProxy == nil)
        #expect(configuration.httpsProxy == "http://secure:2")
        #expect(configuration.proxy(for: "http://a.example/x") == nil)
        #expect(configuration.proxy(for: "https://a.example/x") == "http://secure:2")
        #expect(configuration.proxy(for: "https://api.corp.example/x") == nil)
        #expect(configuration.proxy(for: "https://corp.example/x") == nil)
        #expect(configuration.proxy(for: "https://notcorp.example/x") == "http://secure:2")
        #expect(configuration.proxy(for: "https://10.0.0.1/x") == nil)
        #expect(configuration.proxy(for: "https://110.0.0.1/x") == "http://secure:2")
    }

    @Test func lowercaseWinsAndStarBypassesEverything() {
        let configuration = ProxyConfiguration.environment([
            "http_proxy": "http://lower:1", "https_proxy": "http://lower:2", "HTTPS_PROXY": "http://upper:2",
        ])
        #expect(configuration.proxy(for: "http://h/x") == "http://lower:1")
        #expect(configuration.proxy(for: "https://h/x") == "http://lower:2")
        var all = configuration
        all.noProxy = ["*"]
        #expect(all.proxy(for: "https://h/x") == nil)
        #expect(ProxyConfiguration.environment([:]).proxy(for: "https://h/x") == nil)
    }
}
