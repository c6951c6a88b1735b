import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    func groupSummary(_ group: Group) -> JSONValue {
        var object: Input = [
            "ModelPackageGroupName": .string(group.name), "ModelPackageGroupArn": .string(groupARN(group.name)),
            "CreationTime": .double(group.creation), "ModelPackageGroupStatus": "Completed",
        ]
        if let description = group.description { object["ModelPackageGroupDescription"] = .string(description) }
        return .object(object)
    }

    /// The group named by `name` (a name or its ARN).
    func findGroup(_ state: State, _ name: String) -> Group? {
        state.groups.first { $0.name == name || groupARN($0.name) == name }
    }

    func listGroups(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        guard sortBy == "CreationTime" || sortBy == "Name" else {
            throw .validation(
                "1 validation error detected: Value '\(sortBy)' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]")
        }
        let after = Self.time(input["CreationTimeAfter"])
        let before = Self.time(input["CreationTimeBefore"])
        let contains = Self.string(input, "NameContains")
        let groups = state.withLock { state in
            state.groups.filter { group in
                (after.map { group.creation > $0 } ?? true) && (before.map { group.creation < $0 } ?? true)
                    && (contains.map { group.name.lowercased().contains($0.lowercased()) } ?? true)
            }
        }
        let sorted = groups.sorted { a, b in
            let (x, y) = descending ? (b, a) : (a, b)
            return sortBy == "Name" ? x.name < y.name : (x.creation, x.name) < (y.creation, y.name)
        }
        let (page, next) = try Self.paged(sorted, input, kind: "groups", size: size)
        var answer: Input = ["ModelPackageGroupSummaryList": .array(page.map { groupSummary($0) })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    func describeGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        let found = state.withLock { findGroup($0, name) }
        guard let group = found else {
            let arn = name.hasPrefix("arn:") ? name : groupARN(name)
            throw .validation("ModelPackageGroup \(arn) does not exist.")
        }
        guard case .object(var object) = groupSummary(group) else { return groupSummary(group) }
        object["CreatedBy"] = ["IamIdentity": ["Arn": .string(group.createdBy)]]
        return .object(object)
    }

    func createGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        guard Self.matches(name, Self.groupNamePattern) else {
            throw .validation(
                "1 validation error detected: Value '\(name)' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
        }
        try Self.length(input, "ModelPackageGroupDescription", max: 1024)
        let tags = try Self.tagList(input["Tags"])
        let arn = groupARN(name)
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard findGroup(state, name) == nil else {
                throw .validation("Model Package Group already exists: \(arn)")
            }
            let group = Group(
                name: name, description: Self.string(input, "ModelPackageGroupDescription"), creation: stamp(&state),
                createdBy: "arn:aws:iam::\(Self.account):user/modelgate")
            state.groups.append(group)
            state.tags[arn] = tags
            return ["ModelPackageGroupArn": .string(arn)]
        }
    }

    func deleteGroup(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageGroupName")
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let group = findGroup(state, name) else {
                throw .validation("ModelPackageGroup \(groupARN(name)) does not exist.")
            }
            guard !state.packages.contains(where: { $0.group == group.name }) else {
                throw SageMakerAPIError(
                    "ConflictException", "Model Package Group \(group.name) contains model packages; delete them first.")
            }
            state.groups.removeAll { $0.name == group.name }
            state.tags[groupARN(group.name)] = nil
            return [:]
        }
    }
}
