import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Limits of `modelgate serve`: body size, page sizes and how long a catalog query may take.
public struct ServerLimits: Sendable {
    /// The largest request body accepted (413 beyond).
    public var maxBodyBytes: Int
    /// `limit` when a list request gives none.
    public var defaultPageSize: Int
    /// The largest `limit` accepted (400 beyond).
    public var maxPageSize: Int
    /// The MLflow API's `max_results` is capped (not refused) at this, as the `mlflow` client asks for 200,000.
    public var mlflowMaxResults: Int
    /// A catalog query taking longer than this answers 504.
    public var queryTimeout: Duration
    /// An idle keep-alive connection is closed after this many seconds.
    public var idleTimeoutSeconds: Int64
    /// Audit rows older than this many days are deleted (`server.audit_retention_days`).
    public var auditRetentionDays: Int

    /// - Parameters: see the properties.
    public init(
        maxBodyBytes: Int = 1 << 20, defaultPageSize: Int = 100, maxPageSize: Int = 1000, mlflowMaxResults: Int = 10_000,
        queryTimeout: Duration = .seconds(30), idleTimeoutSeconds: Int64 = 60,
        auditRetentionDays: Int = ServerSettings.defaultAuditRetentionDays
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.mlflowMaxResults = mlflowMaxResults
        self.queryTimeout = queryTimeout
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.auditRetentionDays = auditRetentionDays
    }
}

/// `modelgate serve`: the REST API (`/api/v1`), the MLflow-compatible read API (`/api/2.0/mlflow/`), the web
/// page, `/healthz` and `/metrics`, over one catalog, behind bearer-token access control (DESIGN §7).
///
/// ```swift
/// let server = try GatewayServer(catalog: catalog, tokens: config.server.tokens, operations: ops)
/// try await server.run(host: "127.0.0.1", port: 8080) { port in print("listening on \(port)") }
/// ```
public struct GatewayServer: Sendable {
    public let catalog: CatalogDatabase
    public let tokens: TokenStore
    public let operations: any ServerOperations
    public let limits: ServerLimits
    public let metrics: ServerMetrics
    let jobs: JobStore
    let syncRunner: SyncRunner
    let auditRetention: AuditRetention
    let logger: Logger

    /// - Parameters:
    ///   - catalog: the catalog to serve.
    ///   - tokens: `server.tokens`; hashed here, the plain tokens are not kept.
    ///   - operations: how to reach the registries for sync and migrations.
    ///   - limits: body, page and time limits.
    /// - Throws: ``ServerSetupError`` for a malformed token entry or a token shorter than
    ///   ``TokenStore/minimumTokenLength``.
    public init(
        catalog: CatalogDatabase, tokens: [ServerToken], operations: any ServerOperations,
        limits: ServerLimits = ServerLimits(), logger: Logger = Logger(label: "modelgate.server")
    ) throws(ServerSetupError) {
        self.catalog = catalog
        self.tokens = try TokenStore(tokens)
        self.operations = operations
        self.limits = limits
        self.metrics = ServerMetrics()
        self.jobs = JobStore()
        self.syncRunner = SyncRunner()
        self.auditRetention = AuditRetention(catalog: catalog, days: limits.auditRetentionDays)
        self.logger = logger
    }

    /// What runs beside the HTTP server while it serves: the task group that runs `POST /api/v1/sync` jobs,
    /// cancelled and awaited at shutdown. ``application(host:port:onListening:)`` includes them; an application
    /// built around ``buildRouter()`` alone must add them for syncs to run.
    public var services: [any Service] { [syncRunner] }

    /// The router with every route and the gateway middleware.
    public func buildRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(
            middleware: GatewayMiddleware(
                tokens: tokens, catalog: catalog, metrics: metrics, logger: logger, auditRetention: auditRetention))
        APIRoutes(server: self).register(on: router)
        MLflowRoutes(server: self).register(on: router)
        WebRoutes(server: self).register(on: router)
        router.get("/healthz") { _, _ in
            JSONBody.text("{\"status\":\"ok\"}\n", contentType: "application/json; charset=utf-8")
        }
        router.get("/metrics") { _, _ in
            let counts = try await catalog.counts()
            let text = metrics.render(gauges: [
                ("modelgate_catalog_registries", "Registries in the catalog.", Double(counts.registries)),
                ("modelgate_catalog_models", "Models in the catalog, not tombstoned.", Double(counts.models)),
                ("modelgate_catalog_versions", "Versions in the catalog, not tombstoned.", Double(counts.versions)),
                ("modelgate_catalog_open_conflicts", "Open conflicts.", Double(counts.openConflicts)),
            ])
            return JSONBody.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }

    /// Refuses to listen beyond loopback without tokens (DESIGN §3: "without any, the server only listens on
    /// loopback and is read-only").
    public func checkAddress(host: String) throws(ServerSetupError) {
        guard tokens.isEmpty else { return }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        if !loopback {
            throw ServerSetupError(
                "refusing to listen on \(host) without server.tokens: add tokens to the config, or listen on 127.0.0.1")
        }
    }

    /// The Hummingbird application on `host:port` (port 0 picks a free one, reported to `onListening`).
    public func application(
        host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(ServerSetupError) -> some ApplicationProtocol {
        try checkAddress(host: host)
        return Application(
            router: buildRouter(),
            server: .http1(configuration: .init(idleTimeout: .seconds(limits.idleTimeoutSeconds))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "modelgate"),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until the task is cancelled or (with `handleSignals`) the process gets SIGINT/SIGTERM. Audit rows
    /// older than ``ServerLimits/auditRetentionDays`` are deleted first.
    public func run(
        host: String, port: Int, handleSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = try application(host: host, port: port, onListening: onListening)
        do {
            try await auditRetention.prune()
        } catch {
            logger.error("cannot prune the audit log: \(error)")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }

    /// Runs `body` with at most ``ServerLimits/queryTimeout``; a slower query answers 504.
    func withDeadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = limits.queryTimeout
        return try await withThrowingTaskGroup(of: Deadline<T>.self) { group in
            group.addTask { .value(try await body()) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .expired
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            switch first {
            case .value(let value): return value
            case .expired:
                throw APIError(.gatewayTimeout, code: "timeout", "the catalog query took longer than \(timeout)")
            }
        }
    }
}

enum Deadline<T: Sendable>: Sendable {
    case value(T)
    case expired
}
