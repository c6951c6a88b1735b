import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateCore
import ModelGateCredentials
import ModelGateServices
import ModelGateTransport
import SageMakerAdapter
import ModelGateTestKit
import Testing

/// The adapter and the sync engine against moto with SigV4 verification on (`scripts/peers/moto.sh`).
///
/// Every test has its own groups (`mg-<random>-…`) and its own in-memory catalog; `OwnGroups` hides the
/// groups of other tests from the listing. Page size 2, so listings span several pages of groups and of
/// packages. Stays out of moto's gaps: no deletes, no `BatchDescribeModelPackage`.
@Suite(.serialized, .peerPresent(Moto.isAvailable, "moto (scripts/peers/moto.sh start DIR)"), .peerRequired(Moto.isAvailable, "moto (scripts/peers/moto.sh start DIR)"), .timeLimit(.minutes(5)))
struct SageMakerMotoTests {
    // MARK: Full sync

    @Test func aFullSyncStoresEveryGroupAndPackageWithApprovalMetadataArtifactsAndLineage() async throws {
        let h = try MotoHarness()
        let alpha = h.name("alpha")
        let beta = h.name("beta")
        let gamma = h.name("gamma")
        let trainingJob = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-\(h.id)"
        let started = Date()

        _ = try await h.adapter.createModel(name: alpha, description: "fraud detector", tags: ["team": "risk"])
        // v1: a ModelDataSource artifact and full MetadataProperties, sent through the client.
        _ = try await h.adapter.client.createModelPackage(
            group: alpha, clientToken: UUID().uuidString, description: "alpha v1",
            approvalStatus: "PendingManualApproval",
            inferenceSpecification: [
                "Containers": [
                    [
                        "Image": .string(MotoHarness.servingImage),
                        "ModelDataSource": [
                            "S3DataSource": [
                                "S3Uri": .string("s3://models/\(h.id)/alpha/1/"), "S3DataType": "S3Prefix",
                                "CompressionType": "None",
                            ]
                        ],
                    ]
                ]
            ],
            sourceURI: nil,
            metadataProperties: [
                "GeneratedBy": trainingJob, "CommitId": "0123abcd\(h.id)",
                "Repository": "https://git.example.com/risk/fraud",
            ],
            customerMetadata: ["framework": "xgboost"])
        for index in 2...5 {
            _ = try await h.adapter.createVersion(
                NewVersion(
                    model: alpha, description: "alpha v\(index)",
                    sourceURI: "s3://models/\(h.id)/alpha/\(index).tar.gz",
                    runID: index == 2 ? trainingJob : nil, tags: index == 3 ? ["validated": "true"] : [:]))
        }
        try await h.seed("beta", versions: 3)
        _ = try await h.adapter.createModel(name: gamma, description: nil, tags: [:])
        _ = try await h.adapter.client.createModelPackage(
            group: gamma, clientToken: UUID().uuidString, description: "no approval sent", approvalStatus: nil,
            inferenceSpecification: nil, sourceURI: nil, metadataProperties: [:], customerMetadata: [:])
        try await h.adapter.setLifecycle(model: alpha, version: "2", lifecycle: .approved)
        try await h.adapter.setLifecycle(model: alpha, version: "3", lifecycle: .rejected)
        try await h.adapter.setLifecycle(model: beta, version: "1", lifecycle: .production)

        let report = await h.sync()
        #expect(report.status == .ok, "\(report.summary)")
        #expect(report.complete)
        #expect(report.created == 9)
        #expect(report.updated == 0)
        #expect(report.deleted == 0)
        #expect(report.errors.isEmpty)
        #expect(report.pages >= 2, "three groups at two per page")
        #expect(report.requests > 0)
        #expect(h.recorder.count("Search") == 0, "a first sync lists everything")

        let stored = try await h.catalogVersions()
        #expect(
            stored.map { "\($0.model)@\($0.version)" } == (1...5).map { "\(alpha)@\($0)" }
                + (1...3).map { "\(beta)@\($0)" } + ["\(gamma)@1"])
        let byKey = Dictionary(uniqueKeysWithValues: stored.map { ("\($0.model)@\($0.version)", $0) })
        let summaries = try await h.catalog.models(ModelQuery(registry: h.registry)).items
        #expect(summaries.map(\.name) == [alpha, beta, gamma])
        #expect(summaries.map(\.versionCount) == [5, 3, 1])

        // Every approval status, kept raw.
        let lifecycles = [
            "\(alpha)@1": ("pending_approval", "PendingManualApproval"), "\(alpha)@2": ("approved", "Approved"),
            "\(alpha)@3": ("rejected", "Rejected"), "\(beta)@1": ("approved", "Approved"), "\(gamma)@1": ("none", nil),
        ]
        for (key, (lifecycle, raw)) in lifecycles {
            #expect(byKey[key]?.lifecycle.rawValue == lifecycle, "\(key)")
            #expect(byKey[key]?.lifecycleRaw == raw, "\(key)")
        }
        let rejected = try await h.catalog.versions(VersionQuery(registry: h.registry, lifecycle: .rejected)).items
        #expect(rejected.map { "\($0.model)@\($0.version)" } == ["\(alpha)@3"])

        // Metadata, artifacts, descriptions, run, times, status.
        let first = try #require(byKey["\(alpha)@1"])
        #expect(first.tags == ["framework": "xgboost"])
        #expect(first.sourceURI == "s3://models/\(h.id)/alpha/1/", "ModelDataSource.S3DataSource.S3Uri")
        #expect(first.run?.id == trainingJob)
        #expect(first.description == "alpha v1")
        #expect(first.status == .ready)
        #expect(byKey["\(alpha)@3"]?.tags == ["validated": "true"], "approval updates kept the metadata")
        #expect(byKey["\(alpha)@4"]?.sourceURI == "s3://models/\(h.id)/alpha/4.tar.gz", "the container's ModelDataUrl")
        #expect(byKey["\(alpha)@4"]?.run == nil)
        #expect(byKey["\(beta)@2"]?.description == "v2")
        let created = try #require(first.createdAt)
        #expect(abs(created.timeIntervalSince(started)) < 120, "CreationTime is read as seconds")
        #expect(byKey["\(alpha)@2"]?.updatedAt != nil, "LastModifiedTime after an update")
        #expect(first.raw?["ModelPackageArn"]?.stringValue?.hasSuffix("/1") == true)
        let alphaModel = try #require(try await h.catalog.model(registry: h.registry, name: alpha))
        #expect(alphaModel.tags == ["team": "risk"])
        #expect(alphaModel.description == "fraud detector")

        // Lineage: version → model, version → training job → commit.
        let versionNode = LineageEdge.versionNode(h.registry, alpha, "1")
        let runNode = LineageEdge.runNode(h.registry, trainingJob)
        let versionEdges = Set(
            try await h.catalog.lineageEdges(touching: versionNode).map { "\($0.relation.rawValue) \($0.to)" })
        #expect(versionEdges == ["produced_by \(runNode)", "version_of \(LineageEdge.modelNode(h.registry, alpha))"])
        let runEdges = Set(
            try await h.catalog.lineageEdges(touching: runNode).map { "\($0.from) \($0.relation.rawValue) \($0.to)" })
        #expect(runEdges.contains("\(runNode) built_from commit:0123abcd\(h.id)"))
        #expect(runEdges.contains("\(LineageEdge.versionNode(h.registry, alpha, "2")) produced_by \(runNode)"))

        // The change log holds only `created` rows.
        for (model, count) in [(alpha, 5), (beta, 3), (gamma, 1)] {
            let log = try await h.history(model)
            #expect(log.allSatisfy { $0.kind == .created }, "\(log)")
            #expect(log.compactMap(\.version) == (1...count).map(String.init), "\(model)")
        }
        #expect(try await h.catalog.registry(named: h.registry)?.lastSyncStatus == "ok")
    }

    // MARK: A change between syncs

    @Test func anApprovalChangedBetweenSyncsIsOneLifecycleChangedRow() async throws {
        let h = try MotoHarness()
        let group = try await h.seed("a", versions: 2)
        try await h.adapter.setVersionTags(model: group, version: "1", tags: ["owner": "risk", "stage": "shadow"])
        try await h.seed("b", versions: 1)

        let first = await h.sync()
        #expect(first.status == .ok, "\(first.summary)")
        #expect(first.created == 3)
        let before = try await h.history(group)

        try await h.adapter.setLifecycle(model: group, version: "1", lifecycle: .approved)
        let searchesBefore = h.recorder.count("Search")
        let second = await h.sync()
        #expect(second.status == .ok, "\(second.summary)")
        #expect(second.created == 0)
        #expect(second.updated == 1)
        #expect(second.unchanged == 2)
        #expect(second.errors.isEmpty)
        #expect(second.complete, "on moto the incremental sync falls back to a full walk, which is complete")
        #expect(
            h.recorder.count("Search") - searchesBefore == 2,
            "moto's Search: the search, then the probe; then the full listing")

        let after = try await h.history(group)
        let new = after.filter { entry in !before.contains { $0.id == entry.id } }
        #expect(new.count == 1, "\(new)")
        let row = try #require(new.first)
        #expect(row.kind == .lifecycleChanged)
        #expect(row.version == "1")
        #expect(row.field == "lifecycle")
        #expect(row.before == "pending_approval")
        #expect(row.after == "approved")
        #expect(row.source == .sync)
        let stored = try #require(try await h.catalog.version(registry: h.registry, model: group, version: "1"))
        #expect(stored.lifecycleRaw == "Approved")
        #expect(stored.tags == ["owner": "risk", "stage": "shadow"], "the update resent the metadata")

        let third = await h.sync()
        #expect(third.status == .ok, "\(third.summary)")
        #expect(third.created == 0 && third.updated == 0 && third.unchanged == 3, "\(third.summary)")
        #expect(try await h.history(group).count == after.count)
    }

    // MARK: Writes

    @Test func everyWriteIsReadBack() async throws {
        let h = try MotoHarness()
        let original = "mg_\(h.id).writes"
        let model = try await h.adapter.createModel(
            name: original, description: "written by modelgate", tags: ["team": "ml"])
        #expect(model.name == SageMakerNames.groupName(for: original))
        #expect(model.name.hasPrefix("mg-\(h.id)-writes-"))
        #expect(model.tags == ["team": "ml", "modelgate.original_name": original])
        let readModel = try #require(try await h.adapter.model(name: original))
        #expect(readModel.name == model.name)
        #expect(readModel.description == "written by modelgate")
        #expect(readModel.createdAt == model.createdAt)
        let conflict = try await #require(throws: RegistryError.self) {
            _ = try await h.adapter.createModel(name: original, description: "again", tags: [:])
        }
        #expect(conflict.code == .conflict)
        #expect(try await h.adapter.model(name: original)?.description == "written by modelgate", "not replaced")

        try await h.adapter.setModelTags(model: original, tags: ["team": "platform", "tier": "1"])
        #expect(try await h.adapter.model(name: model.name)?.tags["team"] == "platform")
        #expect(try await h.adapter.model(name: model.name)?.tags["tier"] == "1")

        let created = try await h.adapter.createVersion(
            NewVersion(
                model: original, description: "first", sourceURI: "s3://models/\(h.id)/w/1.tar.gz",
                runID: "training-job/w-\(h.id)",
                tags: ["modelgate.source": "mlflow-prod:fraud@7", "modelgate.copy_id": "c-\(h.id)"]))
        #expect(created.model == model.name)
        #expect(created.version == "1")
        let read = try #require(try await h.adapter.version(model: original, version: "1"))
        #expect(read.description == "first")
        #expect(read.sourceURI == "s3://models/\(h.id)/w/1.tar.gz")
        #expect(read.run?.id == "training-job/w-\(h.id)")
        #expect(read.tags == ["modelgate.source": "mlflow-prod:fraud@7", "modelgate.copy_id": "c-\(h.id)"])
        #expect(read.lifecycle == .pendingApproval)
        #expect(read.createdAt == created.createdAt)
        let second = try await h.adapter.createVersion(NewVersion(model: model.name, description: "second"))
        #expect(second.version == "2", "SageMaker numbers versions")

        try await h.adapter.setLifecycle(model: original, version: "1", lifecycle: .approved)
        try await h.adapter.setVersionTags(
            model: original, version: "1", tags: ["validated": "true", "modelgate.copy_id": "c2"])
        var now = try #require(try await h.adapter.version(model: original, version: "1"))
        #expect(
            now.tags == ["modelgate.source": "mlflow-prod:fraud@7", "modelgate.copy_id": "c2", "validated": "true"])
        #expect(now.lifecycle == .approved, "a tag update keeps the approval")
        try await h.adapter.deleteVersionTag(model: original, version: "1", key: "validated")
        now = try #require(try await h.adapter.version(model: original, version: "1"))
        #expect(now.tags == ["modelgate.source": "mlflow-prod:fraud@7", "modelgate.copy_id": "c2"])
        #expect(now.lifecycle == .approved)
        try await h.adapter.setLifecycle(model: original, version: "1", lifecycle: .rejected)
        now = try #require(try await h.adapter.version(model: original, version: "1"))
        #expect(now.lifecycle == .rejected)
        #expect(now.tags.count == 2, "a lifecycle update keeps the metadata")
        try await h.adapter.setLifecycle(model: original, version: "2", lifecycle: .production)
        #expect(try await h.adapter.version(model: original, version: "2")?.lifecycleRaw == "Approved")

        let alias = try await #require(throws: RegistryError.self) {
            try await h.adapter.setAlias(model: original, alias: "champion", version: "1")
        }
        #expect(alias.code == .invalidRequest)
        #expect(try await h.adapter.version(model: original, version: "3") == nil)
        #expect(try await h.adapter.model(name: h.name("never-created")) == nil)
    }

    // MARK: Credentials

    @Test func aWrongSecretKeyOrSessionTokenIsAClearErrorAndChangesNothing() async throws {
        let h = try MotoHarness()
        let group = try await h.seed("creds", versions: 2)
        let good = await h.sync()
        #expect(good.status == .ok, "\(good.summary)")
        let versionsBefore = try await h.catalogVersions()
        let historyBefore = try await h.history(group)
        #expect(versionsBefore.count == 2)

        let keyID = try #require(PeerEnvironment.awsAccessKeyID)
        let secret = try #require(PeerEnvironment.awsSecretAccessKey)
        let wrongSecret = "wrong" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let wrongToken = "bogus-session-token-" + UUID().uuidString
        let cases: [(AWSCredential, String)] = [
            (AWSCredential(accessKeyID: keyID, secretAccessKey: wrongSecret), "SignatureDoesNotMatch"),
            (
                AWSCredential(accessKeyID: keyID, secretAccessKey: secret, sessionToken: wrongToken),
                "InvalidClientTokenId"
            ),
        ]
        for (credential, code) in cases {
            let adapter = try MotoHarness.adapter(
                registry: h.registry, credentials: StaticAWSCredentialProvider(credential))
            let error = try await #require(throws: RegistryError.self) { _ = try await adapter.model(name: group) }
            #expect(error.code == .unauthorized)
            #expect(error.httpStatus == 403)
            #expect(error.providerCode == code)
            #expect(error.attempts == 1, "a refused signature is not retried")

            let report = await h.sync(adapter)
            #expect(report.status == .failed)
            let message = try #require(report.errors.last?.message)
            // The catalog has a watermark, so the sync starts incrementally: its first call is Search.
            #expect(message.hasPrefix("sm-moto: SageMaker.Search failed (HTTP 403): \(code): "), "\(message)")
            #expect(message.contains("Check the credentials configured for 'sm-moto'"))
            #expect(!message.contains("<"), "the XML is parsed, not dumped")
            #expect(!message.contains(wrongSecret) && !message.contains(wrongToken) && !message.contains(secret))
        }

        #expect(try await h.catalogVersions() == versionsBefore)
        #expect(try await h.history(group) == historyBefore)
        #expect(try await h.catalog.registry(named: h.registry)?.lastSyncStatus == "failed")
    }

    @Test func anExpiredCredentialIsRefusedBeforeAnythingIsSent() async throws {
        let h = try MotoHarness()
        let expiry = Date(timeIntervalSince1970: 1_800_000_000)
        let temporary = AWSCredential(
            accessKeyID: try #require(PeerEnvironment.awsAccessKeyID), secretAccessKey: try #require(PeerEnvironment.awsSecretAccessKey),
            expiration: expiry)
        let recorder = TargetRecorder(Moto.curl)
        let expired = try MotoHarness.adapter(
            registry: h.registry, credentials: StaticAWSCredentialProvider(temporary), base: recorder,
            now: { expiry.addingTimeInterval(1) })
        let error = try await #require(throws: RegistryError.self) { _ = try await expired.model(name: h.name("x")) }
        #expect(error.code == .credentials)
        #expect(error.message.contains("expired at 2027-01-15T08:00:00.000Z"), "\(error.message)")
        #expect(recorder.targets.isEmpty, "nothing reached moto")
        let report = await h.sync(expired)
        #expect(report.status == .failed)
        #expect(report.errors.last?.message.contains("expired") == true)
        #expect(try await h.catalogVersions().isEmpty)

        // The same credential a minute before it expires works: the refusal is the client's own (moto does
        // not check expiry).
        let valid = try MotoHarness.adapter(
            registry: h.registry, credentials: StaticAWSCredentialProvider(temporary), base: recorder,
            now: { expiry.addingTimeInterval(-60) })
        #expect(try await valid.model(name: h.name("x")) == nil)
        #expect(recorder.targets == ["SageMaker.DescribeModelPackageGroup"])
    }

    @Test func credentialsComeFromANamedProfileOfTheSharedCredentialsFile() async throws {
        let h = try MotoHarness()
        let group = try await h.seed("profile", versions: 1)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("mg-sm-home-\(h.id)")
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let file = """
            [default]
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = not-the-right-secret

            [mg-moto]
            aws_access_key_id = \(try #require(PeerEnvironment.awsAccessKeyID))
            aws_secret_access_key = \(try #require(PeerEnvironment.awsSecretAccessKey))
            """
        try file.write(to: home.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)

        // The profile named in the config; the environment's keys are not used then.
        let named = AWSCredentialChain.standard(
            profile: "mg-moto",
            environment: ["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00000", "AWS_SECRET_ACCESS_KEY": "x"],
            homeDirectory: home.path)
        let adapter = try MotoHarness.adapter(registry: h.registry, credentials: named)
        #expect(try await adapter.model(name: group)?.name == group)
        let report = await h.sync(adapter)
        #expect(report.status == .ok, "\(report.summary)")
        #expect(report.created == 1)

        // AWS_PROFILE selects the same profile.
        let fromEnvironment = AWSCredentialChain.standard(
            profile: nil, environment: ["AWS_PROFILE": "mg-moto"], homeDirectory: home.path)
        let viaEnvironment = try MotoHarness.adapter(registry: h.registry, credentials: fromEnvironment)
        #expect(try await viaEnvironment.version(model: group, version: "1")?.description == "v1")

        // The default profile holds other keys: moto refuses them.
        let defaults = AWSCredentialChain.standard(profile: nil, environment: [:], homeDirectory: home.path)
        let refused = try await #require(throws: RegistryError.self) {
            _ = try await MotoHarness.adapter(registry: h.registry, credentials: defaults).model(name: group)
        }
        #expect(refused.code == .unauthorized)

        // A profile that is not there is named, and nothing is sent.
        let missing = AWSCredentialChain.standard(profile: "absent", environment: [:], homeDirectory: home.path)
        let recorder = TargetRecorder(Moto.curl)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await MotoHarness.adapter(registry: h.registry, credentials: missing, base: recorder).model(
                name: group)
        }
        #expect(error.code == .credentials)
        #expect(error.message.contains("profile 'absent' was not found"))
        #expect(recorder.targets.isEmpty)
    }
}
