import Foundation
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import Testing

@testable import SageMakerAdapter

/// Issue 15 item 9: SageMaker's decoders against hostile numbers in every field.
@Suite("Reliability: attacks — SageMaker numbers")
struct ReliabilityAttacksSageMakerNumbersTests {
    static let group: JSONValue = [
        "ModelPackageGroupName": "fraud-detector",
        "ModelPackageGroupArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud-detector",
        "ModelPackageGroupDescription": "fraud", "CreationTime": 1_795_707_000.5, "ModelPackageGroupStatus": "Completed",
        "CreatedBy": ["UserProfileName": "alice"],
    ]
    static let summary: JSONValue = [
        "ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3",
        "ModelPackageGroupName": "fraud-detector", "ModelPackageVersion": 3, "CreationTime": 1_795_707_138.285,
        "ModelApprovalStatus": "Approved",
    ]

    // Item 9: seeded random and fixed hostile numbers in every field give a keepable value or a decoding error
    // (which the listing reports as a per-object error), never a crash or a date past year 9999.
    @Test func everyFieldOfAPackageGroupAndSummarySurvivesHostileNumbers() throws {
        for (path, json) in HostileNumbers.variants(of: try json(SageMakerFixtures.describeFull), seed: 15_09_11) {
            do {
                let mapped = SageMakerMapping.version(try SageMakerModelPackage(json: json), registry: "sm")
                #expect(HostileNumbers.isKeepable(mapped.createdAt) && HostileNumbers.isKeepable(mapped.updatedAt), "\(path)")
            } catch {}  // SageMakerDecodingError: a per-object error
        }
        for (path, json) in HostileNumbers.variants(of: Self.group, seed: 15_09_12) {
            do {
                let mapped = SageMakerMapping.model(try SageMakerModelPackageGroup(json: json), tags: [:], registry: "sm")
                #expect(HostileNumbers.isKeepable(mapped.createdAt) && HostileNumbers.isKeepable(mapped.updatedAt), "\(path)")
            } catch {}
        }
        for (path, json) in HostileNumbers.variants(of: Self.summary, seed: 15_09_13) {
            do {
                #expect(HostileNumbers.isKeepable(try SageMakerModelPackageSummary(json: json).creationTime), "\(path)")
            } catch {}
        }
    }

    // Item 9: the Search listing's seconds × 1000 overflowed (a trap); now an unusable time is no time.
    @Test func searchTimesThatOverflowAreNoTime() {
        #expect(SageMakerAdapter.milliseconds(.int(.max)) == nil)
        #expect(SageMakerAdapter.milliseconds(.int(9_300_000_000_000_000)) == nil)
        #expect(SageMakerAdapter.milliseconds(.double(1e300)) == nil)
        #expect(SageMakerAdapter.milliseconds(.double(-.infinity)) == nil)
        #expect(SageMakerAdapter.milliseconds(.string("1e400")) == nil)
        #expect(SageMakerAdapter.milliseconds(.double(1_795_707_138.285)) == 1_795_707_138_285)
        #expect(SageMakerAdapter.milliseconds(.int(1_795_707_138)) == 1_795_707_138_000)
        var generator = SeededGenerator(seed: 15_09_14)
        for _ in 0..<2_000 {
            let value = HostileNumbers.random(using: &generator)
            #expect(SageMakerAdapter.milliseconds(value).map { Timestamp.range.contains($0) } ?? true, "\(value)")
        }
    }

    // Item 9: a CreationTime of Int64.max seconds is a decoding error naming the field.
    @Test func aCreationTimeAtInt64MaxSecondsIsADecodingError() throws {
        let raw = try json(SageMakerFixtures.describeMinimal).setting("CreationTime", .int(.max))
        #expect(throws: SageMakerDecodingError.self) { _ = try SageMakerModelPackage(json: raw) }
        do {
            _ = try SageMakerModelPackage(json: raw)
        } catch {
            #expect(error.field == "CreationTime")
        }
    }
}
