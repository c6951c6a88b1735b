import Foundation
import ModelGateCatalog
import ModelGateCore

/// The whole catalog for people who review it (`modelgate report`): models per registry, which versions are in
/// production, approved or `champion` where, copies across registries with their chains, and gaps worth acting on.
public struct CatalogReport: Sendable, Encodable {
    /// One configured registry's totals and how its last sync went.
    public struct RegistryRow: Sendable, Encodable {
        /// The configured registry name.
        public var registry: String
        /// The registry's kind.
        public var kind: RegistryKind
        /// How many models the catalog holds for this registry.
        public var models: Int
        /// How many versions the catalog holds for this registry.
        public var versions: Int
        /// When the last sync of this registry was recorded; nil when it was never synced.
        public var lastSyncAt: Date?
        /// The last sync's status as the catalog recorded it; nil when it was never synced.
        public var lastSyncStatus: String?
    }

    /// One model with its version count and how its versions spread over lifecycles.
    public struct ModelRow: Sendable, Encodable {
        /// The configured registry name.
        public var registry: String
        /// The model name as the registry spells it.
        public var model: String
        /// The model's version count as the catalog records it.
        public var versions: Int
        /// `production`, `approved`, … → how many live versions have it.
        public var lifecycles: [String: Int]
    }

    /// A version in production, approved, or holding `champion`, with where else it lives.
    public struct Highlight: Sendable, Encodable {
        /// The version as `REGISTRY:MODEL@VERSION`.
        public var ref: String
        /// The configured registry name.
        public var registry: String
        /// The registry's kind.
        public var kind: RegistryKind
        /// The normalized lifecycle (`production`, `approved`, …).
        public var lifecycle: Lifecycle
        /// The registry's own lifecycle word (`Production`, `Approved`); nil when it has none.
        public var lifecycleRaw: String?
        /// The aliases pointing at this version, `champion` among them when it is highlighted for that.
        public var aliases: [String]
        /// The training run's id (or its URI when there is no id); nil when the registry names none.
        public var run: String?
        /// Copies made from it and the versions it was copied from (`REG:MODEL@V`).
        public var copies: [String]
    }

    /// A copy and its chain back to the first registry: `[copy, its source, that source's source, …]`.
    public struct CopyRow: Sendable, Encodable {
        /// The copy as `REGISTRY:MODEL@VERSION`.
        public var copy: String
        /// The version it was copied from directly.
        public var source: String
        /// The first version of the chain: the one the copies started from.
        public var origin: String
        /// `[copy, its source, that source's source, …]`, at most 33 entries and never a cycle.
        public var chain: [String]
        /// The id of the copy operation that made it, as in the version map and the `migrated_from` edges.
        public var copyID: String
        /// When the copy was recorded.
        public var createdAt: Date
    }

    /// A production or approved version that lacks something (today: a training run anywhere up its copy chain).
    public struct VersionGap: Sendable, Encodable {
        /// The version as `REGISTRY:MODEL@VERSION`.
        public var ref: String
        /// Its normalized lifecycle (`production` or `approved`).
        public var lifecycle: Lifecycle
        /// What is missing, in words, with the chain searched when there is one.
        public var reason: String
    }

    /// A copy that disagrees with its source on a value both have (lifecycle meaning, artifact digest).
    public struct PairGap: Sendable, Encodable {
        /// The copy as `REGISTRY:MODEL@VERSION`.
        public var copy: String
        /// The version it was copied from.
        public var source: String
        /// The copy's value (raw lifecycle or digest); nil when it has none.
        public var copyValue: String?
        /// The source's value (raw lifecycle or digest); nil when it has none.
        public var sourceValue: String?
        /// How the two differ, in words.
        public var reason: String
    }

    /// An alias that moved within the report's window (`aliasDays`), from the change history.
    public struct AliasMove: Sendable, Encodable {
        /// The configured registry name.
        public var registry: String
        /// The model whose alias moved.
        public var model: String
        /// The alias name, without the `alias:` field prefix.
        public var alias: String
        /// The version it pointed at before; nil when the alias was new.
        public var before: String?
        /// The version it points at after; nil when the alias was removed.
        public var after: String?
        /// When the change was recorded.
        public var at: Date
        /// Who made the change, when known; nil otherwise.
        public var actor: String?
        /// What recorded the move: a sync, a migration, a conflict resolution or an import.
        public var source: ChangeSource
    }

    /// Things worth acting on, each list empty when there is nothing to report.
    public struct Gaps: Sendable, Encodable {
        /// Production or approved versions with no training run here or up their copy chain.
        public var productionWithoutRun: [VersionGap] = []
        /// Copies whose lifecycle means something else than their source's (in use / candidate / retired / none).
        public var lifecycleMismatch: [PairGap] = []
        /// Copies whose artifact digest differs from their source's.
        public var digestMismatch: [PairGap] = []
        /// Aliases that moved in the last `aliasDays` days.
        public var aliasesMoved: [AliasMove] = []
    }

    /// When the report was built.
    public var generatedAt: Date
    /// The alias-move window in days (`--alias-days`), counted back from `generatedAt`.
    public var aliasDays: Int
    /// One row per registry the catalog knows.
    public var registries: [RegistryRow]
    /// One row per model in the catalog.
    public var models: [ModelRow]
    /// Versions in production, approved or holding `champion`.
    public var highlighted: [Highlight]
    /// Every recorded copy with its chain back to the origin.
    public var copies: [CopyRow]
    /// What the report found worth acting on.
    public var gaps: Gaps

    /// Writes the report as `--output json` prints it: snake_case keys, RFC 3339 times, `null` for missing values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Timestamp.format(generatedAt), forKey: "generated_at")
        try c.encode(aliasDays, forKey: "alias_days")
        try c.encode(registries.map(Self.json), forKey: "registries")
        try c.encode(
            models.map { row -> JSONValue in
                .object([
                    "registry": .string(row.registry), "model": .string(row.model), "versions": .int(Int64(row.versions)),
                    "lifecycles": .object(row.lifecycles.mapValues { .int(Int64($0)) }),
                ])
            }, forKey: "models")
        try c.encode(
            highlighted.map { h -> JSONValue in
                .object([
                    "ref": .string(h.ref), "registry": .string(h.registry), "kind": .string(h.kind.rawValue),
                    "lifecycle": .string(h.lifecycle.rawValue), "lifecycle_raw": h.lifecycleRaw.map(JSONValue.string) ?? .null,
                    "aliases": .array(h.aliases.map(JSONValue.string)), "run": h.run.map(JSONValue.string) ?? .null,
                    "copies": .array(h.copies.map(JSONValue.string)),
                ])
            }, forKey: "highlighted")
        try c.encode(
            copies.map { row -> JSONValue in
                .object([
                    "copy": .string(row.copy), "source": .string(row.source), "origin": .string(row.origin),
                    "chain": .array(row.chain.map(JSONValue.string)), "copy_id": .string(row.copyID),
                    "created_at": .string(Timestamp.format(row.createdAt)),
                ])
            }, forKey: "copies")
        let pair: (PairGap) -> JSONValue = { gap in
            .object([
                "copy": .string(gap.copy), "source": .string(gap.source),
                "copy_value": gap.copyValue.map(JSONValue.string) ?? .null,
                "source_value": gap.sourceValue.map(JSONValue.string) ?? .null, "reason": .string(gap.reason),
            ])
        }
        let gapsJSON: JSONValue = .object([
            "production_without_run": .array(
                gaps.productionWithoutRun.map {
                    .object(["ref": .string($0.ref), "lifecycle": .string($0.lifecycle.rawValue), "reason": .string($0.reason)])
                }),
            "lifecycle_mismatch": .array(gaps.lifecycleMismatch.map(pair)),
            "digest_mismatch": .array(gaps.digestMismatch.map(pair)),
            "aliases_moved": .array(
                gaps.aliasesMoved.map { move in
                    .object([
                        "registry": .string(move.registry), "model": .string(move.model), "alias": .string(move.alias),
                        "before": move.before.map(JSONValue.string) ?? .null,
                        "after": move.after.map(JSONValue.string) ?? .null, "at": .string(Timestamp.format(move.at)),
                        "actor": move.actor.map(JSONValue.string) ?? .null, "source": .string(move.source.rawValue),
                    ])
                }),
        ])
        try c.encode(gapsJSON, forKey: "gaps")
    }

    static func json(_ row: RegistryRow) -> JSONValue {
        .object([
            "registry": .string(row.registry), "kind": .string(row.kind.rawValue), "models": .int(Int64(row.models)),
            "versions": .int(Int64(row.versions)),
            "last_sync_at": row.lastSyncAt.map { .string(Timestamp.format($0)) } ?? .null,
            "last_sync_status": row.lastSyncStatus.map(JSONValue.string) ?? .null,
        ])
    }

    struct Key: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { stringValue = value }
    }
}

/// Builds a ``CatalogReport`` from the catalog.
public struct CatalogReportBuilder: Sendable {
    /// The catalog the report reads.
    public let catalog: CatalogDatabase
    /// The clock that stamps `generatedAt` and ends the alias window (a fixed one in tests).
    public let now: @Sendable () -> Date

    /// A builder over `catalog`, on the wall clock unless `now` is given.
    public init(catalog: CatalogDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.catalog = catalog
        self.now = now
    }

    /// Registries whose lifecycle says something (the others always report `none`).
    static let lifecycleKinds: Set<RegistryKind> = [.mlflow, .sagemaker, .azureml]

    /// Lifecycles compared across registries by what they mean: in use, candidate, retired, nothing said.
    static func meaning(_ lifecycle: Lifecycle) -> String {
        switch lifecycle {
        case .production, .approved: return "in use"
        case .staging, .pendingApproval: return "candidate"
        case .archived, .rejected: return "retired"
        case .none: return "none"
        }
    }

    /// Reads the whole catalog and builds the report; aliases moved in the last `aliasDays` days (negative counts as 0) are listed.
    public func build(aliasDays: Int = 7) async throws -> CatalogReport {
        let at = now()
        let registries = try await catalog.registries()
        let models = try await catalog.models(ModelQuery()).items
        let versions = try await catalog.versions(VersionQuery()).items
        let map = try await catalog.allVersionMap()
        var byRef: [VersionRef: ModelVersion] = [:]
        for version in versions { byRef[version.ref] = version }
        var sourceOf: [VersionRef: VersionMapEntry] = [:]
        var copiesOf: [VersionRef: [VersionRef]] = [:]
        for entry in map {
            sourceOf[entry.target] = entry
            copiesOf[entry.source, default: []].append(entry.target)
        }
        func chain(_ ref: VersionRef) -> [VersionRef] {
            var out = [ref]
            var seen: Set<VersionRef> = [ref]
            var current = ref
            while let entry = sourceOf[current], seen.insert(entry.source).inserted, out.count < 33 {
                out.append(entry.source)
                current = entry.source
            }
            return out
        }

        let registryRows = registries.map { info in
            CatalogReport.RegistryRow(
                registry: info.name, kind: info.kind, models: models.filter { $0.registry == info.name }.count,
                versions: versions.filter { $0.registry == info.name }.count, lastSyncAt: info.lastSyncAt,
                lastSyncStatus: info.lastSyncStatus)
        }
        let modelRows = models.map { model in
            var lifecycles: [String: Int] = [:]
            for version in versions where version.registry == model.registry && version.model == model.name {
                lifecycles[version.lifecycle.rawValue, default: 0] += 1
            }
            return CatalogReport.ModelRow(
                registry: model.registry, model: model.name, versions: model.versionCount, lifecycles: lifecycles)
        }
        let highlighted = versions.filter {
            $0.lifecycle == .production || $0.lifecycle == .approved || $0.aliases.contains("champion")
        }.map { version in
            let related = Array(chain(version.ref).dropFirst()) + (copiesOf[version.ref] ?? [])
            return CatalogReport.Highlight(
                ref: version.ref.description, registry: version.registry, kind: version.kind,
                lifecycle: version.lifecycle, lifecycleRaw: version.lifecycleRaw, aliases: version.aliases,
                run: version.run?.id ?? version.run?.uri, copies: related.map(\.description))
        }
        let copyRows = map.map { entry in
            let path = chain(entry.target)
            return CatalogReport.CopyRow(
                copy: entry.target.description, source: entry.source.description,
                origin: (path.last ?? entry.source).description, chain: path.map(\.description), copyID: entry.copyID,
                createdAt: entry.createdAt)
        }

        var gaps = CatalogReport.Gaps()
        for version in versions where version.lifecycle == .production || version.lifecycle == .approved {
            let path = chain(version.ref)
            let hasRun = path.contains { byRef[$0]?.run != nil }
            if !hasRun {
                gaps.productionWithoutRun.append(
                    CatalogReport.VersionGap(
                        ref: version.ref.description, lifecycle: version.lifecycle,
                        reason: path.count > 1
                            ? "no training run here nor anywhere up its copy chain (\(path.map(\.description).joined(separator: " ← ")))"
                            : "the registry names no training run, job or pipeline"))
            }
        }
        for entry in map {
            guard let copy = byRef[entry.target], let source = byRef[entry.source] else { continue }
            if Self.lifecycleKinds.contains(copy.kind), Self.lifecycleKinds.contains(source.kind),
                Self.meaning(copy.lifecycle) != Self.meaning(source.lifecycle)
            {
                gaps.lifecycleMismatch.append(
                    CatalogReport.PairGap(
                        copy: entry.target.description, source: entry.source.description,
                        copyValue: copy.lifecycleRaw ?? copy.lifecycle.rawValue,
                        sourceValue: source.lifecycleRaw ?? source.lifecycle.rawValue,
                        reason: "copy is \(Self.meaning(copy.lifecycle)) (\(copy.lifecycle.rawValue)), source is "
                            + "\(Self.meaning(source.lifecycle)) (\(source.lifecycle.rawValue))"))
            }
            if let a = copy.artifactDigest, let b = source.artifactDigest, a != b {
                gaps.digestMismatch.append(
                    CatalogReport.PairGap(
                        copy: entry.target.description, source: entry.source.description, copyValue: a, sourceValue: b,
                        reason: "the copy's artifact digest differs from its source's"))
            }
        }
        let since = at.addingTimeInterval(-Double(max(0, aliasDays)) * 86_400)
        for change in try await catalog.changes(kind: .aliasMoved, since: since) {
            let field = change.field ?? ""
            gaps.aliasesMoved.append(
                CatalogReport.AliasMove(
                    registry: change.registry, model: change.model,
                    alias: field.hasPrefix("alias:") ? String(field.dropFirst(6)) : field, before: change.before,
                    after: change.after, at: change.at, actor: change.actor, source: change.source))
        }
        return CatalogReport(
            generatedAt: at, aliasDays: aliasDays, registries: registryRows, models: modelRows, highlighted: highlighted,
            copies: copyRows, gaps: gaps)
    }
}
