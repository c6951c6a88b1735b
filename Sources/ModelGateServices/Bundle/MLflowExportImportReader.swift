import Foundation
import ModelGateAdapterKit
import ModelGateCore

/// Reads what mlflow-export-import writes, so that teams can move off it with `modelgate import`.
///
/// Layouts (https://github.com/mlflow/mlflow-export-import, README_single.md / README_bulk.md):
/// - single (`export-model`): `DIR/model.json`, plus one directory per run (ignored here);
/// - bulk (`export-models`, `export-all`): `DIR/models/models.json` listing model names in `mlflow.models`,
///   and `DIR/models/<name>/model.json` per model; `DIR/experiments/` is ignored. `DIR` may also be the
///   `models` directory itself.
///
/// Each JSON file is the envelope `{"system": {…}, "info": {…}, "mlflow": {…}}`; the model is
/// `mlflow.registered_model` (older exports put `registered_model` at the top). Its versions are in
/// `versions` (newer) or `latest_versions` (older). Model tags are a list of `{key, value}` (the REST shape)
/// or a dict; version tags a dict (the Python client shape) or a list; model aliases a list of
/// `{alias, version}` or a dict; version aliases a list of names. Fields map as the MLflow adapter maps
/// them (DESIGN §2); `""` is null; unknown and missing optional fields are tolerated. `info.failed_versions`
/// become the snapshot's `errors`. Lineage: `version_of` and, with a `run_id`, `produced_by`, asserted by
/// the registry name given, observed at `system.export_time`.
enum MLflowExportImportReader {
    static func looksLikeExport(_ root: URL) -> Bool {
        let fileManager = FileManager.default
        return fileManager.fileExists(atPath: root.appendingPathComponent("model.json").path)
            || BundleReader.isDirectory(root.appendingPathComponent("models"))
            || fileManager.fileExists(atPath: root.appendingPathComponent("models.json").path)
    }

    static func read(at root: URL, registry: String) throws -> BundleContents {
        var modelFiles: [(relative: String, url: URL)] = []
        var listed: [String]?
        if FileManager.default.fileExists(atPath: root.appendingPathComponent("model.json").path) {
            modelFiles = [("model.json", root.appendingPathComponent("model.json"))]
        } else {
            let nested = BundleReader.isDirectory(root.appendingPathComponent("models"))
            let modelsDirectory = nested ? root.appendingPathComponent("models") : root
            let prefix = nested ? "models/" : ""
            for candidate in [prefix + "models.json", "models.json"] {
                let url = root.appendingPathComponent(candidate)
                guard listed == nil, FileManager.default.fileExists(atPath: url.path) else { continue }
                let envelope = try parse(url, relative: candidate)
                if let names = envelope["mlflow"]?["models"]?.arrayValue {
                    listed = names.compactMap { $0.stringValue ?? $0["name"]?.stringValue }
                }
            }
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: modelsDirectory.path).sorted()
            } catch {
                throw BundleError(
                    .mlflowExportInvalid, "cannot list \(modelsDirectory.path): \(error.localizedDescription)")
            }
            for entry in entries where !entry.hasPrefix(".") {
                let url = modelsDirectory.appendingPathComponent(entry).appendingPathComponent("model.json")
                if FileManager.default.fileExists(atPath: url.path) {
                    modelFiles.append((prefix + entry + "/model.json", url))
                }
            }
            if modelFiles.isEmpty {
                throw BundleError(
                    .mlflowExportInvalid,
                    "\(modelsDirectory.path) holds no <model>/model.json; pass the directory export-models or "
                        + "export-all wrote (or export-model's, which holds model.json)")
            }
        }

        var snapshots: [ModelSnapshot] = []
        var endpoint: String?
        var seen: [String: String] = [:]
        for file in modelFiles {
            let (snapshot, trackingURI) = try readModel(file.url, relative: file.relative, registry: registry)
            if let other = seen[snapshot.model.name] {
                throw BundleError(
                    .mlflowExportInvalid, file: file.relative,
                    "\(file.relative) and \(other) both hold model '\(snapshot.model.name)'; remove one of them")
            }
            seen[snapshot.model.name] = file.relative
            endpoint = endpoint ?? trackingURI
            snapshots.append(snapshot)
        }
        for name in listed ?? [] where seen[name] == nil {
            throw BundleError(
                .mlflowExportInvalid, file: "models.json",
                "models.json lists model '\(name)' but no <model>/model.json holds it; the export is incomplete: export it again")
        }
        return BundleContents(
            format: .mlflowExportImport, manifest: nil,
            registries: [RegistryInfo(name: registry, kind: .mlflow, endpoint: endpoint)],
            snapshots: [registry: snapshots], lineage: snapshots.flatMap(\.lineage), changes: [])
    }

    static func parse(_ url: URL, relative: String) throws -> JSONValue {
        // A regular file opened without following links or blocking, like a ModelGate bundle's (issue 15 item 16).
        if url.path.hasSuffix("/" + relative) {
            try BundleFile.checkRegularFile(relative, root: URL(fileURLWithPath: String(url.path.dropLast(relative.count + 1))))
        }
        let data = try BundleFile.contents(url, file: relative)
        do {
            return try JSONValue.parse(data)
        } catch {
            throw BundleError(
                .mlflowExportInvalid, file: relative,
                "\(relative) does not parse as JSON: \(BundleReader.describe(error)); export the model again")
        }
    }

    /// One `model.json` → a snapshot, and the `system.mlflow_tracking_uri` it came from.
    static func readModel(_ url: URL, relative: String, registry: String) throws -> (ModelSnapshot, String?) {
        let envelope = try parse(url, relative: relative)
        func invalid(_ what: String) -> BundleError {
            BundleError(
                .mlflowExportInvalid, file: relative,
                "\(relative): \(what); it is not an mlflow-export-import model.json: export the model again")
        }
        guard envelope.objectValue != nil else { throw invalid("the document is not a JSON object") }
        guard let registered = (envelope["mlflow"]?["registered_model"] ?? envelope["registered_model"])?.objectValue
        else { throw invalid("no mlflow.registered_model object") }
        guard let name = text(registered["name"]) else { throw invalid("registered_model has no name") }

        let exportTime = envelope["system"]?["export_time"]?.int64Value.map { Timestamp.date(milliseconds: $0 * 1000) }
        let modelCreated = registered["creation_timestamp"]?.int64Value.map(Timestamp.date(milliseconds:))
        var modelRaw = registered
        modelRaw["versions"] = nil
        modelRaw["latest_versions"] = nil
        let model = RegistryModel(
            registry: registry, kind: .mlflow, name: name, displayName: name, description: text(registered["description"]),
            tags: keyValues(registered["tags"], key: "key", value: "value"), createdAt: modelCreated,
            updatedAt: registered["last_updated_timestamp"]?.int64Value.map(Timestamp.date(milliseconds:)),
            deleted: false, raw: .object(modelRaw))

        // alias -> version at model level; each version also lists its own aliases.
        let modelAliases = keyValues(registered["aliases"], key: "alias", value: "version")
        let versionsValue = registered["versions"] ?? registered["latest_versions"] ?? .array([])
        guard let items = versionsValue.arrayValue ?? (versionsValue.isNull ? [] : nil) else {
            throw invalid("registered_model.versions is not a list")
        }
        var versions: [ModelVersion] = []
        var lineage: [LineageEdge] = []
        for (position, item) in items.enumerated() {
            guard let object = item.objectValue else { throw invalid("versions[\(position)] is not an object") }
            guard let number = text(object["version"]) else { throw invalid("versions[\(position)] has no version") }
            var aliases = Set((object["aliases"]?.arrayValue ?? []).compactMap { text($0) })
            for (alias, target) in modelAliases where target == number { aliases.insert(alias) }
            let stage = text(object["current_stage"])
            let runID = text(object["run_id"])
            let runLink = text(object["run_link"])
            let created = object["creation_timestamp"]?.int64Value.map(Timestamp.date(milliseconds:))
            versions.append(
                ModelVersion(
                    registry: registry, kind: .mlflow, model: name, version: number,
                    description: text(object["description"]), status: status(text(object["status"])),
                    lifecycle: lifecycle(stage), lifecycleRaw: stage, aliases: aliases.sorted(),
                    tags: keyValues(object["tags"], key: "key", value: "value"), sourceURI: text(object["source"]),
                    artifactDigest: nil,
                    run: runID == nil && runLink == nil ? nil : RunReference(id: runID, uri: runLink), metrics: [:],
                    createdAt: created,
                    updatedAt: object["last_updated_timestamp"]?.int64Value.map(Timestamp.date(milliseconds:)),
                    createdBy: text(object["user_id"]), deleted: false, raw: item))
            let observedAt = exportTime ?? created ?? modelCreated ?? Date(timeIntervalSince1970: 0)
            let node = LineageEdge.versionNode(registry, name, number)
            lineage.append(
                LineageEdge(
                    from: node, to: LineageEdge.modelNode(registry, name), relation: .versionOf, assertedBy: registry,
                    observedAt: observedAt))
            if let runID {
                var properties = ["run_id": runID]
                properties["run_link"] = runLink
                lineage.append(
                    LineageEdge(
                        from: node, to: LineageEdge.runNode(registry, runID), relation: .producedBy,
                        assertedBy: registry, observedAt: observedAt, properties: properties))
            }
        }
        let errors = (envelope["info"]?["failed_versions"]?.arrayValue ?? []).map { failed in
            ObjectError(
                model: name, version: text(failed["version"]),
                message: "mlflow-export-import could not export it: \(text(failed["error"]) ?? "no reason given")")
        }
        let snapshot = ModelSnapshot(model: model, versions: versions, lineage: lineage, errors: errors)
        return (snapshot, text(envelope["system"]?["mlflow_tracking_uri"]))
    }

    /// A non-empty string (numbers and booleans as their JSON text); `""`, null and containers are nil.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let string)?: return string.isEmpty ? nil : string
        case .int(let number)?: return String(number)
        case .double(let number)?: return JSONValue.double(number).jsonString()
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return nil
        }
    }

    /// Tags or aliases given as a list of `{key, value}` objects or as a dict (non-string values as JSON text).
    static func keyValues(_ value: JSONValue?, key: String, value valueField: String) -> [String: String] {
        var result: [String: String] = [:]
        switch value {
        case .array(let items)?:
            for item in items {
                guard let name = text(item[key]) else { continue }
                result[name] = text(item[valueField]) ?? ""
            }
        case .object(let object)?:
            for (name, entry) in object where !name.isEmpty {
                result[name] = text(entry) ?? (entry.isNull ? "" : entry.jsonString())
            }
        default:
            break
        }
        return result
    }

    /// `current_stage` → lifecycle, as the MLflow adapter maps it (any case; unknown words are `none`).
    static func lifecycle(_ stage: String?) -> Lifecycle {
        switch stage?.lowercased() {
        case "staging": return .staging
        case "production": return .production
        case "archived": return .archived
        default: return .none
        }
    }

    /// `status` → status, as the MLflow adapter maps it.
    static func status(_ status: String?) -> VersionStatus {
        switch status {
        case nil, "READY"?: return .ready
        case "FAILED_REGISTRATION"?: return .failed
        default: return .pending
        }
    }
}
