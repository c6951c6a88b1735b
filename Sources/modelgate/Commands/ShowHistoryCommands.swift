import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateServices

/// `modelgate show REGISTRY:MODEL[@VERSION]`.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one model or version with aliases, tags and lineage neighbours.")

    @Argument(help: "REGISTRY:MODEL or REGISTRY:MODEL@VERSION.") var ref: String
    @OptionGroup var global: GlobalOptions

    func validate() throws { _ = try parseRef(ref) }

    func run() async throws {
        try await reportingErrors {
            let ref = try parseRef(ref)
            let catalog = try CommandContext(global).openCatalog()
            if let versionName = ref.version {
                guard let detail = try await VersionDetail.load(ref.registry, ref.model, versionName, from: catalog) else {
                    throw CLIError("\(ref) is not in the catalog (run `modelgate sync \(ref.registry)`?)")
                }
                if global.json { return try Console.json(detail) }
                Console.out(
                    Self.text(
                        detail.version, lineage: detail.lineage, migratedFrom: detail.migratedFrom, migratedTo: detail.migratedTo))
            } else {
                guard let detail = try await ModelDetail.load(ref.registry, ref.model, from: catalog) else {
                    throw CLIError("\(ref) is not in the catalog (run `modelgate sync \(ref.registry)`?)")
                }
                if global.json { return try Console.json(detail) }
                Console.out(Self.text(detail.model, versions: detail.versions, lineage: detail.lineage))
            }
        }
    }

    static func text(
        _ v: ModelVersion, lineage: [LineageEdge], migratedFrom: [VersionRef] = [], migratedTo: [VersionRef] = []
    ) -> String {
        var lines = ["\(v.registry):\(v.model)@\(v.version)\(v.deleted ? "  (deleted in the registry)" : "")"]
        func field(_ name: String, _ value: String?) {
            lines.append("  " + name.padding(toLength: 15, withPad: " ", startingAt: 0) + (value.orDash))
        }
        field("kind", v.kind.rawValue)
        field("status", v.status.rawValue)
        field("lifecycle", v.lifecycleRaw.map { "\(v.lifecycle.rawValue) (\($0))" } ?? v.lifecycle.rawValue)
        field("aliases", v.aliases.isEmpty ? nil : v.aliases.joined(separator: ", "))
        field("description", v.description)
        field("source", v.sourceURI)
        field("digest", v.artifactDigest)
        field("run", v.run.flatMap { $0.id ?? $0.uri })
        field("created", v.createdAt.map(Timestamp.format))
        field("updated", v.updatedAt.map(Timestamp.format))
        field("created by", v.createdBy)
        if !migratedFrom.isEmpty { field("migrated from", migratedFrom.map(\.description).joined(separator: " ← ")) }
        if !migratedTo.isEmpty { field("migrated to", migratedTo.map(\.description).joined(separator: ", ")) }
        lines.append(contentsOf: tagLines(v.tags))
        lines.append(contentsOf: lineageLines(lineage))
        return lines.joined(separator: "\n")
    }

    static func text(_ m: RegistryModel, versions: [ModelVersion], lineage: [LineageEdge]) -> String {
        var lines = ["\(m.registry):\(m.name)\(m.deleted ? "  (deleted in the registry)" : "")"]
        func field(_ name: String, _ value: String?) {
            lines.append("  " + name.padding(toLength: 15, withPad: " ", startingAt: 0) + (value.orDash))
        }
        field("kind", m.kind.rawValue)
        field("description", m.description)
        field("created", m.createdAt.map(Timestamp.format))
        field("updated", m.updatedAt.map(Timestamp.format))
        lines.append(contentsOf: tagLines(m.tags))
        lines.append("  versions")
        if versions.isEmpty { lines.append("    (none)") }
        for v in versions {
            var parts = ["    \(v.version)", v.deleted ? "deleted" : v.lifecycle.rawValue]
            if !v.aliases.isEmpty { parts.append("aliases: " + v.aliases.joined(separator: ", ")) }
            if let created = v.createdAt { parts.append(Timestamp.format(created)) }
            lines.append(parts.joined(separator: "  "))
        }
        lines.append(contentsOf: lineageLines(lineage))
        return lines.joined(separator: "\n")
    }

    static func tagLines(_ tags: [String: String]) -> [String] {
        guard !tags.isEmpty else { return ["  tags           -"] }
        return ["  tags"] + tags.sorted { $0.key < $1.key }.map { "    \($0.key) = \($0.value)" }
    }

    static func lineageLines(_ edges: [LineageEdge]) -> [String] {
        guard !edges.isEmpty else { return ["  lineage        -"] }
        return ["  lineage"] + edges.map { "    \($0.from) --\($0.relation.rawValue)--> \($0.to)  (by \($0.assertedBy))" }
    }
}

/// `modelgate history REGISTRY:MODEL [--alias A] [--since TIME]`.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the change log of a model: who or what moved which alias or lifecycle, and when.")

    @Argument(help: "REGISTRY:MODEL.") var ref: String
    @Option(help: "Only moves of this alias.") var alias: String?
    @Option(help: "Only changes at or after this time (RFC 3339 or YYYY-MM-DD).") var since: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let parsed = try parseRef(ref)
        if parsed.version != nil { throw ValidationError("history takes REGISTRY:MODEL, without @VERSION") }
        if let since { _ = try parseTime(since) }
    }

    func run() async throws {
        try await reportingErrors {
            let ref = try parseRef(ref)
            let catalog = try CommandContext(global).openCatalog()
            let entries = try await catalog.history(
                registry: ref.registry, model: ref.model, alias: alias, since: try since.map(parseTime))
            if global.json { return try Console.json(entries) }
            if entries.isEmpty {
                if !global.quiet { Console.err("no changes recorded for \(ref)") }
                return
            }
            var table = TextTable("AT", "VERSION", "KIND", "CHANGE", "BY", "SOURCE")
            for entry in entries {
                table.add(
                    Timestamp.format(entry.at), entry.version.orDash, entry.kind.rawValue, Self.sentence(entry),
                    entry.actor.orDash, entry.source.rawValue)
            }
            Console.out(table.render())
        }
    }

    /// "champion moved from 6 to 7", "lifecycle staging → production", "tag team set to risk".
    static func sentence(_ e: ChangeEntry) -> String {
        let field = e.field ?? ""
        switch e.kind {
        case .aliasMoved:
            let alias = field.hasPrefix("alias:") ? String(field.dropFirst(6)) : field
            switch (e.before, e.after) {
            case (nil, let to?): return "\(alias) set to \(to)"
            case (let from?, nil): return "\(alias) removed from \(from)"
            case (let from?, let to?): return "\(alias) moved from \(from) to \(to)"
            default: return alias
            }
        case .tagChanged:
            let tag = field.hasPrefix("tag:") ? String(field.dropFirst(4)) : field
            switch (e.before, e.after) {
            case (nil, let to?): return "tag \(tag) set to \(to)"
            case (_, nil): return "tag \(tag) removed"
            case (let from?, let to?): return "tag \(tag) changed from \(from) to \(to)"
            }
        case .lifecycleChanged:
            return "lifecycle \(e.before ?? "none") → \(e.after ?? "none")"
        case .created:
            return e.version == nil ? "model created" : "version created"
        case .deleted:
            return "deleted in the registry"
        case .updated:
            return field.isEmpty ? "updated" : "\(field) changed"
        case .error:
            return e.after ?? e.before ?? "error"
        }
    }
}
