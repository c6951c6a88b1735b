import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import SageMakerAdapter
import Testing

/// Paging, per-object errors and incremental listing, against the in-memory `FakeSageMaker`.
struct SageMakerListingTests {
    /// alpha: 5 packages, beta: 3, gamma: 0; page size 2 everywhere.
    func seeded(searchHonoursTime: Bool = true) -> FakeSageMaker {
        let fake = FakeSageMaker(searchHonoursTime: searchHonoursTime)
        fake.addGroup("alpha", description: "fraud", tags: ["team": "risk"])
        fake.addGroup("beta")
        fake.addGroup("gamma")
        for index in 1...5 {
            fake.addPackage(
                "alpha",
                [
                    "ModelPackageDescription": .string("alpha v\(index)"),
                    "InferenceSpecification": [
                        "Containers": [["Image": "img", "ModelDataUrl": .string("s3://b/alpha/\(index).tar.gz")]]
                    ],
                    "CustomerMetadataProperties": ["n": .string(String(index))],
                ])
        }
        fake.addPackage("beta", ["ModelApprovalStatus": "Approved"])
        fake.addPackage(
            "beta", ["ModelApprovalStatus": "Rejected", "MetadataProperties": ["GeneratedBy": "training-job/t1"]])
        fake.addPackage("beta", ["ModelApprovalStatus": "PendingManualApproval"])
        return fake
    }

    @Test func aFullListingPagesGroupsAndPackagesAndDescribesEachPackage() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, pageSize: 2)
        let first = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(first.snapshots.map(\.model.name) == ["alpha", "beta"])
        #expect(first.errors.isEmpty)
        let next = try #require(first.next)
        let second = try await adapter.listSnapshots(cursor: next, since: nil)
        #expect(second.snapshots.map(\.model.name) == ["gamma"])
        #expect(second.next == nil)

        let alpha = first.snapshots[0]
        #expect(alpha.model.tags == ["team": "risk"])
        #expect(alpha.model.description == "fraud")
        #expect(alpha.versions.map(\.version) == ["1", "2", "3", "4", "5"])
        #expect(alpha.versions.map(\.sourceURI) == (1...5).map { "s3://b/alpha/\($0).tar.gz" })
        #expect(alpha.versions[2].tags == ["n": "3"])
        #expect(alpha.errors.isEmpty)
        #expect(alpha.lineage.filter { $0.relation == .versionOf }.count == 5)
        let beta = first.snapshots[1]
        #expect(beta.versions.map(\.lifecycle) == [.approved, .rejected, .pendingApproval])
        #expect(beta.versions[1].run?.id == "training-job/t1")
        #expect(second.snapshots[0].versions.isEmpty)

        let lists = fake.calls("ListModelPackages").filter { $0.body["ModelPackageGroupName"] == "alpha" }
        #expect(lists.map { $0.body["NextToken"] } == [nil, "tok-2", "tok-4"], "five packages at two per page")
        #expect(lists.allSatisfy { $0.body["MaxResults"] == 2 && $0.body["ModelPackageType"] == "Versioned" })
        #expect(fake.calls("ListModelPackageGroups").map { $0.body["MaxResults"] } == [2, 2])
        #expect(fake.calls("DescribeModelPackage").count == 8)
        #expect(fake.calls("ListTags").count == 3)
        #expect(fake.calls("Search").isEmpty, "no watermark, no Search")
    }

    @Test func thePageSizeIsCappedAtTheAPIMaximum() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, pageSize: 1000)
        #expect(adapter.pageSize == 100)
        let page = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(page.next == nil)
        #expect(
            fake.calls.allSatisfy {
                $0.body["MaxResults"] == nil || $0.body["MaxResults"] == 100 || $0.operation == "ListTags"
            })
        #expect(makeAdapter(fake, pageSize: nil).pageSize == 100)
        #expect(makeAdapter(fake, pageSize: 0).pageSize == 1)
    }

    @Test func aMalformedPackageIsAnErrorOfItsSnapshotAndTheRestIsKept() async throws {
        let fake = seeded()
        let broken = "arn:aws:sagemaker:us-east-1:123456789012:model-package/alpha/2"
        fake.modifyPackage(broken, ["CreationTime": "yesterday"])
        let page = try await makeAdapter(fake, pageSize: 10).listSnapshots(cursor: nil, since: nil)
        let alpha = try #require(page.snapshots.first { $0.model.name == "alpha" })
        #expect(alpha.versions.map(\.version) == ["1", "3", "4", "5"])
        #expect(alpha.errors.count == 1)
        #expect(alpha.errors.first?.model == "alpha")
        #expect(alpha.errors.first?.version == "2")
        #expect(alpha.errors.first?.message.contains("CreationTime: not a timestamp") == true)
        #expect(page.errors.isEmpty)
    }

    @Test func aMalformedGroupIsAPageErrorAndTheOtherGroupsAreListed() async throws {
        let fake = seeded()
        fake.inject(
            "ListModelPackageGroups",
            FakeSageMaker.json([
                "ModelPackageGroupSummaryList": [
                    [
                        "ModelPackageGroupName": "beta",
                        "ModelPackageGroupArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/beta",
                        "CreationTime": 1,
                    ],
                    ["ModelPackageGroupName": "weird", "CreationTime": "not a time"],
                ]
            ]))
        let page = try await makeAdapter(fake).listSnapshots(cursor: nil, since: nil)
        #expect(page.snapshots.map(\.model.name) == ["beta"])
        #expect(page.errors.map(\.model) == ["weird"])
        #expect(page.errors.first?.message.contains("malformed model package group") == true)
    }

    @Test func aPackageDeletedBetweenListAndDescribeIsLeftOut() async throws {
        let fake = seeded()
        fake.inject("DescribeModelPackage", FakeSageMaker.awsError("ValidationException", "Model package x not found"))
        let page = try await makeAdapter(fake, pageSize: 10).listSnapshots(cursor: nil, since: nil)
        #expect(page.snapshots.map { $0.versions.count }.reduce(0, +) == 7, "one of the eight is gone")
        #expect(page.snapshots.allSatisfy { $0.errors.isEmpty })
        #expect(page.errors.isEmpty)
    }

    @Test func aFailedListingCallFailsTheWholePage() async throws {
        let fake = seeded()
        fake.inject("ListModelPackageGroups", FakeSageMaker.html(500, title: "500 Internal Server Error"))
        let error = try await #require(throws: RegistryError.self) {
            _ = try await makeAdapter(fake).listSnapshots(cursor: nil, since: nil)
        }
        #expect(error.code == .serverError)
        #expect(error.operation == "SageMaker.ListModelPackageGroups")
    }

    // Issue 15, item 10: a group's failing call no longer fails the page (this test pinned the opposite before).
    @Test func aGroupWhosePackagesCallFailsIsAPerObjectError() async throws {
        let fake = seeded()
        fake.inject("ListModelPackages", FakeSageMaker.html(500, title: "500 Internal Server Error"))
        let page = try await makeAdapter(fake).listSnapshots(cursor: nil, since: nil)
        #expect(!page.errors.isEmpty && page.unreadable == page.errors.count)
        #expect(page.errors.allSatisfy { $0.version == nil && $0.message.contains("SageMaker.ListModelPackages") })
    }

    @Test func aCursorOfAnotherAdapterIsRefused() async throws {
        let error = try await #require(throws: RegistryError.self) {
            _ = try await makeAdapter(seeded()).listSnapshots(cursor: "eyJvZmZzZXQiOiAyfQ==", since: nil)
        }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("not a listing cursor"))
    }

    // MARK: Incremental

    @Test func withAWatermarkOnlyNewAndChangedPackagesAreDescribed() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, pageSize: 2)
        _ = try await adapter.allSnapshots()
        fake.advanceClock(by: 3600)
        let watermark = Int64(fake.clock * 1000)
        fake.advanceClock(by: 10)
        fake.modifyPackage(
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/beta/1", ["ModelApprovalStatus": "Rejected"])
        fake.addPackage("gamma", ["ModelPackageDescription": "first of gamma"])
        fake.addGroup("delta")
        fake.resetCalls()

        let snapshots = try await adapter.allSnapshots(since: watermark)
        #expect(snapshots.map(\.model.name) == ["beta", "delta", "gamma"])
        #expect(snapshots[0].versions.map(\.version) == ["1"], "only the changed version")
        #expect(snapshots[0].versions.first?.lifecycle == .rejected)
        #expect(snapshots[1].versions.isEmpty, "a new group without versions")
        #expect(snapshots[2].versions.map(\.description) == ["first of gamma"])
        #expect(fake.calls("DescribeModelPackage").count == 2)
        #expect(fake.calls("ListModelPackages").isEmpty, "no full listing")
        #expect(fake.calls("Search").count == 1)
        #expect(
            fake.calls("ListModelPackageGroups").map { $0.body["CreationTimeAfter"] } == [.int(watermark / 1000 - 300)],
            "five minutes of overlap")
        let value = fake.calls("Search").first?.body["SearchExpression"]?["Filters"]?.arrayValue?.first?["Value"]
        #expect(value == .string(Timestamp.format(milliseconds: watermark - 300_000)))

        // A change up to five minutes before the watermark (indexed late) is still found.
        fake.modifyPackage(
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/alpha/1", ["ModelApprovalStatus": "Approved"])
        let later = Int64(fake.clock * 1000) + 240_000
        let late = try await adapter.allSnapshots(since: later)
        #expect(late.flatMap(\.versions).map { "\($0.model)@\($0.version)" }.contains("alpha@1"))
    }

    @Test func anIncrementalListingPagesByAboutPageSizePackagesWithWholeGroups() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, pageSize: 2)
        let snapshots = try await adapter.allSnapshots(since: 1)
        #expect(snapshots.map(\.model.name) == ["alpha", "beta", "gamma"], "every package and group is new since 1970")
        #expect(snapshots.map { $0.versions.count } == [5, 3, 0], "a group is never split across pages")
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await adapter.listSnapshots(cursor: cursor, since: 1)
            pages += 1
            cursor = page.next
        } while cursor != nil
        #expect(pages == 3, "alpha (5), beta (3), gamma (0): the next group would pass two packages")
        #expect(fake.calls("Search").map { $0.body["NextToken"] }.contains("tok-2"), "Search results are paged too")
    }

    @Test func aSearchThatIgnoresTimeFiltersFallsBackToTheFullListing() async throws {
        let fake = seeded(searchHonoursTime: false)  // moto
        let adapter = makeAdapter(fake, pageSize: 2)
        let snapshots = try await adapter.allSnapshots(since: Int64(fake.clock * 1000) + 60_000)
        #expect(snapshots.map(\.model.name) == ["alpha", "beta", "gamma"])
        #expect(snapshots.map { $0.versions.count } == [5, 3, 0])
        #expect(fake.calls("Search").count == 2, "the search, then the probe from the epoch")
        #expect(
            fake.calls("Search").last?.body["SearchExpression"]?["Filters"]?.arrayValue?.first?["Value"]
                == "1970-01-01T00:00:00.000Z")
    }

    @Test func aSearchReturningRecordsOutsideTheFilterFallsBackToTheFullListing() async throws {
        let fake = seeded()
        let old = try json(SageMakerFixtures.describeMinimal).setting("CreationTime", 1_000_000)
        fake.inject("Search", FakeSageMaker.json(["Results": [["ModelPackage": old]]]))
        let snapshots = try await makeAdapter(fake, pageSize: 10).allSnapshots(since: Int64(fake.clock * 1000) + 60_000)
        #expect(snapshots.map(\.model.name) == ["alpha", "beta", "gamma"])
        #expect(fake.calls("ListModelPackages").count == 3)
    }

    @Test func aSearchThatRefusesTheExpressionFallsBackToTheFullListing() async throws {
        let fake = seeded()
        fake.inject("Search", FakeSageMaker.awsError("ValidationException", "Unknown property name: LastModifiedTime"))
        let snapshots = try await makeAdapter(fake, pageSize: 10).allSnapshots(since: 1)
        #expect(snapshots.count == 3)
        #expect(fake.calls("ListModelPackages").count == 3)

        let denied = seeded()
        denied.inject(
            "Search",
            FakeSageMaker.awsError("AccessDeniedException", "User is not authorized to perform: sagemaker:Search"))
        #expect(try await makeAdapter(denied, pageSize: 10).allSnapshots(since: 1).count == 3)
        #expect(denied.calls("ListModelPackages").count == 3, "a policy without sagemaker:Search lists everything")
    }

    @Test func nothingChangedDescribesNothing() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, pageSize: 10)
        fake.advanceClock(by: 1000)
        fake.resetCalls()
        let page = try await adapter.listSnapshots(cursor: nil, since: Int64(fake.clock * 1000))
        #expect(page.snapshots.isEmpty)
        #expect(page.next == nil)
        #expect(
            fake.calls.map(\.operation) == ["Search", "Search", "ListModelPackageGroups"], "search, probe, new groups")
    }

    @Test func turnedOffTheWatermarkIsIgnored() async throws {
        let fake = seeded()
        let adapter = makeAdapter(fake, incremental: false)
        #expect(adapter.capabilities.incrementalListing == false)
        _ = try await adapter.allSnapshots(since: Int64(fake.clock * 1000))
        #expect(fake.calls("Search").isEmpty)
        #expect(makeAdapter(fake).capabilities.incrementalListing)
    }

    @Test func capabilitiesAreWhatSageMakerCanDo() {
        let capabilities = makeAdapter(FakeSageMaker()).capabilities
        #expect(capabilities.clientChosenVersions == false)
        #expect(capabilities.aliases == false)
        #expect(capabilities.lifecycle)
        #expect(capabilities.versionTags)
        #expect(capabilities.modelTags)
        #expect(capabilities.deletes)
        #expect(makeAdapter(FakeSageMaker()).kind == .sagemaker)
    }
}
