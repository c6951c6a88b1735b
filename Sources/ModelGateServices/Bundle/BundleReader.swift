#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSigning

/// Reads a ModelGate bundle or an mlflow-export-import directory into ``BundleContents``.
///
/// A ModelGate bundle is verified completely before anything is returned: the manifest parses; its
/// `format_version` is one this build knows; every path in `files` stays inside the bundle (not absolute,
/// no `..`, no symlink at all: the bundle directory, the manifest and the data files are regular and checked
/// with `lstat` before they are read, and opened without following links or blocking); every listed file
/// exists and has the recorded SHA-256; lines are at most 16 MiB; every line of
/// every data file parses; counts and cross-references agree. Files in the directory that the manifest
/// does not list are ignored (never read), so they cannot change what is imported.
///
/// ```swift
/// let contents = try BundleReader.read(at: URL(fileURLWithPath: "bundle"), mlflowRegistryName: "mlflow-old")
/// for registry in contents.registryNames { print(registry, contents.snapshots(of: registry).count) }
/// ```
public enum BundleReader {
    /// Which format the directory holds, without verifying it.
    ///
    /// - Throws: ``BundleError`` `notABundle` when it is neither.
    public static func detectFormat(at directory: URL) throws -> BundleContents.Format {
        let root = directory.standardizedFileURL
        try BundleFile.checkBundleDirectory(root)
        guard isDirectory(root) else {
            throw BundleError(.notABundle, "\(root.path) is not a directory; pass the bundle directory (untar it first)")
        }
        let manifest = root.appendingPathComponent(BundleManifest.fileName)
        if BundleFile.kind(manifest.path) != .missing {
            // Refused before a byte of it is read: a symlinked or special manifest.json (issue 15 item 16).
            try BundleFile.checkRegularFile(BundleManifest.fileName, root: root)
            // mlflow-export-import's bulk exports have a manifest.json too, in their system/info/mlflow envelope.
            let json = (try? BundleFile.contents(manifest, file: BundleManifest.fileName)).flatMap { try? JSONValue.parse($0) }
            let isMLflowEnvelope = json?["format_version"] == nil && (json?["system"] != nil || json?["mlflow"] != nil)
            if !isMLflowEnvelope { return .modelgate }
        }
        if MLflowExportImportReader.looksLikeExport(root) { return .mlflowExportImport }
        throw BundleError(
            .notABundle,
            "\(root.path) holds neither manifest.json (a ModelGate bundle) nor model.json or models/ "
                + "(an mlflow-export-import export); pass the directory `modelgate export --out` or export-model wrote")
    }

    /// Verifies and reads a bundle.
    ///
    /// - Parameters:
    ///   - directory: the bundle directory.
    ///   - mlflowRegistryName: the registry name an mlflow-export-import export is read under (kind `mlflow`);
    ///     ignored for a ModelGate bundle, whose registries are named in it.
    /// - Throws: ``BundleError`` naming what is wrong, the file, and the fix; nothing is returned then.
    public static func read(at directory: URL, mlflowRegistryName: String) throws -> BundleContents {
        let root = directory.standardizedFileURL
        switch try detectFormat(at: root) {
        case .mlflowExportImport: return try MLflowExportImportReader.read(at: root, registry: mlflowRegistryName)
        case .modelgate: return try readModelGate(at: root)
        }
    }

    /// Verifies a ModelGate bundle's manifest, paths and digests without parsing the data files.
    ///
    /// - Returns: the manifest.
    /// - Throws: ``BundleError``.
    public static func verify(at directory: URL) throws -> BundleManifest {
        let root = directory.standardizedFileURL
        let manifest = try readManifest(at: root)
        for file in manifest.files.keys.sorted() {
            _ = try verifiedFile(file, digest: manifest.files[file] ?? "", root: root)
        }
        return manifest
    }

    // MARK: ModelGate bundles

    static func readModelGate(at root: URL) throws -> BundleContents {
        let manifest = try verify(at: root)
        var urls: [String: URL] = [:]
        for file in BundleManifest.dataFiles {
            guard let digest = manifest.files[file] else {
                throw BundleError(
                    .manifestInvalid, file: BundleManifest.fileName,
                    "\(BundleManifest.fileName) does not list \(file); the bundle is incomplete: export it again")
            }
            urls[file] = try verifiedFile(file, digest: digest, root: root)
        }

        func lines<T: Decodable>(_ file: String, as type: T.Type) throws -> [T] {
            var items: [T] = []
            let decoder = JSONDecoder()
            let hasher = SHA256Hasher()
            try forEachLine(of: urls[file]!, file: file, hasher: hasher) { number, line in
                do {
                    items.append(try decoder.decode(T.self, from: line))
                } catch {
                    throw BundleError(
                        .invalidLine, file: file,
                        "\(file) line \(number) does not parse: \(describe(error)); the bundle is damaged: export it again")
                }
            }
            // Hashed again while parsing, so a file changed after the check above is still refused.
            let digest = "sha256:" + Hex.encode(hasher.finalize())
            if digest != manifest.files[file]?.lowercased() {
                throw digestMismatch(file, recorded: manifest.files[file] ?? "", actual: digest)
            }
            return items
        }

        let registries = try lines(BundleManifest.registriesFile, as: RegistryInfo.self)
        let models = try lines(BundleManifest.modelsFile, as: RegistryModel.self)
        let versions = try lines(BundleManifest.versionsFile, as: ModelVersion.self)
        let lineage = try lines(BundleManifest.lineageFile, as: LineageEdge.self)
        let changes = try lines(BundleManifest.changesFile, as: ChangeEntry.self)

        func checkCount(_ file: String, _ recorded: Int, _ actual: Int) throws {
            if recorded != actual {
                throw BundleError(
                    .inconsistent, file: file,
                    "\(file) holds \(actual) objects but \(BundleManifest.fileName) counts \(recorded); the bundle is damaged: export it again")
            }
        }
        try checkCount(BundleManifest.modelsFile, manifest.counts.models, models.count)
        try checkCount(BundleManifest.versionsFile, manifest.counts.versions, versions.count)
        try checkCount(BundleManifest.lineageFile, manifest.counts.lineage, lineage.count)
        try checkCount(BundleManifest.changesFile, manifest.counts.changes, changes.count)
        let registryNames = registries.map(\.name)
        if Set(registryNames) != Set(manifest.sources) || registryNames.count != Set(registryNames).count {
            throw BundleError(
                .inconsistent, file: BundleManifest.registriesFile,
                "\(BundleManifest.registriesFile) holds \(registryNames) but \(BundleManifest.fileName) names sources \(manifest.sources); the bundle is damaged: export it again")
        }

        // Group into snapshots, keeping bundle order.
        var snapshots: [String: [ModelSnapshot]] = [:]
        var index: [String: [String: Int]] = [:]
        for (number, model) in models.enumerated() {
            guard registryNames.contains(model.registry) else {
                throw BundleError(
                    .inconsistent, file: BundleManifest.modelsFile,
                    "\(BundleManifest.modelsFile) line \(number + 1): registry '\(model.registry)' is not in \(BundleManifest.registriesFile); the bundle is damaged: export it again")
            }
            guard index[model.registry]?[model.name] == nil else {
                throw BundleError(
                    .inconsistent, file: BundleManifest.modelsFile,
                    "\(BundleManifest.modelsFile) line \(number + 1): model '\(model.registry):\(model.name)' appears twice; the bundle is damaged: export it again")
            }
            index[model.registry, default: [:]][model.name] = snapshots[model.registry, default: []].count
            snapshots[model.registry, default: []].append(ModelSnapshot(model: model, versions: []))
        }
        for (number, version) in versions.enumerated() {
            guard let position = index[version.registry]?[version.model] else {
                throw BundleError(
                    .inconsistent, file: BundleManifest.versionsFile,
                    "\(BundleManifest.versionsFile) line \(number + 1): model '\(version.registry):\(version.model)' of version \(version.version) is not in \(BundleManifest.modelsFile); the bundle is damaged: export it again")
            }
            snapshots[version.registry]?[position].versions.append(version)
        }
        for edge in lineage {
            guard let node = LineageSelector.parse(edge.from), node.kind == "version" || node.kind == "model" else {
                continue
            }
            let registry = String(node.registry)
            var model = String(node.rest)
            if node.kind == "version", let at = model.lastIndex(of: "@") { model = String(model[..<at]) }
            if let position = index[registry]?[model] { snapshots[registry]?[position].lineage.append(edge) }
        }
        return BundleContents(
            format: .modelgate, manifest: manifest, registries: registries, snapshots: snapshots, lineage: lineage,
            changes: changes)
    }

    /// Reads and checks `manifest.json`: it parses, and its `format_version` is one this build knows.
    static func readManifest(at root: URL) throws -> BundleManifest {
        let file = BundleManifest.fileName
        let url = root.appendingPathComponent(file)
        try BundleFile.checkBundleDirectory(root)
        guard BundleFile.kind(url.path) != .missing else {
            throw BundleError(
                .notABundle, file: file, "\(root.path) has no \(file); pass the directory `modelgate export --out` wrote")
        }
        try BundleFile.checkRegularFile(file, root: root)
        let data = try BundleFile.contents(url, file: file)
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw BundleError(
                .manifestInvalid, file: file,
                "\(file) does not parse as JSON: \(describe(error)); the bundle is damaged: export it again")
        }
        guard let version = json["format_version"]?.int64Value else {
            throw BundleError(
                .manifestInvalid, file: file,
                "\(file) has no integer format_version; pass a bundle written by `modelgate export`")
        }
        if version > Int64(BundleManifest.currentFormatVersion) {
            throw BundleError(
                .newerFormat, file: file,
                "bundle format_version \(version) is newer than this modelgate knows (\(BundleManifest.currentFormatVersion)); upgrade modelgate")
        }
        if version < 1 {
            throw BundleError(.manifestInvalid, file: file, "\(file) has format_version \(version); no such format exists")
        }
        do {
            return try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            throw BundleError(
                .manifestInvalid, file: file,
                "\(file) is not a valid manifest: \(describe(error)); the bundle is damaged: export it again")
        }
    }

    /// The real location of a listed file after checking that it stays inside the bundle, exists, and has
    /// the recorded digest.
    static func verifiedFile(_ file: String, digest: String, root: URL) throws -> URL {
        let url = try safeURL(file, root: root)
        guard digest.hasPrefix("sha256:"), digest.count == 71, Hex.decode(String(digest.dropFirst(7))) != nil else {
            throw BundleError(
                .manifestInvalid, file: BundleManifest.fileName,
                "\(BundleManifest.fileName) records '\(digest)' for \(file); only sha256:<64 hex digits> is known")
        }
        let hasher = SHA256Hasher()
        try forEachChunk(of: url, file: file) { chunk in chunk.withUnsafeBytes { hasher.update($0) } }
        let actual = "sha256:" + Hex.encode(hasher.finalize())
        if actual != digest.lowercased() { throw digestMismatch(file, recorded: digest, actual: actual) }
        return url
    }

    static func digestMismatch(_ file: String, recorded: String, actual: String) -> BundleError {
        BundleError(
            .digestMismatch, file: file,
            "\(file) was changed after export: the manifest records \(recorded) but the file has \(actual); "
                + "refusing the whole bundle: export it again or restore the original file")
    }

    /// Resolves a manifest path, refusing absolute paths, `..`, and anything whose real location (symlinks
    /// followed) is outside the bundle.
    static func safeURL(_ file: String, root: URL) throws -> URL {
        let components = file.split(separator: "/", omittingEmptySubsequences: false)
        if file.isEmpty || file.hasPrefix("/") || file.hasPrefix("~") || file.contains("\\") {
            throw BundleError(
                .unsafePath, file: file,
                "\(BundleManifest.fileName) lists '\(file)', a path that leaves the bundle (absolute); refusing the bundle")
        }
        if components.contains("..") || components.contains("") {
            throw BundleError(
                .unsafePath, file: file,
                "\(BundleManifest.fileName) lists '\(file)', a path that leaves the bundle (..); refusing the bundle")
        }
        // No symlink anywhere on the way and a regular file at the end, checked without following links.
        try BundleFile.checkRegularFile(file, root: root)
        return root.appendingPathComponent(file)
    }

    static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    // MARK: Streaming

    static func forEachChunk(of url: URL, file: String, _ body: (Data) throws -> Void) throws {
        let handle = try BundleFile.open(url, file: file)
        defer { try? handle.close() }
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw BundleError(.fileMissing, file: file, "cannot read \(file): \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return }
            try body(chunk)
        }
    }

    /// Calls `body` with each non-blank line (numbered from 1) of a JSON Lines file, feeding `hasher` with
    /// every byte read. A line longer than `maxLineBytes` is refused, naming the file and the line.
    static func forEachLine(
        of url: URL, file: String? = nil, hasher: SHA256Hasher, maxLineBytes: Int = BundleFile.maxLineBytes,
        _ body: (Int, Data) throws -> Void
    ) throws {
        let file = file ?? url.lastPathComponent
        var pending = Data()
        var number = 0
        func tooLong() -> BundleError {
            BundleError(
                .invalidLine, file: file,
                "\(file) line \(number + 1) is longer than \(maxLineBytes >> 20) MiB; refusing the bundle (a bundle line holds one object)")
        }
        func emit(_ line: Data) throws {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            try body(number, line)
        }
        try forEachChunk(of: url, file: file) { chunk in
            chunk.withUnsafeBytes { hasher.update($0) }
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                guard newline - start <= maxLineBytes else { throw tooLong() }
                try emit(Data(pending[start..<newline]))
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
            if pending.count > maxLineBytes { throw tooLong() }
        }
        if !pending.isEmpty { try emit(pending) }
    }

    /// A short account of a decoding error: the path and what was wrong.
    static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "" : " at '" + codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".") + "'"
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(path(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type)\(path(context.codingPath))"
        case DecodingError.valueNotFound(let type, let context):
            return "null where \(type) is needed\(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription)\(path(context.codingPath))"
        default:
            return "\(error)"
        }
    }
}
