import Foundation
import ModelGateCore
import Synchronization

extension WandBSimulator {
    /// The root field each served operation must select (a light check that the query is the documented one).
    static let rootFields: [String: String] = [
        "FetchOrgInfoFromEntity": "entity(", "RegistryCollections": "artifactCollections(",
        "RegistryVersions": "artifactMemberships(", "ArtifactMembershipByName": "artifactCollectionMembership(",
        "ArtifactCreatedBy": "createdBy", "LinkArtifact": "linkArtifact(", "AddAliases": "addAliases(",
        "DeleteAliases": "deleteAliases(", "UpdateArtifact": "updateArtifact(",
    ]

    func execute(operation: String, query: String, variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard let root = Self.rootFields[operation] else {
            throw WandBGraphQLError("Unknown operation '\(operation)': this simulator serves "
                + Self.rootFields.keys.sorted().joined(separator: ", "))
        }
        guard query.contains(root) else {
            throw WandBGraphQLError("Cannot query field: operation \(operation) must select \(root.dropLast())")
        }
        switch operation {
        case "FetchOrgInfoFromEntity": return try fetchOrgInfo(variables)
        case "RegistryCollections": return try registryCollections(variables)
        case "RegistryVersions": return try registryVersions(variables)
        case "ArtifactMembershipByName": return try membershipByName(variables)
        case "ArtifactCreatedBy": return try createdBy(variables)
        case "LinkArtifact": return try linkArtifact(variables)
        case "AddAliases": return try changeAliases(variables, add: true)
        case "DeleteAliases": return try changeAliases(variables, add: false)
        default: return try updateArtifact(variables)
        }
    }

    // MARK: - Queries

    func fetchOrgInfo(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard let name = variables["entity"]?.stringValue else { throw WandBGraphQLError("Variable '$entity' is required") }
        guard name == entity else { return ["entity": .null] }
        let org: JSONValue = ["name": .string(organization), "orgEntity": ["name": .string(entity)]]
        return ["entity": ["organization": org, "user": .null]]
    }

    /// `{"name": "…"}` or `{"name": {"$in": […]}}` (or nothing): the only filter forms served.
    static func nameFilter(_ value: JSONValue?, variable: String) throws(WandBGraphQLError) -> (String) -> Bool {
        guard let value, !value.isNull else { return { _ in true } }
        guard let text = value.stringValue, let json = try? JSONValue.parse(Data(text.utf8)), let object = json.objectValue else {
            throw WandBGraphQLError("Variable '$\(variable)' is not a valid JSONString")
        }
        if object.isEmpty { return { _ in true } }
        guard object.count == 1, let condition = object["name"] else {
            throw WandBGraphQLError("unsupported filter in $\(variable): \(text) (the simulator serves {\"name\": …} only)")
        }
        if let name = condition.stringValue { return { $0 == name } }
        if let names = condition["$in"]?.arrayValue?.compactMap(\.stringValue) { return { names.contains($0) } }
        throw WandBGraphQLError("unsupported filter in $\(variable): \(text)")
    }

    func page(_ variables: [String: JSONValue], kind: String) throws(WandBGraphQLError) -> (offset: Int, size: Int) {
        var size = defaultPageSize
        if let value = variables["perPage"], !value.isNull {
            guard let number = value.int64Value, number > 0 else {
                throw WandBGraphQLError("Variable '$perPage' must be a positive Int")
            }
            size = min(Int(number), maxPageSize)
        }
        guard let cursor = variables["cursor"]?.stringValue, !cursor.isEmpty else { return (0, size) }
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            text.hasPrefix(kind + ":"), let offset = Int(text.dropFirst(kind.count + 1)), offset >= 0
        else { throw WandBGraphQLError("invalid cursor: \(cursor)") }
        return (offset, size)
    }

    static func cursor(_ kind: String, _ offset: Int) -> String { Data("\(kind):\(offset)".utf8).base64EncodedString() }

    static func connection(_ nodes: [JSONValue], offset: Int, size: Int, kind: String, total: Int? = nil) -> JSONValue {
        let slice = offset < nodes.count ? Array(nodes[offset..<min(nodes.count, offset + size)]) : []
        let end = offset + slice.count
        var object: [String: JSONValue] = [
            "pageInfo": [
                "__typename": "PageInfo", "endCursor": slice.isEmpty ? .null : .string(cursor(kind, end)),
                "hasNextPage": .bool(end < nodes.count),
            ],
            "edges": .array(slice.map { ["node": $0] }),
        ]
        if let total { object["totalCount"] = .int(Int64(total)) }
        return .object(object)
    }

    func organizationCheck(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> Bool {
        guard let name = variables["organization"]?.stringValue else {
            throw WandBGraphQLError("Variable '$organization' is required")
        }
        return name == organization
    }

    /// The organization entity's projects matching `registryFilter`, in name order.
    func registryProjects(_ state: State, _ variables: [String: JSONValue]) throws(WandBGraphQLError) -> [WandBProjectRecord] {
        let matches = try Self.nameFilter(variables["registryFilter"], variable: "registryFilter")
        return state.projects.values.filter { $0.entity == entity && $0.name.hasPrefix("wandb-registry-") && matches($0.name) }
            .sorted { $0.name < $1.name }
    }

    func registryCollections(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard try organizationCheck(variables) else { return ["organization": .null] }
        let (offset, size) = try page(variables, kind: "collections")
        let matches = try Self.nameFilter(variables["collectionFilter"], variable: "collectionFilter")
        let types = variables["collectionTypes"]?.arrayValue?.compactMap(\.stringValue) ?? ["PORTFOLIO"]
        let order = variables["order"]?.stringValue
        return try state.withLock { state throws(WandBGraphQLError) -> JSONValue in
            var records: [WandBCollectionRecord] = []
            for project in try registryProjects(state, variables) {
                records += project.collections.compactMap { state.collections[$0] }
                    .filter { types.contains($0.kind.rawValue) && matches($0.name) }
            }
            switch order {
            case nil, "", "-created_at"?: records.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            case "created_at"?, "+created_at"?: records.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            case "name"?, "+name"?: records.sort { $0.name < $1.name }
            case "-name"?: records.sort { $0.name > $1.name }
            case let other?: throw WandBGraphQLError("unsupported order: \(other)")
            }
            let nodes = records.map { Self.collectionView(state, $0) }
            return [
                "organization": [
                    "orgEntity": [
                        "name": .string(entity),
                        "artifactCollections": Self.connection(
                            nodes, offset: offset, size: size, kind: "collections", total: nodes.count),
                    ]
                ]
            ]
        }
    }

    func registryVersions(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard try organizationCheck(variables) else { return ["organization": .null] }
        let (offset, size) = try page(variables, kind: "memberships")
        let matches = try Self.nameFilter(variables["collectionFilter"], variable: "collectionFilter")
        if let filter = variables["artifactFilter"], !filter.isNull, filter.stringValue != "{}" {
            throw WandBGraphQLError("unsupported $artifactFilter (the simulator serves none)")
        }
        let includeAliases = variables["includeAliases"]?.boolValue ?? false
        return try state.withLock { state throws(WandBGraphQLError) -> JSONValue in
            var nodes: [JSONValue] = []
            for project in try registryProjects(state, variables) {
                for id in project.collections {
                    guard let record = state.collections[id], record.kind == .portfolio, matches(record.name) else { continue }
                    nodes += record.memberships.map { Self.membershipView(state, record, $0, includeAliases: includeAliases) }
                }
            }
            return [
                "organization": [
                    "orgEntity": [
                        "name": .string(entity),
                        "artifactMemberships": Self.connection(nodes, offset: offset, size: size, kind: "memberships"),
                    ]
                ]
            ]
        }
    }

    func membershipByName(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard let entityName = variables["entity"]?.stringValue, let projectName = variables["project"]?.stringValue,
            let name = variables["name"]?.stringValue
        else { throw WandBGraphQLError("Variables '$entity', '$project' and '$name' are required") }
        let includeAliases = variables["includeAliases"]?.boolValue ?? false
        return state.withLock { state -> JSONValue in
            let key = "\(entityName)/\(projectName)"
            guard state.projects[key] != nil else { return ["project": .null] }
            guard let (record, index) = Self.resolve(state, projectKey: key, name: name) else {
                return ["project": ["artifactCollectionMembership": .null]]
            }
            return [
                "project": [
                    "artifactCollectionMembership": Self.membershipView(
                        state, record, record.memberships[index], includeAliases: includeAliases)
                ]
            ]
        }
    }

    /// `collection:vN` or `collection:alias` in a project.
    static func resolve(_ state: State, projectKey: String, name: String) -> (WandBCollectionRecord, Int)? {
        guard let colon = name.lastIndex(of: ":") else { return nil }
        let collectionName = String(name[..<colon])
        let spec = String(name[name.index(after: colon)...])
        guard let id = collectionID(state, projectKey: projectKey, name: collectionName), let record = state.collections[id]
        else { return nil }
        if spec.hasPrefix("v"), let number = Int(spec.dropFirst()),
            let index = record.memberships.firstIndex(where: { $0.versionIndex == number })
        {
            return (record, index)
        }
        guard let index = record.memberships.firstIndex(where: { $0.aliases.contains(spec) }) else { return nil }
        return (record, index)
    }

    func createdBy(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        guard let id = variables["id"]?.stringValue else { throw WandBGraphQLError("Variable '$id' is required") }
        return state.withLock { state -> JSONValue in
            guard let artifact = state.artifacts[id] else { return ["artifact": .null] }
            guard let run = artifact.createdBy else { return ["artifact": ["createdBy": .null]] }
            let projectKey = "\(entity)/\(run.project)"
            let project = state.projects[projectKey].map { Self.projectView($0) }
                ?? ["id": .string(Data("Project:\(run.project)".utf8).base64EncodedString()), "internalId": 0,
                    "name": .string(run.project), "entity": ["name": .string(entity)]]
            return [
                "artifact": [
                    "createdBy": [
                        "__typename": "Run", "id": .string(Data("Run:\(run.project):\(run.name)".utf8).base64EncodedString()),
                        "name": .string(run.name), "project": project,
                    ]
                ]
            ]
        }
    }

    // MARK: - Mutations

    static func input(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> [String: JSONValue] {
        guard let input = variables["input"]?.objectValue else { throw WandBGraphQLError("Variable '$input' is required") }
        return input
    }

    /// W&B's alias rule: no `/` or `:`, not empty, at most 128 characters.
    static func checkAlias(_ alias: String) throws(WandBGraphQLError) {
        if alias.isEmpty || alias.count > 128 || alias.contains("/") || alias.contains(":") {
            throw WandBGraphQLError("Invalid alias '\(alias)': aliases cannot be empty or contain '/' or ':'")
        }
    }

    /// W&B's tag rule: words of letters, digits, `-` and `_`, separated by single spaces.
    static func checkTag(_ tag: String) throws(WandBGraphQLError) {
        let words = tag.split(separator: " ", omittingEmptySubsequences: false)
        let valid = !tag.isEmpty && tag.count <= 128 && words.allSatisfy { word in
            !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        if !valid {
            throw WandBGraphQLError(
                "Invalid tag '\(tag)': tags may only contain letters, numbers, underscores, hyphens and single spaces")
        }
    }

    func linkArtifact(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        let input = try Self.input(variables)
        guard let artifactID = input["artifactID"]?.stringValue else { throw WandBGraphQLError("artifactID is required") }
        guard let portfolio = input["artifactPortfolioName"]?.stringValue, !portfolio.isEmpty else {
            throw WandBGraphQLError("artifactPortfolioName is required (artifactPortfolioID is not simulated)")
        }
        let entityName = input["entityName"]?.stringValue ?? entity
        guard let projectName = input["projectName"]?.stringValue else { throw WandBGraphQLError("projectName is required") }
        let aliases = input["aliases"]?.arrayValue?.compactMap { $0["alias"]?.stringValue } ?? []
        for alias in aliases { try Self.checkAlias(alias) }
        return try state.withLock { state throws(WandBGraphQLError) -> JSONValue in
            let key = "\(entityName)/\(projectName)"
            guard state.projects[key] != nil else {
                throw WandBGraphQLError("project not found: \(entityName)/\(projectName)")
            }
            guard let artifact = state.artifacts[artifactID] else {
                throw WandBGraphQLError("artifact not found: \(artifactID)")
            }
            if let existing = Self.collectionID(state, projectKey: key, name: portfolio),
                state.collections[existing]?.kind != .portfolio
            {
                throw WandBGraphQLError("'\(portfolio)' is not a portfolio")
            }
            let now = Self.stamp(&state, clock)
            let id = Self.collection(
                &state, name: portfolio, kind: .portfolio, projectKey: key, type: artifact.artifactType, created: now)
            let index = Self.link(&state, artifactID: artifactID, collectionID: id, aliases: aliases, at: now, moveLatest: true)
            guard let record = state.collections[id], let member = record.memberships.first(where: { $0.versionIndex == index })
            else { throw WandBGraphQLError("link failed") }
            return [
                "result": [
                    "versionIndex": .int(Int64(index)),
                    "artifactMembership": Self.membershipView(state, record, member, includeAliases: true),
                ]
            ]
        }
    }

    func changeAliases(_ variables: [String: JSONValue], add: Bool) throws(WandBGraphQLError) -> JSONValue {
        let input = try Self.input(variables)
        guard let artifactID = input["artifactID"]?.stringValue else { throw WandBGraphQLError("artifactID is required") }
        guard let aliases = input["aliases"]?.arrayValue else { throw WandBGraphQLError("aliases is required") }
        return try state.withLock { state throws(WandBGraphQLError) -> JSONValue in
            guard state.artifacts[artifactID] != nil else { throw WandBGraphQLError("artifact not found: \(artifactID)") }
            for item in aliases {
                guard let alias = item["alias"]?.stringValue, let collection = item["artifactCollectionName"]?.stringValue,
                    let entityName = item["entityName"]?.stringValue, let projectName = item["projectName"]?.stringValue
                else { throw WandBGraphQLError("each alias needs alias, artifactCollectionName, entityName and projectName") }
                try Self.checkAlias(alias)
                let key = "\(entityName)/\(projectName)"
                guard let id = Self.collectionID(state, projectKey: key, name: collection),
                    var record = state.collections[id]
                else { throw WandBGraphQLError("artifact collection not found: \(key)/\(collection)") }
                guard let index = record.memberships.firstIndex(where: { $0.artifactID == artifactID }) else {
                    throw WandBGraphQLError("artifact \(artifactID) is not in collection \(collection)")
                }
                if add {
                    for other in record.memberships.indices where other != index {
                        record.memberships[other].aliases.removeAll { $0 == alias }
                    }
                    if !record.memberships[index].aliases.contains(alias) { record.memberships[index].aliases.append(alias) }
                } else {
                    record.memberships[index].aliases.removeAll { $0 == alias }
                }
                record.updatedAt = Self.stamp(&state, clock)
                state.collections[id] = record
            }
            return ["result": ["success": true]]
        }
    }

    func updateArtifact(_ variables: [String: JSONValue]) throws(WandBGraphQLError) -> JSONValue {
        let input = try Self.input(variables)
        guard let artifactID = input["artifactID"]?.stringValue else { throw WandBGraphQLError("artifactID is required") }
        let adding = input["tagsToAdd"]?.arrayValue?.compactMap { $0["tagName"]?.stringValue } ?? []
        let deleting = input["tagsToDelete"]?.arrayValue?.compactMap { $0["tagName"]?.stringValue } ?? []
        for tag in adding { try Self.checkTag(tag) }
        var metadata: [String: JSONValue]?
        if let text = input["metadata"]?.stringValue {
            guard let object = (try? JSONValue.parse(Data(text.utf8)))?.objectValue else {
                throw WandBGraphQLError("metadata must be a JSON object string")
            }
            metadata = object
        }
        if let aliases = input["aliases"], !aliases.isNull {
            throw WandBGraphQLError("aliases in UpdateArtifactInput are not simulated: use AddAliases/DeleteAliases")
        }
        return try state.withLock { state throws(WandBGraphQLError) -> JSONValue in
            guard var artifact = state.artifacts[artifactID] else { throw WandBGraphQLError("artifact not found: \(artifactID)") }
            if let description = input["description"] {
                artifact.description = description.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            }
            if let metadata { artifact.metadata = metadata }
            artifact.tags.removeAll { deleting.contains($0) }
            for tag in adding where !artifact.tags.contains(tag) { artifact.tags.append(tag) }
            artifact.updatedAt = Self.stamp(&state, clock)
            state.artifacts[artifactID] = artifact
            return ["result": ["artifact": Self.artifactView(state, artifact, includeAliases: true)]]
        }
    }

    // MARK: - Views

    static func projectView(_ project: WandBProjectRecord) -> JSONValue {
        [
            "id": .string(project.id), "internalId": .int(Int64(project.internalID)), "name": .string(project.name),
            "entity": ["name": .string(project.entity)],
        ]
    }

    static func tagView(_ name: String) -> JSONValue {
        ["__typename": "Tag", "id": .string(Data("Tag:\(name)".utf8).base64EncodedString()), "name": .string(name)]
    }

    static func collectionInfo(_ state: State, _ record: WandBCollectionRecord) -> JSONValue {
        [
            "__typename": .string(record.kind == .portfolio ? "ArtifactPortfolio" : "ArtifactSequence"),
            "name": .string(record.name),
            "project": state.projects[record.projectKey].map(projectView) ?? .null,
        ]
    }

    static func collectionView(_ state: State, _ record: WandBCollectionRecord) -> JSONValue {
        [
            "__typename": .string(record.kind == .portfolio ? "ArtifactPortfolio" : "ArtifactSequence"),
            "id": .string(record.id), "name": .string(record.name),
            "description": record.description.map { .string($0) } ?? .null,
            "createdAt": .string(Timestamp.format(record.createdAt)),
            "updatedAt": .string(Timestamp.format(record.updatedAt)),
            "project": state.projects[record.projectKey].map(projectView) ?? .null,
            "type": ["name": .string(record.artifactType)],
            "tags": ["edges": .array(record.tags.map { ["node": tagView($0)] })],
        ]
    }

    static func aliasView(_ alias: String, membership: String) -> JSONValue {
        [
            "__typename": "ArtifactAlias", "id": .string(Data("ArtifactAlias:\(membership):\(alias)".utf8).base64EncodedString()),
            "alias": .string(alias),
        ]
    }

    static func artifactView(_ state: State, _ artifact: WandBArtifactRecord, includeAliases: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "__typename": "Artifact", "id": .string(artifact.id),
            "artifactSequence": state.collections[artifact.sequenceID].map { collectionInfo(state, $0) } ?? .null,
            "versionIndex": .int(Int64(artifact.versionIndex)),
            "artifactType": ["name": .string(artifact.artifactType)],
            "description": artifact.description.map { .string($0) } ?? .null,
            "metadata": .string(JSONValue.object(artifact.metadata).jsonString()),
            "ttlDurationSeconds": -2, "ttlIsInherited": true,
            "tags": .array(artifact.tags.map(tagView)),
            "historyStep": .null, "state": .string(artifact.state), "size": .int(artifact.size),
            "digest": .string(artifact.digest), "digestAlgorithm": "MANIFEST_MD5", "commitHash": .string(artifact.digest),
            "fileCount": 1, "createdAt": .string(Timestamp.format(artifact.createdAt)),
            "updatedAt": .string(Timestamp.format(artifact.updatedAt)),
        ]
        if includeAliases {
            var aliases: [JSONValue] = []
            for record in state.collections.values.sorted(by: { $0.id < $1.id }) {
                for member in record.memberships where member.artifactID == artifact.id {
                    for alias in member.aliases {
                        guard case .object(var view) = aliasView(alias, membership: member.id) else { continue }
                        view["artifactCollection"] = collectionInfo(state, record)
                        aliases.append(.object(view))
                    }
                }
            }
            object["aliases"] = .array(aliases)
        }
        return .object(object)
    }

    static func membershipView(
        _ state: State, _ record: WandBCollectionRecord, _ member: WandBMembershipRecord, includeAliases: Bool
    ) -> JSONValue {
        [
            "__typename": "ArtifactCollectionMembership", "id": .string(member.id),
            "versionIndex": .int(Int64(member.versionIndex)), "createdAt": .string(Timestamp.format(member.createdAt)),
            "aliases": .array(member.aliases.map { aliasView($0, membership: member.id) }),
            "artifactCollection": collectionInfo(state, record),
            "artifact": state.artifacts[member.artifactID].map { artifactView(state, $0, includeAliases: includeAliases) }
                ?? .null,
        ]
    }
}
