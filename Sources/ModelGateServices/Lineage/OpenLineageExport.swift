import Foundation
import ModelGateCore

/// A lineage neighbourhood as OpenLineage 2-0-2 events, one JSON object a line:
/// - a `DatasetEvent` per model version: namespace `KIND://REGISTRY`, name `MODEL@VERSION`, facets `datasetType`
///   (`MODEL`), `version` (`datasetVersion`), `symlinks` (its copies in other registries: `migrated_from` either
///   way and `same_as`), `tags` and `documentation` when it has them;
/// - a `RunEvent` (`COMPLETE`) per training run: inputs are the datasets it `used`, outputs the versions it
///   produced; job facets `jobType` and, with a repository URL, `sourceCodeLocation` (the commit as `version`);
/// - a `RunEvent` (`COMPLETE`) per ModelGate migration: input the source version, output the copy.
///
/// Run ids are UUIDs: a copy id that is one is kept, anything else gets a stable name-based UUID.
public enum OpenLineageExport {
    /// The `producer` URI every event carries: this ModelGate release's source tree.
    public static let producer = "https://github.com/modelgate/modelgate/tree/v0.1.0"
    static let schema = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
    static let facets = "https://openlineage.io/spec/facets"

    /// The events as JSON Lines: one compact object with sorted keys a line, each line ending with a newline.
    public static func jsonLines(_ graph: LineageNeighbourhood) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try events(graph).map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    }

    /// The events described above, dataset events first, as JSON values.
    public static func events(_ graph: LineageNeighbourhood) -> [JSONValue] {
        var events: [JSONValue] = []
        let byID = Dictionary(graph.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func node(_ id: String) -> LineageNode { byID[id] ?? LineageNode(id: id) }

        for version in graph.nodes where version.kind == .version {
            var copies: [LineageNode] = []
            for edge in graph.edges where edge.relation == .migratedFrom || edge.relation == .sameAs {
                if edge.from == version.id { copies.append(node(edge.to)) }
                if edge.to == version.id { copies.append(node(edge.from)) }
            }
            var facets = versionFacets(version)
            let identifiers: [JSONValue] = Array(Set(copies.map(\.id))).sorted().compactMap { id in
                let copy = node(id)
                guard copy.registry != version.registry || copy.id != version.id else { return nil }
                let name = datasetName(copy)
                return .object(["namespace": .string(name.namespace), "name": .string(name.name), "type": "MODEL"])
            }
            if !identifiers.isEmpty {
                facets["symlinks"] = facet("1-0-1/SymlinksDatasetFacet", ["identifiers": .array(identifiers)])
            }
            let name = datasetName(version)
            let at = version.version?.updatedAt ?? version.version?.createdAt ?? graph.generatedAt
            events.append(
                .object([
                    "eventTime": .string(Timestamp.format(at)), "producer": .string(producer),
                    "schemaURL": .string(schema + "#/$defs/DatasetEvent"),
                    "dataset": .object([
                        "namespace": .string(name.namespace), "name": .string(name.name), "facets": .object(facets),
                    ]),
                ]))
        }

        for run in graph.nodes where run.kind == .run {
            let inputs = graph.edges.filter { $0.from == run.id && $0.relation == .used }.map { dataset(node($0.to)) }
            let producedEdges = graph.edges.filter { $0.to == run.id && $0.relation == .producedBy }
            let outputs = producedEdges.map { dataset(node($0.from)) }
            var jobFacets: [String: JSONValue] = [
                "jobType": facet(
                    "2-0-4/JobTypeJobFacet",
                    ["processingType": "BATCH", "integration": .string(integration(run)), "jobType": "TRAINING"])
            ]
            if let commitEdge = graph.edges.first(where: { $0.from == run.id && $0.relation == .builtFrom }) {
                let commit = node(commitEdge.to)
                let sha = commit.attributes["sha"] ?? String(commit.id.dropFirst("commit:".count))
                if let repo = commit.attributes["repository"], let url = webURL(repo) {
                    jobFacets["sourceCodeLocation"] = facet(
                        "1-1-0/SourceCodeLocationJobFacet",
                        ["type": "git", "url": .string(url), "repoUrl": .string(repo), "version": .string(sha)])
                }
            }
            let nativeID = String(run.id.dropFirst("run:".count + (run.registry?.count ?? 0) + 1))
            let times = producedEdges.compactMap { node($0.from).version?.createdAt }
            let at = times.max() ?? producedEdges.map(\.observedAt).max() ?? graph.generatedAt
            events.append(
                runEvent(
                    at: at, runID: runUUID(run.id),
                    runFacets: [
                        "tags": facet(
                            "1-0-0/TagsRunFacet",
                            [
                                "tags": .array([
                                    .object([
                                        "key": "registry_run_id", "value": .string(nativeID), "source": "MODELGATE",
                                    ])
                                ])
                            ])
                    ],
                    jobNamespace: namespace(registry: run.registry, kind: run.attributes["kind"] ?? kindOf(run, graph)),
                    jobName: "train/\(nativeID)", jobFacets: jobFacets, inputs: inputs, outputs: outputs))
        }

        // One migration run per copy: by copy id when the edge names one, else per edge.
        var seen: Set<String> = []
        for edge in graph.edges where edge.relation == .migratedFrom {
            let copyID = edge.properties["copy_id"] ?? "\(edge.to)->\(edge.from)"
            guard seen.insert(copyID + "\u{1}" + edge.from).inserted else { continue }
            let source = node(edge.to), target = node(edge.from)
            events.append(
                runEvent(
                    at: edge.observedAt, runID: UUID(uuidString: copyID)?.uuidString.lowercased() ?? runUUID("copy:" + copyID),
                    runFacets: [
                        "tags": facet(
                            "1-0-0/TagsRunFacet",
                            ["tags": .array([.object(["key": "copy_id", "value": .string(copyID), "source": "MODELGATE"])])])
                    ],
                    jobNamespace: "modelgate",
                    jobName: "migrate/\(source.registry ?? "?")->\(target.registry ?? "?")",
                    jobFacets: [
                        "jobType": facet(
                            "2-0-4/JobTypeJobFacet",
                            ["processingType": "BATCH", "integration": "MODELGATE", "jobType": "MIGRATION"])
                    ],
                    inputs: [dataset(source)], outputs: [dataset(target)]))
        }
        return events
    }

    // MARK: Pieces

    static func runEvent(
        at: Date, runID: String, runFacets: [String: JSONValue], jobNamespace: String, jobName: String,
        jobFacets: [String: JSONValue], inputs: [JSONValue], outputs: [JSONValue]
    ) -> JSONValue {
        .object([
            "eventType": "COMPLETE", "eventTime": .string(Timestamp.format(at)), "producer": .string(producer),
            "schemaURL": .string(schema + "#/$defs/RunEvent"),
            "run": .object(["runId": .string(runID), "facets": .object(runFacets)]),
            "job": .object([
                "namespace": .string(jobNamespace), "name": .string(jobName), "facets": .object(jobFacets),
            ]),
            "inputs": .array(inputs), "outputs": .array(outputs),
        ])
    }

    static func facet(_ path: String, _ fields: [String: JSONValue]) -> JSONValue {
        let name = String(path.split(separator: "/").last ?? "")
        var object = fields
        object["_producer"] = .string(producer)
        object["_schemaURL"] = .string("\(facets)/\(path).json#/$defs/\(name)")
        return .object(object)
    }

    static func versionFacets(_ node: LineageNode) -> [String: JSONValue] {
        var facets: [String: JSONValue] = ["datasetType": facet("1-0-1/DatasetTypeDatasetFacet", ["datasetType": "MODEL"])]
        if let ref = node.versionRef, let version = ref.version {
            facets["version"] = facet("1-0-1/DatasetVersionDatasetFacet", ["datasetVersion": .string(version)])
        }
        if let version = node.version {
            var tags: [JSONValue] = version.tags.sorted { $0.key < $1.key }.map {
                .object(["key": .string($0.key), "value": .string($0.value), "source": .string(version.kind.rawValue.uppercased())])
            }
            tags.append(.object(["key": "lifecycle", "value": .string(version.lifecycle.rawValue), "source": "MODELGATE"]))
            for alias in version.aliases {
                tags.append(.object(["key": "alias", "value": .string(alias), "source": .string(version.kind.rawValue.uppercased())]))
            }
            if let digest = version.artifactDigest {
                tags.append(.object(["key": "artifact_digest", "value": .string(digest), "source": "MODELGATE"]))
            }
            facets["tags"] = facet("1-0-0/TagsDatasetFacet", ["tags": .array(tags)])
            if let description = version.description, !description.isEmpty {
                facets["documentation"] = facet(
                    "1-1-0/DocumentationDatasetFacet", ["description": .string(description), "contentType": "text/plain"])
            }
        }
        return facets
    }

    /// An input or output dataset: a model version (with its type and version facets) or a training dataset.
    static func dataset(_ node: LineageNode) -> JSONValue {
        let name = datasetName(node)
        var facets: [String: JSONValue] = [:]
        if node.kind == .version {
            facets = versionFacets(node)
            facets["tags"] = nil
            facets["documentation"] = nil
        } else if let digest = node.attributes["digest"] {
            facets["version"] = facet("1-0-1/DatasetVersionDatasetFacet", ["datasetVersion": .string(digest)])
        }
        return .object(["namespace": .string(name.namespace), "name": .string(name.name), "facets": .object(facets)])
    }

    static func datasetName(_ node: LineageNode) -> (namespace: String, name: String) {
        if let ref = node.versionRef {
            return (namespace(registry: ref.registry, kind: node.version?.kind.rawValue), "\(ref.model)@\(ref.version ?? "")")
        }
        if node.kind == .dataset {
            let rest = String(node.id.dropFirst("dataset:".count))
            if let source = node.datasetSourceURI, let url = URL(string: source), let scheme = url.scheme,
                let host = url.host, !host.isEmpty
            {
                let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
                return ("\(scheme)://\(host)", path.isEmpty ? node.attributes["name"] ?? rest : path)
            }
            return ("modelgate://datasets", node.attributes["name"] ?? rest)
        }
        return ("modelgate", node.id)
    }

    static func namespace(registry: String?, kind: String?) -> String {
        "\(kind ?? "modelgate")://\(registry ?? "unknown")"
    }

    static func integration(_ run: LineageNode) -> String { (run.registry ?? "modelgate").uppercased() }

    /// The kind of the registry a run lives in, from a version of the same registry in the graph.
    static func kindOf(_ node: LineageNode, _ graph: LineageNeighbourhood) -> String? {
        graph.nodes.first { $0.registry == node.registry && $0.version != nil }?.version?.kind.rawValue
    }

    /// An `https` URL for a repository (`git@host:org/repo.git` becomes `https://host/org/repo`).
    static func webURL(_ repo: String) -> String? {
        var text = repo
        if text.hasPrefix("git@"), let colon = text.firstIndex(of: ":") {
            text = "https://" + text[text.index(text.startIndex, offsetBy: 4)..<colon] + "/" + text[text.index(after: colon)...]
        }
        if text.hasSuffix(".git") { text.removeLast(4) }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else { return nil }
        return text
    }

    /// A stable name-based UUID (version 5 layout, FNV-1a hashing) for ids that are not UUIDs.
    static func runUUID(_ name: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = seed
            for byte in name.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return hash
        }
        let high = fnv(0xcbf2_9ce4_8422_2325), low = fnv(0x8422_2325_cbf2_9ce4)
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
