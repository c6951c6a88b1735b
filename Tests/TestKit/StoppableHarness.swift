/// A test's server (a simulator on loopback and what it was started with) that runs until `stop()`.
///
/// ```swift
/// try await AzureHarness.with(try await AzureHarness.start(pageSize: 2)) { h in … }
/// ```
public protocol StoppableHarness: Sendable {
    /// Stops the server; the harness is not used afterwards.
    func stop() async
}

extension StoppableHarness {
    /// Runs `body` with `harness`, then awaits `harness.stop()` after a return and after a throw alike, so the
    /// server is down before the test ends (a `defer { Task { await stop() } }` is awaited by nobody).
    public static func with<T>(_ harness: Self, _ body: (Self) async throws -> T) async throws -> T {
        try await withStopping(harness, stop: { await $0.stop() }, body)
    }
}

/// Runs `body` with `resource`, then awaits `stop(resource)` after a return and after a throw alike.
public func withStopping<Resource, T>(
    _ resource: Resource, stop: (Resource) async -> Void, _ body: (Resource) async throws -> T
) async throws -> T {
    let value: T
    do {
        value = try await body(resource)
    } catch {
        await stop(resource)
        throw error
    }
    await stop(resource)
    return value
}
