@testable import ModelGateConfig
import Testing

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("10s", Duration.seconds(10)),
        ("500ms", .milliseconds(500)),
        ("1m", .seconds(60)),
        ("1.5s", .milliseconds(1_500)),
        ("10", .seconds(10)),
        ("0.25", .milliseconds(250)),
        ("2h", .seconds(7_200)),
        ("1m30s", .seconds(90)),
        ("250us", .microseconds(250)),
        ("100ns", .nanoseconds(100)),
        (" 3s ", .seconds(3)),
        ("0s", .zero),
    ])
    func parsesConfigDurations(text: String, expected: Duration) {
        #expect(DurationParsing.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "10x", "-1s", "1.2.3s", "ten seconds", "1 s", "1e3", "10sms", ".s"])
    func rejectsOtherText(text: String) {
        #expect(DurationParsing.parse(text) == nil)
    }

    @Test func zeroIsRejectedWhereAPositiveDurationIsNeeded() throws {
        let error = try #require(parseError(
            "registries: [{name: a, kind: mlflow, url: \"http://x\", timeout: {total: 0s}}]"))
        #expect(error.key == "registries[0].timeout.total")
        #expect(error.code == .invalidValue)
    }

    @Test func yamlNumbersAreSeconds() throws {
        let config = try ModelGateConfig.parse(
            yaml: "registries: [{name: a, kind: mlflow, url: \"http://x\", retry: {base: 0.5, cap: 30}}]",
            environment: [:])
        #expect(config.registries[0].retry.base == .milliseconds(500))
        #expect(config.registries[0].retry.cap == .seconds(30))
    }

    @Test func suggestionsFindTyposButNotUnrelatedWords() {
        #expect(KeySuggestion.closest(to: "regoin", in: ["region", "url"]) == "region")
        #expect(KeySuggestion.closest(to: "page-size", in: ["page_size"]) == "page_size")
        #expect(KeySuggestion.closest(to: "PageSize", in: ["page_size"]) == "page_size")
        #expect(KeySuggestion.closest(to: "workspce", in: ["workspace", "registry"]) == "workspace")
        #expect(KeySuggestion.closest(to: "colour", in: ["url", "region"]) == nil)
        #expect(KeySuggestion.editDistance("kitten", "sitting") == 3)
    }
}
