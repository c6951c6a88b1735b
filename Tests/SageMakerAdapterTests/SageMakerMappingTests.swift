import Foundation
import ModelGateCore
import SageMakerAdapter
import Testing

/// Native SageMaker objects → the normalized model (DESIGN §2, sagemaker column), and the name rules.
struct SageMakerMappingTests {
    let observedAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aDescribedPackageMapsEveryCoreField() throws {
        let raw = try json(SageMakerFixtures.describeFull)
        let wire = try SageMakerModelPackage(json: raw)
        let version = SageMakerMapping.version(wire, registry: "sm")
        #expect(version.registry == "sm")
        #expect(version.kind == .sagemaker)
        #expect(version.model == "fraud-detector")
        #expect(version.version == "3")
        #expect(version.description == "gradient boosting, retrained")
        #expect(version.status == .ready)
        #expect(version.lifecycle == .approved)
        #expect(version.lifecycleRaw == "Approved")
        #expect(version.aliases == [])
        #expect(version.tags == ["team": "risk", "modelgate.source": "mlflow-prod:fraud@7"])
        #expect(version.sourceURI == "s3://models/fraud/3/model.tar.gz", "the first container's ModelDataUrl wins")
        #expect(version.artifactDigest == nil)
        #expect(version.run == RunReference(id: "arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-42"))
        #expect(version.metrics == [:], "ModelMetrics are S3 pointers, not values")
        #expect(
            Timestamp.milliseconds(try #require(version.createdAt)) == 1_795_707_138_285, "CreationTime is in seconds")
        #expect(Timestamp.milliseconds(try #require(version.updatedAt)) == 1_795_707_200_500)
        #expect(version.createdBy == "arn:aws:iam::123456789012:user/alice")
        #expect(version.deleted == false)
        #expect(version.raw == raw, "the native answer is kept unmodified")
        #expect(version.raw?["ModelLifeCycle"]?["Stage"] == "Staging", "the free-form stage stays raw")
        #expect(wire.stage == "Staging")
        #expect(wire.modelCardStatus == "Draft")
        #expect(wire.lastModifiedBy == "bob")
    }

    @Test(arguments: [
        ("PendingManualApproval", Lifecycle.pendingApproval), ("Approved", .approved), ("Rejected", .rejected),
    ])
    func approvalStatusMapsToLifecycle(_ approval: String, _ lifecycle: Lifecycle) throws {
        let wire = try SageMakerModelPackage(
            json: try json(SageMakerFixtures.describeMinimal).setting("ModelApprovalStatus", .string(approval)))
        let version = SageMakerMapping.version(wire, registry: "sm")
        #expect(version.lifecycle == lifecycle)
        #expect(version.lifecycleRaw == approval)
    }

    @Test func noApprovalIsLifecycleNone() throws {
        let version = SageMakerMapping.version(
            try SageMakerModelPackage(json: try json(SageMakerFixtures.describeMinimal)), registry: "sm")
        #expect(version.lifecycle == Lifecycle.none)
        #expect(version.lifecycleRaw == nil)
        #expect(version.sourceURI == nil)
        #expect(version.run == nil)
        #expect(version.tags == [:])
        #expect(version.updatedAt == nil)
        #expect(version.description == nil)
    }

    @Test func lifecycleIsWrittenAsTheApprovalOfDESIGNSection5() {
        #expect(SageMakerMapping.approvalStatus(for: .production) == "Approved")
        #expect(SageMakerMapping.approvalStatus(for: .approved) == "Approved")
        #expect(SageMakerMapping.approvalStatus(for: .staging) == "PendingManualApproval")
        #expect(SageMakerMapping.approvalStatus(for: .pendingApproval) == "PendingManualApproval")
        #expect(SageMakerMapping.approvalStatus(for: .none) == "PendingManualApproval")
        #expect(SageMakerMapping.approvalStatus(for: .rejected) == "Rejected")
        #expect(SageMakerMapping.approvalStatus(for: .archived) == "Rejected")
        for lifecycle in [Lifecycle.approved, .rejected, .pendingApproval] {
            #expect(SageMakerMapping.lifecycle(approval: SageMakerMapping.approvalStatus(for: lifecycle)) == lifecycle)
        }
    }

    @Test func packageStatusMapsToVersionStatus() {
        #expect(SageMakerMapping.status("Completed") == .ready)
        #expect(SageMakerMapping.status(nil) == .ready)
        #expect(SageMakerMapping.status("Pending") == .pending)
        #expect(SageMakerMapping.status("InProgress") == .pending)
        #expect(SageMakerMapping.status("Failed") == .failed)
        #expect(SageMakerMapping.status("Deleting") == .failed)
        #expect(SageMakerMapping.status("SomethingNew") == .pending)
    }

    @Test func theArtifactComesFromModelDataSourceThenSourceUri() throws {
        let minimal = try json(SageMakerFixtures.describeMinimal)
        let s3Source = minimal.setting(
            "InferenceSpecification",
            [
                "Containers": [
                    [
                        "Image": "img",
                        "ModelDataSource": [
                            "S3DataSource": [
                                "S3Uri": "s3://b/prefix/", "S3DataType": "S3Prefix", "CompressionType": "None",
                            ]
                        ],
                    ]
                ]
            ])
        #expect(
            SageMakerMapping.version(try SageMakerModelPackage(json: s3Source), registry: "sm").sourceURI
                == "s3://b/prefix/")
        let sourceOnly = minimal.setting("SourceUri", "runs:/abc/model")
        #expect(
            SageMakerMapping.version(try SageMakerModelPackage(json: sourceOnly), registry: "sm").sourceURI
                == "runs:/abc/model")
        let containerWins = s3Source.setting("SourceUri", "runs:/abc/model")
        #expect(
            SageMakerMapping.version(try SageMakerModelPackage(json: containerWins), registry: "sm").sourceURI
                == "s3://b/prefix/")
    }

    @Test func creationTimeAcceptsIntegersAndRFC3339() throws {
        let integer = try SageMakerModelPackage(json: try json(SageMakerFixtures.describeMinimal))
        #expect(integer.creationTime == Date(timeIntervalSince1970: 1_795_707_138))
        let text = try SageMakerModelPackage(
            json: try json(SageMakerFixtures.describeMinimal).setting("CreationTime", "2026-11-26T15:32:18.285Z"))
        #expect(Timestamp.milliseconds(try #require(text.creationTime)) == 1_795_707_138_285)
    }

    @Test func malformedPackagesNameTheField() throws {
        let minimal = try json(SageMakerFixtures.describeMinimal)
        #expect(throws: SageMakerDecodingError(field: "ModelPackageVersion", reason: "missing")) {
            try SageMakerModelPackage(json: minimal.setting("ModelPackageVersion", nil))
        }
        #expect(throws: SageMakerDecodingError(field: "ModelPackageGroupName", reason: "missing or empty")) {
            try SageMakerModelPackage(json: minimal.setting("ModelPackageGroupName", ""))
        }
        #expect(throws: SageMakerDecodingError(field: "CreationTime", reason: "expected a timestamp, got true")) {
            try SageMakerModelPackage(json: minimal.setting("CreationTime", true))
        }
        #expect(
            throws: SageMakerDecodingError(field: "CustomerMetadataProperties.k", reason: "expected a string, got 3")
        ) {
            try SageMakerModelPackage(json: minimal.setting("CustomerMetadataProperties", ["k": 3]))
        }
        #expect(
            throws: SageMakerDecodingError(
                field: "InferenceSpecification.Containers[0].ModelDataUrl", reason: "expected a string, got 1")
        ) {
            try SageMakerModelPackage(
                json: minimal.setting("InferenceSpecification", ["Containers": [["ModelDataUrl": 1]]]))
        }
    }

    @Test func aGroupMapsToAModel() throws {
        let raw = try json(
            #"{"ModelPackageGroupName":"fraud-detector","ModelPackageGroupArn":"arn:aws:sagemaker:us-east-1:1:model-package-group/fraud-detector","ModelPackageGroupDescription":"fraud","CreationTime":1795707000.5,"ModelPackageGroupStatus":"Completed"}"#
        )
        let model = SageMakerMapping.model(
            try SageMakerModelPackageGroup(json: raw), tags: ["team": "risk"], registry: "sm")
        #expect(model.name == "fraud-detector")
        #expect(model.displayName == "fraud-detector")
        #expect(model.description == "fraud")
        #expect(model.tags == ["team": "risk"])
        #expect(Timestamp.milliseconds(try #require(model.createdAt)) == 1_795_707_000_500)
        #expect(model.updatedAt == nil, "groups have no LastModifiedTime")
        #expect(model.raw == raw)
    }

    @Test func packagesAssertVersionRunCommitAndCloneLineage() throws {
        let wire = try SageMakerModelPackage(json: try json(SageMakerFixtures.describeFull))
        let edges = SageMakerMapping.edges(wire, registry: "sm", observedAt: observedAt)
        let version = "version:sm:fraud-detector@3"
        let run = "run:sm:arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-42"
        #expect(
            edges.map { "\($0.from) \($0.relation.rawValue) \($0.to)" } == [
                "\(version) version_of model:sm:fraud-detector",
                "\(version) produced_by \(run)",
                "\(run) built_from commit:0123abcd",
                "\(version) derived_from version:sm:fraud-detector@2",
            ])
        #expect(
            edges[1].properties == [
                "generated_by": "arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-42",
                "project_id": "p-123",
            ])
        #expect(edges[2].properties == ["sha": "0123abcd", "repository": "https://git.example.com/risk/fraud"])
        #expect(edges.allSatisfy { $0.assertedBy == "sm" && $0.observedAt == observedAt })

        #expect(edges[0].properties == ["project_id": "p-123"])

        let bare = try SageMakerModelPackage(
            json: try json(SageMakerFixtures.describeMinimal).setting("MetadataProperties", ["CommitId": "feed"]))
        #expect(SageMakerMapping.edges(bare, registry: "sm", observedAt: observedAt)[0].properties == [:])
        let projectOnly = try SageMakerModelPackage(
            json: try json(SageMakerFixtures.describeMinimal).setting("MetadataProperties", ["ProjectId": "p-9"]))
        let projectEdges = SageMakerMapping.edges(projectOnly, registry: "sm", observedAt: observedAt)
        #expect(projectEdges.map(\.relation) == [.versionOf], "a project alone names no run and no commit")
        #expect(projectEdges[0].properties == ["project_id": "p-9"])
        #expect(
            SageMakerMapping.edges(bare, registry: "sm", observedAt: observedAt).map {
                "\($0.from) \($0.relation.rawValue) \($0.to)"
            } == [
                "version:sm:g@1 version_of model:sm:g", "version:sm:g@1 built_from commit:feed",
            ])
    }

    @Test func packageARNsAreRecognised() {
        func reference(_ arn: String) -> String? {
            SageMakerMapping.packageReference(arn: arn).map { "\($0.group)@\($0.version)" }
        }
        #expect(reference("arn:aws:sagemaker:us-east-1:123456789012:model-package/g-1/12") == "g-1@12")
        #expect(reference("arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/g/1") == "g@1")
        #expect(SageMakerMapping.packageReference(arn: "arn:aws:sagemaker:us-east-1:1:model-package-group/g") == nil)
        #expect(
            SageMakerMapping.packageReference(arn: "arn:aws:sagemaker:us-east-1:1:model-package/unversioned") == nil)
        #expect(SageMakerMapping.packageReference(arn: "s3://bucket/model") == nil)
    }

    // MARK: Names

    @Test func validGroupNamesAreKept() {
        for name in ["a", "fraud-detector", "A1-b2--c3", String(repeating: "x", count: 63)] {
            #expect(SageMakerNames.isValidGroupName(name), "\(name)")
            #expect(SageMakerNames.groupName(for: name) == name)
        }
        for name in ["", "-a", "a-", "a_b", "a.b", "a b", "é", String(repeating: "x", count: 64)] {
            #expect(!SageMakerNames.isValidGroupName(name), "\(name)")
        }
    }

    @Test func otherNamesMapDeterministicallyToValidDistinctNames() {
        let mapped = SageMakerNames.groupName(for: "fraud_detector")
        #expect(mapped.hasPrefix("fraud-detector-"))
        #expect(mapped.count == "fraud-detector-".count + 8)
        #expect(SageMakerNames.isValidGroupName(mapped))
        #expect(SageMakerNames.groupName(for: "fraud_detector") == mapped, "deterministic")
        #expect(SageMakerNames.groupName(for: mapped) == mapped, "idempotent")
        #expect(
            SageMakerNames.groupName(for: "fraud.detector") != mapped,
            "names differing in replaced characters do not collide")

        let cases = ["__", "--x--", "ünïcode name", "team/model:v2", String(repeating: "long_", count: 30), "1.0"]
        for name in cases {
            let result = SageMakerNames.groupName(for: name)
            #expect(SageMakerNames.isValidGroupName(result), "\(name) → \(result)")
            #expect(result.count <= 63)
        }
        #expect(SageMakerNames.groupName(for: "__").hasPrefix("m-"))
        #expect(SageMakerNames.groupName(for: "team/model:v2").hasPrefix("team-model-v2-"))
    }

    @Test func tagRulesFollowTheAPIPatterns() {
        #expect(SageMakerNames.isValidTagValue("mlflow-prod:fraud@7"))
        #expect(SageMakerNames.isValidTagValue(""))
        #expect(SageMakerNames.isValidTagValue("a b_c.d/e=f+g"))
        #expect(!SageMakerNames.isValidTagValue("a,b"))
        #expect(!SageMakerNames.isValidTagValue("a#b"))
        #expect(SageMakerNames.isValidTagKey("modelgate.original_name"))
        #expect(!SageMakerNames.isValidTagKey(""))
        #expect(!SageMakerNames.isValidTagKey(String(repeating: "k", count: 129)))
    }
}
