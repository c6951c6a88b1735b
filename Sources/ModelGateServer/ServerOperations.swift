import ModelGateAdapterKit
import ModelGateCore
import ModelGateServices

/// What the server needs from the configured registries to sync and migrate. The executable composes the real one
/// from the config (`ConfigOperations`); tests may supply their own.
public protocol ServerOperations: Sendable {
    /// The registries `POST /api/v1/sync` may name, in config order.
    var registryNames: [String] { get }
    /// Sync settings from the config.
    var syncOptions: SyncOptions { get }
    /// `conflicts.tag_owners`.
    var tagOwners: [String: String] { get }
    /// What the catalog records about a registry (kind, endpoint), known without connecting to it; nil for an
    /// unknown name. A registry that fails to connect is reported and recorded under this.
    func registryInfo(_ name: String) -> RegistryInfo?
    /// Connects to a registry for sync or migration; throws ``APIError`` for an unknown name.
    func adapter(_ name: String) throws -> (adapter: any RegistryAdapter, endpoint: String?, counters: (@Sendable () -> (requests: Int, retries: Int))?)
}

