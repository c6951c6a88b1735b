import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ModelGateTestKit
import Testing

/// DESIGN §7: the MLflow-compatible API takes HTTP Basic with any user name and a server token as the password,
/// which is what the `mlflow` client sends with `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`.
@Suite("MLflow-compatible API: HTTP Basic with a token as the password")
struct MLflowBasicAuthTests {
    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func status(_ client: any TestClientProtocol, _ uri: String, authorization: String) async throws -> Int {
        var headers = HTTPFields()
        headers[.authorization] = authorization
        return try await client.execute(uri: uri, method: .get, headers: headers) { $0.status.code }
    }

    static func expectStatus(
        _ client: any TestClientProtocol, _ uri: String, authorization: String, _ expected: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let got = try await status(client, uri, authorization: authorization)
        #expect(got == expected, sourceLocation: sourceLocation)
    }

    @Test func anyUserWithAServerTokenAsPasswordReadsTheMLflowRoutesOnly() async throws {
        let catalog = try await Fixture.catalog()
        try await withServer(catalog: catalog, tokens: TestTokens.entries) { client, _ in
            let search = "/api/2.0/mlflow/registered-models/search"
            try await Self.expectStatus(client, search, authorization: Self.basic("alice", TestTokens.reader), 200)
            try await Self.expectStatus(client, search, authorization: Self.basic("", TestTokens.admin), 200)
            // A password with a colon in it is taken whole (only the first colon ends the user name).
            try await Self.expectStatus(client, search, authorization: Self.basic("alice", "x:" + TestTokens.reader), 401)
            try await Self.expectStatus(client, search, authorization: Self.basic("alice", "not-a-server-token"), 401)
            try await Self.expectStatus(client, search, authorization: "Basic !!!not-base64", 401)
            // The JSON API keeps bearer tokens only.
            try await Self.expectStatus(client, "/api/v1/versions", authorization: Self.basic("alice", TestTokens.reader), 401)
        }
    }
}
