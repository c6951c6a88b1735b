import Foundation
import ModelGateCore
import Synchronization

extension MLflowSimulator {
    func getRun(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        guard let id = Self.string(params, "run_id") ?? Self.string(params, "run_uuid"), !id.isEmpty else {
            throw .missing("run_id")
        }
        let run = state.withLock { $0.runs[id] }
        guard let run else { throw .notFound("Run with id=\(id) not found") }
        var data: [String: JSONValue] = [:]
        if !run.metrics.isEmpty {
            data["metrics"] = .array(
                run.metrics.sorted { $0.key < $1.key }.map {
                    ["key": .string($0.key), "value": .double($0.value), "timestamp": .int(run.startTime), "step": 0]
                })
        }
        if !run.tags.isEmpty {
            data["tags"] = .array(run.tags.sorted { $0.key < $1.key }.map { ["key": .string($0.key), "value": .string($0.value)] })
        }
        let info: JSONValue = [
            "run_uuid": .string(id), "experiment_id": "0", "run_name": "", "user_id": "", "status": "FINISHED",
            "start_time": .int(run.startTime), "artifact_uri": .string("mlflow-artifacts:/0/\(id)/artifacts"),
            "lifecycle_stage": "active", "run_id": .string(id),
        ]
        var inputs: [String: JSONValue] = [:]
        if !run.datasets.isEmpty {
            inputs["dataset_inputs"] = .array(
                run.datasets.map { dataset in
                    var input: [String: JSONValue] = [
                        "dataset": [
                            "name": .string(dataset.name), "digest": .string(dataset.digest),
                            "source_type": .string(dataset.sourceType), "source": .string(dataset.source),
                        ]
                    ]
                    if let context = dataset.context {
                        input["tags"] = [["key": "mlflow.data.context", "value": .string(context)]]
                    }
                    return .object(input)
                })
        }
        return ["run": ["info": info, "data": .object(data), "inputs": .object(inputs), "outputs": [:]]]
    }
}
