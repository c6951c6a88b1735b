import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    /// The approval status a normalized lifecycle is seeded as, as the adapter writes it (nil for `none`).
    public static func approvalStatus(for lifecycle: Lifecycle) -> String? {
        switch lifecycle {
        case .production, .approved: return "Approved"
        case .staging, .pendingApproval: return "PendingManualApproval"
        case .rejected, .archived: return "Rejected"
        case .none: return nil
        }
    }

    /// Seeds from normalized data, as the SageMaker column of DESIGN §2 maps it: model → group (description,
    /// tags); version → package (numbered in the order given; a numeric `version` above the last is kept),
    /// `description`, `tags` → `CustomerMetadataProperties`, `sourceURI` → `InferenceSpecification` with
    /// `servingImage` for s3/https URIs (else `SourceUri`), `run.id` → `MetadataProperties.GeneratedBy`,
    /// `lifecycleRaw` (one of the three statuses) or the lifecycle → `ModelApprovalStatus`, `createdAt`.
    /// Groups are created when missing. Seed data is not validated.
    public func seed(
        models: [RegistryModel] = [], versions: [ModelVersion], servingImage: String? = SageMakerSimulator.defaultServingImage
    ) {
        state.withLock { state in
            func ensure(_ name: String, created: Date?) {
                guard findGroup(state, name) == nil else { return }
                let creation = created.map { $0.timeIntervalSince1970 } ?? stamp(&state)
                state.groups.append(
                    Group(name: name, description: nil, creation: creation, createdBy: "arn:aws:iam::\(Self.account):user/modelgate"))
                state.tags[groupARN(name)] = []
            }
            for model in models {
                ensure(model.name, created: model.createdAt)
                if let index = state.groups.firstIndex(where: { $0.name == model.name }) {
                    state.groups[index].description = model.description
                }
                state.tags[groupARN(model.name)] = model.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
            }
            for version in versions {
                ensure(version.model, created: version.createdAt)
                var fields: Input = [:]
                if let description = version.description { fields["ModelPackageDescription"] = .string(description) }
                let approval =
                    version.lifecycleRaw.flatMap { Self.approvalStatuses.contains($0) ? $0 : nil }
                    ?? Self.approvalStatus(for: version.lifecycle)
                if let approval { fields["ModelApprovalStatus"] = .string(approval) }
                if !version.tags.isEmpty {
                    fields["CustomerMetadataProperties"] = .object(version.tags.mapValues(JSONValue.string))
                }
                if let uri = version.sourceURI {
                    let scheme = uri.split(separator: ":").first.map { $0.lowercased() } ?? ""
                    if let servingImage, scheme == "s3" || scheme == "https" {
                        fields["InferenceSpecification"] = [
                            "Containers": [["Image": .string(servingImage), "ModelDataUrl": .string(uri)]],
                            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"],
                        ]
                    } else {
                        fields["SourceUri"] = .string(uri)
                    }
                }
                if let run = version.run?.id { fields["MetadataProperties"] = ["GeneratedBy": .string(run)] }
                if let updated = version.updatedAt { fields["LastModifiedTime"] = .double(updated.timeIntervalSince1970) }
                _ = insertPackage(
                    &state, group: version.model, fields: fields, created: version.createdAt?.timeIntervalSince1970,
                    version: Int(version.version))
            }
        }
    }
}
