import ArgumentParser
import Foundation
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateTransport

/// `modelgate request REGISTRY METHOD PATH`: one authenticated raw call, like `gh api`.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Send one authenticated call to a configured registry and print the response body.",
        discussion: """
            PATH is relative to the registry's API base (its url, or the cloud endpoint); an absolute URL must be on \
            the registry's own origin (credentials are never sent elsewhere). The auth the kind needs is \
            added, and so are its fixed parts (SageMaker's Content-Type, Azure's api-version). Exit 1 with the \
            registry's error when the status is not 2xx.
            """)

    @Argument(help: "A configured registry.") var registry: String
    @Argument(help: "GET, POST, PUT, PATCH, DELETE or HEAD.") var method: String
    @Argument(help: "Path relative to the registry's API base, with its query.") var path: String
    @Option(help: "Request body: JSON text, or @FILE to read it from a file.") var data: String?
    @Option(name: .customLong("header"), help: "K:V header (repeatable).") var headers: [String] = []
    @Flag(help: "Print the signed request (secrets as ***) instead of sending it.") var dryRun = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard HTTPMethod(rawValue: method.uppercased()) != nil else {
            throw ValidationError("unknown method '\(method)': one of GET, POST, PUT, PATCH, DELETE, HEAD")
        }
        _ = try parsedHeaders()
    }

    func parsedHeaders() throws -> [(name: String, value: String)] {
        try headers.map { text in
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                throw ValidationError("--header expects NAME:VALUE, got '\(text)'")
            }
            return (
                String(text[..<colon]).trimmingCharacters(in: .whitespaces),
                String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
    }

    func body() throws -> [UInt8] {
        guard let data else { return [] }
        guard data.hasPrefix("@") else { return Array(data.utf8) }
        let path = String(data.dropFirst())
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the request body from '\(path)'")
        }
        return Array(contents)
    }

    func run() async throws {
        var failed = false
        try await reportingErrors {
            let context = try CommandContext(global)
            let config = try context.requireConfig()
            guard let registryConfig = config.registry(named: registry) else {
                let names = config.registries.map(\.name).joined(separator: ", ")
                throw CLIError("no registry '\(registry)' in \(config.file) (configured: \(names.isEmpty ? "none" : names))")
            }
            let connection = try context.connector().connect(registryConfig)
            let raw = RawRequest(
                method: HTTPMethod(rawValue: method.uppercased()) ?? .GET, path: path, headers: try parsedHeaders(),
                body: try body())
            var request = try raw.transportRequest(for: registryConfig)
            if dryRun {
                try await connection.authorizer.authorize(&request)
                Console.out(RawRequest.dryRunText(request))
                return
            }
            let response = try await connection.transport.send(request)
            if response.isSuccess {
                if global.json, let value = try? JSONValue.parse(Data(response.body)) {
                    try Console.json(value)
                } else if !response.body.isEmpty, Console.stdoutIsTerminal {
                    // On a terminal the registry's bytes are shown with control characters escaped (item 13).
                    Console.out(String(decoding: response.body, as: UTF8.self))
                } else if !response.body.isEmpty {
                    FileHandle.standardOutput.write(Data(response.body))
                    if response.body.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
                }
            } else {
                let error = RegistryError(response: response, request: request)
                Console.err("error: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}
