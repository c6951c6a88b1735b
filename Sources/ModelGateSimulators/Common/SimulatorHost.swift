import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A simulator (or any Hummingbird router) served on 127.0.0.1 with an ephemeral port.
///
/// ```swift
/// let host = try await SimulatorHost.start(router)
/// defer { Task { await host.stop() } }
/// let adapter = VertexAdapter(..., baseURL: host.baseURL, ...)
/// ```
public final class SimulatorHost: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(baseURL: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts serving `router` and returns once the port is bound.
    /// - Parameters:
    ///   - host: the address to bind; loopback only, as tests and the demo require.
    ///   - port: 0 for an ephemeral port.
    public static func start<Context: RequestContext>(
        _ router: Router<Context>, host: String = "127.0.0.1", port: Int = 0, logLevel: Logger.Level = .error
    ) async throws -> SimulatorHost where Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "modelgate.simulator")
        logger.logLevel = logLevel
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw SimulatorError("the simulator could not listen on \(host):\(port)")
        }
        return SimulatorHost(baseURL: "http://\(host):\(bound)", port: bound, group: group, task: task)
    }

    /// Stops the server (open keep-alive connections are closed) and waits until it has ended.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Serves `router` for the duration of `body`.
    public static func with<Context: RequestContext, Value>(
        _ router: Router<Context>, _ body: (SimulatorHost) async throws -> Value
    ) async throws -> Value where Context: InitializableFromSource<ApplicationRequestContextSource> {
        let host = try await start(router)
        do {
            let value = try await body(host)
            await host.stop()
            return value
        } catch {
            await host.stop()
            throw error
        }
    }
}

public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
