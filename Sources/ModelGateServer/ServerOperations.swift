import Foundation
import HTTPTypes
import Logging
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateServices
import ModelGateTransport

/// What the server needs from the configured registries to sync and migrate. ``ConfigOperations`` is the
/// real one; tests may supply their own.
public protocol ServerOperations: Sendable {
    /// The registries `POST /api/v1/sync` may name, in config order.
    var registryNames: [String] { get }
    /// Sync settings from the config.
    var syncOptions: SyncOptions { get }
    /// `conflicts.tag_owners`.
    var tagOwners: [String: String] { get }
    /// Connects to a registry for sync or migration; throws ``APIError`` for an unknown name.
    func adapter(_ name: String) throws -> (adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?)
}

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

    public func adapter(_ name: String) throws -> (adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?) {
        guard let config else {
            throw APIError(.conflict, code: "not_configured", "the server was started without a config file, so it has no registries")
        }
        guard let registry = config.registry(named: name) else {
            throw APIError.notFound("no registry '\(name)' in \(config.file)", field: "registry")
        }
        let connection = try connector.connect(registry)
        let stats = connection.stats
        return (try connection.requireAdapter(), registry.baseURL, { (stats.snapshot.requests, stats.snapshot.retries) })
    }
}
