import Foundation
import ModelGateCore
import Synchronization

extension MLflowSimulator {
    func searchModels(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let size = try Self.pageSize(params, default: 100, max: Self.maxModelsPageSize)
        let clauses = try Self.parseFilter(Self.string(params, "filter"), allowed: ["name"])
        var order = try Self.parseOrder(
            Self.strings(params, "order_by"), allowed: ["name", "timestamp", "last_updated_timestamp", "creation_timestamp"]
        ) { key in "Invalid order by key '\(key)' specified. Valid keys are '{'timestamp', 'name'}'" }
        if !order.contains(where: { $0.0 == "name" }) { order.append(("name", false)) }
        let offset = try Self.offset(params)
        return state.withLock { state -> JSONValue in
            var models = state.models.values.filter { model in
                clauses.allSatisfy { clause in
                    if clause.key.hasPrefix("tags.") {
                        let key = String(clause.key.dropFirst(5))
                        return Self.compare(model.tags.first { $0.key == key }?.value, clause)
                    }
                    return Self.compare(model.name, clause)
                }
            }
            models.sort { a, b in
                Self.ordered(a, b, by: order) { model, key in
                    switch key {
                    case "name": return (model.name, 0)
                    case "creation_timestamp": return ("", model.createdAt)
                    default: return ("", model.updatedAt)
                    }
                }
            }
            let (page, next) = Self.paged(models, offset: offset, size: size)
            var object: [String: JSONValue] = [:]
            if !page.isEmpty { object["registered_models"] = .array(page.map { Self.view($0) }) }
            if let next { object["next_page_token"] = .string(next) }
            return .object(object)
        }
    }

    func getModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let found = state.withLock { state in state.models[name].map { Self.view($0) } }
        guard let found else { throw .modelNotFound(name) }
        return ["registered_model": found]
    }

    func createModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        if name.contains("/") || name.contains(":") {
            throw .invalid("Invalid model name '\(name)'. Names cannot contain '/' or ':'.")
        }
        let tags = try Self.tags(params)
        let description = Self.string(params, "description") ?? ""
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] == nil else { throw .alreadyExists("Registered Model (name=\(name)) already exists.") }
            let now = Self.stamp(&state, clock)
            let model = MLflowModelRecord(
                name: name, description: description, tags: tags, aliases: [:], createdAt: now, updatedAt: now,
                versions: [], nextVersion: 1)
            state.models[name] = model
            return ["registered_model": Self.view(model)]
        }
    }

    func updateModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let description = Self.string(params, "description")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .modelNotFound(name) }
            if let description { model.description = description }
            model.updatedAt = Self.stamp(&state, clock)
            state.models[name] = model
            return ["registered_model": Self.view(model)]
        }
    }

    func deleteModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models.removeValue(forKey: name) != nil else { throw .modelNotFound(name) }
            return [:]
        }
    }

    func setModelTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let key = try Self.required(params, "key")
        let value = Self.string(params, "value") ?? ""
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.tags.setTag(key, value)
            return [:]
        }
    }

    func deleteModelTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let key = try Self.required(params, "key")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.tags.removeAll { $0.key == key }
            return [:]
        }
    }

    static func validateAlias(_ alias: String) throws(MLflowAPIError) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
        guard alias.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw .invalid(
                "Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_), and dashes (-).")
        }
        if alias.lowercased() == "latest" { throw .invalid("'latest' alias name (case insensitive) is reserved.") }
        if alias.count > 1, alias.lowercased().hasPrefix("v"), alias.dropFirst().allSatisfy(\.isASCII),
            alias.dropFirst().allSatisfy(\.isNumber)
        {
            throw .invalid("Version alias name '\(alias)' is reserved.")
        }
    }

    func setAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        let versionText = try Self.required(params, "version")
        try Self.validateAlias(alias)
        let number = try Self.versionNumber(versionText)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name], model.versions.contains(where: { $0.number == number }) else {
                throw .versionNotFound(name, versionText)
            }
            state.models[name]?.aliases[alias] = number
            return [:]
        }
    }

    func deleteAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.aliases[alias] = nil
            return [:]
        }
    }

    func getAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .modelNotFound(name) }
            guard let number = model.aliases[alias], let version = model.versions.first(where: { $0.number == number })
            else { throw .invalid("Registered model alias \(alias) not found.") }
            return ["model_version": Self.view(version, model: model, withAliases: true)]
        }
    }

    func latestVersions(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let stages = Self.strings(params, "stages").compactMap(Self.canonicalStage)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .modelNotFound(name) }
            var latest: [String: MLflowVersionRecord] = [:]
            for version in model.versions where stages.isEmpty || stages.contains(version.stage) {
                if (latest[version.stage]?.number ?? 0) < version.number { latest[version.stage] = version }
            }
            let views = latest.values.sorted { $0.number < $1.number }.map {
                Self.view($0, model: model, withAliases: false)
            }
            return views.isEmpty ? [:] : ["model_versions": .array(views)]
        }
    }
}
