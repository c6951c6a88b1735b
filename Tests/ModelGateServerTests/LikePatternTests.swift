import Foundation
@testable import ModelGateServer
import ModelGateSimulators
import ModelGateTestKit
import Testing

/// The `LIKE` matcher of the MLflow-compatible API (issue 15 item 1): correct on hand-picked patterns, equal to a
/// plain dynamic-programming reference on seeded random inputs, and linear on the pattern that held a worker for
/// 20 s when it was a backtracking regex.
@Suite("LIKE patterns")
struct LikePatternTests {
    /// The textbook O(text × pattern) table, written for clarity, not speed.
    static func reference(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        let t = Array(caseInsensitive ? text.lowercased() : text)
        var table = [[Bool]](repeating: [Bool](repeating: false, count: t.count + 1), count: p.count + 1)
        table[0][0] = true
        for i in p.indices.map({ $0 + 1 }) {
            for j in 0...t.count {
                switch p[i - 1] {
                case "%": table[i][j] = table[i - 1][j] || (j > 0 && table[i][j - 1])
                case "_": table[i][j] = j > 0 && table[i - 1][j - 1]
                default: table[i][j] = j > 0 && table[i - 1][j - 1] && p[i - 1] == t[j - 1]
                }
            }
        }
        return table[p.count][t.count]
    }

    @Test(arguments: [
        ("mlflow-prod.%", "mlflow-prod.fraud-detector", true),
        ("mlflow-prod.%", "sm-us.fraud-detector", false),
        ("%churn", "mlflow-prod.churn", true),
        ("%churn", "mlflow-prod.churn2", false),
        ("%", "", true),
        ("", "", true),
        ("", "a", false),
        ("_", "", false),
        ("_", "é", true),
        ("a_c", "abc", true),
        ("a_c", "abbc", false),
        ("a%c", "ac", true),
        ("a%c", "abbbbc", true),
        ("a%c", "abbbbcd", false),
        ("%a%b%c%", "xxaxxbxxcxx", true),
        ("%a%b%c%", "xxcxxbxxaxx", false),
        ("%%%%%%b", "aaab", true),
        ("%_%_%", "a", false),
        ("%_%_%", "ab", true),
        ("a.b", "a.b", true),
        ("a.b", "axb", false),
        ("[a]*", "[a]*", true),
        ("(x+)+$", "(x+)+$", true),
        ("Fraud%", "fraud-detector", false),
    ])
    func likeMatches(pattern: String, text: String, expected: Bool) {
        #expect(LikePattern(pattern, caseInsensitive: false).matches(text) == expected, "'\(text)' LIKE '\(pattern)'")
        #expect(Self.reference(pattern, text, caseInsensitive: false) == expected, "the reference disagrees")
    }

    @Test func ilikeIgnoresCase() {
        #expect(LikePattern("Fraud%", caseInsensitive: true).matches("fraud-detector"))
        #expect(LikePattern("%DETECTOR", caseInsensitive: true).matches("mlflow-prod.fraud-detector"))
        #expect(LikePattern("ÉTÉ_", caseInsensitive: true).matches("étéx"))
        #expect(!LikePattern("Fraud%", caseInsensitive: false).matches("fraud-detector"))
    }

    @Test func repeatedPercentSignsCollapse() {
        #expect(LikePattern("%%%%a%%%%", caseInsensitive: false).tokens == LikePattern("%a%", caseInsensitive: false).tokens)
    }

    @Test(arguments: [false, true])
    func agreesWithTheReferenceOnRandomInputs(caseInsensitive: Bool) {
        var random = SeededGenerator(seed: caseInsensitive ? 15 : 1)
        let patternAlphabet: [Character] = ["a", "b", "A", ".", "é", "%", "%", "_"]
        let textAlphabet: [Character] = ["a", "b", "A", ".", "é", "É"]
        var matched = 0
        for _ in 0..<3000 {
            let pattern = String((0..<Int.random(in: 0...8, using: &random)).map { _ in patternAlphabet.randomElement(using: &random) ?? "a" })
            let text = String((0..<Int.random(in: 0...10, using: &random)).map { _ in textAlphabet.randomElement(using: &random) ?? "a" })
            let expected = Self.reference(pattern, text, caseInsensitive: caseInsensitive)
            if expected { matched += 1 }
            #expect(
                LikePattern(pattern, caseInsensitive: caseInsensitive).matches(text) == expected,
                "'\(text)' \(caseInsensitive ? "ILIKE" : "LIKE") '\(pattern)'")
        }
        // Both outcomes occur often enough for the comparison to mean something.
        #expect(matched > 150 && matched < 2850, "\(matched) of 3000 matched")
    }

    /// Issue 15 item 1: the pattern that took 20 s as a regex, on a long name; the work is counted, not timed.
    @Test func pathologicalPatternIsLinear() {
        let pattern = LikePattern(String(repeating: "%", count: 24) + "!", caseInsensitive: false)
        let short = pattern.match(String(repeating: "a", count: 1000))
        let long = pattern.match(String(repeating: "a", count: 2000))
        #expect(!short.matched && !long.matched)
        #expect(pattern.match(String(repeating: "a", count: 2000) + "!").matched)
        #expect(long.steps <= 2 * short.steps + 1, "steps: \(short.steps) for 1000 characters, \(long.steps) for 2000")
        #expect(long.steps <= 2001)
        // Alternating runs and one-character wildcards, the worst shape for a backtracking matcher.
        let alternating = LikePattern(String(repeating: "%a_", count: 150) + "b", caseInsensitive: false)
        let text = String(repeating: "a", count: 5000)
        let result = alternating.match(text)
        #expect(!result.matched)
        let words = (alternating.tokens.count + 1 + 63) / 64
        #expect(result.steps <= (text.count + 1) * words)
    }
}
