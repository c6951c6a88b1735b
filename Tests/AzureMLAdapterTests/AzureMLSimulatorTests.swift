import Foundation
import ModelGateCore
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// The simulator's ARM surface as a plain HTTP client sees it.
@Suite(.serialized) struct AzureMLSimulatorTests {
    func send(
        _ h: AzureHarness, _ method: HTTPMethod, _ path: String, token: String? = "valid", body: String? = nil
    ) async throws -> (status: Int, json: JSONValue, response: TransportResponse) {
        var headers: [(name: String, value: String)] = []
        if let token {
            let value = token == "valid" ? h.tokens.issue(prefix: "t-", scope: "https://management.azure.com/.default", lifetime: 600) : token
            headers.append(("Authorization", "Bearer \(value)"))
        }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let url = path.hasPrefix("http") ? path : h.host.baseURL + path
        let response = try await AzureHarness.curl.send(
            TransportRequest(method: method, url: url, headers: headers, body: Array((body ?? "").utf8)))
        let json = (try? JSONValue.parse(Data(response.body))) ?? .null
        return (response.status, json, response)
    }

    var models: String { AzureHarness.workspace.path + "/models" }

    @Test func authAndApiVersionAreCheckedAsArmDoes() async throws {
        try await AzureHarness.with(try await AzureHarness.start()) { h in
            var r = try await send(h, .GET, models + "?api-version=2025-12-01", token: nil)
            #expect(r.status == 401)
            #expect(r.json["error"]?["code"]?.stringValue == "AuthenticationFailed")
            r = try await send(h, .GET, models + "?api-version=2025-12-01", token: "forged")
            #expect(r.status == 401)
            #expect(r.json["error"]?["code"]?.stringValue == "InvalidAuthenticationToken")
            #expect(r.response.header("WWW-Authenticate")?.contains("invalid_token") == true)
            r = try await send(h, .GET, models)
            #expect(r.status == 400)
            #expect(r.json["error"]?["code"]?.stringValue == "MissingApiVersionParameter")
            r = try await send(h, .GET, models + "?api-version=2019-01-01")
            #expect(r.status == 400)
            #expect(r.json["error"]?["code"]?.stringValue == "NoRegisteredProviderFound")
            r = try await send(
                h, .GET, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/nope/models?api-version=2025-12-01")
            #expect(r.status == 404)
            #expect(r.json["error"]?["code"]?.stringValue == "ResourceNotFound")
        }
    }

    @Test func putsAreValidatedAndListViewTypeHidesArchived() async throws {
        try await AzureHarness.with(try await AzureHarness.start(pageSize: 2)) { h in
            let q = "?api-version=2025-12-01"
            var r = try await send(h, .PUT, models + "/-bad" + q, body: #"{"properties":{}}"#)
            #expect(r.status == 400, "container names start with a letter or digit")
            r = try await send(h, .PUT, models + "/m1" + q, body: #"{"name":"m1"}"#)
            #expect(r.status == 400, "properties is required")
            r = try await send(h, .PUT, models + "/m1" + q, body: #"{"properties":{"colour":"red"}}"#)
            #expect(r.status == 400, "unknown members are refused")
            r = try await send(h, .PUT, models + "/m1/versions/1" + q, body: #"{"properties":{"description":"no uri"}}"#)
            #expect(r.status == 400, "modelUri is required to create a version")
            r = try await send(h, .PUT, models + "/m1/versions/1" + q, body: #"{"properties":{"modelUri":"azureml://a","tags":{"k":"v"}}}"#)
            #expect(r.status == 201)
            #expect(r.json["systemData"]?["createdAt"]?.stringValue != nil)
            #expect(r.json["properties"]?["provisioningState"]?.stringValue == "Succeeded")
            r = try await send(h, .PUT, models + "/m1/versions/1" + q, body: #"{"properties":{"modelUri":"azureml://other"}}"#)
            #expect(r.status == 400, "modelUri is immutable")
            r = try await send(h, .PUT, models + "/m1/versions/2" + q, body: #"{"properties":{"modelUri":"azureml://b","isArchived":true}}"#)
            #expect(r.status == 201)
            r = try await send(h, .PUT, models + "/m1/versions/3" + q, body: #"{"properties":{"modelUri":"azureml://c"}}"#)

            r = try await send(h, .GET, models + "/m1/versions" + q)
            #expect(r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["1", "3"], "ActiveOnly by default")
            r = try await send(h, .GET, models + "/m1/versions" + q + "&listViewType=All")
            #expect(r.json["value"]?.arrayValue?.count == 2, "a page of 2")
            let next = try #require(r.json["nextLink"]?.stringValue)
            #expect(next.hasPrefix(h.host.baseURL) && next.contains("$skipToken=") && next.contains("listViewType=All"))
            r = try await send(h, .GET, next)
            #expect(r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["3"])
            #expect(r.json["nextLink"] == nil)
            r = try await send(h, .GET, models + "/m1/versions" + q + "&listViewType=ArchivedOnly")
            #expect(r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["2"])
            r = try await send(h, .GET, models + "/m1" + q)
            #expect(r.json["properties"]?["latestVersion"]?.stringValue == "3")
            #expect(r.json["properties"]?["nextVersion"]?.stringValue == "4")
            r = try await send(h, .DELETE, models + "/m1/versions/3" + q)
            #expect(r.status == 200)
            r = try await send(h, .GET, models + "/m1/versions/3" + q)
            #expect(r.status == 404)
        }
    }

    @Test func injectedThrottlingLooksLikeARM() async throws {
        try await AzureHarness.with(try await AzureHarness.start()) { h in
            h.simulator.faults.plan = FaultPlan(throttle: 1, retryAfterSeconds: 3)
            var r = try await send(h, .GET, models + "?api-version=2025-12-01")
            #expect(r.status == 429)
            #expect(r.response.header("Retry-After") == "3")
            #expect(r.json["error"]?["code"]?.stringValue == "TooManyRequests")
            h.simulator.faults.plan = FaultPlan(unavailable: 1)
            r = try await send(h, .GET, models + "?api-version=2025-12-01")
            #expect(r.status == 503)
            #expect(r.json["error"]?["code"]?.stringValue == "ServiceUnavailable")
            h.simulator.faults.plan = .none
            let token = try await AzureHarness.curl.send(
                TransportRequest(
                    method: .POST, url: h.entra.tokenEndpoint(tenant: AzureHarness.tenant),
                    headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array("grant_type=client_credentials&client_id=x&scope=https%3A%2F%2Fmanagement.azure.com%2F.default&client_secret=y".utf8)))
            #expect(token.status != 429, "token endpoints are outside the faulted group")
        }
    }

    @Test func registryDeletesAreLongRunningWithLocation() async throws {
        try await AzureHarness.with(try await AzureHarness.start(lroPolls: 2, lroRetryAfterSeconds: 10)) { h in
            h.simulator.seed(
                AzureHarness.registryScope,
                versions: [ModelVersion(registry: "r", kind: .azureml, model: "m", version: "1", sourceURI: "azureml://a")])
            let path = AzureHarness.registryScope.path + "/models/m/versions/1?api-version=2025-12-01"
            var r = try await send(h, .DELETE, path)
            #expect(r.status == 202)
            #expect(r.response.header("Retry-After") == "10")
            let location = try #require(r.response.header("Location"))
            r = try await send(h, .GET, location)
            #expect(r.status == 202)
            r = try await send(h, .GET, location)
            #expect(r.status == 204)
            #expect(try await send(h, .GET, path).status == 404)
        }
    }
}
