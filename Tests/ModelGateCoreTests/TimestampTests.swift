import Foundation
import ModelGateCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(milliseconds: 1_764_151_200_123) == "2025-11-26T10:00:00.123Z")
        #expect(Timestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test(arguments: [
        ("2026-11-26T10:00:00.123Z", Int64(1_795_687_200_123)),
        ("2026-11-26T10:00:00Z", 1_795_687_200_000),
        ("2026-11-26T12:00:00.123456+02:00", 1_795_687_200_123),
        ("2026-11-26T05:30:00-0430", 1_795_687_200_000),
        ("2026-11-26", 1_795_651_200_000),
    ])
    func parsesRFC3339Forms(text: String, expected: Int64) {
        #expect(Timestamp.parseMilliseconds(text) == expected)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-11-26T25:00:00Z", "2026-11-26T10:00:00.Z", "2026-11-26T10:00:00Zjunk"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(Timestamp.parseMilliseconds(text) == nil)
    }

    @Test func roundTripsThroughDate() {
        let ms: Int64 = 1_700_000_000_123
        #expect(Timestamp.milliseconds(Timestamp.date(milliseconds: ms)) == ms)
        #expect(Timestamp.format(Timestamp.date(milliseconds: ms)) == "2023-11-14T22:13:20.123Z")
    }
}

@Suite struct VersionRefTests {
    @Test func splitsOnFirstColonAndLastAt() throws {
        let ref = try VersionRef(parsing: "mlflow-prod:team:fraud@detector@7")
        #expect(ref.registry == "mlflow-prod")
        #expect(ref.model == "team:fraud@detector")
        #expect(ref.version == "7")
        #expect(ref.description == "mlflow-prod:team:fraud@detector@7")
    }

    @Test func versionIsOptional() throws {
        let ref = try VersionRef(parsing: "sm-us:churn")
        #expect(ref.version == nil)
        #expect(ref.model == "churn")
    }

    @Test(arguments: ["nocolon", ":model", "reg:", "reg:model@"])
    func rejectsIncompleteReferences(text: String) {
        #expect(throws: RefParseError.self) { try VersionRef(parsing: text) }
    }

    @Test func bareRegistryOnlyWhenAllowed() throws {
        #expect(try VersionRef(parsing: "sm-us", requireModel: false).registry == "sm-us")
    }
}

@Suite struct NormalizedJSONTests {
    @Test func versionEncodesTheDesignShape() throws {
        let version = ModelVersion(
            registry: "mlflow-prod", kind: .mlflow, model: "fraud-detector", version: "7", lifecycle: .production,
            lifecycleRaw: "Production", aliases: ["champion"], tags: ["team": "risk"], sourceURI: "s3://b/p",
            run: RunReference(id: "a1b2"), createdAt: Timestamp.date(milliseconds: 1_795_687_200_000))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let object = try JSONValue.parse(encoder.encode(version))
        #expect(object["lifecycle"] == "production")
        #expect(object["lifecycle_raw"] == "Production")
        #expect(object["source_uri"] == "s3://b/p")
        #expect(object["artifact_digest"] == .null)
        #expect(object["created_at"] == "2026-11-26T10:00:00.000Z")
        #expect(object["run"]?["id"] == "a1b2")
        let decoded = try JSONDecoder().decode(ModelVersion.self, from: encoder.encode(version))
        #expect(decoded == version)
    }

    @Test func jsonValueKeepsIntegers() throws {
        let value = try JSONValue.parse(Data(#"{"ts":1700000000000,"x":1.5,"s":"a","n":null,"l":[true]}"#.utf8))
        #expect(value["ts"]?.int64Value == 1_700_000_000_000)
        #expect(value.jsonString() == #"{"l":[true],"n":null,"s":"a","ts":1700000000000,"x":1.5}"#)
    }
}

@Suite struct RegistryErrorTests {
    @Test func describesRegistryCallStatusAndProviderCode() {
        let error = RegistryError(
            code: .notFound, registry: "mlflow-prod", operation: "GET /api/2.0/mlflow/registered-models/get",
            httpStatus: 404, providerCode: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=x not found",
            attempts: 1)
        #expect(error.description == "mlflow-prod: GET /api/2.0/mlflow/registered-models/get failed (HTTP 404): RESOURCE_DOES_NOT_EXIST: Registered Model with name=x not found")
        #expect(!error.isRetryable)
        #expect(RegistryError(code: .rateLimited, registry: "r", operation: "o", message: "m", attempts: 3).description.contains("after 3 attempts"))
    }
}
