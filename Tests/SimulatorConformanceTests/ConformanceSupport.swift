import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTestKit
import ModelGateTransport
import Testing

/// Whether the suites against the real MLflow server and moto run; a skipped suite says why and how to start it.
enum Conformance {
    static let mlflowAvailable = PeerEnvironment.available(.mlflow, for: "MLflow simulator conformance")
    static let motoAvailable = PeerEnvironment.available(.moto, for: "SageMaker simulator conformance")
}

/// Registries built from a config text, through the connector a real deployment uses.
struct Configured {
    let config: ModelGateConfig
    let connector: RegistryConnector

    init(yaml: String, environment: [String: String]) throws {
        config = try ModelGateConfig.parse(yaml: yaml, environment: environment)
        connector = RegistryConnector(
            environment: environment, homeDirectory: nil, servingImages: config.conflicts.servingImage)
    }

    func connection(_ name: String) throws -> RegistryConnection {
        try connector.connect(try #require(config.registry(named: name)))
    }

    func adapter(_ name: String) throws -> any RegistryAdapter { try connection(name).requireAdapter() }
}

/// One run of a conformance script: each step's normalized outcome, one line per step.
struct Transcript {
    /// Text replaced by a placeholder in every line (the unique names of the run).
    var replacements: [(String, String)] = []
    private(set) var lines: [String] = []

    /// Runs `body` and records `name: <its normalized result>`, or `name: error …` for a `RegistryError`:
    /// HTTP status, normalized code, provider code (unless `providerCode` is false) and whether the message
    /// contains `message` (each of the `|`-separated alternatives is tried).
    mutating func step(
        _ name: String, message: String? = nil, providerCode: Bool = true, _ body: () async throws -> String
    ) async {
        var line: String
        do {
            line = "ok " + (try await body())
        } catch let error as RegistryError {
            line = "error status=\(error.httpStatus.map(String.init) ?? "-") code=\(error.code)"
            if providerCode { line += " provider=\(error.providerCode ?? "-")" }
            if let message {
                var actual = error.message
                for (text, placeholder) in replacements { actual = actual.replacingOccurrences(of: text, with: placeholder) }
                let matches = message.split(separator: "|").contains { actual.lowercased().contains($0.lowercased()) }
                line += matches ? " message~\(message)" : " message!~\(message) (was: \(actual))"
            }
        } catch {
            line = "error \(error)"
        }
        for (text, placeholder) in replacements { line = line.replacingOccurrences(of: text, with: placeholder) }
        lines.append("\(name): \(line)")
    }

    mutating func note(_ text: String) { lines.append(text) }
}

/// Compares two transcripts line by line; every difference is one issue naming the step.
func expectConformance(real: Transcript, simulated: Transcript, peer: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(real.lines.count == simulated.lines.count, "different number of steps", sourceLocation: sourceLocation)
    for (index, (a, b)) in zip(real.lines, simulated.lines).enumerated() where a != b {
        Issue.record(
            "step \(index + 1) differs:\n  \(peer): \(a)\n  simulator: \(b)", sourceLocation: sourceLocation)
    }
    for line in real.lines + simulated.lines where line.contains("message!~") {
        Issue.record("unexpected error message: \(line)", sourceLocation: sourceLocation)
    }
}

// MARK: - Normalized views (no ids or times the servers invent)

func describe(_ model: RegistryModel?) -> String {
    guard let model else { return "nil" }
    return "model \(model.name) desc=\(model.description ?? "-") tags=\(describe(model.tags))"
}

func describe(_ tags: [String: String]) -> String {
    "[" + tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "]"
}

func describe(_ version: ModelVersion?) -> String {
    guard let v = version else { return "nil" }
    return "\(v.model)@\(v.version) desc=\(v.description ?? "-") status=\(v.status.rawValue) "
        + "life=\(v.lifecycle.rawValue)/\(v.lifecycleRaw ?? "-") aliases=\(v.aliases.sorted()) tags=\(describe(v.tags)) "
        + "src=\(v.sourceURI ?? "-") run=\(v.run?.id ?? "-") deleted=\(v.deleted)"
}

func describe(_ snapshot: ModelSnapshot?) -> String {
    guard let snapshot else { return "nil" }
    let versions = snapshot.versions.sorted { (Int($0.version) ?? 0) < (Int($1.version) ?? 0) }
    return describe(snapshot.model) + " versions=[" + versions.map { describe($0) }.joined(separator: "; ") + "]"
        + " errors=\(snapshot.errors.count)"
}
