import ArgumentParser

@main
struct ModelGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelgate",
        abstract: "A federated model-registry gateway: one catalog of every model version across registries.",
        version: "0.1.0")
}
