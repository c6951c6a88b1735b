import ModelGateConfig
import ModelGateCore
import Testing

@Suite struct RegistryKindParsingTests {
    @Test func mlflowWithBasicAuthFromTheEnvironment() throws {
        let yaml = """
            registries:
              - name: mlflow-prod
                kind: mlflow
                url: http://127.0.0.1:5000/
                auth: {type: basic, username: "${U}", password: "${P}"}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: ["U": "alice", "P": "s3cret"])
        let registry = try #require(config.registry(named: "mlflow-prod"))
        #expect(registry.kind == .mlflow)
        #expect(registry.url == "http://127.0.0.1:5000/")
        #expect(registry.baseURL == "http://127.0.0.1:5000")
        #expect(registry.auth == .basic(username: "alice", password: "s3cret"))
        #expect(registry.line == 2)
        #expect(registry.unresolvedVariables.isEmpty)
        try registry.checkResolved()
        #expect(registry.timeout == TimeoutSettings(connect: .seconds(10), total: .seconds(60)))
        #expect(registry.retry == RetrySettings(maxAttempts: 5, base: .seconds(1), cap: .seconds(20)))
        #expect(registry.pageSize == nil)
        #expect(registry.insecureSkipTLSVerify == false)
        #expect(config.registry(named: "other") == nil)
    }

    @Test func mlflowWithBearerOrWithoutAuth() throws {
        let yaml = """
            registries:
              - {name: a, kind: mlflow, url: "https://mlflow.example.com", auth: {type: bearer, token: tok}}
              - {name: b, kind: mlflow, url: "http://localhost:5000"}
              - {name: c, kind: mlflow, url: "http://localhost:5000", auth: none}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
        #expect(config.registries.map(\.auth) == [.bearer(token: "tok"), .none, .none])
        #expect(config.registries.map(\.line) == [2, 3, 4])
    }

    @Test func sagemakerRegionEndpointAndAWSAuth() throws {
        let yaml = """
            registries:
              - name: sm-us
                kind: sagemaker
                region: us-east-1
                auth:
                  type: aws
                  access_key_id: AKIDEXAMPLE
                  secret_access_key: ${AWS_SECRET}
                  session_token: ${AWS_TOKEN}
              - name: sm-local
                kind: sagemaker
                region: eu-west-1
                endpoint: http://127.0.0.1:5001
              - name: sm-profile
                kind: sagemaker
                region: us-west-2
                auth: {type: aws, profile: dev}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: ["AWS_SECRET": "sk", "AWS_TOKEN": "st"])
        let us = try #require(config.registry(named: "sm-us"))
        #expect(us.region == "us-east-1")
        #expect(us.baseURL == "https://api.sagemaker.us-east-1.amazonaws.com")
        #expect(us.auth == .aws(AWSAuth(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "sk", sessionToken: "st")))
        let local = try #require(config.registry(named: "sm-local"))
        #expect(local.endpoint == "http://127.0.0.1:5001")
        #expect(local.baseURL == "http://127.0.0.1:5001")
        #expect(local.auth == .aws(AWSAuth()), "no auth key means the default AWS chain")
        #expect(config.registry(named: "sm-profile")?.auth == .aws(AWSAuth(profile: "dev")))
    }

    @Test func vertexProjectLocationAndServiceAccount() throws {
        let yaml = """
            registries:
              - name: vertex-eu
                kind: vertex
                project: my-project
                location: europe-west4
                auth: {type: google_service_account, key_file: "${GOOGLE_APPLICATION_CREDENTIALS}"}
              - name: vertex-global
                kind: vertex
                project: "123456"
                location: global
                auth: {type: bearer, token: ya29.token}
            """
        let config = try ModelGateConfig.parse(
            yaml: yaml, environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/keys/sa.json"])
        let eu = try #require(config.registry(named: "vertex-eu"))
        #expect(eu.project == "my-project")
        #expect(eu.location == "europe-west4")
        #expect(eu.baseURL == "https://europe-west4-aiplatform.googleapis.com")
        #expect(eu.auth == .googleServiceAccount(keyFile: "/keys/sa.json"))
        let global = try #require(config.registry(named: "vertex-global"))
        #expect(global.baseURL == "https://aiplatform.googleapis.com")
        #expect(global.project == "123456")
    }

    @Test func azureMLWorkspaceOrRegistryWithSecretOrCertificate() throws {
        let yaml = """
            registries:
              - name: aml
                kind: azureml
                subscription: 00000000-0000-0000-0000-000000000000
                resource_group: ml-rg
                workspace: ml-ws
                authority: https://login.microsoftonline.us
                auth: {type: azure_client_secret, tenant: t1, client_id: c1, client_secret: "${AZ}"}
              - name: aml-shared
                kind: azureml
                subscription: sub
                resource_group: rg
                registry: shared-registry
                auth: {type: azure_client_certificate, tenant: t2, client_id: c2, certificate: /c.pem}
              - name: aml-rs
                kind: azureml
                subscription: sub
                resource_group: rg
                workspace: ws
                endpoint: http://127.0.0.1:5003
                auth: {type: azure_client_certificate, tenant: t3, client_id: c3, certificate: c.pem, algorithm: RS256}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: ["AZ": "azsecret"])
        let aml = try #require(config.registry(named: "aml"))
        #expect(aml.subscription == "00000000-0000-0000-0000-000000000000")
        #expect(aml.resourceGroup == "ml-rg")
        #expect(aml.workspace == "ml-ws")
        #expect(aml.registryName == nil)
        #expect(aml.authority == "https://login.microsoftonline.us")
        #expect(aml.baseURL == "https://management.azure.com")
        #expect(aml.auth == .azureClientSecret(tenant: "t1", clientID: "c1", clientSecret: "azsecret"))
        let shared = try #require(config.registry(named: "aml-shared"))
        #expect(shared.registryName == "shared-registry")
        #expect(shared.workspace == nil)
        #expect(shared.auth == .azureClientCertificate(tenant: "t2", clientID: "c2", certificate: "/c.pem", algorithm: .ps256))
        let rs = try #require(config.registry(named: "aml-rs"))
        #expect(rs.auth == .azureClientCertificate(tenant: "t3", clientID: "c3", certificate: "c.pem", algorithm: .rs256))
        #expect(rs.baseURL == "http://127.0.0.1:5003")
    }

    @Test func gitlabURLProjectAndTokenHeader() throws {
        let yaml = """
            registries:
              - name: gitlab
                kind: gitlab
                url: https://gitlab.example.com
                project: 42
                auth: {type: token, token: "${GITLAB_TOKEN}"}
              - name: gitlab-private
                kind: gitlab
                url: https://gitlab.internal
                project: group/sub/project
                auth: {type: token, token: glpat-x, header: private-token}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: ["GITLAB_TOKEN": "glpat-abc"])
        let gitlab = try #require(config.registry(named: "gitlab"))
        #expect(gitlab.project == "42")
        #expect(gitlab.baseURL == "https://gitlab.example.com")
        #expect(gitlab.auth == .token(token: "glpat-abc", header: .bearer))
        #expect(config.registry(named: "gitlab-private")?.auth == .token(token: "glpat-x", header: .privateToken))
        #expect(config.registry(named: "gitlab-private")?.project == "group/sub/project")
    }

    @Test func wandbEntityRegistryAndDefaultURL() throws {
        let yaml = """
            registries:
              - name: wandb
                kind: wandb
                entity: my-org
                registry: model
                auth: {type: api_key, api_key: "${WANDB_API_KEY}"}
              - name: wandb-onprem
                kind: wandb
                url: https://wandb.internal
                entity: org
                registry: datasets
                auth: {type: api_key, api_key: k2}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: ["WANDB_API_KEY": "k1"])
        let wandb = try #require(config.registry(named: "wandb"))
        #expect(wandb.url == "https://api.wandb.ai")
        #expect(wandb.baseURL == "https://api.wandb.ai")
        #expect(wandb.entity == "my-org")
        #expect(wandb.registryName == "model")
        #expect(wandb.auth == .apiKey("k1"))
        #expect(config.registry(named: "wandb-onprem")?.baseURL == "https://wandb.internal")
    }

    @Test func commonKeysTimeoutRetryPageSizeTLS() throws {
        let yaml = """
            registries:
              - name: m
                kind: mlflow
                url: https://mlflow.internal
                ca_bundle: /etc/ssl/internal.pem
                insecure_skip_tls_verify: true
                timeout: {connect: 500ms, total: 1.5m}
                retry: {max_attempts: 3, base: 250ms, cap: 5}
                page_size: 200
              - name: n
                kind: mlflow
                url: https://mlflow.internal
                timeout: {total: 2m}
                retry: {max_attempts: 1}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
        let m = try #require(config.registry(named: "m"))
        #expect(m.caBundle == "/etc/ssl/internal.pem")
        #expect(m.insecureSkipTLSVerify)
        #expect(m.timeout == TimeoutSettings(connect: .milliseconds(500), total: .seconds(90)))
        #expect(m.retry == RetrySettings(maxAttempts: 3, base: .milliseconds(250), cap: .seconds(5)))
        #expect(m.pageSize == 200)
        let n = try #require(config.registry(named: "n"))
        #expect(n.timeout == TimeoutSettings(connect: .seconds(10), total: .seconds(120)))
        #expect(n.retry == RetrySettings(maxAttempts: 1, base: .seconds(1), cap: .seconds(20)))
    }

    @Test func syncConflictsServerAndCatalog() throws {
        let yaml = """
            catalog: data/catalog.sqlite
            registries:
              - {name: mlflow-prod, kind: mlflow, url: "http://127.0.0.1:5000"}
              - {name: sm-us, kind: sagemaker, region: us-east-1}
            sync: {concurrency: 8, full_every: 12}
            conflicts:
              source_of_truth: {fraud-detector: mlflow-prod}
              tag_owners: {"team.": mlflow-prod, "team.infra.": sm-us}
              serving_image: {sm-us: "123.dkr.ecr.us-east-1.amazonaws.com/serve:1"}
            server:
              listen: 0.0.0.0:9090
              tokens:
                - {name: ci-bot, role: operator, token: abc}
                - {name: viewer, role: reader, token_sha256: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"}
                - {name: root, role: admin, token: def}
            """
        let config = try ModelGateConfig.parse(yaml: yaml, file: "/etc/modelgate/config.yaml", environment: [:])
        #expect(config.catalog == "data/catalog.sqlite")
        #expect(try config.catalogPath() == "/etc/modelgate/data/catalog.sqlite")
        #expect(config.sync == SyncSettings(concurrency: 8, tombstoneAfterMisses: 2, fullEvery: 12))
        #expect(config.conflicts.sourceOfTruth == ["fraud-detector": "mlflow-prod"])
        #expect(config.conflicts.tagOwner(of: "team.owner") == "mlflow-prod")
        #expect(config.conflicts.tagOwner(of: "team.infra.cost") == "sm-us")
        #expect(config.conflicts.tagOwner(of: "other") == nil)
        #expect(config.conflicts.servingImage == ["sm-us": "123.dkr.ecr.us-east-1.amazonaws.com/serve:1"])
        #expect(config.server.listen == "0.0.0.0:9090")
        #expect(config.server.host == "0.0.0.0")
        #expect(config.server.port == 9090)
        #expect(config.server.tokens.map(\.name) == ["ci-bot", "viewer", "root"])
        #expect(config.server.tokens.map(\.role) == [.operator, .reader, .admin])
        #expect(config.server.tokens[0].secret == .token("abc"))
        #expect(config.server.tokens[1].secret == .sha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
    }

    @Test func defaultsWhenSectionsAreAbsentOrTheFileIsEmpty() throws {
        for yaml in ["", "# only a comment\n", "registries: []\n", "registries:\n"] {
            let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
            #expect(config.registries.isEmpty)
            #expect(config.catalog == nil)
            #expect(config.sync == SyncSettings(concurrency: 4, tombstoneAfterMisses: 2, fullEvery: 24))
            #expect(config.server.listen == "127.0.0.1:8080")
            #expect(config.server.host == "127.0.0.1")
            #expect(config.server.port == 8080)
            #expect(config.server.tokens.isEmpty)
            #expect(config.conflicts == ConflictSettings())
        }
    }

    @Test func ipv6ListenAddress() throws {
        let config = try ModelGateConfig.parse(yaml: "server: {listen: \"[::1]:8443\"}", environment: [:])
        #expect(config.server.host == "::1")
        #expect(config.server.port == 8443)
        #expect(config.server.listen == "[::1]:8443")
    }

    @Test func yamlMergeKeysShareSettingsBetweenRegistries() throws {
        let yaml = """
            registries:
              - &base
                name: one
                kind: mlflow
                url: http://a:5000
                timeout: {connect: 2s, total: 20s}
              - <<: *base
                name: two
                url: http://b:5000
            """
        let config = try ModelGateConfig.parse(yaml: yaml, environment: [:])
        let two = try #require(config.registry(named: "two"))
        #expect(two.url == "http://b:5000")
        #expect(two.kind == .mlflow)
        #expect(two.timeout == TimeoutSettings(connect: .seconds(2), total: .seconds(20)))
    }

    @Test func registryInfoCarriesNameKindAndEndpoint() throws {
        let config = try ModelGateConfig.parse(
            yaml: "registries: [{name: sm, kind: sagemaker, region: ap-south-1}]", environment: [:])
        #expect(config.registries[0].info == RegistryInfo(
            name: "sm", kind: .sagemaker, endpoint: "https://api.sagemaker.ap-south-1.amazonaws.com"))
    }
}
