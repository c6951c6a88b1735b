import Foundation
import MLflowAdapter
import ModelGateAdapterKit
import ModelGateCore
import ModelGateCredentials
import ModelGateTransport
import Synchronization
import ModelGateTestKit
import Testing

/// Whether the real servers started by `scripts/peers/mlflow.sh` run (unset: these suites are skipped).
enum RealMLflow {
    static let isAvailable = PeerEnvironment.available(.mlflow, for: "MLflowRealServerTests")
    static let isAuthAvailable = PeerEnvironment.available(.mlflowAuth, for: "MLflowBasicAuthTests")

    static func now() -> Int64 { Timestamp.milliseconds(Date()) }
}

/// Counts the calls that go through it (by `METHOD path?query`), over the real transport stack.
final class CountingTransport: HTTPTransport, Sendable {
    let inner: any HTTPTransport
    private let seen = Mutex<[String]>([])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let path = request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }
        seen.withLock { $0.append("\(request.method.rawValue) \(path)") }
        return try await inner.send(request)
    }

    func count(where predicate: (String) -> Bool) -> Int { seen.withLock { $0.filter(predicate).count } }
}

@Suite(.serialized, .peerPresent(RealMLflow.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"), .peerRequired(RealMLflow.isAvailable, "the real MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"))
struct MLflowRealServerTests {
    let counting: CountingTransport
    let adapter: MLflowAdapter

    init() throws {
        let url = try #require(PeerEnvironment.mlflowURL)
        counting = CountingTransport(TransportStack.make(base: CurlTransport()))
        adapter = MLflowAdapter(registry: "mlflow-real", baseURL: url, transport: counting, pageSize: 2)
    }

    /// Creates an experiment and a run with a git commit tag, a dataset input and a metric; returns the run id.
    func seedRun(id: String, sha: String) async throws -> String {
        let client = adapter.client
        let experiment = try await client.call(.POST, "experiments/create", body: ["name": .string("mg-exp-\(id)")])
        let experimentID = try #require(experiment["experiment_id"]?.stringValue)
        let run = try await client.call(
            .POST, "runs/create",
            body: [
                "experiment_id": .string(experimentID), "run_name": "train", "start_time": .int(RealMLflow.now()),
                "tags": [["key": "mlflow.source.git.commit", "value": .string(sha)]],
            ])
        let runID = try #require(run["run"]?["info"]?["run_id"]?.stringValue)
        _ = try await client.call(
            .POST, "runs/log-inputs",
            body: [
                "run_id": .string(runID),
                "datasets": [
                    [
                        "tags": [["key": "mlflow.data.context", "value": "training"]],
                        "dataset": [
                            "name": .string("iris-\(id)"), "digest": "d41d8cd9", "source_type": "local",
                            "source": #"{"uri":"/data/iris.csv"}"#,
                        ],
                    ]
                ],
            ])
        _ = try await client.call(
            .POST, "runs/log-metric",
            body: ["run_id": .string(runID), "key": "accuracy", "value": 0.93, "timestamp": .int(RealMLflow.now()), "step": 0])
        return runID
    }

    @Test func everyWriteIsReadBackAndAFullListingShowsItAll() async throws {
        let id = PeerEnvironment.uniqueID()
        let sha = "0123abcd\(id)"
        let runID = try await seedRun(id: id, sha: sha)
        let name = "mg-\(id)-fraud"

        // Model, read back.
        let created = try await adapter.createModel(name: name, description: "fraud detector", tags: ["team": "risk"])
        #expect(created.name == name)
        let readModel = try #require(try await adapter.model(name: name))
        #expect(readModel.description == "fraud detector")
        #expect(readModel.tags == ["team": "risk"])
        #expect(readModel.createdAt == created.createdAt)
        try await adapter.client.setRegisteredModelTag(name: name, key: "owner", value: "gw")
        try await adapter.client.deleteRegisteredModelTag(name: name, key: "team")
        #expect(try await adapter.model(name: name)?.tags == ["owner": "gw"])

        // Five versions (three pages of two), each read back.
        var created5: [ModelVersion] = []
        for index in 1...5 {
            let new = NewVersion(
                model: name, description: index == 2 ? nil : "v\(index)",
                sourceURI: index == 1 ? "runs:/\(runID)/model" : "s3://bucket/\(id)/v\(index)",
                runID: index == 1 ? runID : nil, tags: index == 1 ? ["framework": "sklearn"] : [:])
            let version = try await adapter.createVersion(new)
            #expect(version.version == String(index))
            let read = try #require(try await adapter.version(model: name, version: version.version))
            #expect(read.description == new.description)
            #expect(read.sourceURI == new.sourceURI)
            #expect(read.run?.id == new.runID)
            #expect(read.tags == new.tags)
            #expect(read.status == .ready)
            #expect(read.lifecycle == .none && read.lifecycleRaw == "None")
            #expect(read.createdAt == version.createdAt)
            created5.append(version)
        }
        #expect(try await adapter.version(model: name, version: "1")?.metrics == ["accuracy": 0.93])

        // Tags.
        try await adapter.setVersionTags(model: name, version: "1", tags: ["validated": "true", "owner": "gw"])
        #expect(
            try await adapter.version(model: name, version: "1")?.tags
                == ["framework": "sklearn", "validated": "true", "owner": "gw"])
        try await adapter.deleteVersionTag(model: name, version: "1", key: "owner")
        #expect(try await adapter.version(model: name, version: "1")?.tags == ["framework": "sklearn", "validated": "true"])

        // Aliases.
        try await adapter.setAlias(model: name, alias: "champion", version: "2")
        try await adapter.setAlias(model: name, alias: "temp", version: "3")
        #expect(try await adapter.version(model: name, version: "3")?.aliases == ["temp"])
        try await adapter.deleteAlias(model: name, alias: "temp")
        #expect(try await adapter.version(model: name, version: "2")?.aliases == ["champion"])
        #expect(try await adapter.version(model: name, version: "3")?.aliases == [])

        // Stages.
        try await adapter.setLifecycle(model: name, version: "3", lifecycle: .production)
        try await adapter.setLifecycle(model: name, version: "4", lifecycle: .rejected)
        try await adapter.setLifecycle(model: name, version: "5", lifecycle: .approved)
        let v3 = try #require(try await adapter.version(model: name, version: "3"))
        let v4 = try #require(try await adapter.version(model: name, version: "4"))
        let v5 = try #require(try await adapter.version(model: name, version: "5"))
        #expect((v3.lifecycle, v3.lifecycleRaw) == (.production, "Production"))
        #expect((v4.lifecycle, v4.lifecycleRaw) == (.archived, "Archived"))
        #expect((v5.lifecycle, v5.lifecycleRaw) == (.staging, "Staging"))

        // Description.
        _ = try await adapter.client.updateModelVersion(name: name, version: "2", description: "v2 later")
        #expect(try await adapter.version(model: name, version: "2")?.description == "v2 later")

        // A second model produced by the same run, and a version naming a run that does not exist.
        let second = "mg-\(id)-second"
        _ = try await adapter.createModel(name: second, description: nil, tags: [:])
        _ = try await adapter.createVersion(NewVersion(model: second, sourceURI: "runs:/\(runID)/model", runID: runID))
        let ghostRun = "ffffffff\(id)ffffffffffffffff"
        _ = try await adapter.createVersion(NewVersion(model: second, sourceURI: "s3://bucket/ghost", runID: ghostRun))

        // A full listing at page size 2.
        let runRead = "GET /api/2.0/mlflow/runs/get?run_id=\(runID)"
        let runReadsBefore = counting.count { $0 == runRead }
        let snapshots = try await adapter.allSnapshots()
        let names = snapshots.map(\.model.name)
        #expect(Set(names).count == names.count, "a model listed twice")
        let snapshot = try #require(snapshots.first { $0.model.name == name })
        #expect(snapshot.errors.isEmpty)
        #expect(snapshot.model.tags == ["owner": "gw"])
        #expect(snapshot.model.description == "fraud detector")
        #expect(snapshot.versions.map(\.version) == ["1", "2", "3", "4", "5"])
        let byVersion = Dictionary(uniqueKeysWithValues: snapshot.versions.map { ($0.version, $0) })
        #expect(byVersion["1"]?.tags == ["framework": "sklearn", "validated": "true"])
        #expect(byVersion["1"]?.run?.id == runID)
        #expect(byVersion["1"]?.metrics == ["accuracy": 0.93])
        #expect(byVersion["2"]?.aliases == ["champion"])
        #expect(byVersion["2"]?.description == "v2 later")
        #expect(byVersion["2"]?.run == nil)
        #expect(byVersion["3"]?.lifecycle == .production)
        #expect(byVersion["4"]?.lifecycle == .archived)
        #expect(byVersion["5"]?.lifecycleRaw == "Staging")
        #expect(byVersion["5"]?.sourceURI == "s3://bucket/\(id)/v5")
        for version in snapshot.versions {
            #expect(version.raw?["version"]?.stringValue == version.version)
        }

        let edges = Set(snapshot.lineage.map { "\($0.from) \($0.relation.rawValue) \($0.to)" })
        let runNode = LineageEdge.runNode("mlflow-real", runID)
        #expect(edges.contains("\(LineageEdge.versionNode("mlflow-real", name, "1")) produced_by \(runNode)"))
        #expect(edges.contains("\(runNode) used dataset:iris-\(id)@d41d8cd9"))
        #expect(edges.contains("\(runNode) built_from commit:\(sha)"))
        #expect(snapshot.lineage.filter { $0.relation == .versionOf }.count == 5)

        // The second model: the shared run's lineage, and the missing run as a per-version error.
        let secondSnapshot = try #require(snapshots.first { $0.model.name == second })
        #expect(secondSnapshot.versions.map(\.version) == ["1", "2"])
        #expect(secondSnapshot.errors.map(\.version) == ["2"])
        #expect(secondSnapshot.errors.first?.message.contains(ghostRun) == true)
        #expect(secondSnapshot.lineage.contains { $0.relation == .builtFrom && $0.to == "commit:\(sha)" })

        // Paging and the run cache, counted on the wire.
        let searchURL = adapter.client.url("model-versions/search", query: [("filter", MLflowClient.nameFilter(name))])
        let searchPrefix = "GET " + searchURL.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" } + "&"
        let searches = counting.count { $0.hasPrefix(searchPrefix) }
        #expect(searches == 3)
        // Two models name the run; the listing reads it once.
        #expect(counting.count { $0 == runRead } - runReadsBefore == 1)
    }

    @Test func namesWithQuotesAreListedWithAllTheirVersions() async throws {
        let id = PeerEnvironment.uniqueID()
        let names = ["mg-\(id)-it's", #"mg-\#(id)-q'b"c"#]
        for name in names {
            _ = try await adapter.createModel(name: name, description: nil, tags: [:])
            for index in 1...3 {
                _ = try await adapter.createVersion(NewVersion(model: name, sourceURI: "s3://bucket/\(id)/\(index)"))
            }
        }
        let snapshots = try await adapter.allSnapshots()
        for name in names {
            let snapshot = try #require(snapshots.first { $0.model.name == name }, "\(name) not listed")
            #expect(snapshot.versions.map(\.version) == ["1", "2", "3"])
            #expect(snapshot.errors.isEmpty)
        }
    }

    @Test func missingObjectsAndRefusalsComeBackAsTypedErrors() async throws {
        let id = PeerEnvironment.uniqueID()
        let name = "mg-\(id)-errors"
        _ = try await adapter.createModel(name: name, description: nil, tags: [:])
        #expect(try await adapter.model(name: "mg-\(id)-nope") == nil)
        #expect(try await adapter.version(model: name, version: "99") == nil)

        let duplicate = try await #require(throws: RegistryError.self) {
            try await adapter.createModel(name: name, description: nil, tags: [:])
        }
        #expect(duplicate.code == .conflict)
        #expect(duplicate.providerCode == "RESOURCE_ALREADY_EXISTS")
        #expect(duplicate.description.contains("mlflow-real"))
        #expect(duplicate.description.contains("registered-models/create"))

        _ = try await adapter.createVersion(NewVersion(model: name, sourceURI: "s3://bucket/\(id)"))
        let reserved = try await #require(throws: RegistryError.self) {
            try await adapter.setAlias(model: name, alias: "latest", version: "1")
        }
        #expect(reserved.code == .invalidRequest)
        #expect(reserved.providerCode == "INVALID_PARAMETER_VALUE")

        let noModel = try await #require(throws: RegistryError.self) {
            try await adapter.createVersion(NewVersion(model: "mg-\(id)-nope", sourceURI: "s3://b/m"))
        }
        #expect(noModel.code == .notFound)
        #expect(noModel.httpStatus == 404)

        let wrongMethod = try await #require(throws: RegistryError.self) {
            try await adapter.client.call(.POST, "model-versions/search", body: ["filter": .string("name='\(name)'")])
        }
        #expect(wrongMethod.httpStatus == 405)
        #expect(wrongMethod.message.contains("Method Not Allowed"))
    }
}

@Suite(.serialized, .peerPresent(RealMLflow.isAuthAvailable, "the basic-auth MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"), .peerRequired(RealMLflow.isAuthAvailable, "the basic-auth MLflow server (scripts/peers/mlflow.sh start --with-auth DIR)"))
struct MLflowBasicAuthTests {
    func adapter(password: String) throws -> MLflowAdapter {
        let url = try #require(PeerEnvironment.mlflowAuthURL)
        let user = try #require(PeerEnvironment.mlflowAuthUser)
        let transport = TransportStack.make(
            base: CurlTransport(), authorizer: BasicAuthorizer(username: user, password: password))
        return MLflowAdapter(registry: "mlflow-auth", baseURL: url, transport: transport, pageSize: 50)
    }

    @Test func validCredentialsReadAndWrite() async throws {
        let adapter = try adapter(password: try #require(PeerEnvironment.mlflowAuthPassword))
        let name = "mg-\(PeerEnvironment.uniqueID())-auth"
        _ = try await adapter.createModel(name: name, description: "behind basic auth", tags: ["k": "v"])
        _ = try await adapter.createVersion(NewVersion(model: name, sourceURI: "s3://bucket/auth"))
        try await adapter.setAlias(model: name, alias: "prod", version: "1")
        let snapshots = try await adapter.allSnapshots()
        let snapshot = try #require(snapshots.first { $0.model.name == name })
        #expect(snapshot.model.description == "behind basic auth")
        #expect(snapshot.versions.map(\.aliases) == [["prod"]])
    }

    @Test func aWrongPasswordIsUnauthorizedAndNamesTheRegistry() async throws {
        let password = try #require(PeerEnvironment.mlflowAuthPassword)
        let wrong = "not-" + password
        let adapter = try adapter(password: wrong)
        let error = try await #require(throws: RegistryError.self) {
            try await adapter.listSnapshots(cursor: nil, since: nil)
        }
        #expect(error.code == .unauthorized)
        #expect(error.httpStatus == 401)
        #expect(error.registry == "mlflow-auth")
        #expect(error.description.contains("mlflow-auth"))
        #expect(error.message.contains("not authenticated"))
        #expect(!error.description.contains(wrong))
    }
}
