import ArgumentParser
import Foundation
import Logging
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries

/// What a command needs from its global options: the config (when there is one) and the catalog.
struct CommandContext {
    let options: GlobalOptions
    let environment: [String: String]
    let config: ModelGateConfig?

    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.options = options
        self.environment = environment
        config = try ConfigLocator(environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
            .loadConfig(explicit: options.config)
    }

    /// The config, or an error saying where ModelGate looked; for commands that talk to registries.
    func requireConfig() throws -> ModelGateConfig {
        guard let config else {
            throw CLIError(
                "no config file: pass --config PATH, set MODELGATE_CONFIG, or create ./modelgate.yaml "
                    + "(see config/modelgate.example.yaml)")
        }
        return config
    }

    var catalogPath: String {
        get throws {
            try ConfigLocator(environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
                .catalogPath(explicit: options.catalog, config: config)
        }
    }

    func openCatalog() throws -> CatalogDatabase {
        let path = try catalogPath
        do {
            return try CatalogDatabase.open(path: path)
        } catch {
            throw CLIError("cannot open the catalog \(path): \(error)")
        }
    }

    func connector() -> RegistryConnector {
        var logger = Logger(label: "modelgate.transport")
        logger.logLevel = options.verbose ? .debug : .warning
        return RegistryConnector(
            environment: environment, logger: logger, servingImages: config?.conflicts.servingImage ?? [:])
    }
}

/// An error the CLI reports as `error: MESSAGE` with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body; any error becomes `error: …` on stderr and exit 1 (usage errors stay 64).
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ValidationError {
        throw error
    } catch {
        // A RegistryError's description already names the registry, the call, the status and the fix.
        Console.err("error: \(error)")
        throw ExitCode.failure
    }
}

/// Parses `REGISTRY:MODEL[@VERSION]`, as a usage error when malformed.
func parseRef(_ text: String) throws -> VersionRef {
    do {
        return try VersionRef(parsing: text)
    } catch {
        throw ValidationError(error.description)
    }
}

/// Parses an RFC 3339 time (or a date `YYYY-MM-DD`) for `--since`.
func parseTime(_ text: String) throws -> Date {
    if let date = Timestamp.parse(text) { return date }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    if let date = formatter.date(from: text) { return date }
    throw ValidationError("invalid time '\(text)': expected RFC 3339 (2026-11-26T10:00:00Z) or a date (2026-11-26)")
}
