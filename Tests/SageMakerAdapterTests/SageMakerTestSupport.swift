import Foundation
import ModelGateCore
import ModelGateTransport
import SageMakerAdapter
import Synchronization

/// Answers shaped like SageMaker's (field names and types from the botocore 1.43.11 model).
enum SageMakerFixtures {
    /// A `DescribeModelPackage` answer with everything the mapping reads.
    static let describeFull = #"""
        {
          "ModelPackageGroupName": "fraud-detector",
          "ModelPackageVersion": 3,
          "ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3",
          "ModelPackageDescription": "gradient boosting, retrained",
          "CreationTime": 1795707138.285,
          "LastModifiedTime": 1795707200.5,
          "InferenceSpecification": {
            "Containers": [
              {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1", "ModelDataUrl": "s3://models/fraud/3/model.tar.gz"},
              {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/post:1", "ModelDataUrl": "s3://models/fraud/3/post.tar.gz"}
            ],
            "SupportedContentTypes": ["text/csv"]
          },
          "ModelPackageStatus": "Completed",
          "ModelPackageStatusDetails": {"ValidationStatuses": []},
          "ModelApprovalStatus": "Approved",
          "ApprovalDescription": "ok by risk team",
          "CreatedBy": {"IamIdentity": {"Arn": "arn:aws:iam::123456789012:user/alice", "PrincipalId": "AIDAEXAMPLE"}},
          "LastModifiedBy": {"UserProfileName": "bob"},
          "MetadataProperties": {
            "GeneratedBy": "arn:aws:sagemaker:us-east-1:123456789012:training-job/fraud-train-42",
            "CommitId": "0123abcd",
            "Repository": "https://git.example.com/risk/fraud",
            "ProjectId": "p-123"
          },
          "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://models/fraud/3/metrics.json"}}},
          "CustomerMetadataProperties": {"team": "risk", "modelgate.source": "mlflow-prod:fraud@7"},
          "ModelLifeCycle": {"Stage": "Staging", "StageStatus": "InProgress", "StageDescription": "shadow traffic"},
          "ModelCard": {"ModelCardStatus": "Draft"},
          "SourceUri": "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/2",
          "ModelPackageRegistrationType": "Registered"
        }
        """#

    /// The least a versioned package can be.
    static let describeMinimal = #"""
        {"ModelPackageGroupName": "g", "ModelPackageVersion": 1,
         "ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1",
         "CreationTime": 1795707138, "ModelPackageStatus": "Completed", "ModelPackageStatusDetails": {"ValidationStatuses": []}}
        """#
}

func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

extension JSONValue {
    func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}

/// An adapter over `fake` with a fixed clock and predictable client tokens.
func makeAdapter(
    _ fake: FakeSageMaker, pageSize: Int? = 2, servingImage: String? = nil, incremental: Bool = true,
    registry: String = "sm-test", clientToken: String = "00000000-0000-4000-8000-000000000001"
) -> SageMakerAdapter {
    SageMakerAdapter(
        registry: registry, baseURL: "https://api.sagemaker.us-east-1.amazonaws.com/", transport: fake,
        pageSize: pageSize,
        incrementalListing: incremental, servingImage: servingImage,
        now: { Date(timeIntervalSince1970: 1_800_000_000) },
        clientToken: { clientToken })
}

/// Always answers with the next of `responses` (the last one repeats), recording each request.
final class ScriptedTransport: HTTPTransport, Sendable {
    private let state: Mutex<(responses: [TransportResponse], requests: [TransportRequest])>

    init(_ responses: TransportResponse...) { state = Mutex((responses, [])) }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        state.withLock { state in
            state.requests.append(request)
            var response = state.responses.count > 1 ? state.responses.removeFirst() : state.responses[0]
            response.url = request.url
            return response
        }
    }

    var requests: [TransportRequest] { state.withLock { $0.requests } }
}
