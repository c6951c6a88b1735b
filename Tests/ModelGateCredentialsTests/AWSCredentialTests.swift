import Foundation
import ModelGateCore
import Testing

@testable import ModelGateCredentials

@Suite struct AWSCredentialTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func descriptionShowsOnlyTheAccessKeyID() {
        let credential = AWSCredential(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/SECRET", sessionToken: "SESSIONTOKEN")
        for text in [credential.description, String(reflecting: credential), "\(credential)", dumped(credential)] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("wJalrXUtnFEMI/SECRET"))
            #expect(!text.contains("SESSIONTOKEN"))
        }
    }

    private func dumped(_ value: some Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }

    @Test func environmentProviderReadsTheStandardVariables() async throws {
        let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken"]
        let credential = try #require(try await EnvironmentAWSCredentialProvider(environment: env).credential())
        #expect(credential == AWSCredential(accessKeyID: "AKIDENV", secretAccessKey: "envsecret", sessionToken: "envtoken"))
        #expect(try await EnvironmentAWSCredentialProvider(environment: [:]).credential() == nil)
        #expect(try await EnvironmentAWSCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": ""]).credential() == nil)
    }

    @Test func aHalfSetEnvironmentIsAnErrorNotASkip() async {
        for env in [["AWS_ACCESS_KEY_ID": "AKID"], ["AWS_SECRET_ACCESS_KEY": "s3cr3t-value"]] {
            await #expect {
                try await EnvironmentAWSCredentialProvider(environment: env).credential()
            } throws: { error in
                guard let error = error as? RegistryError else { return false }
                return error.code == .credentials && !error.description.contains("s3cr3t-value")
            }
        }
    }

    @Test func expiredCredentialsAreRefusedAndFreshOnesAccepted() async throws {
        let expired = StaticAWSCredentialProvider(
            AWSCredential(accessKeyID: "ASIAOLD", secretAccessKey: "oldsecret", sessionToken: "t", expiration: now))
        await #expect {
            try await expired.usableCredential(registry: "sm-us", now: now)
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .credentials && error.registry == "sm-us" && error.description.contains("ASIAOLD")
                && error.description.contains("expired") && !error.description.contains("oldsecret")
        }
        let fresh = StaticAWSCredentialProvider(
            AWSCredential(accessKeyID: "ASIANEW", secretAccessKey: "s", expiration: now.addingTimeInterval(1)))
        #expect(try await fresh.usableCredential(registry: "sm-us", now: now).accessKeyID == "ASIANEW")
    }

    @Test func expirationFromTheEnvironmentIsHonoured() async throws {
        let env = [
            "AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
            "AWS_CREDENTIAL_EXPIRATION": "2027-01-15T08:00:00Z",
        ]
        let provider = EnvironmentAWSCredentialProvider(environment: env)
        let before = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        await #expect(throws: RegistryError.self) { try await provider.usableCredential(registry: "r", now: before) }
        #expect(try await provider.usableCredential(registry: "r", now: before.addingTimeInterval(-1)).accessKeyID == "ASIAENV")
    }

    @Test func nothingAnywhereSaysWhereItLooked() async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let chain = AWSCredentialChain.standard(environment: [:], homeDirectory: home.path)
        await #expect {
            try await chain.usableCredential(registry: "sm-us", now: now)
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .credentials && error.description.contains("AWS_ACCESS_KEY_ID")
                && error.description.contains(".aws/credentials")
        }
    }
}

@Suite struct SharedFileAWSCredentialTests {
    static let credentialsFile = """
        # comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = defaultsecret

        [ci]
        AWS_ACCESS_KEY_ID=AKIDCI
        aws_secret_access_key=cisecret
        aws_session_token = citoken
        ; another comment
        [half]
        aws_access_key_id = AKIDHALF
        """
    static let configFile = """
        [default]
        region = us-east-1

        [profile ci]
        aws_access_key_id = AKIDSHADOWED
        aws_secret_access_key = shadowed

        [profile   staging]
        region = eu-west-1
        aws_access_key_id = AKIDSTAGING
        aws_secret_access_key = stagingsecret
        s3 =
          max_concurrent_requests = 20

        [profile sso]
        sso_session = corp
        sso_account_id = 123456789012
        """

    func withHome(_ body: (String) async throws -> Void) async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        _ = try home.write(".aws/credentials", Self.credentialsFile)
        _ = try home.write(".aws/config", Self.configFile)
        try await body(home.path)
    }

    func check(
        _ provider: some AWSCredentialProvider, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let found = try await provider.credential()?.accessKeyID
        #expect(found == expected, sourceLocation: sourceLocation)
    }

    @Test func defaultProfileComesFromTheCredentialsFile() async throws {
        try await withHome { home in
            try await check(SharedFileAWSCredentialProvider(environment: [:], homeDirectory: home), "AKIDDEFAULT")
        }
    }

    @Test func aNamedProfileFromConfigOrAWSProfile() async throws {
        try await withHome { home in
            let named = SharedFileAWSCredentialProvider(profile: "staging", environment: [:], homeDirectory: home)
            try await check(named, "AKIDSTAGING")
            let fromEnv = SharedFileAWSCredentialProvider(environment: ["AWS_PROFILE": "ci"], homeDirectory: home)
            let credential = try #require(try await fromEnv.credential())
            #expect(credential.accessKeyID == "AKIDCI")
            #expect(credential.sessionToken == "citoken")
            // The explicit profile beats AWS_PROFILE.
            let both = SharedFileAWSCredentialProvider(profile: "staging", environment: ["AWS_PROFILE": "ci"], homeDirectory: home)
            try await check(both, "AKIDSTAGING")
        }
    }

    @Test func theCredentialsFileWinsOverTheConfigFileForTheSameProfile() async throws {
        try await withHome { home in
            try await check(SharedFileAWSCredentialProvider(profile: "ci", environment: [:], homeDirectory: home), "AKIDCI")
        }
    }

    @Test func fileLocationsComeFromTheEnvironment() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let credentials = try dir.write("elsewhere/creds", "[default]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = x\n")
        let config = try dir.write("elsewhere/conf", "[profile other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = y\n")
        let env = ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config]
        try await check(SharedFileAWSCredentialProvider(environment: env, homeDirectory: "/nonexistent"), "AKIDMOVED")
        try await check(SharedFileAWSCredentialProvider(profile: "other", environment: env, homeDirectory: nil), "AKIDOTHER")
    }

    @Test func brokenOrMissingNamedProfilesAreErrors() async throws {
        try await withHome { home in
            for (profile, words) in [("missing", "not found"), ("half", "only one"), ("sso", "no static keys")] {
                await #expect {
                    try await SharedFileAWSCredentialProvider(profile: profile, environment: [:], homeDirectory: home).credential()
                } throws: { error in
                    guard let error = error as? RegistryError else { return false }
                    return error.code == .credentials && error.description.contains(words)
                        && error.description.contains(profile)
                }
            }
        }
    }

    @Test func noFilesMeansAskTheNext() async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        #expect(try await SharedFileAWSCredentialProvider(environment: [:], homeDirectory: home.path).credential() == nil)
        #expect(try await SharedFileAWSCredentialProvider(environment: [:], homeDirectory: nil).credential() == nil)
    }

    @Test func theStandardChainPrefersTheEnvironmentUnlessAProfileIsNamed() async throws {
        try await withHome { home in
            let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_PROFILE": "ci"]
            try await check(AWSCredentialChain.standard(environment: env, homeDirectory: home), "AKIDENV")
            // Without env keys, AWS_PROFILE picks the file profile.
            try await check(AWSCredentialChain.standard(environment: ["AWS_PROFILE": "ci"], homeDirectory: home), "AKIDCI")
            // A profile named in ModelGate's config beats the environment keys.
            try await check(AWSCredentialChain.standard(profile: "staging", environment: env, homeDirectory: home), "AKIDSTAGING")
            try await check(AWSCredentialChain.standard(environment: [:], homeDirectory: home), "AKIDDEFAULT")
        }
    }

    @Test func aChainStopsAtTheFirstAnswerAndAtTheFirstError() async throws {
        let first = StaticAWSCredentialProvider(AWSCredential(accessKeyID: "AKIDFIRST", secretAccessKey: "a"))
        let second = StaticAWSCredentialProvider(AWSCredential(accessKeyID: "AKIDSECOND", secretAccessKey: "b"))
        try await check(AWSCredentialChain([EnvironmentAWSCredentialProvider(environment: [:]), first, second]), "AKIDFIRST")
        let broken = EnvironmentAWSCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID"])
        await #expect(throws: RegistryError.self) { try await AWSCredentialChain([broken, first]).credential() }
    }

    @Test func iniParsingNormalizesSectionsAndSkipsNestedBlocks() {
        let sections = INIFile.parse(Self.configFile)
        #expect(sections["profile staging"]?["region"] == "eu-west-1")
        #expect(sections["profile staging"]?["max_concurrent_requests"] == nil)
        #expect(sections["profile staging"]?["s3"] == "")
        #expect(sections["default"]?["region"] == "us-east-1")
    }
}
