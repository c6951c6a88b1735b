import Foundation
import ModelGateCore
import ModelGateTransport
import SageMakerAdapter
import Testing

/// The JSON 1.1 client: request shape, errors (JSON `__type`, moto's XML 403, HTML 500), retries of throttling.
struct SageMakerClientTests {
    let endpoint = "https://api.sagemaker.us-east-1.amazonaws.com"

    @Test func aCallIsAPostToSlashWithTheTargetAndTheJSON11ContentType() async throws {
        let transport = ScriptedTransport(FakeSageMaker.json(["ModelPackageGroupSummaryList": [], "NextToken": ""]))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint + "//", transport: transport)
        let page = try await client.listModelPackageGroups(maxResults: 500, nextToken: "abc")
        #expect(page.items.isEmpty)
        #expect(page.nextToken == nil, "an empty NextToken ends the listing")

        let request = try #require(transport.requests.first)
        #expect(request.method == .POST)
        #expect(request.url == endpoint + "/")
        #expect(request.header("X-Amz-Target") == "SageMaker.ListModelPackageGroups")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.retrySafe, "reads are POSTs; they must still be retried")
        #expect(request.operation == "SageMaker.ListModelPackageGroups")
        #expect(request.registry == "sm")
        let body = try JSONValue.parse(Data(request.body))
        #expect(body["MaxResults"] == 100, "capped at the API maximum")
        #expect(body["NextToken"] == "abc")
        #expect(body["SortBy"] == "CreationTime")
    }

    @Test func listModelPackagesAlwaysAsksForVersionedPackages() async throws {
        let transport = ScriptedTransport(FakeSageMaker.json(["ModelPackageSummaryList": []]))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        _ = try await client.listModelPackages(group: "g", maxResults: 0)
        let body = try JSONValue.parse(Data(try #require(transport.requests.first).body))
        #expect(body["ModelPackageType"] == "Versioned")
        #expect(body["ModelPackageGroupName"] == "g")
        #expect(body["MaxResults"] == 1, "at least 1")
    }

    @Test func aJSONTypeErrorNamesTheCallTheStatusAndAWSsCode() async throws {
        let transport = ScriptedTransport(
            FakeSageMaker.awsError(
                "ValidationException", "1 validation error detected: Value 'x_y' failed to satisfy constraint"))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.createModelPackageGroup(name: "x_y", description: nil, tags: [:])
        }
        #expect(error.code == .invalidRequest)
        #expect(error.httpStatus == 400)
        #expect(error.providerCode == "ValidationException", "the namespace before # is dropped")
        #expect(error.operation == "SageMaker.CreateModelPackageGroup")
        #expect(
            error.description
                == "sm: SageMaker.CreateModelPackageGroup failed (HTTP 400): ValidationException: 1 validation error detected: Value 'x_y' failed to satisfy constraint"
        )
    }

    @Test func aValidationExceptionSayingDoesNotExistIsNotFound() async throws {
        let transport = ScriptedTransport(
            FakeSageMaker.awsError(
                "ValidationException",
                "ModelPackageGroup arn:aws:sagemaker:us-east-1:1:model-package-group/x does not exist."))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.describeModelPackageGroup(name: "x")
        }
        #expect(error.code == .notFound)
        #expect(error.providerCode == "ValidationException")
    }

    @Test func motosXML403ServedAsHTMLReadsAsAClearCredentialsError() async throws {
        let transport = ScriptedTransport(
            FakeSageMaker.motoXML(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
            ))
        let client = SageMakerClient(registry: "sm-us", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.listModelPackageGroups(maxResults: 10)
        }
        #expect(error.code == .unauthorized, "a refused signature is a credentials problem, not a missing permission")
        #expect(error.httpStatus == 403)
        #expect(error.providerCode == "SignatureDoesNotMatch")
        #expect(
            error.description.hasPrefix(
                "sm-us: SageMaker.ListModelPackageGroups failed (HTTP 403): SignatureDoesNotMatch: The request signature"
            ))
        #expect(error.description.contains("Check the credentials configured for 'sm-us'"))
        #expect(!error.description.contains("<"), "the XML is parsed, not dumped")
    }

    @Test func anAccessDenied403StaysForbidden() async throws {
        let transport = ScriptedTransport(
            FakeSageMaker.motoXML(
                "AccessDenied", "User: arn:aws:iam::1:user/x is not authorized to perform: sagemaker:ListTags"))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.listTags(arn: "arn:aws:sagemaker:us-east-1:1:x/y")
        }
        #expect(error.code == .forbidden)
        #expect(error.providerCode == "AccessDenied")
    }

    @Test func anHTML500ReadsAsItsTitle() async throws {
        let transport = ScriptedTransport(FakeSageMaker.html(500, title: "500 Internal Server Error"))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.call("DeleteModelPackage", ["ModelPackageName": "g/1"], retrySafe: false)
        }
        #expect(error.code == .serverError)
        #expect(error.description == "sm: SageMaker.DeleteModelPackage failed (HTTP 500): 500 Internal Server Error")
    }

    @Test func aSuccessThatIsNotJSONIsAMalformedPayload() async throws {
        let transport = ScriptedTransport(TransportResponse(status: 200, body: Array("<html>proxy login</html>".utf8)))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.listModelPackageGroups(maxResults: 1)
        }
        #expect(error.code == .malformedPayload)
        #expect(error.message.contains("not JSON"))
    }

    @Test func anEmptySuccessBodyIsAnEmptyObject() async throws {
        let transport = ScriptedTransport(TransportResponse(status: 200, body: []))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        #expect(try await client.call("AddTags", [:], retrySafe: true) == [:])
    }

    @Test func throttlingIsRetriedForReadsAndTokenWrites() async throws {
        let inner = ScriptedTransport(
            FakeSageMaker.awsError("ThrottlingException", "Rate exceeded"),
            FakeSageMaker.awsError("ThrottlingException", "Rate exceeded"),
            FakeSageMaker.json([
                "ModelPackageSummaryList": [["ModelPackageArn": "arn:aws:sagemaker:us-east-1:1:model-package/g/1"]]
            ]))
        let stats = TransportStats()
        let transport = RetryingTransport(inner, policy: RetryPolicy(maxAttempts: 5), stats: stats, sleep: { _ in })
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let page = try await client.listModelPackages(group: "g", maxResults: 10)
        #expect(page.items.count == 1)
        #expect(inner.requests.count == 3)
        #expect(stats.snapshot.throttled == 2)
        #expect(stats.snapshot.retries == 2)

        let writes = ScriptedTransport(
            FakeSageMaker.awsError("ThrottlingException", "Rate exceeded"),
            FakeSageMaker.json(["ModelPackageArn": "arn:x"]))
        let writer = SageMakerClient(
            registry: "sm", endpoint: endpoint, transport: RetryingTransport(writes, sleep: { _ in }))
        let arn = try await writer.createModelPackage(
            group: "g", clientToken: "t-1", description: nil, approvalStatus: nil, inferenceSpecification: nil,
            sourceURI: nil, metadataProperties: [:], customerMetadata: [:])
        #expect(arn == "arn:x")
        #expect(writes.requests.count == 2, "CreateModelPackage carries a ClientToken, so it is retried")
        #expect(
            writes.requests.map { $0.body } == [writes.requests[0].body, writes.requests[0].body],
            "the same token both times")
    }

    @Test func throttlingThatNeverEndsIsRateLimitedAfterTheLastAttempt() async throws {
        let inner = ScriptedTransport(FakeSageMaker.awsError("ThrottlingException", "Rate exceeded"))
        let transport = RetryingTransport(inner, policy: RetryPolicy(maxAttempts: 3), sleep: { _ in })
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.describeModelPackage(name: "arn:x")
        }
        #expect(error.code == .rateLimited)
        #expect(error.attempts == 3)
        #expect(error.description.contains("ThrottlingException: Rate exceeded (after 3 attempts)"))
    }

    @Test func aGroupCreateHasNoTokenSoItIsNotResent() async throws {
        let inner = ScriptedTransport(
            FakeSageMaker.html(503, title: "503 Service Unavailable"), FakeSageMaker.json(["ModelPackageGroupArn": "x"])
        )
        let client = SageMakerClient(
            registry: "sm", endpoint: endpoint, transport: RetryingTransport(inner, sleep: { _ in }))
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.createModelPackageGroup(name: "g", description: nil, tags: [:])
        }
        #expect(error.code == .serverError)
        #expect(inner.requests.count == 1)
        #expect(inner.requests[0].retrySafe == false)
    }

    @Test func theSameNextTokenTwiceFailsInsteadOfLooping() async throws {
        let transport = ScriptedTransport(
            FakeSageMaker.json(["ModelPackageSummaryList": [["ModelPackageArn": "a"]], "NextToken": "same"]))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        let error = try await #require(throws: RegistryError.self) {
            _ = try await client.allModelPackages(group: "g", pageSize: 1)
        }
        #expect(error.code == .malformedPayload)
        #expect(error.message.contains("same NextToken twice"))
    }

    @Test func searchAsksForPackagesChangedSinceTheWatermark() async throws {
        let transport = ScriptedTransport(FakeSageMaker.json(["Results": []]))
        let client = SageMakerClient(registry: "sm", endpoint: endpoint, transport: transport)
        _ = try await client.searchModelPackages(
            changedSince: Timestamp.date(milliseconds: 1_795_707_138_285), maxResults: 7)
        let body = try JSONValue.parse(Data(try #require(transport.requests.first).body))
        #expect(body["Resource"] == "ModelPackage")
        #expect(body["SortBy"] == "LastModifiedTime")
        #expect(body["SortOrder"] == "Ascending")
        #expect(body["MaxResults"] == 7)
        #expect(body["SearchExpression"]?["Operator"] == "Or")
        let filters = try #require(body["SearchExpression"]?["Filters"]?.arrayValue)
        #expect(filters.map { $0["Name"] } == ["LastModifiedTime", "CreationTime"])
        #expect(
            filters.allSatisfy { $0["Operator"] == "GreaterThanOrEqualTo" && $0["Value"] == "2026-11-26T15:32:18.285Z" }
        )
    }
}
