import Foundation
import ModelGateCore
import Synchronization

extension MLflowSimulator {
    func searchVersions(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let size = try Self.pageSize(params, default: 10_000, max: Self.maxVersionsPageSize)
        let clauses = try Self.parseFilter(
            Self.string(params, "filter"), allowed: ["name", "source_path", "run_id", "version_number"])
        let orderKeys: Set<String> = ["creation_timestamp", "name", "last_updated_timestamp", "version_number"]
        var order = try Self.parseOrder(Self.strings(params, "order_by"), allowed: orderKeys) { key in
            "Invalid attribute key '\(key)' specified. Valid keys are '{'creation_timestamp', 'name', 'last_updated_timestamp', 'version_number'}'"
        }
        if order.isEmpty { order = [("last_updated_timestamp", true)] }
        order += [("name", false), ("version_number", true)]
        let offset = try Self.offset(params)
        return state.withLock { state -> JSONValue in
            var rows: [(MLflowModelRecord, MLflowVersionRecord)] = []
            for model in state.models.values {
                for version in model.versions {
                    let matches = clauses.allSatisfy { clause in
                        switch clause.key {
                        case "name": return Self.compare(model.name, clause)
                        case "run_id": return Self.compare(version.runID, clause)
                        case "source_path": return Self.compare(version.source, clause)
                        case "version_number": return Self.compare(String(version.number), clause)
                        default:
                            let key = String(clause.key.dropFirst(5))
                            return Self.compare(version.tags.first { $0.key == key }?.value, clause)
                        }
                    }
                    if matches { rows.append((model, version)) }
                }
            }
            rows.sort { a, b in
                Self.ordered(a, b, by: order) { row, key in
                    switch key {
                    case "name": return (row.0.name, 0)
                    case "version_number": return ("", Int64(row.1.number))
                    case "creation_timestamp": return ("", row.1.createdAt)
                    default: return ("", row.1.updatedAt)
                    }
                }
            }
            let (page, next) = Self.paged(rows, offset: offset, size: size)
            var object: [String: JSONValue] = [:]
            if !page.isEmpty {
                object["model_versions"] = .array(page.map { Self.view($0.1, model: $0.0, withAliases: false) })
            }
            if let next { object["next_page_token"] = .string(next) }
            return .object(object)
        }
    }

    /// Runs `body` on the stored version, or throws MLflow's 404.
    func withVersion<T>(
        _ params: [String: JSONValue],
        _ body: (inout State, inout MLflowModelRecord, Int) throws(MLflowAPIError) -> T
    ) throws(MLflowAPIError) -> T {
        let name = try Self.required(params, "name")
        let text = try Self.required(params, "version")
        let number = try Self.versionNumber(text)
        return try state.withLock { state throws(MLflowAPIError) -> T in
            guard var model = state.models[name], let index = model.versions.firstIndex(where: { $0.number == number })
            else { throw .versionNotFound(name, text) }
            let result = try body(&state, &model, index)
            state.models[name] = model
            return result
        }
    }

    func getVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        try withVersion(params) { _, model, index throws(MLflowAPIError) in
            ["model_version": Self.view(model.versions[index], model: model, withAliases: true)]
        }
    }

    /// Schemes MLflow 3 refuses as a version source by default (they make the server connect to another host).
    static let hostAddressedSchemes: Set<String> = [
        "ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss",
    ]

    static func checkSource(_ source: String) throws(MLflowAPIError) {
        let scheme: String?
        if let colon = source.firstIndex(of: ":"), source[..<colon].count > 1,
            source[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        {
            scheme = source[..<colon].lowercased()
        } else {
            scheme = nil
        }
        if scheme == nil || scheme == "file" {
            throw .invalid(
                "Invalid model version source: '\(source)'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id."
            )
        }
        if let scheme, hostAddressedSchemes.contains(scheme),
            scheme != "mlflow-artifacts" || source.dropFirst(scheme.count).hasPrefix("://")
        {
            throw .invalid(
                "'source' cannot use the '\(scheme)' scheme: the '\(scheme)' scheme addresses a host other than the tracking server's configured artifact storage, so the server would connect to the host named in the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it."
            )
        }
    }

    func createVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let source = try Self.required(params, "source")
        let tags = try Self.tags(params)
        let exists = state.withLock { $0.models[name] != nil }
        guard exists else { throw .modelNotFound(name) }
        try Self.checkSource(source)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .modelNotFound(name) }
            let now = Self.stamp(&state, clock)
            let version = MLflowVersionRecord(
                number: model.nextVersion, description: Self.string(params, "description") ?? "", source: source,
                runID: Self.string(params, "run_id") ?? "", runLink: Self.string(params, "run_link") ?? "",
                stage: "None", status: "READY", tags: tags, createdAt: now, updatedAt: now)
            model.nextVersion += 1
            model.versions.append(version)
            model.updatedAt = now
            state.models[name] = model
            return ["model_version": Self.view(version, model: model, withAliases: false)]
        }
    }

    func updateVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let description = Self.string(params, "description")
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            if let description { model.versions[index].description = description }
            model.versions[index].updatedAt = Self.stamp(&state, clock)
            return ["model_version": Self.view(model.versions[index], model: model, withAliases: false)]
        }
    }

    func deleteVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            let number = model.versions[index].number
            model.versions.remove(at: index)
            model.aliases = model.aliases.filter { $0.value != number }
            model.updatedAt = Self.stamp(&state, clock)
            return [:]
        }
    }

    func setVersionTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let key = try Self.required(params, "key")
        let value = Self.string(params, "value") ?? ""
        return try withVersion(params) { _, model, index throws(MLflowAPIError) in
            model.versions[index].tags.setTag(key, value)
            return [:]
        }
    }

    func deleteVersionTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let key = try Self.required(params, "key")
        return try withVersion(params) { _, model, index throws(MLflowAPIError) in
            model.versions[index].tags.removeAll { $0.key == key }
            return [:]
        }
    }

    func transitionStage(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let text = try Self.required(params, "stage")
        guard let stage = Self.canonicalStage(text) else {
            throw .invalid("Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived.")
        }
        let archiveOthers = params["archive_existing_versions"]?.boolValue ?? false
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            let now = Self.stamp(&state, clock)
            if archiveOthers, stage == "Staging" || stage == "Production" {
                for other in model.versions.indices where other != index && model.versions[other].stage == stage {
                    model.versions[other].stage = "Archived"
                    model.versions[other].updatedAt = now
                }
            }
            model.versions[index].stage = stage
            model.versions[index].updatedAt = now
            model.updatedAt = now
            return ["model_version": Self.view(model.versions[index], model: model, withAliases: false)]
        }
    }
}
