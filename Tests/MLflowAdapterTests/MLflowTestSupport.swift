import Foundation
import MLflowAdapter
import ModelGateCore
import ModelGateTransport

/// Routes answering like the server of the transcript: `gw-model` (versions 1–3, `champion` → 2) and the run.
func transcriptRoutes(versionsPageSize: Int = 2) -> [String: FakeTransport.Handler] {
    [
        "GET registered-models/search": { _ in FakeTransport.json(MLflowFixtures.gwModelSearch) },
        "GET registered-models/get": { request in
            request.query("name") == "gw-model"
                ? FakeTransport.json(MLflowFixtures.gwModelGet)
                : FakeTransport.json(MLflowFixtures.modelNotFound, status: 404)
        },
        "GET model-versions/search": { request in
            request.query("page_token") == MLflowFixtures.nextPageToken
                ? FakeTransport.json(MLflowFixtures.gwVersionsPage2) : FakeTransport.json(MLflowFixtures.gwVersionsPage1)
        },
        "GET runs/get": { _ in FakeTransport.json(MLflowFixtures.runGet) },
    ]
}

func makeAdapter(
    _ transport: FakeTransport, pageSize: Int? = 2, registry: String = "mlflow-test"
) -> MLflowAdapter {
    MLflowAdapter(
        registry: registry, baseURL: "http://mlflow.invalid:5000/", transport: transport, pageSize: pageSize,
        now: { Date(timeIntervalSince1970: 1_800_000_000) })
}

func date(ms: Int64) -> Date { Timestamp.date(milliseconds: ms) }

/// Replaces `key` of a JSON object text (parsed, changed, re-encoded) for malformed-object cases.
func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

extension JSONValue {
    func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}
