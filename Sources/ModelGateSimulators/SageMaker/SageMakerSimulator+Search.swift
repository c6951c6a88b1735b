import Foundation
import ModelGateCore
import Synchronization

extension SageMakerSimulator {
    /// `Search` over `ModelPackage` or `ModelPackageGroup`: top-level `Filters` (no nested expressions) with
    /// `Equals`, `NotEquals`, `GreaterThan(OrEqualTo)`, `LessThan(OrEqualTo)`, `Contains`, `Exists`, `NotExists`
    /// on top-level fields (times compared as instants; values RFC 3339 or epoch seconds), joined by `Operator`.
    func search(_ input: Input) throws(SageMakerAPIError) -> JSONValue {
        let resource = try Self.required(input, "Resource")
        guard resource == "ModelPackage" || resource == "ModelPackageGroup" else {
            throw .validation("Resource \(resource) is not supported by this simulator.")
        }
        let size = try Self.pageSize(input, default: 10)
        let descending = try Self.sortOrder(input, default: true)
        let sortBy = Self.string(input, "SortBy") ?? "CreationTime"
        let expression = input["SearchExpression"]?.objectValue ?? [:]
        let filters = expression["Filters"]?.arrayValue ?? []
        let any = (expression["Operator"]?.stringValue ?? "And") == "Or"
        let operators: Set<String> = [
            "Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo", "Contains",
            "Exists", "NotExists",
        ]
        for filter in filters {
            let op = filter["Operator"]?.stringValue ?? "Equals"
            guard operators.contains(op), filter["Name"]?.stringValue != nil else {
                throw .validation("Invalid filter: \(filter.jsonString())")
            }
        }
        let records: [Input] = state.withLock { state in
            if resource == "ModelPackage" { return state.packages.map(\.object) }
            return state.groups.compactMap { groupSummary($0).objectValue }
        }
        func test(_ record: Input, _ filter: JSONValue) -> Bool {
            let name = filter["Name"]?.stringValue ?? ""
            let op = filter["Operator"]?.stringValue ?? "Equals"
            let value = filter["Value"]?.stringValue ?? ""
            var field: JSONValue? = .object(record)
            for part in name.split(separator: ".") { field = field?[String(part)] }
            switch op {
            case "Exists": return field != nil && field != .null
            case "NotExists": return field == nil || field == .null
            default: break
            }
            guard let field else { return op == "NotEquals" }
            if name.hasSuffix("Time"), let lhs = field.doubleValue, let rhs = Self.time(.string(value)) {
                let left = (lhs * 1000).rounded()
                let right = (rhs * 1000).rounded()
                switch op {
                case "Equals": return left == right
                case "NotEquals": return left != right
                case "GreaterThan": return left > right
                case "GreaterThanOrEqualTo": return left >= right
                case "LessThan": return left < right
                case "LessThanOrEqualTo": return left <= right
                default: return false
                }
            }
            let text = field.stringValue ?? field.int64Value.map(String.init) ?? field.jsonString()
            switch op {
            case "Equals": return text == value
            case "NotEquals": return text != value
            case "Contains": return text.contains(value)
            case "GreaterThan": return text > value
            case "GreaterThanOrEqualTo": return text >= value
            case "LessThan": return text < value
            default: return text <= value
            }
        }
        var matching = records.filter { record in
            filters.isEmpty || (any ? filters.contains { test(record, $0) } : filters.allSatisfy { test(record, $0) })
        }
        func key(_ record: Input) -> Double {
            (record[sortBy] ?? record["CreationTime"])?.doubleValue ?? 0
        }
        matching.sort { descending ? key($0) > key($1) : key($0) < key($1) }
        let (page, next) = try Self.paged(matching, input, kind: "search", size: size)
        var answer: Input = ["Results": .array(page.map { [resource: .object($0)] })]
        if let next { answer["NextToken"] = .string(next) }
        return .object(answer)
    }
}
