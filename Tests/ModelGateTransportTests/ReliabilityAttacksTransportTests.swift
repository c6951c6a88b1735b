import Foundation
import Logging
import ModelGateCore
import Testing

@testable import ModelGateTransport

/// Issue 15: what a hostile or broken registry can make the transport do.
@Suite("Reliability: attacks — transport")
struct ReliabilityAttacksTransportTests {
    let policy = RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(5), maxServerDelay: .seconds(60))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    // Item 9: a 429 whose RateLimit-Reset is an absurd epoch trapped on the seconds × 1000 conversion.
    @Test func aHugeRateLimitResetIsAClampedWaitNotACrash() {
        for value in ["100000000000000000", "9223372036854775807", "99999999999999999999999999", String(repeating: "9", count: 400)] {
            let response = TransportResponse(status: 429, headers: [("RateLimit-Reset", value)])
            #expect(policy.serverRequestedDelay(in: response, now: now) == .seconds(60), "RateLimit-Reset: \(value.prefix(30))")
        }
    }

    // Item 9: Retry-After and x-amz-retry-after with more digits than an Int64 holds are clamped waits too.
    @Test func hugeRetryAfterValuesAreClampedToTheCap() {
        for value in ["9223372036854775807", "100000000000000000000", String(repeating: "9", count: 400)] {
            let retryAfter = TransportResponse(status: 503, headers: [("Retry-After", value)])
            #expect(policy.serverRequestedDelay(in: retryAfter, now: now) == .seconds(60))
            let amz = TransportResponse(status: 503, headers: [("x-amz-retry-after", value)])
            #expect(policy.serverRequestedDelay(in: amz, now: now) == .seconds(60))
        }
        let farDate = TransportResponse(status: 503, headers: [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")])
        #expect(policy.serverRequestedDelay(in: farDate, now: now) == .seconds(60))
        for garbage in ["-5", "+5", "1e30", "inf", "nan", "0x10", ""] {
            let response = TransportResponse(status: 429, headers: [("Retry-After", garbage), ("RateLimit-Reset", garbage)])
            #expect(policy.serverRequestedDelay(in: response, now: now) == nil, "\(garbage)")
        }
        // Ordinary values keep their exact meaning.
        let millis = TransportResponse(status: 503, headers: [("x-amz-retry-after", "1234")])
        #expect(policy.serverRequestedDelay(in: millis, now: now) == .milliseconds(1234))
    }

    // Item 9: the retry loop really waits the clamped time (and the debug log line does not trap either).
    @Test func theRetryLoopSleepsTheClampedWait() async throws {
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: 429, headers: [("RateLimit-Reset", "100000000000000000")])),
            .respond(TransportResponse(status: 200)),
        ])
        let sleeps = Recorder<Duration>()
        let transport = RetryingTransport(
            inner, policy: policy, sleep: { sleeps.append($0) }, random: { 0.5 }, now: { now })
        let response = try await transport.send(TransportRequest(url: "http://h/x"))
        #expect(response.status == 200)
        #expect(sleeps.all == [.seconds(60)])
    }

    // Item 9: absurd policies (from a config) never trap either.
    @Test func backoffWithExtremePoliciesDoesNotTrap() {
        let huge = RetryPolicy(maxAttempts: 100, base: .seconds(Int64.max / 2), cap: .seconds(Int64.max))
        #expect(huge.ceiling(beforeRetry: 99) == .seconds(Int64.max))
        #expect(huge.backoff(beforeRetry: 99, random: .nan) == .zero)
        #expect(huge.backoff(beforeRetry: 99, random: .infinity) == .seconds(Int64.max))
    }
}

extension ReliabilityAttacksTransportTests {
    // Item 9: an enormous wait still logs (wait_ms) without overflowing.
    @Test func anEnormousWaitIsLoggedWithoutOverflow() async throws {
        let inner = ScriptedTransport([.respond(TransportResponse(status: 503)), .respond(TransportResponse(status: 200))])
        let sleeps = Recorder<Duration>()
        let policy = RetryPolicy(maxAttempts: 2, base: .seconds(Int64.max), cap: .seconds(Int64.max))
        let transport = RetryingTransport(
            inner, policy: policy, logger: Logger(label: "test", factory: { _ in CollectingLogHandler(lines: Recorder()) }),
            sleep: { sleeps.append($0) }, random: { 0.999 }, now: { Date() })
        _ = try await transport.send(TransportRequest(url: "http://h/x"))
        #expect(sleeps.count == 1)
        #expect(Duration.seconds(Int64.max).milliseconds == Int64.max)
    }
}

extension ReliabilityAttacksTransportTests {
    // Item 14: a cross-origin 307/308 would have re-sent the token request's form (client_secret) to the new host.
    @Test(arguments: [307, 308])
    func aCrossOriginRedirectNeverReSendsABody(status: Int) async throws {
        let inner = ScriptedTransport([
            .respond(TransportResponse(status: status, headers: [("Location", "https://attacker.example/collect")])),
            .respond(TransportResponse(status: 200)),
        ])
        let form = Array("grant_type=client_credentials&client_secret=s3cr3t-value".utf8)
        let request = TransportRequest(
            method: .POST, url: "https://login.example.test/t/oauth2/v2.0/token", body: form, registry: "aml",
            operation: "token")
        let error = await #expect(throws: RegistryError.self) { _ = try await RedirectingTransport(inner).send(request) }
        #expect(inner.received.count == 1, "nothing was sent to the other origin")
        #expect(error?.code == .redirectLimit)
        #expect(error?.description.contains("attacker.example") == true)
        #expect(error?.description.contains("s3cr3t") == false)
    }

    // Item 14: the same origin keeps 307 semantics (method and body), and a 303 to another origin goes on as a GET.
    @Test func sameOriginRedirectsAndBodylessHopsStillWork() async throws {
        let same = ScriptedTransport([
            .respond(TransportResponse(status: 307, headers: [("Location", "/v2/token")])), .respond(TransportResponse(status: 200)),
        ])
        let post = TransportRequest(method: .POST, url: "https://login.example.test/token", body: [1, 2])
        #expect(try await RedirectingTransport(same).send(post).status == 200)
        #expect(same.received.all.last?.body == [1, 2])
        let other = ScriptedTransport([
            .respond(TransportResponse(status: 303, headers: [("Location", "https://cdn.example/done")])),
            .respond(TransportResponse(status: 200)),
        ])
        #expect(try await RedirectingTransport(other).send(post).status == 200)
        #expect(other.received.all.last?.body == [] && other.received.all.last?.url == "https://cdn.example/done")
    }

    // Item 14: free text loses private keys, bare JWTs and SAS signatures.
    @Test func theRedactorCoversKeysJWTsAndSASSignatures() {
        let key = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"
        let json = #"{"type": "service_account", "private_key_id": "abc123", "private_key": "\#(key)", "client_email": "x@p.iam"}"#
        let redacted = Redactor.redact(text: json)
        #expect(!redacted.contains("MIIEvQ"), "\(redacted)")
        #expect(!redacted.contains("abc123"), "private_key_id too: \(redacted)")
        #expect(redacted.contains("x@p.iam"))
        let pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nend"
        #expect(!Redactor.redact(text: pem).contains("MIIEpA"))
        let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz"
        let bare = Redactor.redact(text: "the assertion \(jwt) was refused")
        #expect(!bare.contains("eyJzdWIi") && !bare.contains("c2lnbmF0"), "\(bare)")
        #expect(bare.hasPrefix("the assertion ") && bare.hasSuffix(" was refused"))
        let sas = Redactor.redact(text: "blob at container/x?sv=2024-01-01&se=2026-12-31&sig=AbCd%2BeF%3D denied; also sig=Zm9vYmFy")
        #expect(!sas.contains("AbCd") && !sas.contains("Zm9vYmFy"), "\(sas)")
        #expect(sas.contains("sv=2024-01-01"))
    }

    // Item 14: a 2xx body that is not JSON is quoted in errors only through the redactor.
    @Test func bodyExcerptsAreScrubbedAndClipped() {
        let page = "<html><body>Login with access_token=abc123secret and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln"
            + String(repeating: " filler", count: 200) + "</body></html>"
        let excerpt = Redactor.excerpt(body: page, limit: 120)
        #expect(!excerpt.contains("abc123secret") && !excerpt.contains("eyJ4IjoxfQ"), "\(excerpt)")
        #expect(excerpt.count <= 121)
    }
}
