import Foundation
import ModelGateAdapterKit
import ModelGateConfig
import ModelGateCore
import ModelGateRegistries
import ModelGateSimulators
import ModelGateTransport
import Testing

/// The real peers `scripts/peers/*.sh` start (unset: the conformance suites are skipped with a notice).
enum Peers {
    static let environment = ProcessInfo.processInfo.environment
    static func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
    static var mlflowURL: String? { value("MODELGATE_TEST_MLFLOW_URL") }
    static var mlflowAuthURL: String? { value("MODELGATE_TEST_MLFLOW_AUTH_URL") }
    static var mlflowAuthUser: String? { value("MODELGATE_TEST_MLFLOW_AUTH_USER") }
    static var mlflowAuthPassword: String? { value("MODELGATE_TEST_MLFLOW_AUTH_PASSWORD") }
    static var motoURL: String? { value("MODELGATE_TEST_MOTO_URL") }
    static var awsKeyID: String? { value("MODELGATE_TEST_AWS_ACCESS_KEY_ID") }
    static var awsSecret: String? { value("MODELGATE_TEST_AWS_SECRET_ACCESS_KEY") }

    /// A fresh name, so runs sharing one server never collide.
    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Whether the suites against the real MLflow server and moto run; a skipped suite says why and how to start it.
    static let mlflowAvailable = announce(
        mlflowURL != nil, "MLflow simulator conformance",
        "MODELGATE_TEST_MLFLOW_URL is not set; run: eval \"$(scripts/peers/mlflow.sh start --with-auth DIR)\"")
    static let motoAvailable = announce(
        motoURL != nil && awsKeyID != nil && awsSecret != nil, "SageMaker simulator conformance",
        "MODELGATE_TEST_MOTO_URL/_AWS_ACCESS_KEY_ID/_AWS_SECRET_ACCESS_KEY are not set; run: eval \"$(scripts/peers/moto.sh start DIR)\"")

    private static func announce(_ available: Bool, _ suite: String, _ why: String) -> Bool {
        if !available { print("⚠️ SKIPPED \(suite) (real peer): \(why)") }
        return available
    }
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
