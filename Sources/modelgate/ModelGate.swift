import ArgumentParser

@main
struct ModelGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelgate",
        abstract: "A federated model-registry gateway: one catalog of every model version across registries.",
        discussion: """
            Global options go after the command: --config PATH, --catalog PATH, --output table|json, --verbose, \
            --quiet. Exit codes: 0 ok, 1 error, 2 changes or conflicts (migrate plan, import --plan) or a refusal \
            (migrate apply, import), 64 usage error.
            """,
        version: "0.1.0",
        subcommands: [
            RegistriesCommand.self, SyncCommand.self, ModelsCommand.self, VersionsCommand.self, ShowCommand.self,
            HistoryCommand.self, ConflictsCommand.self, MigrateCommand.self, ExportCommand.self, ImportCommand.self,
            LineageCommand.self, ReportCommand.self, RequestCommand.self, ServeCommand.self, DemoCommand.self,
        ])
}
