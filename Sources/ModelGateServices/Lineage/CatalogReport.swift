import Foundation
import ModelGateCatalog
import ModelGateCore

/// The whole catalog for people who review it (`modelgate report`): models per registry, which versions are in
/// production, approved or `champion` where, copies across registries with their chains, and gaps worth acting on.
public struct CatalogReport: Sendable, Encodable {
    public struct RegistryRow: Sendable, Encodable {
        public var registry: String
        public var kind: RegistryKind
        public var models: Int
        public var versions: Int
        public var lastSyncAt: Date?
        public var lastSyncStatus: String?
    }

    public struct ModelRow: Sendable, Encodable {
        public var registry: String
        public var model: String
        public var versions: Int
        /// `production`, `approved`, … → how many live versions have it.
        public var lifecycles: [String: Int]
    }

    /// A version in production, approved, or holding `champion`, with where else it lives.
    public struct Highlight: Sendable, Encodable {
        public var ref: String
        public var registry: String
        public var kind: RegistryKind
        public var lifecycle: Lifecycle
        public var lifecycleRaw: String?
        public var aliases: [String]
        public var run: String?
        /// Copies made from it and the versions it was copied from (`REG:MODEL@V`).
        public var copies: [String]
    }

    /// A copy and its chain back to the first registry: `[copy, its source, that source's source, …]`.
    public struct CopyRow: Sendable, Encodable {
        public var copy: String
        public var source: String
        public var origin: String
        public var chain: [String]
        public var copyID: String
        public var createdAt: Date
    }

    public struct VersionGap: Sendable, Encodable {
        public var ref: String
        public var lifecycle: Lifecycle
        public var reason: String
    }

    public struct PairGap: Sendable, Encodable {
        public var copy: String
        public var source: String
        public var copyValue: String?
        public var sourceValue: String?
        public var reason: String
    }

    public struct AliasMove: Sendable, Encodable {
        public var registry: String
        public var model: String
        public var alias: String
        public var before: String?
        public var after: String?
        public var at: Date
        public var actor: String?
        public var source: ChangeSource
    }

    public struct Gaps: Sendable, Encodable {
        public var productionWithoutRun: [VersionGap] = []
        public var lifecycleMismatch: [PairGap] = []
        public var digestMismatch: [PairGap] = []
        public var aliasesMoved: [AliasMove] = []
    }

    public var generatedAt: Date
    public var aliasDays: Int
    public var registries: [RegistryRow]
    public var models: [ModelRow]
    public var highlighted: [Highlight]
    public var copies: [CopyRow]
    public var gaps: Gaps

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
    public let catalog: CatalogDatabase
    public let now: @Sendable () -> Date

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
