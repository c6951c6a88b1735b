import ArgumentParser
import Foundation
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore

/// `modelgate registries`: configured registries and what the catalog knows of their last sync.
struct RegistriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registries", abstract: "List configured registries: kind, endpoint, last sync time and result.")

    @OptionGroup var global: GlobalOptions

    struct Row: Encodable {
        var name: String
        var kind: RegistryKind
        var endpoint: String?
        var configured: Bool
        var lastSyncAt: String?
        var lastSyncStatus: String?
        var lastSyncMessage: String?

        enum CodingKeys: String, CodingKey {
            case name, kind, endpoint, configured
            case lastSyncAt = "last_sync_at", lastSyncStatus = "last_sync_status", lastSyncMessage = "last_sync_message"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(endpoint, forKey: .endpoint)
            try c.encode(configured, forKey: .configured)
            try c.encode(lastSyncAt, forKey: .lastSyncAt)
            try c.encode(lastSyncStatus, forKey: .lastSyncStatus)
            try c.encode(lastSyncMessage, forKey: .lastSyncMessage)
        }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global)
            let catalog = try context.openCatalog()
            let known = Dictionary(uniqueKeysWithValues: try await catalog.registries().map { ($0.name, $0) })
            var rows: [Row] = []
            for registry in context.config?.registries ?? [] {
                let info = known[registry.name]
                rows.append(
                    Row(
                        name: registry.name, kind: registry.kind, endpoint: registry.baseURL, configured: true,
                        lastSyncAt: info?.lastSyncAt.map(Timestamp.format), lastSyncStatus: info?.lastSyncStatus,
                        lastSyncMessage: info?.lastSyncMessage))
            }
            // Registries the catalog holds that the config no longer names are still shown.
            let configured = Set(rows.map(\.name))
            for info in known.values.sorted(by: { $0.name < $1.name }) where !configured.contains(info.name) {
                rows.append(
                    Row(
                        name: info.name, kind: info.kind, endpoint: info.endpoint, configured: false,
                        lastSyncAt: info.lastSyncAt.map(Timestamp.format), lastSyncStatus: info.lastSyncStatus,
                        lastSyncMessage: info.lastSyncMessage))
            }
            if global.json { return try Console.json(rows) }
            if rows.isEmpty {
                if !global.quiet { Console.err("no registries: none configured and none in the catalog") }
                return
            }
            var table = TextTable("NAME", "KIND", "ENDPOINT", "LAST SYNC", "RESULT")
            for row in rows {
                var result = row.lastSyncStatus ?? "never synced"
                if !row.configured { result += " (not in config)" }
                if row.lastSyncStatus == "failed", let message = row.lastSyncMessage { result += ": \(message)" }
                table.add(row.name, row.kind.rawValue, row.endpoint.orDash, row.lastSyncAt.orDash, result)
            }
            Console.out(table.render())
        }
    }
}

/// `modelgate models`: models across registries.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List models across registries.")

    @Option(help: "Only models of this registry.") var registry: String?
    @Option(help: "Case-insensitive text in the name, description or a tag value.") var search: String?
    @Flag(help: "Also show models deleted from their registry.") var includeDeleted = false
    @Option(help: "At most N models.") var limit: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            let page = try await catalog.models(
                ModelQuery(registry: registry, search: search, includeDeleted: includeDeleted, limit: limit))
            if global.json { return try Console.json(page.items) }
            var table = TextTable("REGISTRY", "MODEL", "VERSIONS", "UPDATED", "DESCRIPTION")
            for model in page.items {
                let name = model.deleted ? "\(model.name) (deleted)" : model.name
                table.add(
                    model.registry, name, String(model.versionCount), model.updatedAt.map(Timestamp.format).orDash,
                    Self.oneLine(model.description))
            }
            if page.items.isEmpty {
                if !global.quiet { Console.err("no models match (run `modelgate sync` to fill the catalog)") }
            } else {
                Console.out(table.render())
            }
        }
    }

    static func oneLine(_ text: String?, max: Int = 60) -> String {
        guard let text, !text.isEmpty else { return "-" }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > max ? String(line.prefix(max - 1)) + "…" : line
    }
}

/// `modelgate versions`: versions across registries, with every filter of DESIGN §4.
struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List model versions across registries.")

    @Option(help: "Only versions of this registry.") var registry: String?
    @Option(help: "Only versions of this model (its native name).") var model: String?
    @Option(help: "Only versions this alias points at.") var alias: String?
    @Option(help: "Only versions in this lifecycle: \(Lifecycle.allCases.map(\.rawValue).joined(separator: ", ")).")
    var lifecycle: String?
    @Option(name: .customLong("tag"), help: "K=V: only versions with this tag value (repeatable; all must match).")
    var tags: [String] = []
    @Option(help: "Case-insensitive text in the model, version, description or a tag value.") var search: String?
    @Flag(help: "Also show versions deleted from their registry.") var includeDeleted = false
    @Option(help: "At most N versions.") var limit: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let lifecycle, Lifecycle(rawValue: lifecycle) == nil {
            throw ValidationError(
                "unknown lifecycle '\(lifecycle)'; one of: \(Lifecycle.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try parsedTags()
    }

    func parsedTags() throws -> [(key: String, value: String)] {
        try tags.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--tag expects KEY=VALUE, got '\(text)'")
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
    }

    func run() async throws {
        try await reportingErrors {
            let catalog = try CommandContext(global).openCatalog()
            let query = VersionQuery(
                registry: registry, model: model, alias: alias, lifecycle: lifecycle.flatMap(Lifecycle.init(rawValue:)),
                tags: try parsedTags(), search: search, includeDeleted: includeDeleted, limit: limit)
            let versions = try await catalog.versions(query).items.map { version -> ModelVersion in
                var version = version
                version.raw = nil  // the native JSON is in `show`
                return version
            }
            if global.json { return try Console.json(versions) }
            if versions.isEmpty {
                if !global.quiet { Console.err("no versions match (run `modelgate sync` to fill the catalog)") }
                return
            }
            var table = TextTable("REGISTRY", "MODEL", "VERSION", "LIFECYCLE", "ALIASES", "STATUS", "CREATED", "SOURCE")
            for v in versions {
                let lifecycle = v.deleted ? "deleted" : v.lifecycle.rawValue
                table.add(
                    v.registry, v.model, v.version, lifecycle, v.aliases.isEmpty ? "-" : v.aliases.joined(separator: ","),
                    v.status.rawValue, v.createdAt.map(Timestamp.format).orDash, v.sourceURI.orDash)
            }
            Console.out(table.render())
        }
    }
}
