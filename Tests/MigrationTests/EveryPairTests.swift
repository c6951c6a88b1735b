import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import ModelGateTestKit
import Testing

/// Every ordered pair of the configured registries plans and applies, within what each target can hold: the copy is
/// made and found again (a re-plan is empty), or every version is a skip whose reason names what is missing.
@Suite("Migration between every pair of registries")
struct EveryPairTests {
    /// Seeds a two-version model in `registry` (through its own write side, or its simulator's seeding where the
    /// registry cannot create versions from nothing) and returns the model's name.
    func seed(_ world: MigrationWorld, _ registry: String) async throws -> String {
        let name = PeerEnvironment.unique("pair-\(registry)")
        switch registry {
        case "mlflow", "sm":
            let adapter = try world.adapter(registry)
            _ = try await adapter.createModel(name: name, description: "from \(registry)", tags: [:])
            for i in 1...2 {
                _ = try await adapter.createVersion(
                    NewVersion(model: name, description: "v\(i)", sourceURI: "s3://models/\(name)/\(i)", tags: ["k": "\(i)"]))
            }
        case "vertex":
            world.cloud.vertex.seed(
                model: RegistryModel(registry: registry, kind: .vertex, name: name),
                versions: (1...2).map {
                    ModelVersion(registry: registry, kind: .vertex, model: name, version: "\($0)", tags: ["k": "\($0)"],
                        sourceURI: "gs://models/\(name)/\($0)")
                })
        case "azureml":
            world.cloud.azure.seed(
                .workspace(
                    subscription: SimulatedCloud.subscription, resourceGroup: SimulatedCloud.resourceGroup,
                    workspace: SimulatedCloud.workspace),
                versions: (1...2).map {
                    ModelVersion(registry: registry, kind: .azureml, model: name, version: "\($0)", tags: ["k": "\($0)"],
                        sourceURI: "https://store.example.com/\(name)/\($0)")
                })
        case "gitlab":
            let gitLab = try world.adapter(registry)
            _ = try await gitLab.createModel(name: name, description: nil, tags: [:])
            for i in 1...2 { _ = try await gitLab.createVersion(NewVersion(model: name, version: "\(i).0.0", tags: ["k": "\(i)"])) }
        case "wandb":
            world.cloud.wandb.seed(
                model: RegistryModel(registry: registry, kind: .wandb, name: name),
                versions: (0...1).map { ModelVersion(registry: registry, kind: .wandb, model: name, version: "v\($0)") },
                registry: SimulatedCloud.wandbRegistry)
        default:
            Issue.record("no seeding for \(registry)")
        }
        return name
    }

    /// Rewrites that let each target hold the others' artifact URIs (as if the files had been replicated).
    static func artifactMap(into target: String) -> [ArtifactRewrite] {
        if target == "mlflow" {
            // MLflow 3 refuses sources on other hosts (https) unless its operator allows the scheme.
            return [ArtifactRewrite(from: "https://", to: "s3://replica/https/")]
        }
        let into: [String: String] = ["sm": "s3://replica/", "vertex": "gs://replica/", "azureml": "https://replica.example.com/"]
        guard let prefix = into[target] else { return [] }
        return ["s3://", "gs://", "https://", "wandb-artifact://"].filter { !prefix.hasPrefix($0) }
            .map { ArtifactRewrite(from: $0, to: prefix + $0.dropLast(3) + "/") }
    }

    @Test func everyOrderedPairCopiesOrSaysWhyNot() async throws {
        try await MigrationWorld.with { world in
            var registries = ["vertex", "azureml", "gitlab", "wandb"]
            if PeerGate.isCI {
                #expect(PeerEnvironment.mlflowAndMoto, "CI=true: the real MLflow server and moto must be running for every pair")
            }
            if PeerEnvironment.mlflowURL != nil { registries.insert("mlflow", at: 0) }
            if PeerEnvironment.motoURL != nil { registries.insert("sm", at: registries.contains("mlflow") ? 1 : 0) }
            var models: [String: String] = [:]
            for registry in registries { models[registry] = try await seed(world, registry) }

            var outcomes: [String] = []
            for source in registries {
                for target in registries where target != source {
                    let model = try #require(models[source])
                    let options = MigrationOptions(artifactMap: Self.artifactMap(into: target))
                    let plan = try await world.planner(source, target, options).plan(model: model)
                    let pair = "\(source) → \(target)"
                    #expect(plan.conflicts.isEmpty, "\(pair): \(plan.conflicts.map(\.message))")
                    let creates = plan.actions.filter { $0.op == .createVersion }
                    if creates.isEmpty {
                        // Nothing the target can hold: each version is skipped with a reason a user can act on.
                        #expect(plan.skips.count == 2, "\(pair): \(plan.skips)")
                        let expected = target == "wandb" ? "needs upload" : "source URI"
                        #expect(plan.skips.allSatisfy { $0.reason.contains(expected) || $0.reason.contains("artifact URI") },
                            "\(pair): \(plan.skips.map(\.reason))")
                        outcomes.append("\(pair): skipped")
                        continue
                    }
                    #expect(creates.count == 2, "\(pair): \(plan.actions.map { MigrationApplier.describe($0) }) \(plan.skips)")
                    let result = try await MigrationApplier(target: try world.adapter(target), catalog: nil).apply(plan)
                    #expect(result.ok, "\(pair): \(result.failure ?? "")")
                    let again = try await world.planner(source, target, options).plan(model: model)
                    #expect(again.isEmpty, "\(pair): a re-plan should find the copies: \(again.actions.map { MigrationApplier.describe($0) })")
                    let targetAdapter = try world.adapter(target)
                    let copies = try #require(
                        try await targetAdapter.snapshot(model: targetAdapter.targetModelName(for: model)), "\(pair)")
                    let sources = Set(copies.versions.compactMap { targetAdapter.provenance(of: $0)?.sourceRef?.registry })
                    #expect(sources.contains(source), "\(pair): provenance read back")
                    outcomes.append("\(pair): copied")
                }
            }
            let count = registries.count * (registries.count - 1)
            #expect(outcomes.count == count)
            // What cannot work, and only that: nothing goes into W&B without an upload, and GitLab's versions carry
            // no artifact for a registry that needs one.
            for line in outcomes where line.hasSuffix("skipped") {
                #expect(line.contains("→ wandb") || line.hasPrefix("gitlab →"), "\(line)")
            }
        }
    }
}
