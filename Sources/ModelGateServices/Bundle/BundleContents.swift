import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Everything a bundle holds, verified and parsed: what `modelgate import` plans and applies from.
///
/// Each registry's models come as ``ModelSnapshot``s (a model with all its versions), keyed by registry
/// name. A snapshot's `lineage` holds the edges that start at that model or one of its versions; ``lineage``
/// holds every edge of the bundle (those, plus edges starting at runs and other nodes).
public struct BundleContents: Sendable {
    /// Which kind of directory the contents came from.
    public enum Format: String, Sendable, Hashable, CustomStringConvertible {
        /// A ModelGate bundle (`manifest.json` + JSON Lines files, DESIGN §6).
        case modelgate
        /// An export of mlflow-export-import (`export-model` or `export-models`/`export-all`).
        case mlflowExportImport = "mlflow-export-import"

        /// The directory format's name as users write it: `modelgate` or `mlflow-export-import`.
        public var description: String { rawValue }
    }

    /// Whether this came from a ModelGate bundle or an mlflow-export-import export.
    public var format: Format
    /// The verified manifest; nil for an mlflow-export-import directory.
    public var manifest: BundleManifest?
    /// The registries the bundle holds, in bundle order.
    public var registries: [RegistryInfo]
    /// Registry name → its models with their versions, in bundle order.
    public var snapshots: [String: [ModelSnapshot]]
    /// Every lineage edge of the bundle, including those that start at runs and other non-model nodes.
    public var lineage: [LineageEdge]
    /// The change log of the exported objects, oldest first (empty for mlflow-export-import).
    public var changes: [ChangeEntry]

    /// Contents already verified and parsed by a reader; nothing is checked here.
    public init(
        format: Format, manifest: BundleManifest?, registries: [RegistryInfo], snapshots: [String: [ModelSnapshot]],
        lineage: [LineageEdge], changes: [ChangeEntry]
    ) {
        self.format = format
        self.manifest = manifest
        self.registries = registries
        self.snapshots = snapshots
        self.lineage = lineage
        self.changes = changes
    }

    /// Registry names in bundle order (what `import --from-registry` chooses from).
    public var registryNames: [String] { registries.map(\.name) }

    /// The snapshots of one registry (empty when the bundle does not hold it).
    public func snapshots(of registry: String) -> [ModelSnapshot] { snapshots[registry] ?? [] }

    /// Every version of every registry, in bundle order.
    public var versions: [ModelVersion] {
        registries.flatMap { snapshots(of: $0.name).flatMap(\.versions) }
    }

    /// Every model of every registry, in bundle order.
    public var models: [RegistryModel] {
        registries.flatMap { snapshots(of: $0.name).map(\.model) }
    }
}
