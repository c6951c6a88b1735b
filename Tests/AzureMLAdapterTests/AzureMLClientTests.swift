import AzureMLAdapter
import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateTransport
import Testing

/// Answers from a closure: for ARM answers the simulator never gives (other hosts, malformed objects).
struct ScriptedTransport: HTTPTransport {
    let answer: @Sendable (TransportRequest) -> (Int, String)
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let (status, body) = answer(request)
        return TransportResponse(
            status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8), url: request.url)
    }
}

struct AzureMLClientTests {
    static let base = "https://management.azure.com"
    static let scope = AzureMLClient.Scope.workspace(subscription: "s", resourceGroup: "rg", workspace: "ws")

    @Test func aNextLinkToAnotherHostIsNotFollowedWithTheToken() async throws {
        let transport = ScriptedTransport { _ in
            (200, #"{"value":[],"nextLink":"https://attacker.example/subscriptions/s/models?$skipToken=x"}"#)
        }
        let adapter = AzureMLAdapter(registry: "aml", baseURL: Self.base, scope: Self.scope, transport: transport)
        let first = try await adapter.listSnapshots(cursor: nil, since: nil)
        let next = try #require(first.next)
        let error = await #expect(throws: RegistryError.self) { _ = try await adapter.listSnapshots(cursor: next, since: nil) }
        #expect(error?.code == .malformedPayload)
        #expect(error?.description.contains("another host") == true)
    }

    @Test func malformedContainersAndVersionsAreReportedAndTheRestKept() async throws {
        let transport = ScriptedTransport { request in
            if request.url.contains("/models/good/versions") {
                return (
                    200,
                    #"{"value":[{"name":"1","properties":{"modelUri":"azureml://a","stage":"production","tags":{"k":"v"}},"#
                        + #""systemData":{"createdAt":"2026-11-26T10:00:00.123Z"}},{"name":"2","properties":"oops"},"#
                        + #"{"name":"3","properties":{"isArchived":true,"description":""}}]}"#
                )
            }
            return (200, #"{"value":[{"name":"good","properties":{}},{"properties":{}}]}"#)
        }
        let adapter = AzureMLAdapter(registry: "aml", baseURL: Self.base, scope: Self.scope, transport: transport)
        let page = try await adapter.listSnapshots(cursor: nil, since: nil)
        #expect(page.enumeratesEverything)
        #expect(page.next == nil)
        #expect(page.errors.count == 1, "the container without a name")
        let snapshot = try #require(page.snapshots.first)
        #expect(snapshot.versions.map(\.version) == ["1", "3"])
        #expect(snapshot.errors.map(\.version) == ["2"])
        let v1 = snapshot.versions[0]
        #expect(v1.lifecycle == .production && v1.lifecycleRaw == "production")
        #expect(v1.tags == ["k": "v"])
        #expect(v1.createdAt.map(Timestamp.format) == "2026-11-26T10:00:00.123Z")
        #expect(snapshot.versions[1].lifecycle == .archived)
        #expect(snapshot.versions[1].description == nil, "empty strings become null")
    }

    @Test func everyCallNamesItsArmOperationAndSendsTheApiVersion() async throws {
        let transport = ScriptedTransport { request in
            #expect(request.url.contains("api-version=2025-12-01"))
            return (404, #"{"error":{"code":"UserError","message":"Could not find model container 'x'."}}"#)
        }
        let registry = AzureMLAdapter(
            registry: "aml", baseURL: Self.base,
            scope: .registry(subscription: "s", resourceGroup: "rg", registry: "reg"), transport: transport)
        #expect(try await registry.model(name: "x") == nil)
        let error = await #expect(throws: RegistryError.self) { _ = try await registry.client.getModel(name: "x") }
        #expect(error?.operation == "RegistryModelContainers_Get")
        #expect(error?.code == .notFound)
        #expect(error?.providerCode == "UserError")
    }
}
