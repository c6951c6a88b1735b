import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport

/// Posts a form to an OAuth 2.0 token endpoint and reads `access_token`/`expires_in`.
///
/// Errors name the registry and the endpoint, carry the endpoint's `error` code and a redacted
/// `error_description`, and never the form (it holds the assertion or the client secret).
struct TokenEndpointClient: Sendable {
    let transport: any HTTPTransport
    let registry: String
    let endpoint: String
    /// What is being asked, for messages ("Google service-account token exchange").
    let purpose: String
    let now: @Sendable () -> Date

    var operation: String { "POST \(Redactor.redact(url: endpoint))" }

    func requestToken(form: [(name: String, value: String)], secrets: [String]) async throws -> AccessToken {
        let body = FormEncoding.encode(form)
        var request = TransportRequest(
            method: .POST, url: endpoint,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(body.utf8), registry: registry, operation: "\(purpose) (\(operation))", retrySafe: true)
        // The form holds a client secret or a signed assertion: verify TLS against the system roots (plus the
        // registry's ca_bundle), whatever the registry's insecure_skip_tls_verify says (issue 15 item 12).
        request.requiresSystemTrust = true
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch let error as RegistryError {
            var copy = error
            copy.message = Redaction.redact(copy.message, secrets: secrets)
            throw copy
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RegistryError(
                code: .transport, registry: registry, operation: operation,
                message: "\(purpose) failed: " + Redaction.redact(String(describing: error), secrets: secrets))
        }
        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.isSuccess else { throw failure(response, json: json, secrets: secrets) }
        guard let json, let token = json["access_token"] as? String, !token.isEmpty else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "\(purpose): the token endpoint's answer has no access_token")
        }
        if let type = json["token_type"] as? String, type.lowercased() != "bearer" {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "\(purpose): token_type is '\(type)', expected Bearer")
        }
        let lifetime: Double
        switch json["expires_in"] {
        case let number as NSNumber: lifetime = number.doubleValue
        case let text as String where Double(text) != nil: lifetime = Double(text) ?? 0
        default:
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "\(purpose): the token endpoint's answer has no numeric expires_in")
        }
        guard lifetime > 0, lifetime.isFinite else {
            throw RegistryError(
                code: .malformedPayload, registry: registry, operation: operation, httpStatus: response.status,
                message: "\(purpose): expires_in must be a positive number")
        }
        // An absurd lifetime is a day at most: the token is then refreshed, never kept "forever" (item 9).
        return AccessToken(value: token, expiresAt: now().addingTimeInterval(min(lifetime, 86_400)))
    }

    private func failure(_ response: TransportResponse, json: [String: Any]?, secrets: [String]) -> RegistryError {
        let providerCode = json?["error"] as? String
        var detail = (json?["error_description"] as? String) ?? ""
        detail = Redaction.redact(detail, secrets: secrets)
        if detail.count > 400 { detail = String(detail.prefix(400)) + "…" }
        let code: RegistryError.Code
        switch (response.status, providerCode) {
        case (429, _): code = .rateLimited
        case (500..., _): code = .serverError
        case (_, "invalid_client"), (_, "invalid_grant"), (_, "unauthorized_client"), (401, _), (403, _):
            code = .unauthorized
        default: code = .credentials
        }
        var message = "the token endpoint refused the \(purpose)"
        if !detail.isEmpty { message += ": \(detail)" }
        if json == nil, !response.body.isEmpty { message += " (the answer is not JSON)" }
        return RegistryError(
            code: code, registry: registry, operation: operation, httpStatus: response.status, providerCode: providerCode,
            message: message)
    }
}

/// `application/x-www-form-urlencoded` (every byte but RFC 3986 unreserved is percent-encoded).
enum FormEncoding {
    static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { "\(component($0.name))=\(component($0.value))" }.joined(separator: "&")
    }

    static func component(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Removes secrets from text that may reach a log or an error.
enum Redaction {
    static func redact(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: "***")
        }
        return out
    }
}
