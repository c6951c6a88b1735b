import Foundation
import Logging
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServer
import ModelGateServices
import ModelGateTransport

/// Registries from the config file, connected through ``RegistryConnector`` like the CLI does.
public struct ConfigOperations: ServerOperations {
    public let config: ModelGateConfig?
    public let connector: RegistryConnector

    /// - Parameters:
    ///   - config: the loaded config; nil when the server runs over a catalog alone (no sync, no migrations).
    ///   - environment: where `${VAR}` references and credentials come from.
    public init(config: ModelGateConfig?, environment: [String: String]) {
        self.config = config
        var logger = Logger(label: "modelgate.transport")
        logger.logLevel = .warning
        connector = RegistryConnector(
            environment: environment, logger: logger, servingImages: config?.conflicts.servingImage ?? [:])
    }

    public var registryNames: [String] { config?.registries.map(\.name) ?? [] }

    public var syncOptions: SyncOptions {
        guard let sync = config?.sync else { return SyncOptions() }
        return SyncOptions(
            concurrency: sync.concurrency, tombstoneAfterMisses: sync.tombstoneAfterMisses, fullEvery: sync.fullEvery)
    }

    public var tagOwners: [String: String] { config?.conflicts.tagOwners ?? [:] }

    public func registryInfo(_ name: String) -> RegistryInfo? { config?.registry(named: name)?.info }

    public func adapter(_ name: String) throws -> (adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?) {
        guard let config else {
            throw APIError.notConfigured("the server was started without a config file, so it has no registries")
        }
        guard let registry = config.registry(named: name) else {
            throw APIError.notFound("no registry '\(name)' in \(config.file)", field: "registry")
        }
        let connection = try connector.connect(registry)
        let stats = connection.stats
        return (try connection.requireAdapter(), registry.baseURL, { (stats.snapshot.requests, stats.snapshot.retries) })
    }
}
