import Foundation
import ModelGateCore
import Synchronization

extension MLflowSimulator {
    // MARK: - Parameters

    static func string(_ params: [String: JSONValue], _ key: String) -> String? {
        switch params[key] {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .array(let items)?: return items.first?.stringValue
        default: return nil
        }
    }

    static func strings(_ params: [String: JSONValue], _ key: String) -> [String] {
        switch params[key] {
        case .string(let text)?: return [text]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return []
        }
    }

    static func required(_ params: [String: JSONValue], _ key: String) throws(MLflowAPIError) -> String {
        guard let value = string(params, key), !value.isEmpty else { throw .missing(key) }
        return value
    }

    static func versionNumber(_ text: String) throws(MLflowAPIError) -> Int {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return number
    }

    static func tags(_ params: [String: JSONValue]) throws(MLflowAPIError) -> [(key: String, value: String)] {
        guard let value = params["tags"], value != .null else { return [] }
        guard let items = value.arrayValue else { throw .invalid("Invalid value for parameter 'tags': expected a list") }
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let key = item["key"]?.stringValue, !key.isEmpty else { throw .missing("key") }
            result.setTag(key, item["value"]?.stringValue ?? "")
        }
        return result
    }

    // MARK: - Search (filters, order, pages)

    /// One `key op 'value'` clause of a filter string.
    struct Clause: Sendable {
        var key: String
        var op: String
        var value: String
    }

    /// Clauses joined by `AND`: `name = 'x'`, `name LIKE 'x%'`, `tags.k = 'v'`, `run_id = '…'`, `version_number = 2`.
    static func parseFilter(_ filter: String?, allowed: Set<String>) throws(MLflowAPIError) -> [Clause] {
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let pattern = #"^\s*([A-Za-z_][\w.`]*)\s*(=|!=|<=|>=|<|>|(?i:like)|(?i:ilike))\s*('[^']*'|"[^"]*"|-?\d+)\s*$"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        var clauses: [Clause] = []
        let parts = filter.components(separatedBy: " AND ").flatMap { $0.components(separatedBy: " and ") }
        for part in parts {
            let range = NSRange(part.startIndex..., in: part)
            guard let match = regex.firstMatch(in: part, range: range), match.numberOfRanges == 4,
                let keyRange = Range(match.range(at: 1), in: part), let opRange = Range(match.range(at: 2), in: part),
                let valueRange = Range(match.range(at: 3), in: part)
            else { throw .invalid("Invalid clause(s) in filter string: \(filter)") }
            let key = part[keyRange].replacingOccurrences(of: "`", with: "")
            guard allowed.contains(key) || key.hasPrefix("tags.") else {
                throw .invalid("Invalid attribute key '\(key)' specified. Valid keys are '{\(allowed.sorted().map { "'\($0)'" }.joined(separator: ", "))}'")
            }
            var value = String(part[valueRange])
            if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
            clauses.append(Clause(key: key, op: part[opRange].uppercased(), value: value))
        }
        return clauses
    }

    /// SQL `LIKE` with `%` and `_`.
    static func like(_ text: String, _ pattern: String, caseInsensitive: Bool) -> Bool {
        let subject = Array(caseInsensitive ? text.lowercased() : text)
        let shape = Array(caseInsensitive ? pattern.lowercased() : pattern)
        var memo: [Int: Bool] = [:]
        func match(_ i: Int, _ j: Int) -> Bool {
            let key = i * (shape.count + 1) + j
            if let known = memo[key] { return known }
            let result: Bool
            if j == shape.count {
                result = i == subject.count
            } else if shape[j] == "%" {
                result = match(i, j + 1) || (i < subject.count && match(i + 1, j))
            } else {
                result = i < subject.count && (shape[j] == "_" || shape[j] == subject[i]) && match(i + 1, j + 1)
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    static func compare(_ actual: String?, _ clause: Clause) -> Bool {
        guard let actual else { return false }
        switch clause.op {
        case "=": return actual == clause.value
        case "!=": return actual != clause.value
        case "LIKE": return like(actual, clause.value, caseInsensitive: false)
        case "ILIKE": return like(actual, clause.value, caseInsensitive: true)
        default:
            guard let lhs = Int64(actual), let rhs = Int64(clause.value) else { return false }
            switch clause.op {
            case "<": return lhs < rhs
            case "<=": return lhs <= rhs
            case ">": return lhs > rhs
            default: return lhs >= rhs
            }
        }
    }

    /// `(key, descending)` pairs of `order_by`.
    static func parseOrder(_ entries: [String], allowed: Set<String>, message: (String) -> String) throws(MLflowAPIError)
        -> [(String, Bool)]
    {
        var result: [(String, Bool)] = []
        for entry in entries {
            let words = entry.split(separator: " ").map(String.init)
            guard let first = words.first, words.count <= 2 else { throw .invalid("Invalid order_by clause '\(entry)'.") }
            let key = first.replacingOccurrences(of: "`", with: "")
            guard allowed.contains(key) else { throw .invalid(message(key)) }
            var descending = false
            if words.count == 2 {
                switch words[1].uppercased() {
                case "ASC": descending = false
                case "DESC": descending = true
                default: throw .invalid("Invalid order_by clause '\(entry)'. Could not be parsed.")
                }
            }
            result.append((key, descending))
        }
        return result
    }

    static func pageSize(_ params: [String: JSONValue], default size: Int, max: Int) throws(MLflowAPIError) -> Int {
        guard let text = string(params, "max_results") else { return size }
        guard let number = Int(text), number >= 0, number <= max else {
            throw .invalid(
                "Invalid value \"\(text)\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters."
            )
        }
        return number
    }

    /// The offset a page token holds (base64 of `{"offset": N}`, as the SQL store writes it).
    static func offset(_ params: [String: JSONValue]) throws(MLflowAPIError) -> Int {
        guard let token = string(params, "page_token"), !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token) else {
            throw .invalid("Invalid page token, could not base64-decode")
        }
        guard let json = try? JSONValue.parse(data), let offset = json["offset"]?.int64Value, offset >= 0 else {
            throw .invalid("Invalid page token, decoded value=\(String(decoding: data, as: UTF8.self))")
        }
        return Int(offset)
    }

    static func token(offset: Int) -> String { Data("{\"offset\": \(offset)}".utf8).base64EncodedString() }

    /// One page of `items` from `offset`, with MLflow's token when more remain.
    static func paged<T>(_ items: [T], offset: Int, size: Int) -> (page: [T], next: String?) {
        let start = min(offset, items.count)
        let end = min(start + size, items.count)
        return (Array(items[start..<end]), end < items.count ? token(offset: end) : nil)
    }

    static func ordered<T>(_ a: T, _ b: T, by keys: [(String, Bool)], value: (T, String) -> (String, Int64)) -> Bool {
        for (key, descending) in keys {
            let (lhsText, lhsNumber) = value(a, key)
            let (rhsText, rhsNumber) = value(b, key)
            if lhsText != rhsText { return descending ? lhsText > rhsText : lhsText < rhsText }
            if lhsNumber != rhsNumber { return descending ? lhsNumber > rhsNumber : lhsNumber < rhsNumber }
        }
        return false
    }

    // MARK: - Registered models

    func searchModels(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let size = try Self.pageSize(params, default: 100, max: Self.maxModelsPageSize)
        let clauses = try Self.parseFilter(Self.string(params, "filter"), allowed: ["name"])
        var order = try Self.parseOrder(
            Self.strings(params, "order_by"), allowed: ["name", "timestamp", "last_updated_timestamp", "creation_timestamp"]
        ) { key in "Invalid order by key '\(key)' specified. Valid keys are '{'timestamp', 'name'}'" }
        if !order.contains(where: { $0.0 == "name" }) { order.append(("name", false)) }
        let offset = try Self.offset(params)
        return state.withLock { state -> JSONValue in
            var models = state.models.values.filter { model in
                clauses.allSatisfy { clause in
                    if clause.key.hasPrefix("tags.") {
                        let key = String(clause.key.dropFirst(5))
                        return Self.compare(model.tags.first { $0.key == key }?.value, clause)
                    }
                    return Self.compare(model.name, clause)
                }
            }
            models.sort { a, b in
                Self.ordered(a, b, by: order) { model, key in
                    switch key {
                    case "name": return (model.name, 0)
                    case "creation_timestamp": return ("", model.createdAt)
                    default: return ("", model.updatedAt)
                    }
                }
            }
            let (page, next) = Self.paged(models, offset: offset, size: size)
            var object: [String: JSONValue] = [:]
            if !page.isEmpty { object["registered_models"] = .array(page.map { Self.view($0) }) }
            if let next { object["next_page_token"] = .string(next) }
            return .object(object)
        }
    }

    func getModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let found = state.withLock { state in state.models[name].map { Self.view($0) } }
        guard let found else { throw .modelNotFound(name) }
        return ["registered_model": found]
    }

    func createModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        if name.contains("/") || name.contains(":") {
            throw .invalid("Invalid model name '\(name)'. Names cannot contain '/' or ':'.")
        }
        let tags = try Self.tags(params)
        let description = Self.string(params, "description") ?? ""
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] == nil else { throw .alreadyExists("Registered Model (name=\(name)) already exists.") }
            let now = Self.stamp(&state, clock)
            let model = MLflowModelRecord(
                name: name, description: description, tags: tags, aliases: [:], createdAt: now, updatedAt: now,
                versions: [], nextVersion: 1)
            state.models[name] = model
            return ["registered_model": Self.view(model)]
        }
    }

    func updateModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let description = Self.string(params, "description")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .modelNotFound(name) }
            if let description { model.description = description }
            model.updatedAt = Self.stamp(&state, clock)
            state.models[name] = model
            return ["registered_model": Self.view(model)]
        }
    }

    func deleteModel(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models.removeValue(forKey: name) != nil else { throw .modelNotFound(name) }
            return [:]
        }
    }

    func setModelTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let key = try Self.required(params, "key")
        let value = Self.string(params, "value") ?? ""
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.tags.setTag(key, value)
            return [:]
        }
    }

    func deleteModelTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let key = try Self.required(params, "key")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.tags.removeAll { $0.key == key }
            return [:]
        }
    }

    static func validateAlias(_ alias: String) throws(MLflowAPIError) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
        guard alias.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw .invalid(
                "Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_), and dashes (-).")
        }
        if alias.lowercased() == "latest" { throw .invalid("'latest' alias name (case insensitive) is reserved.") }
        if alias.count > 1, alias.lowercased().hasPrefix("v"), alias.dropFirst().allSatisfy(\.isASCII),
            alias.dropFirst().allSatisfy(\.isNumber)
        {
            throw .invalid("Version alias name '\(alias)' is reserved.")
        }
    }

    func setAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        let versionText = try Self.required(params, "version")
        try Self.validateAlias(alias)
        let number = try Self.versionNumber(versionText)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name], model.versions.contains(where: { $0.number == number }) else {
                throw .versionNotFound(name, versionText)
            }
            state.models[name]?.aliases[alias] = number
            return [:]
        }
    }

    func deleteAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard state.models[name] != nil else { throw .modelNotFound(name) }
            state.models[name]?.aliases[alias] = nil
            return [:]
        }
    }

    func getAlias(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let alias = try Self.required(params, "alias")
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .modelNotFound(name) }
            guard let number = model.aliases[alias], let version = model.versions.first(where: { $0.number == number })
            else { throw .invalid("Registered model alias \(alias) not found.") }
            return ["model_version": Self.view(version, model: model, withAliases: true)]
        }
    }

    func latestVersions(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let stages = Self.strings(params, "stages").compactMap(Self.canonicalStage)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard let model = state.models[name] else { throw .modelNotFound(name) }
            var latest: [String: MLflowVersionRecord] = [:]
            for version in model.versions where stages.isEmpty || stages.contains(version.stage) {
                if (latest[version.stage]?.number ?? 0) < version.number { latest[version.stage] = version }
            }
            let views = latest.values.sorted { $0.number < $1.number }.map {
                Self.view($0, model: model, withAliases: false)
            }
            return views.isEmpty ? [:] : ["model_versions": .array(views)]
        }
    }

    // MARK: - Model versions

    func searchVersions(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let size = try Self.pageSize(params, default: 10_000, max: Self.maxVersionsPageSize)
        let clauses = try Self.parseFilter(
            Self.string(params, "filter"), allowed: ["name", "source_path", "run_id", "version_number"])
        let orderKeys: Set<String> = ["creation_timestamp", "name", "last_updated_timestamp", "version_number"]
        var order = try Self.parseOrder(Self.strings(params, "order_by"), allowed: orderKeys) { key in
            "Invalid attribute key '\(key)' specified. Valid keys are '{'creation_timestamp', 'name', 'last_updated_timestamp', 'version_number'}'"
        }
        if order.isEmpty { order = [("last_updated_timestamp", true)] }
        order += [("name", false), ("version_number", true)]
        let offset = try Self.offset(params)
        return state.withLock { state -> JSONValue in
            var rows: [(MLflowModelRecord, MLflowVersionRecord)] = []
            for model in state.models.values {
                for version in model.versions {
                    let matches = clauses.allSatisfy { clause in
                        switch clause.key {
                        case "name": return Self.compare(model.name, clause)
                        case "run_id": return Self.compare(version.runID, clause)
                        case "source_path": return Self.compare(version.source, clause)
                        case "version_number": return Self.compare(String(version.number), clause)
                        default:
                            let key = String(clause.key.dropFirst(5))
                            return Self.compare(version.tags.first { $0.key == key }?.value, clause)
                        }
                    }
                    if matches { rows.append((model, version)) }
                }
            }
            rows.sort { a, b in
                Self.ordered(a, b, by: order) { row, key in
                    switch key {
                    case "name": return (row.0.name, 0)
                    case "version_number": return ("", Int64(row.1.number))
                    case "creation_timestamp": return ("", row.1.createdAt)
                    default: return ("", row.1.updatedAt)
                    }
                }
            }
            let (page, next) = Self.paged(rows, offset: offset, size: size)
            var object: [String: JSONValue] = [:]
            if !page.isEmpty {
                object["model_versions"] = .array(page.map { Self.view($0.1, model: $0.0, withAliases: false) })
            }
            if let next { object["next_page_token"] = .string(next) }
            return .object(object)
        }
    }

    /// Runs `body` on the stored version, or throws MLflow's 404.
    func withVersion<T>(
        _ params: [String: JSONValue],
        _ body: (inout State, inout MLflowModelRecord, Int) throws(MLflowAPIError) -> T
    ) throws(MLflowAPIError) -> T {
        let name = try Self.required(params, "name")
        let text = try Self.required(params, "version")
        let number = try Self.versionNumber(text)
        return try state.withLock { state throws(MLflowAPIError) -> T in
            guard var model = state.models[name], let index = model.versions.firstIndex(where: { $0.number == number })
            else { throw .versionNotFound(name, text) }
            let result = try body(&state, &model, index)
            state.models[name] = model
            return result
        }
    }

    func getVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        try withVersion(params) { _, model, index throws(MLflowAPIError) in
            ["model_version": Self.view(model.versions[index], model: model, withAliases: true)]
        }
    }

    /// Schemes MLflow 3 refuses as a version source by default (they make the server connect to another host).
    static let hostAddressedSchemes: Set<String> = [
        "ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss",
    ]

    static func checkSource(_ source: String) throws(MLflowAPIError) {
        let scheme: String?
        if let colon = source.firstIndex(of: ":"), source[..<colon].count > 1,
            source[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        {
            scheme = source[..<colon].lowercased()
        } else {
            scheme = nil
        }
        if scheme == nil || scheme == "file" {
            throw .invalid(
                "Invalid model version source: '\(source)'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id."
            )
        }
        if let scheme, hostAddressedSchemes.contains(scheme),
            scheme != "mlflow-artifacts" || source.dropFirst(scheme.count).hasPrefix("://")
        {
            throw .invalid(
                "'source' cannot use the '\(scheme)' scheme: the '\(scheme)' scheme addresses a host other than the tracking server's configured artifact storage, so the server would connect to the host named in the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it."
            )
        }
    }

    func createVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let name = try Self.required(params, "name")
        let source = try Self.required(params, "source")
        let tags = try Self.tags(params)
        let exists = state.withLock { $0.models[name] != nil }
        guard exists else { throw .modelNotFound(name) }
        try Self.checkSource(source)
        return try state.withLock { state throws(MLflowAPIError) -> JSONValue in
            guard var model = state.models[name] else { throw .modelNotFound(name) }
            let now = Self.stamp(&state, clock)
            let version = MLflowVersionRecord(
                number: model.nextVersion, description: Self.string(params, "description") ?? "", source: source,
                runID: Self.string(params, "run_id") ?? "", runLink: Self.string(params, "run_link") ?? "",
                stage: "None", status: "READY", tags: tags, createdAt: now, updatedAt: now)
            model.nextVersion += 1
            model.versions.append(version)
            model.updatedAt = now
            state.models[name] = model
            return ["model_version": Self.view(version, model: model, withAliases: false)]
        }
    }

    func updateVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let description = Self.string(params, "description")
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            if let description { model.versions[index].description = description }
            model.versions[index].updatedAt = Self.stamp(&state, clock)
            return ["model_version": Self.view(model.versions[index], model: model, withAliases: false)]
        }
    }

    func deleteVersion(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            let number = model.versions[index].number
            model.versions.remove(at: index)
            model.aliases = model.aliases.filter { $0.value != number }
            model.updatedAt = Self.stamp(&state, clock)
            return [:]
        }
    }

    func setVersionTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let key = try Self.required(params, "key")
        let value = Self.string(params, "value") ?? ""
        return try withVersion(params) { _, model, index throws(MLflowAPIError) in
            model.versions[index].tags.setTag(key, value)
            return [:]
        }
    }

    func deleteVersionTag(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let key = try Self.required(params, "key")
        return try withVersion(params) { _, model, index throws(MLflowAPIError) in
            model.versions[index].tags.removeAll { $0.key == key }
            return [:]
        }
    }

    func transitionStage(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        let text = try Self.required(params, "stage")
        guard let stage = Self.canonicalStage(text) else {
            throw .invalid("Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived.")
        }
        let archiveOthers = params["archive_existing_versions"]?.boolValue ?? false
        let clock = self.clock
        return try withVersion(params) { state, model, index throws(MLflowAPIError) in
            let now = Self.stamp(&state, clock)
            if archiveOthers, stage == "Staging" || stage == "Production" {
                for other in model.versions.indices where other != index && model.versions[other].stage == stage {
                    model.versions[other].stage = "Archived"
                    model.versions[other].updatedAt = now
                }
            }
            model.versions[index].stage = stage
            model.versions[index].updatedAt = now
            model.updatedAt = now
            return ["model_version": Self.view(model.versions[index], model: model, withAliases: false)]
        }
    }

    // MARK: - Runs

    func getRun(_ params: [String: JSONValue]) throws(MLflowAPIError) -> JSONValue {
        guard let id = Self.string(params, "run_id") ?? Self.string(params, "run_uuid"), !id.isEmpty else {
            throw .missing("run_id")
        }
        let run = state.withLock { $0.runs[id] }
        guard let run else { throw .notFound("Run with id=\(id) not found") }
        var data: [String: JSONValue] = [:]
        if !run.metrics.isEmpty {
            data["metrics"] = .array(
                run.metrics.sorted { $0.key < $1.key }.map {
                    ["key": .string($0.key), "value": .double($0.value), "timestamp": .int(run.startTime), "step": 0]
                })
        }
        if !run.tags.isEmpty {
            data["tags"] = .array(run.tags.sorted { $0.key < $1.key }.map { ["key": .string($0.key), "value": .string($0.value)] })
        }
        let info: JSONValue = [
            "run_uuid": .string(id), "experiment_id": "0", "run_name": "", "user_id": "", "status": "FINISHED",
            "start_time": .int(run.startTime), "artifact_uri": .string("mlflow-artifacts:/0/\(id)/artifacts"),
            "lifecycle_stage": "active", "run_id": .string(id),
        ]
        var inputs: [String: JSONValue] = [:]
        if !run.datasets.isEmpty {
            inputs["dataset_inputs"] = .array(
                run.datasets.map { dataset in
                    var input: [String: JSONValue] = [
                        "dataset": [
                            "name": .string(dataset.name), "digest": .string(dataset.digest),
                            "source_type": .string(dataset.sourceType), "source": .string(dataset.source),
                        ]
                    ]
                    if let context = dataset.context {
                        input["tags"] = [["key": "mlflow.data.context", "value": .string(context)]]
                    }
                    return .object(input)
                })
        }
        return ["run": ["info": info, "data": .object(data), "inputs": .object(inputs), "outputs": [:]]]
    }
}
