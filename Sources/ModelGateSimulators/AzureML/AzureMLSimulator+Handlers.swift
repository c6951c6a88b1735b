import Foundation
import ModelGateCore
import Synchronization

extension AzureMLSimulator {
    enum ListView: String {
        case activeOnly = "ActiveOnly"
        case archivedOnly = "ArchivedOnly"
        case all = "All"
    }

    // MARK: - Reads

    func listContainers(_ call: AzureMLCall) throws -> AzureMLReply {
        let view = try Self.listView(call)
        let scope = call.scope!
        let size = try requestedPageSize(call, key: scope.kind == .workspace ? "count" : nil)
        let offset = try Self.offset(call)
        return state.withLock { state in
            let containers = (state.scopes[scope] ?? [:]).values
                .filter { Self.visible(archived: $0.isArchived, view) }
                .sorted { $0.name < $1.name }
            let slice = containers.dropFirst(offset).prefix(size)
            var body: [String: JSONValue] = ["value": .array(slice.map { Self.render($0, scope: scope) })]
            if offset + size < containers.count { body["nextLink"] = .string(call.link(skipToken: Self.token(offset + size))) }
            return AzureMLReply(status: 200, body: .object(body))
        }
    }

    func getContainer(_ call: AzureMLCall) throws -> AzureMLReply {
        let scope = call.scope!
        let name = call.parameter("model")
        return try state.withLock { state in
            guard let container = state.scopes[scope]?[name] else { throw Self.notFound(scope, name, nil) }
            return AzureMLReply(status: 200, body: Self.render(container, scope: scope))
        }
    }

    func listVersions(_ call: AzureMLCall) throws -> AzureMLReply {
        let view = try Self.listView(call)
        let scope = call.scope!
        let name = call.parameter("model")
        let size = try requestedPageSize(call, key: "$top")
        let offset = try Self.offset(call)
        let descending = (call.query["$orderBy"] ?? "").lowercased().hasSuffix("desc")
        let tagFilter = Self.pairs(call.query["tags"])
        let propertyFilter = Self.pairs(call.query["properties"])
        return try state.withLock { state in
            guard let container = state.scopes[scope]?[name] else { throw Self.notFound(scope, name, nil) }
            var records = container.versionOrder.compactMap { container.versions[$0] }
                .filter { Self.visible(archived: $0.isArchived, view) }
            if let version = call.query["version"], !version.isEmpty { records = records.filter { $0.name == version } }
            if let text = call.query["description"], !text.isEmpty {
                records = records.filter { ($0.properties["description"]?.stringValue ?? "").localizedCaseInsensitiveContains(text) }
            }
            records = records.filter { Self.matches($0.properties["tags"], tagFilter) && Self.matches($0.properties["properties"], propertyFilter) }
            if descending { records.reverse() }
            let slice = records.dropFirst(offset).prefix(size)
            var body: [String: JSONValue] = ["value": .array(slice.map { Self.render($0, scope: scope, model: name) })]
            if offset + size < records.count { body["nextLink"] = .string(call.link(skipToken: Self.token(offset + size))) }
            return AzureMLReply(status: 200, body: .object(body))
        }
    }

    func getVersion(_ call: AzureMLCall) throws -> AzureMLReply {
        let scope = call.scope!
        let name = call.parameter("model")
        let version = call.parameter("version")
        return try state.withLock { state in
            guard let container = state.scopes[scope]?[name] else { throw Self.notFound(scope, name, nil) }
            guard let record = container.versions[version] else { throw Self.notFound(scope, name, version) }
            return AzureMLReply(status: 200, body: Self.render(record, scope: scope, model: name))
        }
    }

    // MARK: - Writes

    static let containerFields: Set<String> = ["description", "tags", "properties", "isArchived"]
    static let containerReadOnly: Set<String> = ["latestVersion", "nextVersion", "provisioningState"]
    static let versionFields: Set<String> = [
        "description", "tags", "properties", "isArchived", "isAnonymous", "flavors", "jobName", "modelType", "modelUri", "stage",
    ]
    static let versionReadOnly: Set<String> = ["provisioningState"]
    /// Fields of a version that cannot change once it exists.
    static let immutableVersionFields: [String] = ["modelUri", "modelType", "jobName", "flavors", "isAnonymous"]

    func putContainer(_ call: AzureMLCall, body: [UInt8]) throws -> AzureMLReply {
        let scope = call.scope!
        let name = call.parameter("model")
        try Self.checkContainerName(name)
        let properties = try Self.properties(
            body, allowed: Self.containerFields, readOnly: Self.containerReadOnly, type: "ModelContainer")
        let settings = self.settings.withLock { $0 }
        return state.withLock { state in
            var containers = state.scopes[scope] ?? [:]
            let existed = containers[name] != nil
            var container =
                containers[name]
                ?? AzureMLContainer(
                    name: name, properties: [:],
                    systemData: AzureMLSystemData(
                        createdAt: call.now, createdBy: Self.principal, lastModifiedAt: call.now, lastModifiedBy: Self.principal),
                    provisioningState: "Succeeded")
            container.properties = properties
            container.systemData.lastModifiedAt = call.now
            container.systemData.lastModifiedBy = Self.principal
            let resourcePath = scope.path + "/models/" + name
            if scope.kind == .registry {
                container.provisioningState = existed ? "Updating" : "Creating"
                containers[name] = container
                state.scopes[scope] = containers
                let headers = Self.startOperation(
                    &state, action: .put(resourcePath: resourcePath), scope: scope, model: name, version: nil, call: call,
                    settings: settings, asyncHeader: true)
                return AzureMLReply(status: existed ? 200 : 201, body: Self.render(container, scope: scope), headers: headers)
            }
            container.provisioningState = "Succeeded"
            containers[name] = container
            state.scopes[scope] = containers
            return AzureMLReply(status: existed ? 200 : 201, body: Self.render(container, scope: scope))
        }
    }

    func putVersion(_ call: AzureMLCall, body: [UInt8]) throws -> AzureMLReply {
        let scope = call.scope!
        let name = call.parameter("model")
        let version = call.parameter("version")
        try Self.checkContainerName(name)
        try Self.checkVersionName(version)
        let properties = try Self.properties(
            body, allowed: Self.versionFields, readOnly: Self.versionReadOnly, type: "ModelVersion")
        let settings = self.settings.withLock { $0 }
        return try state.withLock { state in
            var containers = state.scopes[scope] ?? [:]
            var container =
                containers[name]
                ?? AzureMLContainer(
                    name: name, properties: [:],
                    systemData: AzureMLSystemData(
                        createdAt: call.now, createdBy: Self.principal, lastModifiedAt: call.now, lastModifiedBy: Self.principal),
                    provisioningState: "Succeeded")
            let existing = container.versions[version]
            if let existing {
                for field in Self.immutableVersionFields where !Self.same(existing.properties[field], properties[field]) {
                    throw AzureMLFailure(
                        400, "UserError",
                        "Cannot update the '\(field)' of model version '\(name):\(version)': only description, tags, properties, "
                            + "stage and isArchived can change after creation.")
                }
            } else {
                guard let uri = properties["modelUri"]?.stringValue, !uri.isEmpty else {
                    throw AzureMLFailure(
                        400, "UserError", "The field 'modelUri' is required to create model version '\(name):\(version)'.")
                }
            }
            var record =
                existing
                ?? AzureMLVersionRecord(
                    name: version, properties: [:],
                    systemData: AzureMLSystemData(
                        createdAt: call.now, createdBy: Self.principal, lastModifiedAt: call.now, lastModifiedBy: Self.principal),
                    provisioningState: "Succeeded")
            record.properties = properties
            record.systemData.lastModifiedAt = call.now
            record.systemData.lastModifiedBy = Self.principal
            if existing == nil { container.versionOrder.append(version) }
            let resourcePath = scope.path + "/models/" + name + "/versions/" + version
            var headers: [(String, String)] = []
            if scope.kind == .registry {
                record.provisioningState = existing == nil ? "Creating" : "Updating"
                headers = Self.startOperation(
                    &state, action: .put(resourcePath: resourcePath), scope: scope, model: name, version: version, call: call,
                    settings: settings, asyncHeader: true)
            } else {
                record.provisioningState = "Succeeded"
            }
            container.versions[version] = record
            containers[name] = container
            state.scopes[scope] = containers
            return AzureMLReply(
                status: existing == nil ? 201 : 200, body: Self.render(record, scope: scope, model: name), headers: headers)
        }
    }

    func deleteContainer(_ call: AzureMLCall) throws -> AzureMLReply {
        try delete(call, version: nil)
    }

    func deleteVersion(_ call: AzureMLCall) throws -> AzureMLReply {
        try delete(call, version: call.parameter("version"))
    }

    private func delete(_ call: AzureMLCall, version: String?) throws -> AzureMLReply {
        let scope = call.scope!
        let name = call.parameter("model")
        let settings = self.settings.withLock { $0 }
        return state.withLock { state in
            let exists = version.map { state.scopes[scope]?[name]?.versions[$0] != nil } ?? (state.scopes[scope]?[name] != nil)
            guard exists else { return AzureMLReply(status: 204, body: nil) }
            let resourcePath = scope.path + "/models/" + name + (version.map { "/versions/" + $0 } ?? "")
            if scope.kind == .registry {
                if let version {
                    state.scopes[scope]?[name]?.versions[version]?.provisioningState = "Deleting"
                } else {
                    state.scopes[scope]?[name]?.provisioningState = "Deleting"
                }
                let headers = Self.startOperation(
                    &state, action: .delete(resourcePath: resourcePath), scope: scope, model: name, version: version, call: call,
                    settings: settings, asyncHeader: false)
                return AzureMLReply(status: 202, body: nil, headers: headers)
            }
            Self.remove(&state, scope: scope, model: name, version: version)
            return AzureMLReply(status: 200, body: nil)
        }
    }

    // MARK: - Long-running operations

    static func startOperation(
        _ state: inout AzureMLState, action: AzureMLOperation.Action, scope: AzureMLScope, model: String, version: String?,
        call: AzureMLCall, settings: Settings, asyncHeader: Bool
    ) -> [(String, String)] {
        let id = "op-\(state.nextOperation)-" + String(UUID().uuidString.lowercased().prefix(8))
        state.nextOperation += 1
        state.operations[id] = AzureMLOperation(
            id: id, action: action, pollsLeft: settings.lroPolls, startTime: call.now, scope: scope, model: model,
            version: version)
        let urls = operationURLs(id, call: call, location: settings.location)
        var headers: [(String, String)] = [
            ("Location", urls.result), ("Retry-After", String(settings.lroRetryAfterSeconds)),
            ("x-ms-async-operation-timeout", "P1D"),
        ]
        if asyncHeader { headers.append(("Azure-AsyncOperation", urls.status)) }
        return headers
    }

    static func operationURLs(_ id: String, call: AzureMLCall, location: String) -> (status: String, result: String) {
        let subscription = call.scope?.subscription ?? call.parameter("subscription")
        let prefix = "\(call.base)/subscriptions/\(subscription)/providers/Microsoft.MachineLearningServices/locations/\(location)"
        let query = "?api-version=\(call.apiVersion)"
        return (prefix + "/mfeOperationsStatus/\(id)" + query, prefix + "/mfeOperationResults/\(id)" + query)
    }

    /// `Azure-AsyncOperation`: `{"id","name","status","startTime"[,"endTime"]}`; `Succeeded` after `lroPolls` polls.
    func operationStatus(_ call: AzureMLCall) throws -> AzureMLReply {
        let id = call.parameter("operation")
        let settings = self.settings.withLock { $0 }
        return try state.withLock { state in
            guard let operation = Self.poll(&state, id: id, now: call.now) else { throw Self.unknownOperation(id) }
            var body: [String: JSONValue] = [
                "id": .string(call.path), "name": .string(id), "status": .string(operation.done ? "Succeeded" : "InProgress"),
                "startTime": .string(Timestamp.format(operation.startTime)),
            ]
            if let end = operation.endTime { body["endTime"] = .string(Timestamp.format(end)) }
            let headers: [(String, String)] = operation.done ? [] : [("Retry-After", String(settings.lroRetryAfterSeconds))]
            return AzureMLReply(status: 200, body: .object(body), headers: headers)
        }
    }

    /// `Location`: 202 while running; then the resource (a PUT) or 204 (a DELETE).
    func operationResult(_ call: AzureMLCall) throws -> AzureMLReply {
        let id = call.parameter("operation")
        let settings = self.settings.withLock { $0 }
        return try state.withLock { state in
            guard let operation = Self.poll(&state, id: id, now: call.now) else { throw Self.unknownOperation(id) }
            guard operation.done else {
                return AzureMLReply(
                    status: 202, body: nil,
                    headers: [("Location", call.link(skipToken: nil)), ("Retry-After", String(settings.lroRetryAfterSeconds))])
            }
            switch operation.action {
            case .delete: return AzureMLReply(status: 204, body: nil)
            case .put:
                let container = state.scopes[operation.scope]?[operation.model]
                if let version = operation.version {
                    guard let record = container?.versions[version] else { return AzureMLReply(status: 204, body: nil) }
                    return AzureMLReply(status: 200, body: Self.render(record, scope: operation.scope, model: operation.model))
                }
                guard let container else { return AzureMLReply(status: 204, body: nil) }
                return AzureMLReply(status: 200, body: Self.render(container, scope: operation.scope))
            }
        }
    }

    /// Counts one poll; when the operation finishes, applies its effect once.
    static func poll(_ state: inout AzureMLState, id: String, now: Date) -> AzureMLOperation? {
        guard var operation = state.operations[id] else { return nil }
        if !operation.done {
            operation.pollsLeft -= 1
            if operation.done {
                operation.endTime = now
                switch operation.action {
                case .put:
                    if let version = operation.version {
                        state.scopes[operation.scope]?[operation.model]?.versions[version]?.provisioningState = "Succeeded"
                    } else {
                        state.scopes[operation.scope]?[operation.model]?.provisioningState = "Succeeded"
                    }
                case .delete:
                    remove(&state, scope: operation.scope, model: operation.model, version: operation.version)
                }
            }
            state.operations[id] = operation
        }
        return operation
    }

    static func remove(_ state: inout AzureMLState, scope: AzureMLScope, model: String, version: String?) {
        if let version {
            state.scopes[scope]?[model]?.versions[version] = nil
            state.scopes[scope]?[model]?.versionOrder.removeAll { $0 == version }
        } else {
            state.scopes[scope]?[model] = nil
        }
    }

    // MARK: - Validation and rendering

    static func listView(_ call: AzureMLCall) throws -> ListView {
        guard let text = call.query["listViewType"], !text.isEmpty else { return .activeOnly }
        for view in [ListView.activeOnly, .archivedOnly, .all] where view.rawValue.caseInsensitiveCompare(text) == .orderedSame {
            return view
        }
        throw AzureMLFailure(
            400, "UserError", "The value '\(text)' is not valid for listViewType: use ActiveOnly, ArchivedOnly or All.")
    }

    static func visible(archived: Bool, _ view: ListView) -> Bool {
        switch view {
        case .activeOnly: return !archived
        case .archivedOnly: return archived
        case .all: return true
        }
    }

    func requestedPageSize(_ call: AzureMLCall, key: String?) throws -> Int {
        let settings = self.settings.withLock { $0 }
        guard let key, let text = call.query[key], !text.isEmpty else { return settings.pageSize }
        guard let value = Int(text), value > 0 else {
            throw AzureMLFailure(400, "UserError", "The value '\(text)' is not valid for \(key): expected a positive integer.")
        }
        return min(value, settings.maxPageSize)
    }

    static func token(_ offset: Int) -> String {
        Data("skip:\(offset)".utf8).base64EncodedString()
    }

    static func offset(_ call: AzureMLCall) throws -> Int {
        guard let token = call.query["$skipToken"], !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("skip:"),
            let offset = Int(text.dropFirst(5)), offset >= 0
        else {
            throw AzureMLFailure(400, "UserError", "The continuation token '$skipToken' is not valid.")
        }
        return offset
    }

    /// `tag1,tag2=value2` → [(tag1, nil), (tag2, value2)].
    static func pairs(_ text: String?) -> [(String, String?)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ",").map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : nil)
        }
    }

    static func matches(_ map: JSONValue?, _ filter: [(String, String?)]) -> Bool {
        let object = map?.objectValue ?? [:]
        return filter.allSatisfy { key, value in
            guard let found = object[key] else { return false }
            return value == nil || found.stringValue == value
        }
    }

    static func checkContainerName(_ name: String) throws {
        guard name.range(of: containerNamePattern, options: .regularExpression) != nil else {
            throw AzureMLFailure(
                400, "UserError",
                "The name '\(name)' is not valid: it must match the pattern \(containerNamePattern) "
                    + "(start with a letter or digit; letters, digits, '-' and '_' only; at most 255 characters).")
        }
    }

    static func checkVersionName(_ version: String) throws {
        guard !version.isEmpty, version.count <= 255,
            version.range(of: "^[a-zA-Z0-9][a-zA-Z0-9.\\-_]*$", options: .regularExpression) != nil
        else {
            throw AzureMLFailure(
                400, "UserError",
                "The version '\(version)' is not valid: use letters, digits, '.', '-' and '_', starting with a letter or digit.")
        }
    }

    /// The `properties` of a PUT body, checked against the schema (`additionalProperties: false`).
    static func properties(_ body: [UInt8], allowed: Set<String>, readOnly: Set<String>, type: String) throws -> [String: JSONValue] {
        guard !body.isEmpty else {
            throw AzureMLFailure(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty.")
        }
        guard let json = try? JSONValue.parse(Data(body)), let object = json.objectValue else {
            throw AzureMLFailure(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        guard let properties = object["properties"]?.objectValue else {
            throw AzureMLFailure(400, "UserError", "The field 'properties' is required ([Required] Additional attributes of the entity).")
        }
        var kept: [String: JSONValue] = [:]
        for (key, value) in properties {
            if readOnly.contains(key) { continue }
            guard allowed.contains(key) else {
                throw AzureMLFailure(400, "UserError", "Could not find member '\(key)' on object of type '\(type)'.")
            }
            switch key {
            case "description", "jobName", "modelType", "modelUri", "stage":
                guard value.stringValue != nil || value.isNull else {
                    throw AzureMLFailure(400, "UserError", "The field '\(key)' of \(type) must be a string.")
                }
            case "isArchived", "isAnonymous":
                guard value.boolValue != nil else {
                    throw AzureMLFailure(400, "UserError", "The field '\(key)' of \(type) must be a boolean.")
                }
            case "tags", "properties":
                guard value.isNull || (value.objectValue?.values.allSatisfy { $0.stringValue != nil || $0.isNull } ?? false) else {
                    throw AzureMLFailure(400, "UserError", "The field '\(key)' of \(type) must map strings to strings.")
                }
            case "flavors":
                guard value.isNull || value.objectValue != nil else {
                    throw AzureMLFailure(400, "UserError", "The field 'flavors' of \(type) must be an object.")
                }
            default: break
            }
            if !value.isNull { kept[key] = value }
        }
        return kept
    }

    static func same(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        func normal(_ value: JSONValue?) -> JSONValue? {
            switch value {
            case nil, .null?: return nil
            case .bool(false)?: return nil
            case .object(let object)? where object.isEmpty: return nil
            default: return value
            }
        }
        return normal(lhs) == normal(rhs)
    }

    static func notFound(_ scope: AzureMLScope, _ model: String, _ version: String?) -> AzureMLFailure {
        if let version {
            return AzureMLFailure(
                404, "UserError",
                "Could not find model version '\(model):\(version)' in \(scope.kind == .registry ? "registry" : "workspace") '\(scope.name)'.")
        }
        return AzureMLFailure(
            404, "UserError", "Could not find model container '\(model)' in \(scope.kind == .registry ? "registry" : "workspace") '\(scope.name)'.")
    }

    static func unknownOperation(_ id: String) -> AzureMLFailure {
        AzureMLFailure(404, "ResourceNotFound", "The operation '\(id)' was not found.")
    }

    static func render(_ container: AzureMLContainer, scope: AzureMLScope) -> JSONValue {
        var properties: [String: JSONValue] = [
            "description": .null, "tags": .object([:]), "properties": .object([:]), "isArchived": false,
            "provisioningState": .string(container.provisioningState), "nextVersion": .string(container.nextVersion),
            "latestVersion": container.latestVersion.map(JSONValue.string) ?? .null,
        ]
        for (key, value) in container.properties { properties[key] = value }
        return [
            "id": .string(scope.path + "/models/" + container.name), "name": .string(container.name),
            "type": .string(scope.resourceType(versions: false)), "systemData": container.systemData.json,
            "properties": .object(properties),
        ]
    }

    static func render(_ record: AzureMLVersionRecord, scope: AzureMLScope, model: String) -> JSONValue {
        var properties: [String: JSONValue] = [
            "description": .null, "tags": .object([:]), "properties": .object([:]), "isArchived": false, "isAnonymous": false,
            "flavors": .null, "jobName": .null, "modelType": "CustomModel", "modelUri": .null, "stage": .null,
            "provisioningState": .string(record.provisioningState),
        ]
        for (key, value) in record.properties { properties[key] = value }
        return [
            "id": .string(scope.path + "/models/" + model + "/versions/" + record.name), "name": .string(record.name),
            "type": .string(scope.resourceType(versions: true)), "systemData": record.systemData.json,
            "properties": .object(properties),
        ]
    }
}
