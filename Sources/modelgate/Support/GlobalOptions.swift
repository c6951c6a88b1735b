import ArgumentParser

/// Options every command takes, after the command name (`modelgate versions --output json`).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $MODELGATE_CONFIG, ./modelgate.yaml, $XDG_CONFIG_HOME/modelgate/config.yaml).")
    var config: String?

    @Option(name: .long, help: "Catalog file (default: $MODELGATE_CATALOG, `catalog:` in the config, $XDG_DATA_HOME/modelgate/catalog.sqlite).")
    var catalog: String?

    @Option(name: .long, help: "table or json (json: exactly one JSON document on stdout).")
    var output: OutputFormat = .table

    @Flag(name: .long, help: "Log requests and progress details to stderr.")
    var verbose = false

    @Flag(name: .long, help: "Print nothing on stderr but errors.")
    var quiet = false

    var json: Bool { output == .json }
}
