import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import Synchronization

/// One request as the handlers see it.
struct AzureMLCall: Sendable {
    var method: String
    var path: String
    /// Raw `name=value` pairs of the query, in order (not decoded).
    var rawQuery: [String]
    /// Decoded query parameters (`%24skipToken` is read as `$skipToken`).
    var query: [String: String]
    var parameters: [String: String]
    var scope: AzureMLScope?
    /// The base of absolute URLs.
    var base: String
    var apiVersion: String
    var now: Date

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The absolute URL of this path with the same query, `$skipToken` replaced by `skipToken` (or dropped).
    func link(skipToken: String?) -> String {
        var pairs = rawQuery.filter { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return name != "$skipToken" && name != "%24skipToken"
        }
        if let skipToken { pairs.append("$skipToken=" + AzureMLCall.encode(skipToken)) }
        return base + path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension AzureMLSimulator {
    /// Logs, checks the bearer token, the api-version and the scope, then runs `handler`.
    func serve<Context: RequestContext>(
        _ request: Request, _ context: Context, scoped: Bool = true, _ handler: (AzureMLCall) throws -> AzureMLReply
    ) async -> Response {
        let path = request.uri.path
        let rawQuery = (request.uri.query ?? "").split(separator: "&").map(String.init).filter { !$0.isEmpty }
        state.withLock { $0.requests.append("\(request.method.rawValue) \(path)" + (rawQuery.isEmpty ? "" : "?" + rawQuery.joined(separator: "&"))) }
        let now = clock()

        if let tokens {
            let check = tokens.check(authorization: request.headers[.authorization])
            if let reply = Self.authenticationFailure(check, now: now) { return reply.response }
        }
        var query: [String: String] = [:]
        for pair in rawQuery {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0].removingPercentEncoding ?? parts[0]
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            if query[name] == nil { query[name] = value }
        }
        let settings = self.settings.withLock { $0 }
        guard let apiVersion = query["api-version"], !apiVersion.isEmpty else {
            return AzureMLReply.error(
                400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."
            ).response
        }
        var parameters: [String: String] = [:]
        for name in ["subscription", "resourceGroup", "kind", "scope", "model", "version", "location", "operation"] {
            if let value = context.parameters.get(name) { parameters[name] = value.removingPercentEncoding ?? value }
        }
        guard Self.supportedAPIVersions.contains(apiVersion) else {
            let type = parameters["kind"].map { "Microsoft.MachineLearningServices/\($0)" } ?? "Microsoft.MachineLearningServices"
            return AzureMLReply.error(
                400, "NoRegisteredProviderFound",
                "No registered resource provider found for location '\(settings.location)' and API version '\(apiVersion)' "
                    + "for type '\(type)'. The supported api-versions are '\(Self.supportedAPIVersions.sorted().joined(separator: ", "))'."
            ).response
        }
        var base = settings.baseURL
        if base.isEmpty, let host = request.head.authority { base = "http://" + host }
        var call = AzureMLCall(
            method: request.method.rawValue, path: path, rawQuery: rawQuery, query: query, parameters: parameters, scope: nil,
            base: base, apiVersion: apiVersion, now: now)
        if scoped {
            let kindName = call.parameter("kind")
            guard let kind = AzureMLScope.Kind(rawValue: kindName) else {
                return AzureMLReply.error(
                    400, "InvalidResourceType",
                    "The resource type '\(kindName)' could not be found in the namespace 'Microsoft.MachineLearningServices' "
                        + "for api version '\(apiVersion)'."
                ).response
            }
            let scope = AzureMLScope(
                kind: kind, subscription: call.parameter("subscription"), resourceGroup: call.parameter("resourceGroup"),
                name: call.parameter("scope"))
            guard state.withLock({ $0.scopes[scope] != nil }) else {
                return AzureMLReply.error(
                    404, "ResourceNotFound",
                    "The Resource 'Microsoft.MachineLearningServices/\(kind.rawValue)/\(scope.name)' under resource group "
                        + "'\(scope.resourceGroup)' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
                ).response
            }
            call.scope = scope
        }
        do {
            return try handler(call).response
        } catch let failure as AzureMLFailure {
            return failure.reply.response
        } catch {
            return AzureMLReply.error(500, "InternalServerError", "The simulator failed: \(error)").response
        }
    }

    /// ARM's 401s: no header, an unknown token, an expired one.
    static func authenticationFailure(_ check: TokenRegistry.Check, now: Date) -> AzureMLReply? {
        func reply(_ code: String, _ message: String, _ description: String) -> AzureMLReply {
            AzureMLReply.error(
                401, code, message,
                headers: [
                    (
                        "WWW-Authenticate",
                        #"Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", "#
                            + #"error_description="\#(description)""#
                    )
                ])
        }
        switch check {
        case .valid: return nil
        case .missing:
            return reply(
                "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.")
        case .unknown:
            return reply("InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid.")
        case .expired:
            return reply(
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time is earlier than current UTC time '\(Timestamp.format(now))'.",
                "The access token has expired.")
        }
    }
}
