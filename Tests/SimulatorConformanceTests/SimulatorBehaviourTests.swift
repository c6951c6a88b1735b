import Foundation
import Hummingbird
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateSigning
import ModelGateSimulators
import ModelGateTransport
import Testing

/// What the conformance suites cannot reach: the simulators' SigV4 and basic-auth refusals, their faults, their
/// seeding from normalized data, the AWS behaviours moto lacks, and their place in `SimulatedCloud`.
@Suite("MLflow and SageMaker simulators")
struct SimulatorBehaviourTests {
    static let keyID = "AKIASIMULATORTEST001"
    static let secret = "c2ltdWxhdG9yLXNlY3JldC1mb3ItdGVzdHM"

    static func sageMakerYAML(_ endpoint: String, secret: String = secret, keyID: String = keyID, attempts: Int = 1) -> String {
        """
        registries:
          - name: sm
            kind: sagemaker
            region: us-east-1
            endpoint: \(endpoint)
            page_size: 2
            auth: {type: aws, access_key_id: "\(keyID)", secret_access_key: "\(secret)"}
            retry: {max_attempts: \(attempts), base: 1ms, cap: 5ms}
        conflicts:
          serving_image: {sm: "\(SageMakerSimulator.defaultServingImage)"}

        """
    }

    static func mlflowYAML(_ url: String, password: String, attempts: Int = 1) -> String {
        """
        registries:
          - name: mlflow
            kind: mlflow
            url: \(url)
            page_size: 2
            auth: {type: basic, username: admin, password: "\(password)"}
            retry: {max_attempts: \(attempts), base: 1ms, cap: 5ms}

        """
    }

    static func serve<T>(_ add: (Router<BasicRequestContext>) -> Void, _ body: (SimulatorHost) async throws -> T) async throws -> T {
        let router = Router()
        add(router)
        return try await SimulatorHost.with(router, body)
    }

    /// A raw request to the SageMaker simulator, signed with `secret` for `signedBody` but sending `body`.
    static func signedRequest(
        _ url: String, operation: String, body: String, signedBody: String? = nil, secret: String = secret, date: Date = Date()
    ) throws -> TransportRequest {
        let headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "SageMaker.\(operation)")]
        let signer = SigV4Signer(accessKeyID: keyID, secretAccessKey: secret, region: "us-east-1", service: "sagemaker")
        let signature = try signer.sign(
            method: "POST", url: url, headers: headers.map { (name: $0.0, value: $0.1) },
            body: Array((signedBody ?? body).utf8), amzDate: SigV4Signer.amzDate(from: date))
        return TransportRequest(
            method: .POST, url: url, headers: headers.map { (name: $0.0, value: $0.1) } + signature.headers,
            body: Array(body.utf8), registry: "sm", operation: operation)
    }

    // MARK: - SigV4

    @Test func sageMakerVerifiesSignatures() async throws {
        let simulator = SageMakerSimulator(keys: [Self.keyID: Self.secret], pathPrefix: "/sagemaker")
        try await Self.serve({ simulator.addRoutes(to: $0) }) { host in
            let endpoint = host.baseURL + "/sagemaker"
            // The right key works (through config, connector and SigV4Authorizer).
            let good = try Configured(yaml: Self.sageMakerYAML(endpoint), environment: [:])
            let page = try await good.adapter("sm").listSnapshots(cursor: nil, since: nil)
            #expect(page.snapshots.isEmpty)

            // A wrong secret and an unknown key are refused with AWS's JSON errors.
            for (yaml, type) in [
                (Self.sageMakerYAML(endpoint, secret: "wrong-secret"), "InvalidSignatureException"),
                (Self.sageMakerYAML(endpoint, keyID: "AKIAUNKNOWN000000000"), "UnrecognizedClientException"),
            ] {
                let adapter = try Configured(yaml: yaml, environment: [:]).adapter("sm")
                let error = try await #require(throws: RegistryError.self) { try await adapter.listSnapshots(cursor: nil, since: nil) }
                #expect(error.code == .unauthorized)
                #expect(error.httpStatus == 403)
                #expect(error.providerCode == type)
            }

            let curl = CurlTransport()
            let url = endpoint + "/"
            // A body changed after signing, a stale date, no signature at all.
            let tampered = try Self.signedRequest(
                url, operation: "ListModelPackageGroups", body: #"{"MaxResults": 5}"#, signedBody: #"{"MaxResults": 6}"#)
            let stale = try Self.signedRequest(
                url, operation: "ListModelPackageGroups", body: "{}", date: Date().addingTimeInterval(-600))
            let unsigned = TransportRequest(
                method: .POST, url: url, headers: [("X-Amz-Target", "SageMaker.ListModelPackageGroups")], body: Array("{}".utf8))
            for (request, type, text) in [
                (tampered, "InvalidSignatureException", "does not match"), (stale, "InvalidSignatureException", "Signature expired"),
                (unsigned, "MissingAuthenticationTokenException", "Missing Authentication Token"),
            ] {
                let response = try await curl.send(request)
                #expect(response.status == 403)
                #expect(response.header("x-amzn-ErrorType") == type)
                let json = try JSONValue.parse(Data(response.body))
                #expect(json["__type"]?.stringValue == type)
                #expect(json["message"]?.stringValue?.contains(text) == true, "\(response.bodyText)")
            }
            let fine = try await curl.send(try Self.signedRequest(url, operation: "ListModelPackageGroups", body: "{}"))
            #expect(fine.status == 200)
            let unknown = try await curl.send(try Self.signedRequest(url, operation: "Nonsense", body: "{}"))
            #expect(unknown.status == 400)
            #expect(unknown.header("x-amzn-ErrorType") == "UnknownOperationException")

            // Revoked keys: everything is refused.
            simulator.revokeAllKeys()
            let refused = try await curl.send(try Self.signedRequest(url, operation: "ListModelPackageGroups", body: "{}"))
            #expect(refused.status == 403)
        }
    }

    // MARK: - AWS behaviours moto lacks

    @Test func sageMakerFollowsTheAWSAPI() async throws {
        let simulator = SageMakerSimulator(keys: [Self.keyID: Self.secret])
        try await Self.serve({ simulator.addRoutes(to: $0) }) { host in
            let url = host.baseURL + "/"
            let curl = CurlTransport()
            func call(_ operation: String, _ body: String) async throws -> (Int, JSONValue) {
                let response = try await curl.send(try Self.signedRequest(url, operation: operation, body: body))
                return (response.status, (try? JSONValue.parse(Data(response.body))) ?? .null)
            }
            #expect(try await call("CreateModelPackageGroup", #"{"ModelPackageGroupName":"bad_name"}"#).0 == 400)
            #expect(try await call("CreateModelPackageGroup", #"{"ModelPackageGroupName":"g1"}"#).0 == 200)
            let again = try await call("CreateModelPackageGroup", #"{"ModelPackageGroupName":"g1"}"#)
            #expect(again.0 == 400)
            #expect(again.1["message"]?.stringValue?.contains("already exists") == true)
            #expect(try await call("ListModelPackageGroups", #"{"MaxResults":1000}"#).0 == 400)

            // ClientToken: the same token twice is one version.
            let body = #"{"ModelPackageGroupName":"g1","ClientToken":"tok-1","CustomerMetadataProperties":{"a":"1","b":"2"},"SourceUri":"s3://b/m"}"#
            let first = try await call("CreateModelPackage", body)
            let second = try await call("CreateModelPackage", body)
            #expect(first.0 == 200)
            #expect(first.1["ModelPackageArn"] == second.1["ModelPackageArn"])
            #expect(simulator.packagesJSON(group: "g1").count == 1)

            // UpdateModelPackage merges; DescribeModelPackage takes group/version; SourceUri is kept.
            let arn = try #require(first.1["ModelPackageArn"]?.stringValue)
            let update = #"{"ModelPackageArn":"\#(arn)","ModelApprovalStatus":"Approved","CustomerMetadataProperties":{"c":"3"},"CustomerMetadataPropertiesToRemove":["a"]}"#
            #expect(try await call("UpdateModelPackage", update).0 == 200)
            let described = try await call("DescribeModelPackage", #"{"ModelPackageName":"g1/1"}"#)
            #expect(described.0 == 200)
            #expect(described.1["ModelApprovalStatus"]?.stringValue == "Approved")
            #expect(described.1["CustomerMetadataProperties"] == ["b": "2", "c": "3"])
            #expect(described.1["SourceUri"]?.stringValue == "s3://b/m")
            #expect(described.1["LastModifiedTime"]?.doubleValue != nil)

            // Search honours time filters and paging.
            let created = try #require(described.1["CreationTime"]?.doubleValue)
            let later = Timestamp.format(Date(timeIntervalSince1970: created + 3600))
            let none = try await call(
                "Search", #"{"Resource":"ModelPackage","SearchExpression":{"Filters":[{"Name":"CreationTime","Operator":"GreaterThanOrEqualTo","Value":"\#(later)"}]}}"#)
            #expect(none.1["Results"]?.arrayValue?.count == 0)
            let all = try await call("Search", #"{"Resource":"ModelPackage","MaxResults":1}"#)
            #expect(all.1["Results"]?.arrayValue?.count == 1)

            // Deletes work (moto answers 500); a group with packages is not deleted.
            #expect(try await call("DeleteModelPackageGroup", #"{"ModelPackageGroupName":"g1"}"#).0 == 400)
            #expect(try await call("DeleteModelPackage", #"{"ModelPackageName":"\#(arn)"}"#).0 == 200)
            #expect(try await call("DeleteModelPackageGroup", #"{"ModelPackageGroupName":"g1"}"#).0 == 200)
            #expect(simulator.groupNames.isEmpty)
        }
    }

    /// The adapter's incremental listing uses `Search` with time filters, which moto cannot answer (it falls back to
    /// full listings there): against the simulator only the changed package's group comes back.
    @Test func sageMakerSearchServesIncrementalListings() async throws {
        let simulator = SageMakerSimulator(keys: [Self.keyID: Self.secret])
        let old = Date().addingTimeInterval(-7200)
        simulator.seed(
            versions: ["grp-a", "grp-b"].map {
                ModelVersion(registry: "sm", kind: .sagemaker, model: $0, version: "1", sourceURI: "s3://b/\($0)", createdAt: old)
            })
        try await Self.serve({ simulator.addRoutes(to: $0) }) { host in
            let adapter = try Configured(yaml: Self.sageMakerYAML(host.baseURL), environment: [:]).adapter("sm")
            try await adapter.setLifecycle(model: "grp-b", version: "1", lifecycle: .approved)
            let since = Timestamp.milliseconds(Date().addingTimeInterval(-3600))
            let page = try await adapter.listSnapshots(cursor: nil, since: since)
            #expect(page.snapshots.map(\.model.name) == ["grp-b"])
            #expect(page.snapshots.first?.versions.map(\.lifecycle) == [.approved])
            #expect(simulator.requestLog.contains("Search"))
            #expect(!simulator.requestLog.contains("ListModelPackages"))
        }
    }

    // MARK: - MLflow basic auth

    @Test func mlflowChecksBasicAuthLikeTheBasicAuthApp() async throws {
        let simulator = MLflowSimulator(users: ["admin": "pw"])
        try await Self.serve({ simulator.addRoutes(to: $0) }) { host in
            let url = host.baseURL + "/api/2.0/mlflow/registered-models/search"
            let basic = "Basic " + Data("admin:pw".utf8).base64EncodedString()
            let wrong = "Basic " + Data("admin:nope".utf8).base64EncodedString()
            let curl = CurlTransport()
            for (authorization, status) in [(basic, 200), (wrong, 401), ("Bearer pw", 401), (nil, 401)] {
                let headers = authorization.map { [(name: "Authorization", value: $0)] } ?? []
                let response = try await curl.send(TransportRequest(url: url, headers: headers))
                #expect(response.status == status, "\(authorization ?? "none")")
                if status == 401 { #expect(response.bodyText == MLflowSimulator.unauthenticatedText) }
            }
            #expect(simulator.requestLog == ["GET registered-models/search"])
        }
        // Without users it is an open server.
        let open = MLflowSimulator()
        try await Self.serve({ open.addRoutes(to: $0) }) { host in
            let response = try await CurlTransport().send(
                TransportRequest(url: host.baseURL + "/api/2.0/mlflow/registered-models/search"))
            #expect(response.status == 200 && response.bodyText == "{}")
        }
    }

    // MARK: - Faults

    @Test func faultsAreAnsweredTheRegistriesWay() async throws {
        let sm = SageMakerSimulator(keys: [Self.keyID: Self.secret], faults: FaultInjector(FaultPlan(throttle: 1)))
        try await Self.serve({ sm.addRoutes(to: $0) }) { host in
            let response = try await CurlTransport().send(
                try Self.signedRequest(host.baseURL + "/", operation: "ListModelPackageGroups", body: "{}"))
            #expect(response.status == 400)
            #expect(response.header("x-amzn-ErrorType") == "ThrottlingException")
            #expect(try JSONValue.parse(Data(response.body))["__type"]?.stringValue == "ThrottlingException")
        }
        let mlflow = MLflowSimulator(faults: FaultInjector(FaultPlan(throttle: 1, retryAfterSeconds: 2)))
        try await Self.serve({ mlflow.addRoutes(to: $0) }) { host in
            let response = try await CurlTransport().send(
                TransportRequest(url: host.baseURL + "/api/2.0/mlflow/registered-models/search"))
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "2")
            #expect(try JSONValue.parse(Data(response.body))["error_code"]?.stringValue == "REQUEST_LIMIT_EXCEEDED")
        }
    }

    /// Normalized truth seeded into both simulators; with 20% of requests faulted, the adapters (with retries)
    /// still read exactly that truth.
    @Test func seededTruthSurvivesFaults() async throws {
        let versions = (1...5).map { i in
            ModelVersion(
                registry: "x", kind: .mlflow, model: "fraud-detector", version: "\(i)", description: "v\(i)",
                lifecycle: i == 5 ? .production : (i == 4 ? .rejected : .none), aliases: i == 5 ? ["champion"] : [],
                tags: ["k": "\(i)"], sourceURI: "s3://models/fraud/\(i)", run: RunReference(id: "run-\(i)"),
                metrics: ["auc": 0.9])
        }
        let model = RegistryModel(registry: "x", kind: .mlflow, name: "fraud-detector", description: "fraud", tags: ["team": "risk"])
        let plan = FaultPlan.mixed(0.2, seed: 7)

        let mlflow = MLflowSimulator(users: ["admin": "pw"], faults: FaultInjector(plan))
        mlflow.seed(models: [model], versions: versions)
        mlflow.seedRun(
            id: "run-1", metrics: ["auc": 0.8], tags: ["mlflow.source.git.commit": "abc123"],
            datasets: [MLflowSeedDataset(name: "transactions", digest: "d1", source: "s3://data/tx")])
        try await Self.serve({ mlflow.addRoutes(to: $0) }) { host in
            let adapter = try Configured(yaml: Self.mlflowYAML(host.baseURL, password: "pw", attempts: 10), environment: [:])
                .adapter("mlflow")
            let snapshots = try await adapter.allSnapshots()
            let snapshot = try #require(snapshots.first)
            #expect(snapshots.count == 1)
            #expect(snapshot.model.description == "fraud" && snapshot.model.tags == ["team": "risk"])
            #expect(snapshot.versions.map(\.version) == ["1", "2", "3", "4", "5"])
            let five = try #require(snapshot.versions.last)
            #expect(five.aliases == ["champion"] && five.lifecycle == .production && five.tags == ["k": "5"])
            #expect(five.sourceURI == "s3://models/fraud/5" && five.run?.id == "run-5" && five.metrics == ["auc": 0.9])
            #expect(snapshot.versions[3].lifecycle == .archived)  // rejected is seeded as MLflow's Archived
            // The run seeded with a dataset and a commit gives lineage edges.
            let relations = Set(snapshot.lineage.map(\.relation.rawValue))
            #expect(relations.isSuperset(of: ["version_of", "produced_by", "used", "built_from"]), "\(relations)")
            #expect(snapshot.versions.first?.metrics == ["auc": 0.8])
            #expect((mlflow.faults.injected.values.reduce(0, +)) > 0)

            let wrong = try Configured(yaml: Self.mlflowYAML(host.baseURL, password: "nope", attempts: 10), environment: [:])
            mlflow.faults.plan = .none
            let error = try await #require(throws: RegistryError.self) {
                try await wrong.adapter("mlflow").listSnapshots(cursor: nil, since: nil)
            }
            #expect(error.code == .unauthorized && error.httpStatus == 401)
        }

        let sm = SageMakerSimulator(keys: [Self.keyID: Self.secret], faults: FaultInjector(plan))
        sm.seed(models: [model], versions: versions)
        try await Self.serve({ sm.addRoutes(to: $0) }) { host in
            let adapter = try Configured(yaml: Self.sageMakerYAML(host.baseURL, attempts: 10), environment: [:]).adapter("sm")
            let snapshots = try await adapter.allSnapshots()
            let snapshot = try #require(snapshots.first)
            #expect(snapshots.count == 1)
            #expect(snapshot.model.description == "fraud" && snapshot.model.tags == ["team": "risk"])
            #expect(snapshot.versions.map(\.version) == ["1", "2", "3", "4", "5"])
            let five = try #require(snapshot.versions.last)
            #expect(five.lifecycle == .approved && five.tags == ["k": "5"] && five.sourceURI == "s3://models/fraud/5")
            #expect(five.run?.id == "run-5")
            #expect(snapshot.versions[3].lifecycle == .rejected && snapshot.versions[0].lifecycle == .none)
            #expect((sm.faults.injected.values.reduce(0, +)) > 0)
        }
    }

    // MARK: - SimulatedCloud

    @Test func simulatedCloudServesMLflowAndSageMakerThroughItsConfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-cloud-\(UUID().uuidString)")
        let cloud = try await SimulatedCloud.start(directory: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let yaml = "registries:\n" + cloud.registriesYAML() + "conflicts:\n  serving_image: {sagemaker: \"\(SageMakerSimulator.defaultServingImage)\"}\n"
            let registries = try Configured(yaml: yaml, environment: cloud.environment)
            #expect(registries.config.registries.map(\.name).sorted() == ["azureml", "gitlab", "mlflow", "sagemaker", "vertex", "wandb"])
            for name in ["mlflow", "sagemaker"] {
                let adapter = try registries.adapter(name)
                _ = try await adapter.createModel(name: "demo-\(name)", description: "d", tags: [:])
                _ = try await adapter.createVersion(NewVersion(model: "demo-\(name)", sourceURI: "s3://b/\(name)", tags: ["k": "v"]))
                let snapshots = try await adapter.allSnapshots()
                #expect(snapshots.map(\.model.name) == ["demo-\(name)"])
                #expect(snapshots.first?.versions.map(\.sourceURI) == ["s3://b/\(name)"])
            }
            #expect(cloud.mlflow.modelNames == ["demo-mlflow"])
            #expect(cloud.sageMaker.groupNames == ["demo-sagemaker"])
            // The other simulators still answer on the same host.
            let gitLab = try registries.adapter("gitlab")
            #expect(try await gitLab.allSnapshots().isEmpty)
        } catch {
            await cloud.stop()
            throw error
        }
        await cloud.stop()
    }
}
