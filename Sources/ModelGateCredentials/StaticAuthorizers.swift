import Foundation
import ModelGateCore
import ModelGateTransport

/// HTTP Basic authentication (RFC 7617): MLflow's username/password, and W&B's `api:<key>`.
public struct BasicAuthorizer: RequestAuthorizer, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The user name (not a secret).
    public let username: String
    private let password: String

    /// - Parameters:
    ///   - username: the user name; it must not contain `:`.
    ///   - password: the password or API key.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// W&B's form: user `api`, the API key as the password.
    public static func wandb(apiKey: String) -> BasicAuthorizer { BasicAuthorizer(username: "api", password: apiKey) }

    public func authorize(_ request: inout TransportRequest) async throws {
        guard !username.contains(":") else {
            throw RegistryError(
                code: .configuration, registry: request.registry, operation: "basic authentication",
                message: "the user name must not contain ':' (RFC 7617)")
        }
        let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
        request.setHeader("Authorization", "Basic \(encoded)")
        request.sensitiveHeaders.insert("Authorization")
    }

    public var description: String { "BasicAuthorizer(username: \(username), password: ***)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "***"]) }
}

/// A fixed token: `Authorization: Bearer <token>` (MLflow, GitLab) or GitLab's `PRIVATE-TOKEN: <token>`.
public struct TokenAuthorizer: RequestAuthorizer, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Which header carries the token.
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// `Authorization: Bearer <token>`.
        case bearer
        /// `PRIVATE-TOKEN: <token>` (GitLab personal, project and group access tokens).
        case privateToken = "private-token"

        /// The header name this style sets.
        public var headerName: String { self == .bearer ? "Authorization" : "PRIVATE-TOKEN" }
    }

    /// The header style.
    public let style: Style
    private let token: String

    /// - Parameters:
    ///   - token: the token.
    ///   - style: `.bearer` (default) or `.privateToken`.
    public init(token: String, style: Style = .bearer) {
        self.token = token
        self.style = style
    }

    public func authorize(_ request: inout TransportRequest) async throws {
        guard !token.isEmpty else {
            throw RegistryError(
                code: .configuration, registry: request.registry, operation: "token authentication",
                message: "the configured token is empty")
        }
        request.setHeader(style.headerName, style == .bearer ? "Bearer \(token)" : token)
        request.sensitiveHeaders.insert(style.headerName)
    }

    public var description: String { "TokenAuthorizer(style: \(style.rawValue), token: ***)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["style": style, "token": "***"]) }
}
