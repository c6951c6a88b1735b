/// `${VAR}` substitution in one scalar.
///
/// `${NAME}` (NAME: letters, digits, underscores, not starting with a digit) is replaced by the variable's
/// value; `$$` is a literal `$`; a `$` followed by anything else is kept as it is. An unset variable is
/// replaced by nothing and reported in `unset`, so the caller can defer the error to the use of the value.
enum VariableSubstitution {
    struct Result: Equatable {
        var text: String
        /// Names of referenced variables that are not set, in order of appearance, without repeats.
        var unset: [String]
    }

    enum Problem: Error, Equatable {
        /// `${` without a closing `}`.
        case unterminated
        /// `${…}` whose content is not a variable name; the content is not echoed (it may be a secret).
        case invalidName
    }

    static func substitute(_ text: String, environment: [String: String]) -> Swift.Result<Result, Problem> {
        guard text.contains("$") else { return .success(Result(text: text, unset: [])) }
        var output = ""
        var unset: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            switch text[next] {
            case "$":
                output.append("$")
                index = text.index(after: next)
            case "{":
                let nameStart = text.index(after: next)
                guard let close = text[nameStart...].firstIndex(of: "}") else { return .failure(.unterminated) }
                let name = String(text[nameStart..<close])
                guard isVariableName(name) else { return .failure(.invalidName) }
                if let value = environment[name] {
                    output += value
                } else if !unset.contains(name) {
                    unset.append(name)
                }
                index = text.index(after: close)
            default:
                output.append("$")
                index = next
            }
        }
        return .success(Result(text: output, unset: unset))
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
