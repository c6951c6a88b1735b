import Foundation
import Testing

/// `modelgate serve` refuses a server token shorter than 16 characters before it listens (issue 15 item 7).
@Suite struct ServeTokenStrengthTests {
    @Test func serveRefusesAShortTokenNamingItsKey() throws {
        let cli = try CLI()
        try cli.writeConfig(
            """
            server:
              listen: "127.0.0.1:0"
              tokens:
                - {name: ci-bot, role: operator, token: "${CI_TOKEN}"}
            """)
        let result = try cli.run("serve", "--catalog", cli.catalogPath, environment: ["CI_TOKEN": "hunter2-secret"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("modelgate.yaml:4"), "\(result.stderr)")
        #expect(result.stderr.contains("server.tokens[0].token"))
        #expect(result.stderr.contains("ci-bot"))
        #expect(!result.stderr.contains("hunter2"), "\(result.stderr)")
    }
}
