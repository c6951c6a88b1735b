import ArgumentParser
import Foundation
import Logging
import ModelGateConfig
import ModelGateServer

/// `modelgate serve [--host H] [--port P]`: the HTTP API, the MLflow-compatible read API and the web page.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the catalog: REST API (/api/v1), MLflow-compatible read API (/api/2.0/mlflow), web page.",
        discussion: """
            Listens on server.listen (default 127.0.0.1:8080); --host and --port override it. Bearer tokens come \
            from server.tokens (roles reader, operator, admin). Without tokens the server is read-only and only \
            listens on loopback and answers only to the host names localhost, 127.0.0.1 and [::1]. A token must \
            have at least 16 characters (or be given as token_sha256). Audit rows older than \
            server.audit_retention_days (default 90) are deleted at start and then hourly. /healthz and /metrics \
            need no token.
            """)

    @Option(help: "Address to listen on (overrides server.listen).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (overrides server.listen).") var port: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global)
            let settings = context.config?.server ?? ServerSettings()
            try settings.checkResolved()
            if let file = context.config?.file { try settings.checkTokenStrength(file: file) }
            let catalog = try context.openCatalog()
            var logger = Logger(label: "modelgate.server")
            logger.logLevel = global.verbose ? .debug : .warning
            let server = try GatewayServer(
                catalog: catalog, tokens: settings.tokens,
                operations: ConfigOperations(config: context.config, environment: context.environment),
                limits: ServerLimits(auditRetentionDays: settings.auditRetentionDays), logger: logger)
            let host = host ?? settings.host
            let quiet = global.quiet
            let tokens = settings.tokens.count
            try await server.run(host: host, port: port ?? settings.port) { bound in
                if !quiet {
                    let shown = host.contains(":") ? "[\(host)]" : host
                    Console.err(
                        "modelgate serve: listening on http://\(shown):\(bound) "
                            + (tokens == 0 ? "(read-only: no server.tokens)" : "(\(tokens) token(s))"))
                }
            }
        }
    }
}
