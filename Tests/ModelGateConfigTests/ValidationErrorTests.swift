import ModelGateConfig
import Testing

@Suite struct ValidationErrorTests {
    @Test func badYAMLReportsTheParserLine() throws {
        let yaml = """
            registries:
              - name: a
                kind: mlflow
               url: http://x
            """
        let error = try #require(parseError(yaml, file: "bad.yaml"))
        #expect(error.code == .invalidYAML)
        #expect(error.file == "bad.yaml")
        #expect(error.line == 4)
        #expect(error.description.hasPrefix("bad.yaml:4: invalid YAML: "))
    }

    @Test func tabsAndUnclosedQuotesAreYAMLErrorsWithLines() throws {
        let tab = try #require(parseError("registries:\n\t- name: a\n"))
        #expect(tab.code == .invalidYAML)
        #expect(tab.line == 2)
        let quote = try #require(parseError("catalog: ok\nserver:\n  listen: \"127.0.0.1:80\n"))
        #expect(quote.code == .invalidYAML)
        #expect(quote.line != nil)
    }

    @Test func duplicateYAMLKeyIsReported() throws {
        let error = try #require(parseError("sync:\n  concurrency: 2\n  concurrency: 3\n"))
        #expect(error.code == .invalidYAML)
        #expect(error.line == 2)
        #expect(error.message.contains("'concurrency'"))
    }

    @Test func unknownKindListsTheValidOnes() throws {
        let yaml = """
            registries:
              - name: ok
                kind: mlflow
                url: http://x:1
              - name: bad
                kind: foo
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .unknownKind)
        #expect(
            error.description
                == "modelgate.yaml:6: registries[1].kind: unknown kind 'foo' (expected one of mlflow, sagemaker, vertex, azureml, gitlab, wandb)"
        )
    }

    @Test func unknownRegistryKeySuggestsTheLikelyOne() throws {
        let yaml = """
            registries:
              - name: sm
                kind: sagemaker
                regoin: us-east-1
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .unknownKey)
        #expect(error.line == 4)
        #expect(error.key == "registries[0].regoin")
        #expect(error.message == "unknown key 'regoin'; did you mean 'region'?")
    }

    @Test func unknownKeysAtEveryLevelNameTheirPath() throws {
        let cases: [(yaml: String, line: Int, key: String, suggestion: String?)] = [
            ("catalgo: x.sqlite\n", 1, "catalgo", "catalog"),
            ("sync:\n  concurency: 2\n", 2, "sync.concurency", "concurrency"),
            ("server:\n  tokens:\n    - {name: a, role: admin, tokn: x}\n", 3, "server.tokens[0].tokn", "token"),
            (
                "registries:\n  - name: a\n    kind: azureml\n    subscription: s\n    resourceGroup: rg\n", 5,
                "registries[0].resourceGroup", "resource_group"
            ),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: http://x\n    timeout: {conect: 1s}\n", 5,
                "registries[0].timeout.conect", "connect"
            ),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: http://x\n    auth:\n      type: basic\n      usrname: u\n",
                7, "registries[0].auth.usrname", nil
            ),
            ("bogus: 1\n", 1, "bogus", nil),
        ]
        for item in cases {
            let error = try #require(parseError(item.yaml), "\(item.yaml)")
            #expect(error.code == .unknownKey, "\(item.yaml)")
            #expect(error.line == item.line, "\(item.yaml)")
            #expect(error.key == item.key, "\(item.yaml)")
            if let suggestion = item.suggestion {
                #expect(error.message.contains("did you mean '\(suggestion)'?"), "\(error)")
            }
        }
        let misspelledAuthKey = try #require(parseError(cases[5].yaml))
        #expect(misspelledAuthKey.message.contains("'usrname'"))
        let noGuess = try #require(parseError("bogus: 1\n"))
        #expect(noGuess.message == "unknown key 'bogus' (expected one of catalog, registries, sync, conflicts, server)")
    }

    @Test func keyOfAnotherKindIsRejected() throws {
        let yaml = """
            registries:
              - name: m
                kind: mlflow
                url: http://x:5000
                region: us-east-1
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .unknownKey)
        #expect(error.line == 5)
        #expect(error.key == "registries[0].region")
        #expect(error.message == "key 'region' does not apply to kind mlflow (it is used by sagemaker)")

        let url = try #require(parseError("registries: [{name: s, kind: sagemaker, region: us-east-1, url: \"http://x\"}]"))
        #expect(url.key == "registries[0].url")
        #expect(url.message.contains("use 'endpoint'"))
    }

    @Test(arguments: ["Prod", "mlflow_prod", "-lead", "has space", "émoji", String(repeating: "a", count: 64)])
    func badRegistryNameIsRejected(name: String) throws {
        let yaml = "registries:\n  - kind: mlflow\n    url: http://x\n    name: \"\(name)\"\n"
        let error = try #require(parseError(yaml))
        #expect(error.code == .invalidName)
        #expect(error.line == 4)
        #expect(error.key == "registries[0].name")
        #expect(error.message.contains("lowercase letters, digits and hyphens"))
    }

    @Test func goodRegistryNamesAreAccepted() throws {
        for name in ["a", "mlflow-prod", "sm-us-2", "42", String(repeating: "a", count: 63)] {
            #expect(parseError("registries: [{name: \"\(name)\", kind: sagemaker, region: us-east-1}]") == nil)
        }
    }

    @Test func duplicateRegistryNameIsRejected() throws {
        let yaml = """
            registries:
              - name: dup
                kind: sagemaker
                region: us-east-1
              - kind: sagemaker
                region: us-west-2
                name: dup
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .duplicateName)
        #expect(error.line == 7)
        #expect(error.key == "registries[1].name")
        #expect(error.message.contains("first defined on line 2"))
    }

    @Test(arguments: [
        ("kind: mlflow", "url"),
        ("kind: sagemaker", "region"),
        ("kind: vertex\n    location: us-central1\n    auth: {type: bearer, token: t}", "project"),
        ("kind: vertex\n    project: p\n    auth: {type: bearer, token: t}", "location"),
        ("kind: azureml\n    resource_group: rg\n    workspace: w\n    auth: {type: bearer, token: t}", "subscription"),
        ("kind: azureml\n    subscription: s\n    workspace: w\n    auth: {type: bearer, token: t}", "resource_group"),
        ("kind: azureml\n    subscription: s\n    resource_group: rg\n    auth: {type: bearer, token: t}", "workspace"),
        ("kind: gitlab\n    project: 1", "url"),
        ("kind: gitlab\n    url: https://g", "project"),
        ("kind: wandb\n    registry: model\n    auth: {type: api_key, api_key: k}", "entity"),
        ("kind: wandb\n    entity: e\n    auth: {type: api_key, api_key: k}", "registry"),
        ("kind: vertex\n    project: p\n    location: l", "auth"),
        ("url: http://x", "kind"),
    ])
    func missingRequiredKeyNamesIt(body: String, key: String) throws {
        let yaml = "registries:\n  - name: r\n    \(body)\n"
        let error = try #require(parseError(yaml))
        #expect(error.code == .missingKey, "\(error)")
        #expect(error.line == 2)
        #expect(error.key == "registries[0].\(key)")
        #expect(error.file == "modelgate.yaml")
    }

    @Test func azureMLWithBothWorkspaceAndRegistryIsRejected() throws {
        let yaml = """
            registries:
              - name: aml
                kind: azureml
                subscription: s
                resource_group: rg
                workspace: ws
                registry: reg
                auth: {type: bearer, token: t}
            """
        let error = try #require(parseError(yaml))
        #expect(error.line == 7)
        #expect(error.key == "registries[0].registry")
        #expect(error.message.contains("exactly one of 'workspace' or 'registry'"))
    }

    @Test func authTypeNotAcceptedByTheKindIsRejected() throws {
        let yaml = """
            registries:
              - name: m
                kind: mlflow
                url: http://x
                auth:
                  type: aws
                  profile: default
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .unsupportedAuth)
        #expect(
            error.description
                == "modelgate.yaml:6: registries[0].auth.type: auth type 'aws' is not accepted by kind mlflow (expected none, basic, bearer)"
        )
        let wandb = try #require(parseError(
            "registries: [{name: w, kind: wandb, entity: e, registry: r, auth: {type: basic, username: u, password: p}}]"))
        #expect(wandb.code == .unsupportedAuth)
        #expect(wandb.message.contains("expected api_key"))
        let sagemaker = try #require(parseError("registries: [{name: s, kind: sagemaker, region: r, auth: none}]"))
        #expect(sagemaker.code == .unsupportedAuth)
        #expect(sagemaker.key == "registries[0].auth")
    }

    @Test func unknownAuthTypeAndMissingAuthFields() throws {
        let unknown = try #require(parseError(
            "registries: [{name: m, kind: mlflow, url: \"http://x\", auth: {type: oauth}}]"))
        #expect(unknown.code == .invalidValue)
        #expect(unknown.key == "registries[0].auth.type")
        #expect(unknown.message == "unknown auth type 'oauth' (kind mlflow accepts none, basic, bearer)")

        let yaml = """
            registries:
              - name: aml
                kind: azureml
                subscription: s
                resource_group: rg
                workspace: ws
                auth:
                  type: azure_client_secret
                  tenant: t
                  client_secret: x
            """
        let missing = try #require(parseError(yaml))
        #expect(missing.code == .missingKey)
        #expect(missing.line == 8)
        #expect(missing.key == "registries[0].auth.client_id")

        let foreign = try #require(parseError(
            "registries: [{name: m, kind: mlflow, url: \"http://x\", auth: {type: bearer, token: t, password: p}}]"))
        #expect(foreign.key == "registries[0].auth.password")
        #expect(foreign.message == "key 'password' does not apply to auth type bearer (expected token)")

        let halfAWS = try #require(parseError(
            "registries: [{name: s, kind: sagemaker, region: r, auth: {type: aws, access_key_id: AKID}}]"))
        #expect(halfAWS.key == "registries[0].auth.secret_access_key")

        let algorithm = try #require(parseError(
            "registries: [{name: a, kind: azureml, subscription: s, resource_group: g, workspace: w, auth: {type: azure_client_certificate, tenant: t, client_id: c, certificate: p, algorithm: ES256}}]"
        ))
        #expect(algorithm.key == "registries[0].auth.algorithm")
        #expect(algorithm.message == "unknown value 'ES256' (expected one of PS256, RS256)")
    }

    @Test func wrongTypesNameTheKeyAndTheExpectation() throws {
        let cases: [(yaml: String, line: Int, key: String?, fragment: String)] = [
            ("registries:\n  name: a\n", 2, "registries", "expected a list of registries, got a mapping"),
            ("registries:\n  - just-a-string\n", 2, "registries[0]", "expected a registry, got a single value"),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: http://x\n    page_size: lots\n", 5,
                "registries[0].page_size", "expected a whole number, got 'lots'"
            ),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: http://x\n    timeout: [1, 2]\n", 5,
                "registries[0].timeout", "expected a mapping, got a list"
            ),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: [http://x]\n", 4, "registries[0].url",
                "expected a single value, got a list"
            ),
            (
                "registries:\n  - name: a\n    kind: mlflow\n    url: http://x\n    insecure_skip_tls_verify: maybe\n", 5,
                "registries[0].insecure_skip_tls_verify", "expected true or false"
            ),
            ("sync:\n  concurrency: 0\n", 2, "sync.concurrency", "at least 1"),
            ("sync: 4\n", 1, "sync", "expected a mapping, got a single value"),
            ("- a\n- b\n", 1, nil, "expected a mapping, got a list"),
        ]
        for item in cases {
            let error = try #require(parseError(item.yaml), "\(item.yaml)")
            #expect(error.line == item.line, "\(error)")
            #expect(error.key == item.key, "\(error)")
            #expect(error.message.contains(item.fragment), "\(error)")
        }
    }

    @Test func invalidValuesAreExplained() throws {
        let cases: [(yaml: String, key: String, fragment: String)] = [
            ("registries: [{name: a, kind: mlflow, url: \"ftp://x\"}]", "registries[0].url", "http:// or https://"),
            ("registries: [{name: a, kind: mlflow, url: \"not a url\"}]", "registries[0].url", "http:// or https://"),
            ("registries: [{name: a, kind: sagemaker, region: US_EAST}]", "registries[0].region", "AWS region"),
            (
                "registries: [{name: a, kind: mlflow, url: \"http://x\", timeout: {connect: 10x}}]",
                "registries[0].timeout.connect", "expected a positive duration"
            ),
            (
                "registries: [{name: a, kind: mlflow, url: \"http://x\", retry: {base: 5s, cap: 1s}}]",
                "registries[0].retry.cap", "must not be smaller than base"
            ),
            (
                "registries: [{name: a, kind: mlflow, url: \"http://x\", retry: {max_attempts: 0}}]",
                "registries[0].retry.max_attempts", "at least 1"
            ),
            ("server: {listen: localhost}", "server.listen", "HOST:PORT"),
            ("server: {listen: \"127.0.0.1:70000\"}", "server.listen", "HOST:PORT"),
            ("server: {tokens: [{name: a, role: root, token: x}]}", "server.tokens[0].role", "reader, operator, admin"),
            ("server: {tokens: [{name: a, role: reader, token_sha256: abc}]}", "server.tokens[0].token_sha256", "64"),
            ("server: {tokens: [{name: a, role: reader}]}", "server.tokens[0].token", "'token' or 'token_sha256'"),
            (
                "server: {tokens: [{name: a, role: reader, token: x}, {name: a, role: admin, token: y}]}",
                "server.tokens[1].name", "duplicate token name"
            ),
        ]
        for item in cases {
            let error = try #require(parseError(item.yaml), "\(item.yaml)")
            #expect(error.key == item.key, "\(error)")
            #expect(error.line == 1, "\(error)")
            #expect(error.message.contains(item.fragment), "\(error)")
        }
    }

    @Test func conflictsMustNameConfiguredRegistries() throws {
        let yaml = """
            registries:
              - {name: mlflow-prod, kind: mlflow, url: "http://x"}
            conflicts:
              source_of_truth:
                fraud-detector: mlflow-prd
            """
        let error = try #require(parseError(yaml))
        #expect(error.code == .unknownRegistry)
        #expect(error.line == 5)
        #expect(error.key == "conflicts.source_of_truth.fraud-detector")
        #expect(error.message == "unknown registry 'mlflow-prd'; did you mean 'mlflow-prod'? (configured: mlflow-prod)")

        let tag = try #require(parseError(
            "registries: [{name: a, kind: mlflow, url: \"http://x\"}]\nconflicts: {tag_owners: {\"team.\": b}}"))
        #expect(tag.key == "conflicts.tag_owners[\"team.\"]")
        #expect(tag.line == 2)
        let image = try #require(parseError("conflicts:\n  serving_image: {sm-us: img}\n"))
        #expect(image.key == "conflicts.serving_image.sm-us")
        #expect(image.message.contains("no registries are configured"))
    }

    @Test func errorDescriptionFormat() {
        #expect(
            ConfigError(code: .unknownKind, file: "f.yaml", line: 3, key: "registries[0].kind", message: "m").description
                == "f.yaml:3: registries[0].kind: m")
        #expect(ConfigError(code: .fileNotFound, file: "f.yaml", message: "config file not found").description
            == "f.yaml: config file not found")
        #expect(ConfigError(code: .invalidYAML, file: "f.yaml", line: 9, message: "bad").description == "f.yaml:9: bad")
    }
}
