import Foundation
import ModelGateCore
import ModelGateTransport

/// An OAuth access token and when it expires. `description` never shows the token.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The bearer token.
    public var value: String
    /// When the token stops working.
    public var expiresAt: Date

    /// A token valid until `expiresAt`.
    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "AccessToken(***, expiresAt: \(Timestamp.format(expiresAt)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": "***", "expiresAt": expiresAt]) }
}

/// Something that hands out a currently valid access token (Google service account, Entra ID app…).
public protocol AccessTokenProvider: Sendable {
    /// A token that is valid now; implementations cache and refresh it.
    func accessToken() async throws -> AccessToken
    /// Forgets the cached token (the registry refused it), so the next call fetches a new one.
    func invalidate() async
}

extension AccessTokenProvider {
    public func invalidate() async {}
}

/// Sends `Authorization: Bearer <token>` with a token from any ``AccessTokenProvider``.
public struct BearerTokenAuthorizer: RequestAuthorizer {
    private let provider: any AccessTokenProvider

    /// Uses `provider` for every request (it caches; this type does not).
    public init(_ provider: any AccessTokenProvider) { self.provider = provider }

    /// Forgets the provider's cached token, after the registry refused it with 401.
    public func invalidate() async { await provider.invalidate() }

    public func authorize(_ request: inout TransportRequest) async throws {
        let token = try await provider.accessToken()
        request.setHeader("Authorization", "Bearer \(token.value)")
        request.sensitiveHeaders.insert("Authorization")
    }
}

/// Caches one access token and refreshes it before it expires, with at most one refresh in flight: any
/// number of concurrent callers share it (single flight).
public actor TokenCache {
    /// Fetches a fresh token.
    public typealias Fetch = @Sendable () async throws -> AccessToken

    private enum State {
        case empty
        case valid(AccessToken, refreshAt: Date)
        case refreshing(Task<AccessToken, any Error>)
    }

    private var state: State = .empty
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let fetch: Fetch

    /// - Parameters:
    ///   - refreshMargin: refresh this long before expiry (capped at half the token's lifetime).
    ///   - now: the clock (injected).
    ///   - fetch: gets a fresh token.
    public init(refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date, fetch: @escaping Fetch) {
        self.refreshMargin = refreshMargin
        self.now = now
        self.fetch = fetch
    }

    /// The cached token while it is fresh; otherwise one shared refresh. A failed refresh is thrown to
    /// every waiting caller and the next call tries again.
    public func token() async throws -> AccessToken {
        switch state {
        case .valid(let token, let refreshAt) where now() < refreshAt:
            return token
        case .refreshing(let task):
            return try await task.value
        case .empty, .valid:
            let fetch = self.fetch
            let task = Task { try await fetch() }
            state = .refreshing(task)
            do {
                let token = try await task.value
                let issued = now()
                let lifetime = max(0, token.expiresAt.timeIntervalSince(issued))
                state = .valid(token, refreshAt: token.expiresAt.addingTimeInterval(-min(refreshMargin, lifetime / 2)))
                return token
            } catch {
                state = .empty
                throw error
            }
        }
    }

    /// Drops the cached token (after the registry refused it, for example).
    public func invalidate() {
        if case .valid = state { state = .empty }
    }
}
