import ModelGateConfig

/// Parses `yaml` and returns the error it throws, or nil when it parses.
func parseError(
    _ yaml: String, file: String = "modelgate.yaml", environment: [String: String] = [:]
) -> ConfigError? {
    do {
        _ = try ModelGateConfig.parse(yaml: yaml, file: file, environment: environment)
        return nil
    } catch {
        return error
    }
}

/// Everything a config value can print about itself.
func allRenderings(_ value: Any) -> String {
    var dumped = ""
    dump(value, to: &dumped)
    return [String(describing: value), String(reflecting: value), dumped].joined(separator: "\n")
}
