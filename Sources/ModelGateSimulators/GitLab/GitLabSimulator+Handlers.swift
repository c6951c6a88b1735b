import Foundation
import ModelGateCore
import Synchronization

extension GitLabSimulator {
    // MARK: - Parameters

    func string(_ params: [String: JSONValue], _ key: String) -> String? {
        switch params[key] {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }

    func required(_ params: [String: JSONValue], _ key: String) throws(GitLabAPIError) -> String {
        guard let value = string(params, key), !value.isEmpty else {
            throw GitLabAPIError(status: 400, body: ["error": .string("\(key) is missing")])
        }
        return value
    }

    /// `tags` as MLflow sends them: `[{key, value}]`.
    func tags(_ params: [String: JSONValue]) throws(GitLabAPIError) -> [(key: String, value: String)] {
        guard let value = params["tags"], value != .null else { return [] }
        guard let items = value.arrayValue else { throw .invalid("tags must be a list of {key, value}") }
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let key = item["key"]?.stringValue, !key.isEmpty else { throw .invalid("every tag needs a key") }
            let text = item["value"]?.stringValue ?? ""
            result.removeAll { $0.key == key }
            result.append((key: key, value: text))
        }
        return result
    }

    // MARK: - Registered models

    /// `filter` supports only `name='value'` (GitLab's `find_or_create`-style finder); `order_by` `name` or
    /// `last_updated_timestamp` with `ASC`/`DESC`; keyset page tokens.
    func search(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        var nameFilter: String?
        if let filter = string(params, "filter"), !filter.trimmingCharacters(in: .whitespaces).isEmpty {
            let trimmed = filter.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("name="), trimmed.count >= 7 else {
                throw .invalid("Invalid attribute name: only name='value' filters are supported")
            }
            var value = trimmed.dropFirst("name=".count)
            guard let quote = value.first, quote == "'" || quote == "\"", value.last == quote, value.count >= 2 else {
                throw .invalid("Invalid filter value: \(filter)")
            }
            value = value.dropFirst().dropLast()
            nameFilter = String(value)
        }
        var size = defaultPageSize
        if let text = string(params, "max_results") {
            guard let number = Int(text), number > 0 else { throw .invalid("max_results must be a positive integer") }
            size = min(number, maxPageSize)
        }
        let orderText = string(params, "order_by") ?? "name ASC"
        let orderParts = orderText.split(separator: " ").map(String.init)
        guard let field = orderParts.first, field == "name" || field == "last_updated_timestamp", orderParts.count <= 2
        else { throw .invalid("Invalid order_by: \(orderText)") }
        let descending: Bool
        switch orderParts.count == 2 ? orderParts[1].uppercased() : "ASC" {
        case "ASC": descending = false
        case "DESC": descending = true
        default: throw .invalid("Invalid order_by: \(orderText)")
        }
        var cursor: [String]?
        if let token = string(params, "page_token"), !token.isEmpty {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
                throw .invalid("Invalid page token")
            }
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, parts[0] == orderText else { throw .invalid("Invalid page token") }
            cursor = parts
        }

        return state.withLock { state -> JSONValue in
            // Sort key: (primary, id) so that the keyset is total.
            func key(_ model: GitLabModelRecord) -> (String, Int64, Int) {
                (field == "name" ? model.name : "", field == "name" ? 0 : model.updatedAt, model.id)
            }
            func less(_ a: (String, Int64, Int), _ b: (String, Int64, Int)) -> Bool {
                if a.0 != b.0 { return a.0 < b.0 }
                if a.1 != b.1 { return a.1 < b.1 }
                return a.2 < b.2
            }
            var models = state.models.values.filter { nameFilter == nil || $0.name == nameFilter }
            models.sort { descending ? less(key($1), key($0)) : less(key($0), key($1)) }
            if let cursor {
                let after: (String, Int64, Int) = (cursor[1], Int64(cursor[2]) ?? 0, Int(cursor[3]) ?? 0)
                models = models.filter { descending ? less(key($0), after) : less(after, key($0)) }
            }
            let page = Array(models.prefix(size))
            var object: [String: JSONValue] = ["registered_models": .array(page.map { view($0) })]
            if models.count > size, let last = page.last {
                let lastKey = key(last)
                let token = "\(orderText)\n\(lastKey.0)\n\(lastKey.1)\n\(lastKey.2)"
                object["next_page_token"] = .string(Data(token.utf8).base64EncodedString())
            }
            return .object(object)
        }
    }

    func getModel(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        let found = state.withLock { state in state.models[name].map { view($0) } }
        guard let found else { throw .notFound("Model not found") }
        return ["registered_model": found]
    }

    /// `tags` are accepted and ignored, as GitLab's docs say.
    func createModel(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        _ = try tags(params)
        let description = string(params, "description")
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard state.models[name] == nil else { throw .alreadyExists("Model with name \(name) already exists") }
            let now = Self.stamp(&state, clock)
            let model = GitLabModelRecord(
                id: Self.nextModelID(&state), name: name, description: description.flatMap { $0.isEmpty ? nil : $0 },
                tags: [], createdAt: now, updatedAt: now, versions: [])
            state.models[name] = model
            return ["registered_model": view(model)]
        }
    }

    func updateModel(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        let description = string(params, "description")
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .notFound("Model not found") }
            if let description { model.description = description.isEmpty ? nil : description }
            model.updatedAt = Self.stamp(&state, clock)
            state.models[name] = model
            return ["registered_model": view(model)]
        }
    }

    func deleteModel(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard state.models.removeValue(forKey: name) != nil else { throw .notFound("Model not found") }
            return [:]
        }
    }

    /// The highest SemVer version only (`stages` ignored).
    func latestVersions(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .notFound("Model not found") }
            let latest = Self.sortedBySemVer(model.versions).last
            return ["model_versions": .array(latest.map { [view($0, model: model)] } ?? [])]
        }
    }

    /// `alias` is the SemVer string.
    func alias(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        let alias = try required(params, "alias")
        return try versionView(name: name, semver: alias)
    }

    // MARK: - Model versions

    func versionView(name: String, semver: String) throws(GitLabAPIError) -> JSONValue {
        try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .notFound("Model not found") }
            guard let version = model.versions.first(where: { $0.semver == semver }) else {
                throw .notFound("Model version not found")
            }
            return ["model_version": view(version, model: model)]
        }
    }

    /// `version` is the SemVer string.
    func getVersion(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        try versionView(name: try required(params, "name"), semver: try required(params, "version"))
    }

    /// `gitlab.version` sets the SemVer (else the highest version's patch + 1, `1.0.0` for the first);
    /// other tags become metadata; `source`, `run_id`, `run_link` are ignored.
    func createVersion(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        var metadata = try tags(params)
        let chosen = metadata.first { $0.key == Self.versionTag }?.value
        metadata.removeAll { $0.key == Self.versionTag }
        if let chosen, GitLabSemVer(chosen) == nil {
            throw .invalid("Version must be semantic version")
        }
        let description = string(params, "description")
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .notFound("Model not found") }
            let semver: String
            if let chosen {
                semver = chosen
            } else if let highest = model.versions.compactMap({ GitLabSemVer($0.semver) }).max() {
                semver = "\(highest.major).\(highest.minor).\(highest.patch + 1)"
            } else {
                semver = "1.0.0"
            }
            guard !model.versions.contains(where: { $0.semver == semver }) else {
                throw .invalid("Version has already been taken")
            }
            let now = Self.stamp(&state, clock)
            let version = GitLabVersionRecord(
                id: Self.nextVersionID(&state), semver: semver, description: description.flatMap { $0.isEmpty ? nil : $0 },
                tags: metadata, runID: Self.nextRunID(&state), createdAt: now, updatedAt: now)
            model.versions.append(version)
            model.updatedAt = now
            state.models[name] = model
            return ["model_version": view(version, model: model)]
        }
    }

    /// `description` is required.
    func updateVersion(_ params: [String: JSONValue]) throws(GitLabAPIError) -> JSONValue {
        let name = try required(params, "name")
        let semver = try required(params, "version")
        guard let description = string(params, "description") else {
            throw GitLabAPIError(status: 400, body: ["error": "description is missing"])
        }
        return try state.withLock { state throws(GitLabAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .notFound("Model not found") }
            guard let index = model.versions.firstIndex(where: { $0.semver == semver }) else {
                throw .notFound("Model version not found")
            }
            let now = Self.stamp(&state, clock)
            model.versions[index].description = description.isEmpty ? nil : description
            model.versions[index].updatedAt = now
            state.models[name] = model
            return ["model_version": view(model.versions[index], model: model)]
        }
    }
}
