import Foundation
import ModelGateCore
import Synchronization

extension VertexSimulator {
    // MARK: - Filters and ordering

    /// What a filter term looks at: the model id, display name and (merged) labels.
    struct Candidate {
        var id: String
        var displayName: String
        var labels: [String: String]
        var createTime: Date
        var updateTime: Date
    }

    /// The documented subset: terms joined by ` AND `: `model=ID`/`model!=ID`, `display_name=…`/`!=`
    /// (camelCase too), `labels.KEY=VALUE`, `labels.KEY:*`, `labels:KEY`. Quotes around values are allowed.
    static func predicate(_ filter: String?, modelFields: Bool) throws(VertexAPIError) -> (Candidate) -> Bool {
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else { return { _ in true } }
        var tests: [(Candidate) -> Bool] = []
        func unquote(_ text: Substring) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
                return String(trimmed.dropFirst().dropLast())
            }
            return trimmed
        }
        for raw in filter.components(separatedBy: " AND ") {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if term.hasPrefix("labels:") {
                let key = unquote(term.dropFirst("labels:".count))
                tests.append { $0.labels[key] != nil }
            } else if term.hasPrefix("labels."), term.hasSuffix(":*") {
                let key = unquote(term.dropFirst("labels.".count).dropLast(2))
                tests.append { $0.labels[key] != nil }
            } else if term.hasPrefix("labels."), let equal = term.firstIndex(of: "=") {
                let key = unquote(term[term.index(term.startIndex, offsetBy: "labels.".count)..<equal])
                let value = unquote(term[term.index(after: equal)...])
                tests.append { $0.labels[key] == value }
            } else if modelFields, let (field, negate, value) = comparison(term),
                ["model", "display_name", "displayName"].contains(field)
            {
                let pick: (Candidate) -> String = field == "model" ? { $0.id } : { $0.displayName }
                tests.append { (pick($0) == value) != negate }
            } else {
                throw .invalid("Unsupported filter expression: \(term)")
            }
        }
        return { candidate in tests.allSatisfy { $0(candidate) } }
    }

    private static func comparison(_ term: String) -> (String, Bool, String)? {
        for (op, negate) in [("!=", true), ("=", false)] {
            if let range = term.range(of: op) {
                let field = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                var value = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                return (field, negate, value)
            }
        }
        return nil
    }

    /// `field [desc|asc], …` over `allowed` fields (snake_case or camelCase); ties by id / version id.
    static func ordering(_ orderBy: String?, allowed: Set<String>) throws(VertexAPIError)
        -> [(field: String, descending: Bool)]
    {
        guard let orderBy, !orderBy.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        var keys: [(String, Bool)] = []
        for part in orderBy.split(separator: ",") {
            let words = part.split(separator: " ").map(String.init)
            guard let first = words.first, words.count <= 2 else { throw .invalid("Invalid order_by: \(orderBy)") }
            let field = ["displayName": "display_name", "createTime": "create_time", "updateTime": "update_time"][first] ?? first
            guard allowed.contains(field) else { throw .invalid("Unsupported order_by field: \(first)") }
            let direction = words.count == 2 ? words[1].lowercased() : "asc"
            guard direction == "asc" || direction == "desc" else { throw .invalid("Invalid order_by: \(orderBy)") }
            keys.append((field, direction == "desc"))
        }
        return keys
    }

    static func ordered(_ lhs: Candidate, _ rhs: Candidate, by keys: [(field: String, descending: Bool)], tie: Bool) -> Bool {
        for key in keys {
            let order: ComparisonResult
            switch key.field {
            case "display_name":
                order =
                    lhs.displayName == rhs.displayName
                    ? .orderedSame : lhs.displayName < rhs.displayName ? .orderedAscending : .orderedDescending
            case "create_time": order = lhs.createTime.compare(rhs.createTime)
            default: order = lhs.updateTime.compare(rhs.updateTime)
            }
            if order != .orderedSame { return key.descending ? order == .orderedDescending : order == .orderedAscending }
        }
        return tie
    }

    // MARK: - Reads

    func list(query: [String: String]) throws(VertexAPIError) -> JSONValue {
        let size = try pageSize(query["pageSize"])
        let test = try Self.predicate(query["filter"], modelFields: true)
        let keys = try Self.ordering(query["orderBy"], allowed: ["display_name", "create_time", "update_time"])
        let context = "models|\(query["filter"] ?? "")|\(query["orderBy"] ?? "")"
        let offset = try Self.offset(fromToken: query["pageToken"], context: context)
        return state.withLock { state in
            var rows: [(Candidate, JSONValue)] = []
            for model in state.models.values {
                guard let index = model.resolve(nil) else { continue }
                let view = Self.view(model, index, parent: parent, withVersion: false)
                let labels = view["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
                let candidate = Candidate(
                    id: model.id, displayName: model.displayName, labels: labels, createTime: model.createTime,
                    updateTime: model.updateTime)
                if test(candidate) { rows.append((candidate, view)) }
            }
            rows.sort { lhs, rhs in
                let tie = lhs.0.createTime != rhs.0.createTime ? lhs.0.createTime < rhs.0.createTime : lhs.0.id < rhs.0.id
                return Self.ordered(lhs.0, rhs.0, by: keys, tie: tie)
            }
            return Self.page(rows.map(\.1), offset: offset, size: size, context: context)
        }
    }

    func listVersions(id: String, query: [String: String]) throws(VertexAPIError) -> JSONValue {
        let size = try pageSize(query["pageSize"])
        let test = try Self.predicate(query["filter"], modelFields: false)
        let keys = try Self.ordering(query["orderBy"], allowed: ["create_time", "update_time"])
        let context = "versions|\(id)|\(query["filter"] ?? "")|\(query["orderBy"] ?? "")"
        let offset = try Self.offset(fromToken: query["pageToken"], context: context)
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard let model = state.models[id] else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            var rows: [(Candidate, Int, JSONValue)] = []
            for index in model.versions.indices {
                let version = model.versions[index]
                let view = Self.view(model, index, parent: parent, withVersion: true)
                let labels = view["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
                let candidate = Candidate(
                    id: model.id, displayName: model.displayName, labels: labels, createTime: version.createTime,
                    updateTime: version.updateTime)
                if test(candidate) { rows.append((candidate, version.versionID, view)) }
            }
            rows.sort { lhs, rhs in Self.ordered(lhs.0, rhs.0, by: keys, tie: lhs.1 < rhs.1) }
            return Self.page(rows.map(\.2), offset: offset, size: size, context: context)
        }
    }

    static func page(_ items: [JSONValue], offset: Int, size: Int, context: String) -> JSONValue {
        let slice = Array(items.dropFirst(offset).prefix(size))
        var object: [String: JSONValue] = [:]
        if !slice.isEmpty { object["models"] = .array(slice) }
        if offset + slice.count < items.count {
            object["nextPageToken"] = .string(makeToken(context, offset: offset + slice.count))
        }
        return .object(object)
    }

    func get(id: String, spec: String?) throws(VertexAPIError) -> JSONValue {
        try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard let model = state.models[id] else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            guard let index = model.resolve(spec) else {
                throw .notFound("Model \(parent)/models/\(id)@\(spec ?? "") does not exist.")
            }
            return Self.view(model, index, parent: parent, withVersion: false)
        }
    }

    func operation(_ name: String) throws(VertexAPIError) -> JSONValue {
        try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard var operation = state.operations[name] else { throw .notFound("Operation \(name) does not exist.") }
            if !operation.done {
                operation.pollsLeft -= 1
                if operation.pollsLeft <= 0 {
                    operation.done = true
                    do {
                        operation.response = try complete(operation.action, state: &state)
                    } catch let error as VertexAPIError {
                        operation.error = error
                    } catch {
                        operation.error = VertexAPIError(code: 500, status: "INTERNAL", message: "\(error)")
                    }
                }
                state.operations[name] = operation
            }
            return Self.operationJSON(operation)
        }
    }

    static func operationJSON(_ operation: Operation) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(operation.name), "metadata": operation.metadata]
        if operation.done {
            object["done"] = true
            if let error = operation.error {
                object["error"] = ["code": .int(Int64(error.rpcCode)), "message": .string(error.message)]
            } else if let response = operation.response {
                object["response"] = response
            }
        }
        return .object(object)
    }

    // MARK: - Writes

    func upload(body: JSONValue?) throws(VertexAPIError) -> JSONValue {
        guard let model = body?["model"], model.objectValue != nil else { throw .invalid("Field 'model' is required.") }
        try VertexRules.checkDisplayName(model["displayName"]?.stringValue)
        guard let image = model["containerSpec"]?["imageUri"]?.stringValue, !image.isEmpty else {
            throw .invalid("Model.container_spec.image_uri is required for a custom-trained model.")
        }
        if let uri = model["artifactUri"]?.stringValue, !uri.hasPrefix("gs://") {
            throw .invalid("Model.artifact_uri must be a Cloud Storage directory (gs://…), got '\(uri)'.")
        }
        let labels = model["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        try VertexRules.checkLabels(labels)
        for alias in model["versionAliases"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            try VertexRules.checkAlias(alias)
        }
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            let modelID: String
            let isVersion: Bool
            if let parentModel = body?["parentModel"]?.stringValue, !parentModel.isEmpty {
                let prefix = "\(parent)/models/"
                guard parentModel.hasPrefix(prefix), state.models[String(parentModel.dropFirst(prefix.count))] != nil else {
                    throw .notFound("Parent model \(parentModel) does not exist.")
                }
                modelID = String(parentModel.dropFirst(prefix.count))
                isVersion = true
            } else if let requested = body?["modelId"]?.stringValue, !requested.isEmpty {
                try VertexRules.checkModelID(requested)
                guard state.models[requested] == nil, !state.reservedIDs.contains(requested) else {
                    throw .exists("Model \(parent)/models/\(requested) already exists.")
                }
                modelID = requested
                isVersion = false
            } else {
                state.nextGeneratedID += 1
                modelID = String(state.nextGeneratedID)
                isVersion = false
            }
            if !isVersion { state.reservedIDs.insert(modelID) }
            state.nextOperation += 1
            let name = "\(parent)/models/\(modelID)/operations/\(state.nextOperation)"
            let now = Timestamp.format(Self.stamp(&state, clock))
            let operation = Operation(
                name: name, action: .upload(modelID: modelID, parent: isVersion, model: model),
                pollsLeft: state.operationPolls,
                metadata: [
                    "@type": "type.googleapis.com/google.cloud.aiplatform.v1.UploadModelOperationMetadata",
                    "genericMetadata": ["createTime": .string(now), "updateTime": .string(now)],
                ])
            state.operations[name] = operation
            return Self.operationJSON(operation)
        }
    }

    /// Runs a finished operation's effect; its error becomes the operation's `error`.
    func complete(_ action: Operation.Action, state: inout State) throws(VertexAPIError) -> JSONValue {
        switch action {
        case .upload(let modelID, let isVersion, let wire):
            let now = Self.stamp(&state, clock)
            let labels = wire["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            var aliases = wire["versionAliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var model: VertexModelRecord
            if isVersion {
                guard let existing = state.models[modelID] else {
                    throw .notFound("Parent model \(parent)/models/\(modelID) does not exist.")
                }
                model = existing
                for alias in aliases where alias != "default" {
                    if let holder = model.versions.first(where: { $0.aliases.contains(alias) }) {
                        throw .precondition("Alias \(alias) is already used by version \(holder.versionID).")
                    }
                }
                if aliases.contains("default") {
                    for index in model.versions.indices { model.versions[index].aliases.removeAll { $0 == "default" } }
                }
            } else {
                state.reservedIDs.remove(modelID)
                model = VertexModelRecord(
                    id: modelID, displayName: wire["displayName"]?.stringValue ?? modelID,
                    description: wire["description"]?.stringValue, labels: [:], createTime: now, updateTime: now,
                    versions: [], nextVersion: 1)
                if !aliases.contains("default") { aliases.insert("default", at: 0) }
            }
            let versionID = model.nextVersion
            model.nextVersion += 1
            model.versions.append(
                VertexVersionRecord(
                    versionID: versionID, description: wire["versionDescription"]?.stringValue, labels: labels,
                    artifactUri: wire["artifactUri"]?.stringValue,
                    imageUri: wire["containerSpec"]?["imageUri"]?.stringValue ?? Self.defaultImageURI,
                    trainingPipeline: nil, aliases: aliases, createTime: now, updateTime: now))
            model.updateTime = now
            model.etagCounter += 1
            state.models[modelID] = model
            return [
                "@type": "type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse",
                "model": .string("\(parent)/models/\(modelID)"), "modelVersionId": .string(String(versionID)),
            ]
        case .deleteModel(let id):
            state.models[id] = nil
            return ["@type": "type.googleapis.com/google.protobuf.Empty"]
        case .deleteVersion(let id, let versionID):
            guard var model = state.models[id], let index = model.index(of: versionID) else {
                throw .notFound("Model \(parent)/models/\(id)@\(versionID) does not exist.")
            }
            model.versions.remove(at: index)
            model.updateTime = Self.stamp(&state, clock)
            state.models[id] = model
            return ["@type": "type.googleapis.com/google.protobuf.Empty"]
        }
    }

    /// PATCH `models/{id}` (or `@-`): model-level `displayName`, `description`, `labels`;
    /// PATCH `models/{id}@{version}`: version-level `versionDescription`, `labels`. One request never mixes them.
    func patch(id: String, spec: String?, query: [String: String], body: JSONValue?) throws(VertexAPIError) -> JSONValue {
        guard let mask = query["updateMask"] ?? query["update_mask"], !mask.isEmpty else {
            throw .invalid("Field update_mask is required.")
        }
        guard let body, body.objectValue != nil else { throw .invalid("The request body must be a Model.") }
        let camel = [
            "display_name": "displayName", "version_description": "versionDescription",
            "version_aliases": "versionAliases",
        ]
        let paths = mask.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.map { camel[$0] ?? $0 }
        let versionLevel = spec != nil && spec != "-"
        let modelFields: Set<String> = ["displayName", "description", "labels"]
        let versionFields: Set<String> = ["versionDescription", "labels"]
        for path in paths {
            if versionLevel, !versionFields.contains(path) {
                if modelFields.contains(path) {
                    throw .invalid("'\(path)' is a model-level field: update it on \(parent)/models/\(id) without a version.")
                }
                throw .invalid("Field '\(path)' cannot be updated (use MergeVersionAliases for aliases).")
            }
            if !versionLevel, !modelFields.contains(path) {
                if versionFields.contains(path) {
                    throw .invalid("'\(path)' is a version-level field: update it on \(parent)/models/\(id)@VERSION_ID.")
                }
                throw .invalid("Field '\(path)' cannot be updated (use MergeVersionAliases for aliases).")
            }
        }
        if paths.contains("displayName") { try VertexRules.checkDisplayName(body["displayName"]?.stringValue) }
        let labels = body["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        if paths.contains("labels") { try VertexRules.checkLabels(labels) }
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard var model = state.models[id] else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            guard let index = model.resolve(spec) else {
                throw .notFound("Model \(parent)/models/\(id)@\(spec ?? "") does not exist.")
            }
            let now = Self.stamp(&state, clock)
            if versionLevel {
                for path in paths {
                    if path == "versionDescription" {
                        model.versions[index].description = body["versionDescription"]?.stringValue
                    }
                    if path == "labels" { model.versions[index].labels = labels }
                }
                model.versions[index].updateTime = now
            } else {
                for path in paths {
                    switch path {
                    case "displayName": model.displayName = body["displayName"]?.stringValue ?? model.displayName
                    case "description": model.description = body["description"]?.stringValue
                    default: model.labels = labels
                    }
                }
            }
            model.updateTime = now
            model.etagCounter += 1
            state.models[id] = model
            return Self.view(model, index, parent: parent, withVersion: false)
        }
    }

    func mergeAliases(id: String, spec: String?, body: JSONValue?) throws(VertexAPIError) -> JSONValue {
        guard let spec, let versionID = Int(spec) else {
            throw .invalid("The model version name must include an explicit version id (models/{model}@{version_id}).")
        }
        guard let requested = body?["versionAliases"]?.arrayValue?.compactMap(\.stringValue), !requested.isEmpty else {
            throw .invalid("Field version_aliases is required.")
        }
        var adds: [String] = []
        var removes: [String] = []
        for entry in requested {
            if entry.hasPrefix("-") {
                let alias = String(entry.dropFirst())
                try VertexRules.checkAlias(alias)
                if alias == "default" {
                    throw .invalid("The default alias cannot be removed; add it to another version to move it there.")
                }
                removes.append(alias)
            } else {
                try VertexRules.checkAlias(entry)
                adds.append(entry)
            }
        }
        let both = Set(adds).intersection(removes)  // adding and removing the same alias cancel out
        adds.removeAll { both.contains($0) }
        removes.removeAll { both.contains($0) }
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard var model = state.models[id] else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            guard let index = model.index(of: versionID) else {
                throw .notFound("Model \(parent)/models/\(id)@\(versionID) does not exist.")
            }
            for alias in adds where alias != "default" {
                if let holder = model.versions.first(where: { $0.aliases.contains(alias) && $0.versionID != versionID }) {
                    throw .invalid(
                        "Alias \(alias) is already used by version \(holder.versionID) of model \(id); remove it there first.")
                }
            }
            let now = Self.stamp(&state, clock)
            if adds.contains("default") {
                for other in model.versions.indices where other != index && model.versions[other].aliases.contains("default") {
                    model.versions[other].aliases.removeAll { $0 == "default" }
                    model.versions[other].updateTime = now
                }
            }
            model.versions[index].aliases.removeAll { removes.contains($0) }
            for alias in adds where !model.versions[index].aliases.contains(alias) {
                model.versions[index].aliases.append(alias)
            }
            model.versions[index].updateTime = now
            model.updateTime = now
            model.etagCounter += 1
            state.models[id] = model
            return Self.view(model, index, parent: parent, withVersion: false)
        }
    }

    func deleteVersion(id: String, spec: String?) throws(VertexAPIError) -> JSONValue {
        guard let spec, let versionID = Int(spec) else {
            throw .invalid("The model version name must include an explicit version id (models/{model}@{version_id}).")
        }
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard let model = state.models[id] else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            guard let index = model.index(of: versionID) else {
                throw .notFound("Model \(parent)/models/\(id)@\(versionID) does not exist.")
            }
            guard model.versions.count > 1 else {
                throw .precondition("Cannot delete the only version of model \(id); delete the model instead.")
            }
            guard !model.versions[index].aliases.contains("default") else {
                throw .precondition("Cannot delete the default version of model \(id); move the default alias first.")
            }
            return newOperation(&state, model: id, action: .deleteVersion(id, versionID))
        }
    }

    func deleteModel(id: String, spec: String?) throws(VertexAPIError) -> JSONValue {
        guard spec == nil else { throw .invalid("Use :deleteVersion to delete a model version.") }
        return try state.withLock { (state: inout State) throws(VertexAPIError) -> JSONValue in
            guard state.models[id] != nil else { throw .notFound("Model \(parent)/models/\(id) does not exist.") }
            return newOperation(&state, model: id, action: .deleteModel(id))
        }
    }

    private func newOperation(_ state: inout State, model: String, action: Operation.Action) -> JSONValue {
        state.nextOperation += 1
        let name = "\(parent)/models/\(model)/operations/\(state.nextOperation)"
        let now = Timestamp.format(Self.stamp(&state, clock))
        let operation = Operation(
            name: name, action: action, pollsLeft: state.operationPolls,
            metadata: [
                "@type": "type.googleapis.com/google.cloud.aiplatform.v1.DeleteOperationMetadata",
                "genericMetadata": ["createTime": .string(now), "updateTime": .string(now)],
            ])
        state.operations[name] = operation
        return Self.operationJSON(operation)
    }
}
