#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ModelGateCatalog
import ModelGateCore
import ModelGateSigning

/// What ``BundleExporter/export(to:registry:model:)`` wrote.
public struct BundleExportResult: Sendable {
    /// The bundle directory (the `--out` path).
    public var directory: URL
    /// The manifest as written to `manifest.json`.
    public var manifest: BundleManifest

    /// How many models, versions, lineage edges and changes the bundle holds, as the manifest records.
    public var counts: BundleManifest.Counts { manifest.counts }
    /// Objects that could not be exported; the bundle holds everything else.
    public var failures: [BundleManifest.Failure] { manifest.failures }
    /// Data file → `sha256:<hex>`.
    public var files: [String: String] { manifest.files }

    /// The result of an export already written to `directory`.
    public init(directory: URL, manifest: BundleManifest) {
        self.directory = directory
        self.manifest = manifest
    }
}

/// Writes a portable bundle (DESIGN §6) from the catalog: `manifest.json` plus `registries.jsonl`,
/// `models.jsonl`, `versions.jsonl`, `lineage.jsonl` and `changes.jsonl`, one normalized JSON object a line
/// (the shapes `--output json` prints, with the native `raw` kept and tombstoned objects flagged `deleted`).
///
/// The catalog is read one page at a time and each file is streamed and hashed as it is written. The bundle
/// is written into a temporary directory next to the target and renamed into place only when complete, so
/// a failed export leaves nothing behind. An object that cannot be encoded is listed in the manifest's
/// `failures` (never silently dropped).
///
/// ```swift
/// let result = try await BundleExporter(catalog: catalog, tool: "modelgate 0.1.0")
///     .export(to: URL(fileURLWithPath: "out/bundle"), registry: "mlflow-prod", model: nil)
/// ```
public struct BundleExporter: Sendable {
    /// The catalog the bundle is read from; it is only read, never changed.
    public let catalog: CatalogDatabase
    /// Written as the manifest's `tool` (`modelgate X.Y.Z`).
    public let tool: String
    /// Rows read from the catalog per query.
    public var pageSize: Int
    let now: @Sendable () -> Date

    /// Test hook: returns a message to make the export of one object fail as an encoding failure would
    /// (arguments: file, registry, model, version).
    var testOnly_failObject: (@Sendable (String, String, String?, String?) -> String?)?

    /// - Parameters:
    ///   - catalog: the catalog to read.
    ///   - tool: the manifest's `tool`, e.g. `modelgate 0.1.0`.
    ///   - pageSize: rows per catalog query (bounded memory for large catalogs).
    ///   - now: the clock for `created_at`.
    public init(
        catalog: CatalogDatabase, tool: String, pageSize: Int = 1000, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.catalog = catalog
        self.tool = tool
        self.pageSize = max(1, pageSize)
        self.now = now
    }

    /// Exports the catalog, or one registry, or one model, into the new directory `directory`.
    ///
    /// - Parameters:
    ///   - directory: where the bundle goes; it must not exist or be an empty directory.
    ///   - registry: only this registry.
    ///   - model: only models of this name (in `registry`, or in every registry holding one).
    /// - Returns: the manifest written, with counts and failures.
    /// - Throws: ``BundleError`` (`outputNotEmpty`, `outputUnusable`, `nothingToExport`, `writeFailed`),
    ///   or the catalog's errors; in every case nothing is left at `directory`.
    public func export(to directory: URL, registry: String?, model: String?) async throws -> BundleExportResult {
        let target = directory.standardizedFileURL
        try Self.checkTarget(target)
        let registries = try await selectRegistries(registry: registry, model: model)

        let fileManager = FileManager.default
        let parent = target.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw BundleError(
                .outputUnusable,
                "cannot create the bundle next to \(target.path): \(error.localizedDescription); choose a writable --out path")
        }
        do {
            let manifest = try await write(into: temporary, registries: registries, model: model)
            let manifestData = try manifest.encodedForFile()
            try Self.io("write \(BundleManifest.fileName)") {
                try manifestData.write(to: temporary.appendingPathComponent(BundleManifest.fileName))
            }
            // rename(2) replaces an empty directory and fails on a non-empty one, so files that appeared at
            // the target since the check above are never overwritten.
            if rename(temporary.path, target.path) != 0 {
                let reason = String(cString: strerror(errno))
                let code: BundleError.Code = errno == ENOTEMPTY || errno == EEXIST ? .outputNotEmpty : .writeFailed
                throw BundleError(
                    code, "cannot move the bundle into \(target.path): \(reason); choose a new or empty --out directory")
            }
            return BundleExportResult(directory: target, manifest: manifest)
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw error
        }
    }

    // MARK: Selection

    private func selectRegistries(registry: String?, model: String?) async throws -> [RegistryInfo] {
        var registries = try await catalog.registries()
        if let registry {
            registries = registries.filter { $0.name == registry }
            if registries.isEmpty {
                throw BundleError(
                    .nothingToExport,
                    "registry '\(registry)' is not in the catalog; `modelgate registries` lists the ones it holds")
            }
        }
        if registries.isEmpty {
            throw BundleError(.nothingToExport, "the catalog holds no registries; run `modelgate sync` first")
        }
        guard let model else { return registries }
        // Only the registries that hold a model of this name (at most one model per registry).
        var holding: Set<String> = []
        var cursor: String?
        repeat {
            let page = try await catalog.exportModels(registry: registry, model: model, cursor: cursor, limit: pageSize)
            for found in page.items { holding.insert(found.registry) }
            cursor = page.nextCursor
        } while cursor != nil
        registries = registries.filter { holding.contains($0.name) }
        if registries.isEmpty {
            let scope = registry.map { "registry '\($0)'" } ?? "any registry"
            throw BundleError(
                .nothingToExport, "no model '\(model)' in \(scope) of the catalog; `modelgate models` lists them")
        }
        return registries
    }

    // MARK: Writing

    private func write(into directory: URL, registries: [RegistryInfo], model: String?) async throws -> BundleManifest {
        let names = Set(registries.map(\.name))
        let single = registries.count == 1 ? registries[0].name : nil
        // With neither filter, everything in the catalog goes; otherwise only the selected registries.
        let allRegistries = try await catalog.registries()
        let everything = model == nil && registries.count == allRegistries.count
        var failures: [BundleManifest.Failure] = []
        var files: [String: String] = [:]
        var counts = BundleManifest.Counts()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        func append<T: Encodable>(
            _ value: T, to writer: JSONLinesWriter, registry: String, model: String?, version: String?
        ) throws {
            do {
                if let message = testOnly_failObject?(writer.name, registry, model, version) {
                    throw BundleError(.writeFailed, message)
                }
                try writer.append(try encoder.encode(value))
            } catch let error as JSONLinesWriter.IOFailure {
                throw BundleError(.writeFailed, file: writer.name, "cannot write \(writer.name): \(error.message)")
            } catch {
                failures.append(
                    BundleManifest.Failure(
                        registry: registry, model: model, version: version,
                        message: "\(writer.name): cannot encode: \(error)"))
            }
        }

        // registries.jsonl
        let registryFile = try JSONLinesWriter(directory: directory, name: BundleManifest.registriesFile)
        for info in registries {
            try append(info, to: registryFile, registry: info.name, model: nil, version: nil)
        }
        files[registryFile.name] = try registryFile.finish()

        // models.jsonl
        let modelFile = try JSONLinesWriter(directory: directory, name: BundleManifest.modelsFile)
        for info in registries {
            var cursor: String?
            repeat {
                let page = try await catalog.exportModels(
                    registry: info.name, model: model, cursor: cursor, limit: pageSize)
                for item in page.items {
                    try append(item, to: modelFile, registry: item.registry, model: item.name, version: nil)
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        counts.models = modelFile.count
        files[modelFile.name] = try modelFile.finish()

        // versions.jsonl (tombstoned versions too, flagged `deleted: true`)
        let versionFile = try JSONLinesWriter(directory: directory, name: BundleManifest.versionsFile)
        for info in registries {
            var cursor: String?
            repeat {
                let page = try await catalog.versions(
                    VersionQuery(
                        registry: info.name, model: model, includeDeleted: true, limit: pageSize, cursor: cursor))
                for item in page.items {
                    try append(item, to: versionFile, registry: item.registry, model: item.model, version: item.version)
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        counts.versions = versionFile.count
        files[versionFile.name] = try versionFile.finish()

        // lineage.jsonl: edges touching an exported model or version (and the runs those versions came from).
        let lineageFile = try JSONLinesWriter(directory: directory, name: BundleManifest.lineageFile)
        let selector = LineageSelector(registries: names, model: model)
        var runs: Set<String> = []
        var written: Set<LineageKey> = []
        var cursor: String?
        repeat {
            let page = try await catalog.exportLineage(cursor: cursor, limit: pageSize)
            for edge in page.items where everything || selector.touches(edge) {
                if !everything, model != nil {
                    for node in [edge.from, edge.to] where node.hasPrefix("run:") { runs.insert(node) }
                    written.insert(LineageKey(edge))
                }
                try append(edge, to: lineageFile, registry: single ?? Self.registry(of: edge), model: model, version: nil)
            }
            cursor = page.nextCursor
        } while cursor != nil
        if !runs.isEmpty {
            // Second pass: what the runs of the exported versions used and were built from.
            cursor = nil
            repeat {
                let page = try await catalog.exportLineage(cursor: cursor, limit: pageSize)
                for edge in page.items where runs.contains(edge.from) || runs.contains(edge.to) {
                    guard !written.contains(LineageKey(edge)) else { continue }
                    written.insert(LineageKey(edge))
                    try append(edge, to: lineageFile, registry: single ?? Self.registry(of: edge), model: model, version: nil)
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        counts.lineage = lineageFile.count
        files[lineageFile.name] = try lineageFile.finish()

        // changes.jsonl: the change log of the exported registries (and model), oldest first; row ids are
        // local to a catalog and left out.
        let changeFile = try JSONLinesWriter(directory: directory, name: BundleManifest.changesFile)
        for info in registries {
            var cursor: String?
            repeat {
                let page = try await catalog.exportChanges(
                    registry: info.name, model: model, cursor: cursor, limit: pageSize)
                for var item in page.items {
                    item.id = nil
                    try append(item, to: changeFile, registry: item.registry, model: item.model, version: item.version)
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        counts.changes = changeFile.count
        files[changeFile.name] = try changeFile.finish()

        return BundleManifest(
            tool: tool, createdAt: Timestamp.date(milliseconds: Timestamp.milliseconds(now())),
            sources: registries.map(\.name), counts: counts, failures: failures, files: files)
    }

    /// The registry named in an edge's `from` node (`version:REG:…`, `model:REG:…`, `run:REG:…`), else `modelgate`.
    static func registry(of edge: LineageEdge) -> String {
        LineageSelector.parse(edge.from).map { String($0.registry) } ?? edge.assertedBy
    }

    // MARK: Files

    /// Refuses a target that is a file or a non-empty directory.
    static func checkTarget(_ target: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw BundleError(
                .outputUnusable, "--out \(target.path) is a file; a bundle is a directory: choose a new path")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? [""]
        if !contents.isEmpty {
            throw BundleError(
                .outputNotEmpty,
                "--out \(target.path) is not empty; a bundle never overwrites files: choose a new or empty directory")
        }
    }

    static func io(_ what: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw BundleError(.writeFailed, "cannot \(what): \(error.localizedDescription)")
        }
    }
}

/// Which lineage edges belong to an export of some registries (and maybe one model).
struct LineageSelector {
    var registries: Set<String>
    var model: String?

    /// A node id split into kind (`version`, `model`, `run`, …), registry and the rest.
    static func parse(_ node: String) -> (kind: Substring, registry: Substring, rest: Substring)? {
        guard let first = node.firstIndex(of: ":") else { return nil }
        let kind = node[..<first]
        guard ["version", "model", "run"].contains(kind) else { return nil }
        let afterKind = node[node.index(after: first)...]
        guard let second = afterKind.firstIndex(of: ":") else { return nil }
        return (kind, afterKind[..<second], afterKind[afterKind.index(after: second)...])
    }

    func owns(_ node: String) -> Bool {
        guard let parsed = Self.parse(node), registries.contains(String(parsed.registry)) else { return false }
        guard let model else { return true }
        switch parsed.kind {
        case "model": return parsed.rest == model
        case "version":
            guard let at = parsed.rest.lastIndex(of: "@") else { return false }
            return parsed.rest[..<at] == model
        default: return false  // runs are reached through the versions' produced_by edges
        }
    }

    func touches(_ edge: LineageEdge) -> Bool { owns(edge.from) || owns(edge.to) }
}

/// The identity of a lineage edge in the catalog.
struct LineageKey: Hashable {
    var from: String
    var to: String
    var relation: LineageRelation
    var assertedBy: String

    init(_ edge: LineageEdge) {
        from = edge.from
        to = edge.to
        relation = edge.relation
        assertedBy = edge.assertedBy
    }
}

/// One JSON Lines file being written: buffered, hashed as written, counted.
final class JSONLinesWriter {
    struct IOFailure: Error {
        var message: String
    }

    let name: String
    private let handle: FileHandle
    private let hasher = SHA256Hasher()
    private var buffer = Data()
    private(set) var count = 0

    init(directory: URL, name: String) throws {
        self.name = name
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BundleError(.writeFailed, file: name, "cannot create \(url.path); check the --out directory's permissions")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw BundleError(.writeFailed, file: name, "cannot open \(url.path): \(error.localizedDescription)")
        }
    }

    /// Appends one line (the JSON text must not hold a raw newline; JSON encoders escape them).
    func append(_ line: Data) throws {
        buffer.append(line)
        buffer.append(0x0A)
        count += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { hasher.update($0) }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw IOFailure(message: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; returns its digest as `sha256:<hex>`.
    func finish() throws -> String {
        do {
            try flush()
            try handle.close()
        } catch {
            throw BundleError(.writeFailed, file: name, "cannot write \(name): \(error.localizedDescription)")
        }
        return "sha256:" + Hex.encode(hasher.finalize())
    }
}
