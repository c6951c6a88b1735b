import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    func checkTaggable(_ state: State, _ arn: String) throws(SageMakerAPIError) {
        guard state.tags[arn] != nil else {
            throw .validation("Could not find resource \(arn); it does not exist or cannot be tagged.")
        }
    }

    func addTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let tags = try Self.tagList(input["Tags"])
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            try checkTaggable(state, arn)
            var stored = state.tags[arn] ?? []
            for tag in tags {
                if let index = stored.firstIndex(where: { $0.key == tag.key }) {
                    stored[index].value = tag.value
                } else {
                    stored.append(tag)
                }
            }
            guard stored.count <= 50 else { throw SageMakerAPIError("ResourceLimitExceeded", "A resource can have at most 50 tags.") }
            state.tags[arn] = stored
            return ["Tags": .array(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })]
        }
    }

    func deleteTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let keys = input["TagKeys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return try state.withLock { state throws(SageMakerAPIError) -> JSONValue in
            try checkTaggable(state, arn)
            state.tags[arn]?.removeAll { keys.contains($0.key) }
            return [:]
        }
    }

    func listTags(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let arn = try Self.required(input, "ResourceArn")
        let size = try Self.pageSize(input, minimum: 50, maximum: 100, default: 50)
        let tags = try state.withLock { state throws(SageMakerAPIError) -> [(key: String, value: String)] in
            try checkTaggable(state, arn)
            return state.tags[arn] ?? []
        }
        let (page, next) = try Self.paged(tags, input, kind: "tags:\(arn)", size: size)
        var answer: Input = ["Tags": .array(page.map { ["Key": .string($0.key), "Value": .string($0.value)] })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }
}
