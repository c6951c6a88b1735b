import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    static let summaryKeys: Set<String> = [
        "ModelPackageName", "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription",
        "CreationTime", "ModelPackageStatus", "ModelApprovalStatus", "ModelLifeCycle",
    ]

    func listPackages(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        guard sortBy == "CreationTime" || sortBy == "Name" else {
            throw .validation(
                "1 validation error detected: Value '\(sortBy)' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]")
        }
        let type = Self.string(input, "ModelPackageType") ?? "Unversioned"
        guard ["Versioned", "Unversioned", "Both"].contains(type) else {
            throw .validation(
                "1 validation error detected: Value '\(type)' at 'modelPackageType' failed to satisfy constraint: Member must satisfy enum value set: [Both, Unversioned, Versioned]")
        }
        let approval = try Self.checkApproval(input)
        let groupName = Self.string(input, "ModelPackageGroupName")
        let packages: [Package] = state.withLock { state in
            // Every stored package is versioned: `Unversioned` lists nothing.
            guard type != "Unversioned" else { return [] }
            let group = groupName.flatMap { findGroup(state, $0)?.name }
            if groupName != nil, group == nil { return [] }
            return state.packages.filter { package in
                (group.map { package.group == $0 } ?? true)
                    && (approval.map { package.object["ModelApprovalStatus"]?.stringValue == $0 } ?? true)
            }
        }
        let sorted = packages.sorted { a, b in
            let (x, y) = descending ? (b, a) : (a, b)
            if sortBy == "Name" { return (x.group, x.version) < (y.group, y.version) }
            return (x.object["CreationTime"]?.doubleValue ?? 0, x.arn) < (y.object["CreationTime"]?.doubleValue ?? 0, y.arn)
        }
        let (page, next) = try Self.paged(sorted, input, kind: "packages:\(groupName ?? "")", size: size)
        var answer: Input = [
            "ModelPackageSummaryList": .array(page.map { .object($0.object.filter { Self.summaryKeys.contains($0.key) }) })
        ]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }

    /// The package named by an ARN or by `group/version`.
    func findPackage(_ state: State, _ name: String) -> Int? {
        if let index = state.packages.firstIndex(where: { $0.arn == name }) { return index }
        if let slash = name.lastIndex(of: "/"), !name.hasPrefix("arn:"), let version = Int(name[name.index(after: slash)...]) {
            let group = String(name[..<slash])
            return state.packages.firstIndex { $0.group == group && $0.version == version }
        }
        return nil
    }

    func describePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageName")
        let found = state.withLock { state in findPackage(state, name).map { state.packages[$0].object } }
        guard let found else { throw .validation("Model package \(name) not found") }
        return .object(found)
    }

    /// The fields `CreateModelPackage` stores as given.
    static let storedFields = [
        "ModelPackageDescription", "InferenceSpecification", "SourceUri", "MetadataProperties", "ModelMetrics",
        "CustomerMetadataProperties", "ModelLifeCycle", "ModelCard", "Domain", "Task", "SamplePayloadUrl",
        "DriftCheckBaselines", "AdditionalInferenceSpecifications", "SkipModelValidation", "CertifyForMarketplace",
        "SourceAlgorithmSpecification", "ValidationSpecification", "SecurityConfig",
    ]

    func createPackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        guard let groupName = Self.string(input, "ModelPackageGroupName"), !groupName.isEmpty else {
            throw .validation("Unversioned model packages are not supported by this simulator: ModelPackageGroupName is required.")
        }
        try Self.length(input, "ModelPackageDescription", max: 1024)
        try Self.length(input, "SourceUri", max: 1024)
        let approval = try Self.checkApproval(input) ?? "PendingManualApproval"
        _ = try Self.checkMetadata(input["CustomerMetadataProperties"], key: "CustomerMetadataProperties")
        if let spec = input["InferenceSpecification"], spec != .null {
            guard let containers = spec["Containers"]?.arrayValue, (1...15).contains(containers.count),
                containers.allSatisfy({ ($0["Image"]?.stringValue ?? "").isEmpty == false })
            else {
                throw .validation(
                    "1 validation error detected: Value null at 'inferenceSpecification.containers' failed to satisfy constraint: Member must not be null")
            }
        }
        if let token = Self.string(input, "ClientToken"), !Self.matches(token, #"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,35}$"#) {
            throw .validation(
                "1 validation error detected: Value '\(token)' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,35}")
        }
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let group = findGroup(state, groupName) else { throw .validation("Model Package Group does not exist.") }
            if let token = Self.string(input, "ClientToken"), let arn = state.clientTokens[token] {
                return ["ModelPackageArn": .string(arn)]
            }
            var fields: Input = [:]
            for key in Self.storedFields { if let value = input[key], value != .null { fields[key] = value } }
            fields["ModelApprovalStatus"] = .string(approval)
            let arn = insertPackage(&state, group: group.name, fields: fields, created: nil, version: nil)
            if let token = Self.string(input, "ClientToken") { state.clientTokens[token] = arn }
            return ["ModelPackageArn": .string(arn)]
        }
    }

    /// Stores a new versioned package of `group` and returns its ARN.
    func insertPackage(_ state: inout State, group: String, fields: Input, created: Double?, version wanted: Int?) -> String {
        let last = state.lastVersion[group] ?? 0
        let version = wanted.flatMap { $0 > last ? $0 : nil } ?? last + 1
        state.lastVersion[group] = version
        let arn = packageARN(group: group, version: version)
        let now = stamp(&state)
        var object: Input = [
            "ModelPackageName": .string(group), "ModelPackageGroupName": .string(group),
            "ModelPackageVersion": .int(Int64(version)), "ModelPackageArn": .string(arn),
            "CreationTime": .double(created ?? now), "ModelPackageStatus": "Completed",
            "ModelPackageStatusDetails": ["ValidationStatuses": [], "ImageScanStatuses": []],
            "CreatedBy": ["IamIdentity": ["Arn": .string("arn:aws:iam::\(Self.account):user/modelgate")]],
            "CertifyForMarketplace": false,
        ]
        for (key, value) in fields { object[key] = value }
        state.packages.append(Package(arn: arn, group: group, version: version, object: object))
        return arn
    }

    /// Merges like SageMaker: omitted fields are kept; `CustomerMetadataProperties` are merged and
    /// `CustomerMetadataPropertiesToRemove` removed.
    func updatePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ModelPackageArn")
        let approval = try Self.checkApproval(input)
        try Self.length(input, "ApprovalDescription", max: 1024)
        let added = try Self.checkMetadata(input["CustomerMetadataProperties"], key: "CustomerMetadataProperties") ?? [:]
        let removed = input["CustomerMetadataPropertiesToRemove"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let index = findPackage(state, arn) else { throw .validation("Model package \(arn) not found") }
            var object = state.packages[index].object
            if let approval { object["ModelApprovalStatus"] = .string(approval) }
            if let description = input["ApprovalDescription"], description != .null {
                object["ApprovalDescription"] = description
            }
            var metadata = object["CustomerMetadataProperties"]?.objectValue ?? [:]
            for (key, value) in added { metadata[key] = .string(value) }
            for key in removed { metadata[key] = nil }
            object["CustomerMetadataProperties"] = metadata.isEmpty ? nil : .object(metadata)
            for key in ["ModelLifeCycle", "ModelCard", "SourceUri", "InferenceSpecification"] {
                if let value = input[key], value != .null { object[key] = value }
            }
            object["LastModifiedTime"] = .double(stamp(&state))
            object["LastModifiedBy"] = ["IamIdentity": ["Arn": .string("arn:aws:iam::\(Self.account):user/modelgate")]]
            state.packages[index].object = object
            return ["ModelPackageArn": .string(state.packages[index].arn)]
        }
    }

    func deletePackage(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let name = try Self.required(input, "ModelPackageName")
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            guard let index = findPackage(state, name) else { throw .validation("Model package \(name) not found") }
            state.packages.remove(at: index)
            return [:]
        }
    }
}
