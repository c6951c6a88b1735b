/// A SQL `LIKE` / `ILIKE` pattern (`%` any run of characters, `_` exactly one), matched in time linear in the
/// text: the pattern is compiled to a bit-parallel automaton (one bit per pattern position, Shift-And), so each
/// character of the text costs a fixed number of word operations whatever the pattern holds. Nothing
/// backtracks, so `'%%%%%%%%%%%%%%%%%%%%%%!'` costs the same as `'%!'`.
///
/// There is no escape character (as in MLflow's own filter matching); repeated `%` are collapsed to one.
/// ``maxLength`` bounds the pattern, so the work per character is bounded too.
struct LikePattern: Sendable {
    /// The longest pattern accepted, in characters; callers refuse longer ones.
    static let maxLength = 500

    /// One position of the pattern.
    enum Token: Sendable, Hashable {
        case literal(String)
        /// `_`
        case one
        /// `%` (a run of `%` is one token)
        case run
    }

    let tokens: [Token]
    let caseInsensitive: Bool
    /// Words per state set: bits `0...tokens.count` (bit i: the first i tokens have matched).
    private let words: Int
    /// Per literal (folded when case-insensitive): the positions it may advance, `_` positions included.
    private let literalMasks: [String: [UInt64]]
    /// The positions any character may advance: the `_` positions.
    private let oneMask: [UInt64]
    /// The positions that are a `%`: they keep their state on any character and are entered for free.
    private let runMask: [UInt64]
    /// The state set before any text.
    private let initial: [UInt64]

    /// Compiles `pattern`; the caller has checked it against ``maxLength``.
    init(_ pattern: String, caseInsensitive: Bool) {
        var tokens: [Token] = []
        for character in pattern {
            switch character {
            case "%": if tokens.last != .run { tokens.append(.run) }
            case "_": tokens.append(.one)
            default: tokens.append(.literal(Self.key(character, caseInsensitive: caseInsensitive)))
            }
        }
        self.tokens = tokens
        self.caseInsensitive = caseInsensitive
        let words = (tokens.count + 1 + 63) / 64
        self.words = words
        var one = [UInt64](repeating: 0, count: words)
        var run = [UInt64](repeating: 0, count: words)
        var literals: [String: [UInt64]] = [:]
        for (index, token) in tokens.enumerated() {
            let bit = index + 1
            switch token {
            case .one: one[bit / 64] |= 1 << UInt64(bit % 64)
            case .run: run[bit / 64] |= 1 << UInt64(bit % 64)
            case .literal(let key): literals[key, default: [UInt64](repeating: 0, count: words)][bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        // A literal's mask also admits the `_` positions, so one lookup per text character suffices.
        for (key, mask) in literals {
            literals[key] = zip(mask, one).map { $0 | $1 }
        }
        self.literalMasks = literals
        self.oneMask = one
        self.runMask = run
        var start = [UInt64](repeating: 0, count: words)
        start[0] = 1
        self.initial = Self.closure(start, run: run)
    }

    /// Whether the whole of `text` matches the pattern.
    func matches(_ text: String) -> Bool { match(text).matched }

    /// The match and the number of word operations it took (at most `(text.count + 1) × words`), so tests can
    /// check that the work grows linearly with the text.
    func match(_ text: String) -> (matched: Bool, steps: Int) {
        var state = initial
        var steps = words
        var next = [UInt64](repeating: 0, count: words)
        for character in text {
            let mask = literalMasks[Self.key(character, caseInsensitive: caseInsensitive)] ?? oneMask
            var carry: UInt64 = 0
            var alive: UInt64 = 0
            for word in 0..<words {
                let shifted = (state[word] << 1) | carry
                carry = state[word] >> 63
                next[word] = (shifted & mask[word]) | (state[word] & runMask[word])
                alive |= next[word]
            }
            steps += words
            if alive == 0 { return (false, steps) }
            state = Self.closure(next, run: runMask)
        }
        let accept = tokens.count
        return ((state[accept / 64] >> UInt64(accept % 64)) & 1 == 1, steps)
    }

    /// Adds the `%` positions reachable without a character: a `%` right after an active position. Runs of `%`
    /// are collapsed at compile time, so one step is the whole closure.
    private static func closure(_ state: [UInt64], run: [UInt64]) -> [UInt64] {
        var result = state
        var carry: UInt64 = 0
        for word in state.indices {
            let shifted = (state[word] << 1) | carry
            carry = state[word] >> 63
            result[word] |= shifted & run[word]
        }
        return result
    }

    private static func key(_ character: Character, caseInsensitive: Bool) -> String {
        caseInsensitive ? String(character).lowercased() : String(character)
    }
}
