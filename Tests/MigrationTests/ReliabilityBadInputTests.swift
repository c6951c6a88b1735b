import Foundation
import Hummingbird
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import Testing

/// The reliability suite's bad-input part: malformed provider payloads each become a per-object error naming the
/// registry and the object, and the rest of the page is kept. The provider is an MLflow-shaped server whose answers
/// the test writes byte for byte, reached through a `kind: mlflow` config entry.
@Suite("Reliability: bad input")
struct ReliabilityBadInputTests {
    static func good(_ model: String, _ version: String) -> String {
        #"{"name":"\#(model)","version":"\#(version)","creation_timestamp":1790000000000,"last_updated_timestamp":1790000000000,"current_stage":"None","source":"s3://b/\#(model)/\#(version)","status":"READY","tags":[{"key":"team","value":"risk"}]}"#
    }

    /// One malformed version object per case (model `bad-input`), named by what is wrong with it.
    static let cases: [(String, String)] = {
        let m = #""name":"bad-input""#
        let huge = String(repeating: "x", count: 2 << 20)
        let tags = (0..<1001).map { #"{"key":"k\#($0)","value":"v"}"# }.joined(separator: ",")
        return [
            ("version is an object", #"{\#(m),"version":{"a":1}}"#),
            ("version is null", #"{\#(m),"version":null}"#),
            ("version is missing", #"{\#(m),"source":"s3://b/x"}"#),
            ("version is empty", #"{\#(m),"version":""}"#),
            ("version is 2,000 characters", #"{\#(m),"version":"\#(String(repeating: "9", count: 2000))"}"#),
            ("creation_timestamp is text", #"{\#(m),"version":"c6","creation_timestamp":"abc"}"#),
            ("creation_timestamp is negative", #"{\#(m),"version":"c7","creation_timestamp":-5000000}"#),
            ("creation_timestamp is absurd", #"{\#(m),"version":"c8","creation_timestamp":99999999999999999}"#),
            ("creation_timestamp is fractional", #"{\#(m),"version":"c9","creation_timestamp":1.5}"#),
            ("last_updated_timestamp is a boolean", #"{\#(m),"version":"c10","last_updated_timestamp":true}"#),
            ("tags is a string", #"{\#(m),"version":"c11","tags":"x"}"#),
            ("a tag key is a number", #"{\#(m),"version":"c12","tags":[{"key":5,"value":"x"}]}"#),
            ("a tag has no key", #"{\#(m),"version":"c13","tags":[{"value":"x"}]}"#),
            ("a tag is null", #"{\#(m),"version":"c14","tags":[null]}"#),
            ("current_stage is a number", #"{\#(m),"version":"c15","current_stage":42}"#),
            ("status is a number", #"{\#(m),"version":"c16","status":7}"#),
            ("aliases is a string", #"{\#(m),"version":"c17","aliases":"champion"}"#),
            ("an alias is empty", #"{\#(m),"version":"c18","aliases":[""]}"#),
            ("description is 2 MiB", #"{\#(m),"version":"c19","description":"\#(huge)"}"#),
            ("description is a number", #"{\#(m),"version":"c20","description":5}"#),
            ("source is an array", #"{\#(m),"version":"c21","source":["s3://a"]}"#),
            ("run_id is an object", #"{\#(m),"version":"c22","run_id":{"x":1}}"#),
            ("user_id is an array", #"{\#(m),"version":"c23","user_id":[]}"#),
            ("a tag value is 100 KiB", #"{\#(m),"version":"c24","tags":[{"key":"k","value":"\#(String(repeating: "y", count: 100 << 10))"}]}"#),
            ("1,001 tags", #"{\#(m),"version":"c25","tags":[\#(tags)]}"#),
            ("the object is null", "null"),
            ("the object is a string", #""oops""#),
            ("version 1 again with other contents", #"{\#(m),"version":"1","description":"an impostor"}"#),
            ("run_link is a number", #"{\#(m),"version":"c29","run_link":12}"#),
            ("status_message is an object", #"{\#(m),"version":"c30","status_message":{"a":1}}"#),
            ("name is a number", #"{"name":5,"version":"c31"}"#),
        ]
    }()

    /// Whole answers that are not MLflow's JSON, each for the versions of one model.
    static let answers: [(model: String, why: String, body: [UInt8], contentType: String)] = [
        ("html-page", "an HTML error page with 200", Array("<html><body><h1>Bad gateway</h1></body></html>".utf8), "text/html"),
        ("bad-utf8", "invalid UTF-8", Array(#"{"model_versions":[{"name":"bad-utf8","version":"1","description":""#.utf8)
            + [0xFF, 0xFE, 0x41] + Array(#""}]}"#.utf8), "application/json"),
        ("deep", "JSON nested 100,000 deep", Array(#"{"model_versions":[{"name":"deep","version":"1","tags":"#.utf8)
            + Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
            + Array("}]}".utf8), "application/json"),
        ("unknown-enum", "unknown stage and status words", Array(
            #"{"model_versions":[{"name":"unknown-enum","version":"1","current_stage":"Bogus","status":"EXPLODED"}]}"#.utf8),
            "application/json"),
    ]

    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        let models = ["bad-input", "good"] + answers.map(\.model)
        router.get("/api/2.0/mlflow/registered-models/search") { _, _ in
            Self.json(#"{"registered_models":[\#(models.sorted().map { #"{"name":"\#($0)"}"# }.joined(separator: ","))]}"#)
        }
        router.get("/api/2.0/mlflow/registered-models/get") { request, _ in
            let name = request.uri.queryParameters["name"].map(String.init) ?? ""
            return Self.json(#"{"registered_model":{"name":"\#(name)"}}"#)
        }
        router.get("/api/2.0/mlflow/model-versions/search") { request, _ in
            let filter = request.uri.queryParameters["filter"].map(String.init) ?? ""
            if let answer = answers.first(where: { filter.contains("'\($0.model)'") }) {
                return Response(
                    status: .ok, headers: [.contentType: answer.contentType],
                    body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
            if filter.contains("'good'") {
                return Self.json(#"{"model_versions":[\#(good("good", "1")),\#(good("good", "2"))]}"#)
            }
            let all = [good("bad-input", "1"), good("bad-input", "2")] + cases.map(\.1)
            return Self.json(#"{"model_versions":[\#(all.joined(separator: ","))]}"#)
        }
        return router
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Test func eachMalformedObjectIsAPerObjectErrorAndTheRestIsKept() async throws {
        try await withStopping(try await SimulatorHost.start(Self.router()), stop: { await $0.stop() }) { host in
            let config = try ModelGateConfig.parse(
                yaml: "registries:\n  - name: odd-mlflow\n    kind: mlflow\n    url: \(host.baseURL)\n    retry: {max_attempts: 1}\n",
                environment: [:])
            let adapter = try RegistryConnector(environment: [:], homeDirectory: nil)
                .connect(try #require(config.registry(named: "odd-mlflow"))).requireAdapter()
            let catalog = try CatalogDatabase.inMemory()
            let report = await SyncService(catalog: catalog).sync(SyncTarget(adapter: adapter), options: SyncOptions(full: true))

            #expect(report.status == .ok, "a page with bad objects is still a page: \(report.errors.prefix(3))")
            #expect(!report.complete, "a listing with failed models is not complete, so nothing is tombstoned")
            let badInput = report.errors.filter { $0.model == "bad-input" }
            #expect(badInput.count == Self.cases.count, "one error per malformed object: \(badInput.map(\.message))")
            for error in report.errors { #expect(!error.message.isEmpty) }
            // Objects whose version can be read are named by it too.
            #expect(badInput.contains { $0.version == "c6" && $0.message.contains("creation_timestamp") })
            #expect(badInput.contains { $0.version == "c7" && $0.message.contains("plausible") })
            #expect(badInput.contains { $0.version == "1" && $0.message.contains("twice") })
            for answer in Self.answers where answer.model != "unknown-enum" {
                #expect(report.errors.contains { $0.model == answer.model && $0.version == nil }, "\(answer.why) fails \(answer.model) alone")
            }
            // What was fine is stored, exactly once, with the right values.
            let stored = try await catalog.versions(VersionQuery(registry: "odd-mlflow")).items
            #expect(stored.map { "\($0.model)@\($0.version)" }.sorted()
                == ["bad-input@1", "bad-input@2", "good@1", "good@2", "unknown-enum@1"])
            #expect(stored.first { $0.model == "bad-input" && $0.version == "1" }?.description == nil, "the impostor was not kept")
            #expect(stored.allSatisfy { $0.model == "unknown-enum" || $0.tags == ["team": "risk"] })
            // Unknown stage and status words are kept as the registry's word (DESIGN §2: anything else is `none`).
            let unknown = try #require(stored.first { $0.model == "unknown-enum" })
            #expect(unknown.lifecycle == .none && unknown.lifecycleRaw == "Bogus")
            // The errors are in the change log, named.
            let history = try await catalog.history(registry: "odd-mlflow", model: "bad-input")
            let distinct = Set(badInput.map { "\($0.version ?? "")|\($0.message)" })
            #expect(history.filter { $0.kind == .error }.count == distinct.count, "one row per distinct error")
            #expect(Self.cases.count + Self.answers.count - 1 >= 30)
        }
    }
}
