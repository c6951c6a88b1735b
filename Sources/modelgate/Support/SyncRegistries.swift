import ModelGateConfig
import ModelGateRegistries
import ModelGateServices
import ModelGateTransport

extension RegistryConnector {
    /// `registry` for ``SyncOrchestrator``: connected when the sync starts, its requests and retries counted by
    /// its transport.
    func syncRegistry(_ registry: RegistryConfig) -> SyncRegistry {
        SyncRegistry(info: registry.info) {
            let connection = try connect(registry)
            let stats = connection.stats
            return SyncTarget(
                adapter: try connection.requireAdapter(), endpoint: registry.baseURL,
                counters: { (stats.snapshot.requests, stats.snapshot.retries) })
        }
    }
}
