import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import SageMakerAdapter
import Testing

/// The write side against `FakeSageMaker`: what is sent, and what is refused before anything is sent.
struct SageMakerWriteTests {
    @Test func createModelKeepsAValidNameAndReadsTheGroupBack() async throws {
        let fake = FakeSageMaker()
        let model = try await makeAdapter(fake).createModel(
            name: "fraud-detector", description: "fraud", tags: ["team": "risk"])
        #expect(model.name == "fraud-detector")
        #expect(model.description == "fraud")
        #expect(model.tags == ["team": "risk"])
        let create = try #require(fake.calls("CreateModelPackageGroup").first)
        #expect(create.body["ModelPackageGroupName"] == "fraud-detector")
        #expect(create.body["Tags"] == [["Key": "team", "Value": "risk"]])
        #expect(create.request.retrySafe == false)
    }

    @Test func createModelMapsAnInvalidNameAndRecordsTheOriginal() async throws {
        let fake = FakeSageMaker()
        let adapter = makeAdapter(fake)
        let model = try await adapter.createModel(name: "fraud_detector", description: nil, tags: [:])
        #expect(model.name == SageMakerNames.groupName(for: "fraud_detector"))
        #expect(model.name.hasPrefix("fraud-detector-"))
        #expect(model.tags == ["modelgate.original_name": "fraud_detector"])
        #expect(try await adapter.model(name: "fraud_detector")?.name == model.name, "reads map the name too")

        let odd = try await adapter.createModel(name: "risk, fraud #2", description: "d", tags: [:])
        #expect(odd.tags == [:], "',' and '#' cannot be in a tag value")
        #expect(odd.description == "d [modelgate.original_name: risk, fraud #2]")
    }

    @Test func createModelRefusesAnExistingGroupWithoutReplacingIt() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g", description: "first", tags: ["k": "v"])
        let error = try await #require(throws: RegistryError.self) {
            _ = try await makeAdapter(fake).createModel(name: "g", description: "second", tags: [:])
        }
        #expect(error.code == .conflict)
        #expect(error.message == "model package group 'g' already exists")
        #expect(fake.calls("CreateModelPackageGroup").isEmpty)
    }

    @Test func createModelRefusesTagsSageMakerCannotHold() async throws {
        let fake = FakeSageMaker()
        let error = try await #require(throws: RegistryError.self) {
            _ = try await makeAdapter(fake).createModel(name: "g", description: nil, tags: ["a#b": "x"])
        }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("tag 'a#b'"))
        #expect(fake.calls.isEmpty, "refused before anything is sent")
    }

    @Test func createVersionSendsAClientTokenTheRunAndTheMetadataAndReadsBack() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        let adapter = makeAdapter(fake, servingImage: "123.dkr.ecr.us-east-1.amazonaws.com/serve:1")
        let created = try await adapter.createVersion(
            NewVersion(
                model: "g", version: "ignored", description: "first", sourceURI: "s3://b/m.tar.gz",
                runID: "training-job/t1",
                tags: ["modelgate.source": "mlflow-prod:fraud@7"]))
        #expect(created.version == "1")
        #expect(created.sourceURI == "s3://b/m.tar.gz")
        #expect(created.run?.id == "training-job/t1")
        #expect(created.tags == ["modelgate.source": "mlflow-prod:fraud@7"])
        #expect(created.lifecycle == .pendingApproval)
        #expect(created.description == "first")

        let create = try #require(fake.calls("CreateModelPackage").first)
        #expect(create.request.retrySafe, "the ClientToken makes a repeat harmless")
        #expect(create.body["ClientToken"] == "00000000-0000-4000-8000-000000000001")
        #expect(create.body["ModelPackageGroupName"] == "g")
        #expect(create.body["ModelPackageName"] == nil, "a versioned package names only its group")
        #expect(create.body["ModelApprovalStatus"] == "PendingManualApproval")
        #expect(
            create.body["InferenceSpecification"]
                == [
                    "Containers": [
                        ["Image": "123.dkr.ecr.us-east-1.amazonaws.com/serve:1", "ModelDataUrl": "s3://b/m.tar.gz"]
                    ]
                ])
        #expect(create.body["SourceUri"] == nil)
        #expect(create.body["MetadataProperties"] == ["GeneratedBy": "training-job/t1"])
        #expect(create.body["CustomerMetadataProperties"] == ["modelgate.source": "mlflow-prod:fraud@7"])

        // The same token again (a retry that reached the server twice) creates nothing new.
        let again = try await adapter.createVersion(NewVersion(model: "g", sourceURI: "s3://b/m.tar.gz"))
        #expect(again.version == "1")
    }

    @Test func withoutAServingImageTheArtifactGoesInSourceUri() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        let created = try await makeAdapter(fake).createVersion(NewVersion(model: "g", sourceURI: "runs:/abc/model"))
        #expect(created.sourceURI == "runs:/abc/model")
        let create = try #require(fake.calls("CreateModelPackage").first)
        #expect(create.body["SourceUri"] == "runs:/abc/model")
        #expect(create.body["InferenceSpecification"] == nil)

        let withImage = makeAdapter(fake, servingImage: "img", clientToken: "00000000-0000-4000-8000-000000000002")
        let gs = try await withImage.createVersion(NewVersion(model: "g", sourceURI: "gs://bucket/model"))
        #expect(gs.sourceURI == "gs://bucket/model", "a scheme a container cannot hold goes in SourceUri")
    }

    @Test func createVersionRefusesWhatSageMakerCannotHold() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        let adapter = makeAdapter(fake)
        for (new, expected) in [
            (NewVersion(model: "g", tags: ["wandb-tag": ""]), "the value of metadata key 'wandb-tag'"),
            (
                NewVersion(model: "g", tags: Dictionary(uniqueKeysWithValues: (1...51).map { ("k\($0)", "v") })),
                "at most 50"
            ),
            (NewVersion(model: "g", sourceURI: "s3://b/a+b"), "does not fit"),
            (NewVersion(model: "g", description: String(repeating: "d", count: 1025)), "1024"),
        ] {
            let error = try await #require(throws: RegistryError.self) { _ = try await adapter.createVersion(new) }
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains(expected), "\(error.message)")
        }
        #expect(fake.calls("CreateModelPackage").isEmpty)
    }

    @Test func versionTagsAreMergedAndSentAsTheFullMapWithTheCurrentApproval() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        fake.addPackage(
            "g",
            [
                "ModelApprovalStatus": "Approved", "ApprovalDescription": "ok",
                "CustomerMetadataProperties": ["a": "1", "b": "2"],
            ])
        let adapter = makeAdapter(fake)
        try await adapter.setVersionTags(model: "g", version: "1", tags: ["b": "20", "c": "3"])
        let update = try #require(fake.calls("UpdateModelPackage").last)
        #expect(update.body["CustomerMetadataProperties"] == ["a": "1", "b": "20", "c": "3"])
        #expect(update.body["ModelApprovalStatus"] == "Approved", "resent so that moto does not clear it")
        #expect(update.body["ApprovalDescription"] == "ok")
        #expect(update.request.retrySafe)
        #expect(try await adapter.version(model: "g", version: "1")?.tags == ["a": "1", "b": "20", "c": "3"])

        try await adapter.setVersionTags(model: "g", version: "1", tags: ["a": "1"])
        #expect(fake.calls("UpdateModelPackage").count == 1, "nothing changes, nothing is sent")

        try await adapter.deleteVersionTag(model: "g", version: "1", key: "b")
        let removal = try #require(fake.calls("UpdateModelPackage").last)
        #expect(removal.body["CustomerMetadataPropertiesToRemove"] == ["b"])
        #expect(removal.body["CustomerMetadataProperties"] == ["a": "1", "c": "3"])
        #expect(try await adapter.version(model: "g", version: "1")?.tags == ["a": "1", "c": "3"])
        try await adapter.deleteVersionTag(model: "g", version: "1", key: "absent")
        #expect(fake.calls("UpdateModelPackage").count == 2)
    }

    @Test func setLifecycleSetsTheApprovalAndResendsTheMetadata() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        fake.addPackage("g", ["CustomerMetadataProperties": ["a": "1"]])
        let adapter = makeAdapter(fake)
        for (lifecycle, approval) in [
            (Lifecycle.approved, "Approved"), (.rejected, "Rejected"), (.staging, "PendingManualApproval"),
            (.production, "Approved"), (.archived, "Rejected"),
        ] {
            try await adapter.setLifecycle(model: "g", version: "1", lifecycle: lifecycle)
            let update = try #require(fake.calls("UpdateModelPackage").last)
            #expect(update.body["ModelApprovalStatus"] == .string(approval))
            #expect(update.body["CustomerMetadataProperties"] == ["a": "1"])
            #expect(try await adapter.version(model: "g", version: "1")?.lifecycleRaw == approval)
        }
    }

    @Test func writesToAMissingVersionAreNotFound() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g")
        let error = try await #require(throws: RegistryError.self) {
            try await makeAdapter(fake).setLifecycle(model: "g", version: "9", lifecycle: .approved)
        }
        #expect(error.code == .notFound)
        #expect(error.message == "model package g/9 does not exist")
        #expect(try await makeAdapter(fake).version(model: "g", version: "x") == nil)
        #expect(try await makeAdapter(fake).model(name: "nope") == nil)
    }

    @Test func aServerWithoutShortPackageNamesIsAskedForTheARN() async throws {
        let fake = FakeSageMaker(acceptsShortPackageNames: false)  // moto
        fake.addGroup("Mixed-Case")
        fake.addPackage("Mixed-Case")
        fake.addPackage("Mixed-Case", ["ModelPackageDescription": "second"])
        let version = try await makeAdapter(fake, pageSize: 1).version(model: "Mixed-Case", version: "2")
        #expect(version?.description == "second")
        #expect(
            fake.calls("DescribeModelPackage").map { $0.body["ModelPackageName"] } == [
                "Mixed-Case/2", "arn:aws:sagemaker:us-east-1:123456789012:model-package/mixed-case/2",
            ])
        #expect(try await makeAdapter(fake).version(model: "Mixed-Case", version: "3") == nil)
    }

    @Test func aliasesAreRefusedClearly() async throws {
        let fake = FakeSageMaker()
        let adapter = makeAdapter(fake)
        let set = try await #require(throws: RegistryError.self) {
            try await adapter.setAlias(model: "g", alias: "champion", version: "1")
        }
        #expect(set.code == .invalidRequest)
        #expect(
            set.description
                == "sm-test: set alias 'champion' on g@1 failed: SageMaker Model Registry has no aliases (capabilities.aliases is false)"
        )
        let delete = try await #require(throws: RegistryError.self) {
            try await adapter.deleteAlias(model: "g", alias: "champion")
        }
        #expect(delete.code == .invalidRequest)
        #expect(fake.calls.isEmpty)
    }

    @Test func modelTagsAreAddedToTheGroup() async throws {
        let fake = FakeSageMaker()
        fake.addGroup("g", tags: ["a": "1"])
        let adapter = makeAdapter(fake)
        try await adapter.setModelTags(model: "g", tags: ["b": "2", "a": "10"])
        #expect(try await adapter.model(name: "g")?.tags == ["a": "10", "b": "2"])
        #expect(fake.calls("AddTags").first?.request.retrySafe == true)
    }
}
