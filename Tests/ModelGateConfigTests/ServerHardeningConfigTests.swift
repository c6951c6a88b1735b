import ModelGateConfig
import Testing

/// `server.audit_retention_days` and the minimum length of server tokens (issue 15, items 5 and 7).
@Suite("Server hardening settings")
struct ServerHardeningConfigTests {
    /// Item 5: the retention is 90 days unless set, and is read from the config.
    @Test func auditRetentionDaysDefaultsTo90() throws {
        let plain = try ModelGateConfig.parse(yaml: "server: {listen: \"127.0.0.1:8080\"}", file: "modelgate.yaml", environment: [:])
        #expect(plain.server.auditRetentionDays == 90)
        let none = try ModelGateConfig.parse(yaml: "registries: []", file: "modelgate.yaml", environment: [:])
        #expect(none.server.auditRetentionDays == 90)
        let set = try ModelGateConfig.parse(
            yaml: "server:\n  listen: \"127.0.0.1:9000\"\n  audit_retention_days: 30\n", file: "modelgate.yaml", environment: [:])
        #expect(set.server.auditRetentionDays == 30)
        #expect(set.server.port == 9000)
        let fromVariable = try ModelGateConfig.parse(
            yaml: "server: {audit_retention_days: \"${DAYS}\"}", file: "modelgate.yaml", environment: ["DAYS": "7"])
        #expect(fromVariable.server.auditRetentionDays == 7)
    }

    /// Item 5: a bad retention names the file, the line and the key.
    @Test(arguments: [
        ("server:\n  audit_retention_days: 0\n", "at least 1"),
        ("server:\n  audit_retention_days: -5\n", "at least 1"),
        ("server:\n  audit_retention_days: ninety\n", "whole number"),
        ("server:\n  audit_retention_days: 1.5\n", "whole number"),
        ("server:\n  audit_retention_days: 99999999999999999\n", "36500"),
        ("server:\n  audit_retention_days: [1]\n", ""),
    ])
    func badAuditRetentionDaysNamesTheKey(yaml: String, fragment: String) throws {
        let error = try #require(parseError(yaml), "\(yaml)")
        #expect(error.file == "modelgate.yaml")
        #expect(error.line == 2, "\(error)")
        #expect(error.key == "server.audit_retention_days", "\(error)")
        #expect(error.message.contains(fragment), "\(error)")
        let typo = try #require(parseError("server:\n  audit_retention_day: 5\n"))
        #expect(typo.key == "server.audit_retention_day")
    }

    /// Item 7: a `token:` shorter than 16 characters stops `serve`: the error names the entry and its key, never
    /// the token; `token_sha256` entries are exempt.
    @Test func shortServerTokensAreRefusedWithoutEchoingThem() throws {
        let yaml = """
            server:
              tokens:
                - {name: viewer, role: reader, token_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
                - {name: ci-bot, role: operator, token: "${CI_TOKEN}"}
            """
        let short = try ModelGateConfig.parse(yaml: yaml, file: "modelgate.yaml", environment: ["CI_TOKEN": "hunter2-secret"])
        let error = try #require(throws: ConfigError.self) { try short.server.checkTokenStrength(file: short.file) }
        #expect(error.key == "server.tokens[1].token")
        #expect(error.line == 4)
        #expect(error.file == "modelgate.yaml")
        #expect(error.description.contains("ci-bot"))
        #expect(error.description.contains("16"))
        #expect(!error.description.contains("hunter2"), "\(error)")
        let long = try ModelGateConfig.parse(
            yaml: yaml, file: "modelgate.yaml", environment: ["CI_TOKEN": "a-long-random-token-0123456789"])
        try long.server.checkTokenStrength(file: long.file)
    }
}
