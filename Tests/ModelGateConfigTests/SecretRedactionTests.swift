import ModelGateConfig
import Testing

@Suite struct SecretRedactionTests {
    static let secrets = [
        "PASSWORD": "pw-Zq81-secret", "BEARER": "bearer-Xy93-secret", "AWS_SECRET": "aws-Kk22-secret",
        "AWS_SESSION": "session-Ll55-secret", "AZ_SECRET": "az-Mm66-secret", "GL": "glpat-Nn77-secret",
        "WB": "wandb-Oo88-secret", "SERVER": "server-Pp99-secret",
    ]

    static let yaml = """
        registries:
          - {name: m, kind: mlflow, url: "http://m", auth: {type: basic, username: alice, password: "${PASSWORD}"}}
          - {name: b, kind: mlflow, url: "http://m", auth: {type: bearer, token: "${BEARER}"}}
          - name: s
            kind: sagemaker
            region: us-east-1
            auth: {type: aws, access_key_id: AKIDPUBLIC, secret_access_key: "${AWS_SECRET}", session_token: "${AWS_SESSION}"}
          - name: a
            kind: azureml
            subscription: sub
            resource_group: rg
            workspace: ws
            auth: {type: azure_client_secret, tenant: tenant-1, client_id: client-1, client_secret: "${AZ_SECRET}"}
          - {name: g, kind: gitlab, url: "https://g", project: 1, auth: {type: token, token: "${GL}", header: private-token}}
          - {name: w, kind: wandb, entity: e, registry: r, auth: {type: api_key, api_key: "${WB}"}}
        server:
          tokens:
            - {name: ci, role: operator, token: "${SERVER}"}
        """

    @Test func noSecretInAnyDescription() throws {
        let config = try ModelGateConfig.parse(yaml: Self.yaml, environment: Self.secrets)
        #expect(config.registry(named: "m")?.auth == .basic(username: "alice", password: "pw-Zq81-secret"))
        var texts = [allRenderings(config), allRenderings(config.server)]
        for registry in config.registries {
            texts.append(allRenderings(registry))
            texts.append(allRenderings(registry.auth))
        }
        for token in config.server.tokens { texts.append(allRenderings(token)) }
        let all = texts.joined(separator: "\n")
        for secret in Self.secrets.values {
            #expect(!all.contains(secret), "secret \(secret) printed")
        }
        // Non-secrets stay visible, secrets print as ***.
        let basic = try #require(config.registry(named: "m")).auth.description
        #expect(basic == "{type: basic, username: alice, password: ***}")
        let aws = try #require(config.registry(named: "s")).auth.description
        #expect(aws.contains("AKIDPUBLIC"))
        #expect(aws.contains("secret_access_key: ***"))
        #expect(try #require(config.registry(named: "g")).debugDescription.contains("token: ***"))
        #expect(config.server.tokens[0].description == "ci (operator, token: ***)")
    }

    @Test func noSecretInErrors() throws {
        let secret = "hunter2-Qq11-secret"
        let yamls = [
            // Wrong type around a secret.
            "registries: [{name: m, kind: mlflow, url: \"http://m\", auth: {type: basic, username: u, password: [\(secret)]}}]",
            // Unknown key holding a secret.
            "registries: [{name: m, kind: mlflow, url: \"http://m\", auth: {type: bearer, tokn: \(secret)}}]",
            // Bad YAML on a line with a secret.
            "registries:\n  - name: m\n    auth: {type: bearer, token: \"\(secret)\n",
            // A malformed reference inside a secret.
            "registries: [{name: m, kind: mlflow, url: \"http://m\", auth: {type: bearer, token: \"\(secret)${\"}}]",
            // A duplicate key holding a secret.
            "registries: [{name: m, kind: mlflow, url: \"http://m\", auth: {type: bearer, token: a, token: \(secret)}}]",
            // A URL with credentials in it.
            "registries: [{name: m, kind: mlflow, url: \"ftp://user:\(secret)@host\"}]",
        ]
        for yaml in yamls {
            let error = try #require(parseError(yaml), "\(yaml)")
            #expect(!allRenderings(error).contains(secret), "\(error)")
        }
        // Unset-variable errors name the variable, never another value.
        let config = try ModelGateConfig.parse(
            yaml: "registries: [{name: m, kind: mlflow, url: \"http://m\", auth: {type: basic, username: \(secret), password: \"${P}\"}}]",
            environment: [:])
        let error = try #require(throws: ConfigError.self) { try config.registries[0].checkResolved() }
        #expect(!error.description.contains(secret))
        #expect(error.description.contains("P is not set"))
    }
}
