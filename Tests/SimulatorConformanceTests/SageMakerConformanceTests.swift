import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTransport
import SageMakerAdapter
import ModelGateTestKit
import Testing

/// The same requests against moto (signature checks on, `scripts/peers/moto.sh`) and `SageMakerSimulator`, through
/// the SageMaker adapter and its client built from config, compared step by step. Where moto departs from the AWS
/// API the simulator follows AWS and the step is left out here; those differences are listed in
/// `Sources/ModelGateSimulators/SageMaker/README.md` and tested against the simulator alone.
@Suite("SageMaker simulator conformance", .peerPresent(Conformance.motoAvailable, "moto (scripts/peers/moto.sh start DIR)"), .peerRequired(Conformance.motoAvailable, "moto (scripts/peers/moto.sh start DIR)"))
struct SageMakerConformanceTests {
    static let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"
    /// The `DescribeModelPackage` fields the adapter reads; the step reports which are present.
    static let packageFields = [
        "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription", "CreationTime",
        "InferenceSpecification", "ModelPackageStatus", "ModelApprovalStatus", "MetadataProperties",
        "CustomerMetadataProperties", "ApprovalDescription", "SourceUri",
    ]

    static func config(endpoint: String, keyID: String, secret: String) -> String {
        """
        registries:
          - name: sm
            kind: sagemaker
            region: us-east-1
            endpoint: \(endpoint)
            page_size: 2
            auth: {type: aws, access_key_id: "\(keyID)", secret_access_key: "\(secret)"}
            retry: {max_attempts: 2, base: 10ms, cap: 50ms}
          - name: wrong-secret
            kind: sagemaker
            region: us-east-1
            endpoint: \(endpoint)
            auth: {type: aws, access_key_id: "\(keyID)", secret_access_key: "not-the-secret"}
            retry: {max_attempts: 1}
          - name: unknown-key
            kind: sagemaker
            region: us-east-1
            endpoint: \(endpoint)
            auth: {type: aws, access_key_id: "AKIAUNKNOWNKEY000000", secret_access_key: "whatever"}
            retry: {max_attempts: 1}
        conflicts:
          serving_image: {sm: "\(image)"}

        """
    }

    static func script(_ registries: Configured, prefix: String) async throws -> Transcript {
        let adapter = try registries.adapter("sm")
        let connection = try registries.connection("sm")
        let client = SageMakerClient(registry: "sm", endpoint: connection.baseURL, transport: connection.transport)
        let group = "\(prefix)-main"
        var t = Transcript(replacements: [(prefix, "P")])
        func arn(_ version: Int) -> String {
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/\(group)/\(version)"
        }

        // Groups: create, get, already exists, missing.
        await t.step("create model") { describe(try await adapter.createModel(name: group, description: "first", tags: ["team": "ml"])) }
        await t.step("create model again") { describe(try await adapter.createModel(name: group, description: nil, tags: [:])) }
        await t.step("get model") { describe(try await adapter.model(name: group)) }
        await t.step("get missing model") { describe(try await adapter.model(name: "\(prefix)-missing")) }
        await t.step("describe missing group", message: "does not exist") {
            _ = try await client.describeModelPackageGroup(name: "\(prefix)-missing")
            return "found"
        }
        await t.step("group tags") { describe(try await client.listTags(arn: "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/\(group)")) }
        await t.step("add group tags") {
            _ = try await client.addTags(arn: "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/\(group)", tags: ["owner": "gw"])
            return describe(try await adapter.model(name: group))
        }

        // Versions: five, in pages of two.
        for i in 1...5 {
            await t.step("create version \(i)") {
                describe(
                    try await adapter.createVersion(
                        NewVersion(
                            model: group, description: "v\(i)", sourceURI: "s3://bucket/\(prefix)/\(i)", runID: "job-\(i)",
                            tags: ["k": "\(i)"])))
            }
        }
        await t.step("create version in a missing group", message: "does not exist") {
            _ = try await client.createModelPackage(
                group: "\(prefix)-missing", clientToken: "t-\(prefix)", description: nil, approvalStatus: "PendingManualApproval",
                inferenceSpecification: nil, sourceURI: nil, metadataProperties: [:], customerMetadata: [:])
            return "created"
        }
        await t.step("snapshot across package pages") { describe(try await adapter.snapshot(model: group)) }
        await t.step("list packages in pages of 2") {
            var pages: [String] = []
            var token: String?
            repeat {
                let page = try await client.listModelPackages(group: group, maxResults: 2, nextToken: token)
                pages.append(page.items.compactMap { $0["ModelPackageVersion"]?.int64Value.map(String.init) }.joined(separator: ","))
                token = page.nextToken
            } while token != nil && pages.count < 10
            return pages.joined(separator: " | ")
        }
        await t.step("list packages of a missing group") {
            let page = try await client.listModelPackages(group: "\(prefix)-missing", maxResults: 10)
            return "\(page.items.count) \(page.nextToken ?? "-")"
        }
        await t.step("describe version 2") {
            let package = try await client.describeModelPackage(name: arn(2))
            return "\(package.groupName) \(package.version) \(package.approvalStatus ?? "-")"
        }
        await t.step("fields of a package") {
            let json = try await client.call("DescribeModelPackage", ["ModelPackageName": .string(arn(2))], retrySafe: true)
            let object = json.objectValue ?? [:]
            let present = Self.packageFields.filter { object[$0] != nil }
            let creation = object["CreationTime"].map { $0.doubleValue != nil ? "number" : "other" } ?? "-"
            let spec = object["InferenceSpecification"]?["Containers"]?.arrayValue?.first?.objectValue?.keys.sorted() ?? []
            return present.joined(separator: ",") + " CreationTime:\(creation) container:\(spec)"
        }
        await t.step("fields of a group") {
            let json = try await client.call(
                "DescribeModelPackageGroup", ["ModelPackageGroupName": .string(group)], retrySafe: true)
            let keys = ["ModelPackageGroupName", "ModelPackageGroupArn", "ModelPackageGroupDescription", "CreationTime",
                "ModelPackageGroupStatus"]
            return keys.filter { json[$0] != nil }.joined(separator: ",")
        }
        await t.step("get version 2") { describe(try await adapter.version(model: group, version: "2")) }
        await t.step("get missing version") { describe(try await adapter.version(model: group, version: "99")) }
        await t.step("describe missing package", message: "not found|does not exist") {
            _ = try await client.describeModelPackage(name: arn(99))
            return "found"
        }

        // Tags (CustomerMetadataProperties), approvals.
        await t.step("set version tags") {
            try await adapter.setVersionTags(model: group, version: "1", tags: ["a": "x", "b": "y"])
            return describe(try await adapter.version(model: group, version: "1"))
        }
        await t.step("delete version tag") {
            try await adapter.deleteVersionTag(model: group, version: "1", key: "a")
            return describe(try await adapter.version(model: group, version: "1"))
        }
        for (version, lifecycle) in [("1", Lifecycle.approved), ("2", .rejected), ("3", .production), ("1", .pendingApproval)] {
            await t.step("lifecycle \(version) → \(lifecycle.rawValue)") {
                try await adapter.setLifecycle(model: group, version: version, lifecycle: lifecycle)
                return describe(try await adapter.version(model: group, version: version))
            }
        }
        await t.step("bogus approval status", message: "modelApprovalStatus") {
            try await client.updateModelPackage(
                arn: arn(1), approvalStatus: "Bogus", approvalDescription: nil, customerMetadata: ["k": "1"])
            return "updated"
        }
        await t.step("update missing package", message: "not found|does not exist") {
            try await client.updateModelPackage(
                arn: arn(99), approvalStatus: "Approved", approvalDescription: nil, customerMetadata: ["k": "1"])
            return "updated"
        }
        await t.step("aliases") {
            try await adapter.setAlias(model: group, alias: "champion", version: "1")
            return "set"
        }
        await t.step("snapshot after the changes") { describe(try await adapter.snapshot(model: group)) }
        await t.step("approved packages only") {
            let json = try await client.call(
                "ListModelPackages",
                [
                    "ModelPackageGroupName": .string(group), "ModelPackageType": "Versioned", "ModelApprovalStatus": "Approved",
                    "SortBy": "CreationTime", "SortOrder": "Ascending",
                ],
                retrySafe: true)
            return (json["ModelPackageSummaryList"]?.arrayValue ?? []).compactMap { $0["ModelPackageVersion"]?.int64Value }
                .map(String.init).joined(separator: ",")
        }

        // Credentials.
        await t.step("wrong secret", providerCode: false) {
            _ = try await registries.adapter("wrong-secret").listSnapshots(cursor: nil, since: nil)
            return "listed"
        }
        await t.step("unknown access key", providerCode: false) {
            _ = try await registries.adapter("unknown-key").listSnapshots(cursor: nil, since: nil)
            return "listed"
        }
        return t
    }

    @Test func motoAndSimulatorAnswerAlike() async throws {
        let url = try #require(PeerEnvironment.motoURL)
        let keyID = try #require(PeerEnvironment.awsAccessKeyID)
        let secret = try #require(PeerEnvironment.awsSecretAccessKey)
        let real = try Configured(yaml: Self.config(endpoint: url, keyID: keyID, secret: secret), environment: [:])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mg-conf-\(UUID().uuidString)")
        let cloud = try await SimulatedCloud.start(directory: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let simulated = try Configured(
                yaml: Self.config(
                    endpoint: cloud.host.baseURL + SimulatedCloud.sageMakerPath, keyID: cloud.awsAccessKeyID,
                    secret: cloud.awsSecretAccessKey),
                environment: [:])
            let prefix = PeerEnvironment.unique("conf")
            let onPeer = try await Self.script(real, prefix: prefix)
            let onSimulator = try await Self.script(simulated, prefix: prefix)
            expectConformance(real: onPeer, simulated: onSimulator, peer: "moto")
            if ProcessInfo.processInfo.environment["MODELGATE_CONFORMANCE_PRINT"] != nil {
                print(onSimulator.lines.joined(separator: "\n"))
            }
        } catch {
            await cloud.stop()
            throw error
        }
        await cloud.stop()
    }
}
