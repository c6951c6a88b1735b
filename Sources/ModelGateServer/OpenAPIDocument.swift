import Foundation
import ModelGateCore

/// The OpenAPI 3.1 document served at `/api/v1/openapi.json`. Written by hand next to the routes; a test checks
/// that every registered route appears here with its method, and nothing else does.
enum OpenAPIDocument {
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    /// A query parameter. `schema` adds keywords (`enum`, `minimum`, `pattern`, …) to `{"type": type}`; a required
    /// string is non-empty (an empty value counts as absent, DESIGN §7).
    static func query(
        _ name: String, _ description: String, type: String = "string", required: Bool = false, array: Bool = false,
        schema extra: [String: Any] = [:]
    ) -> [String: Any] {
        var item: [String: Any] = ["type": type]
        if required, type == "string" { item["minLength"] = 1 }
        item.merge(extra) { _, new in new }
        let schema: [String: Any] = array ? ["type": "array", "items": item] : item
        return ["name": name, "in": "query", "required": required, "description": description, "schema": schema]
            .merging(array ? ["explode": true] : [:]) { a, _ in a }
    }

    /// `limit`: 1 to the largest page (``ServerLimits/maxPageSize``'s default).
    static func limit(_ description: String = "Page size (default 100, at most 1000)") -> [String: Any] {
        query("limit", description, type: "integer", schema: ["minimum": 1, "maximum": ServerLimits().maxPageSize])
    }

    /// `cursor`: an opaque `next_cursor` the server issued (a made-up one is a 400 naming `cursor`).
    static var cursor: [String: Any] { query("cursor", "next_cursor of the previous page (opaque; 400 if not one)") }

    static func path(_ name: String, _ description: String, type: String = "string") -> [String: Any] {
        let schema: [String: Any] = type == "string" ? ["type": type, "minLength": 1] : ["type": type, "format": "int64"]
        return ["name": name, "in": "path", "required": true, "description": description, "schema": schema]
    }

    static func json(_ schema: [String: Any], _ description: String = "OK") -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    static func list(_ item: String) -> [String: Any] {
        [
            "type": "object", "required": ["items", "next_cursor"],
            "properties": ["items": ["type": "array", "items": ref(item)], "next_cursor": ["type": ["string", "null"]]],
        ]
    }

    /// The error answers every route may give, in `schema`'s shape (``APIError``; MLflow's under `/api/2.0/mlflow/`).
    static func errors(_ schema: String = "Error", extra: [String] = []) -> [String: Any] {
        var all: [String: String] = [
            "400": "Bad input (`error.field` names the parameter), or a non-canonical path",
            "401": "No or unknown bearer token", "403": "The token's role may not do this, or the server is read-only",
            "404": "Not in the catalog, or no such route", "413": "Request body too large",
            "421": "Without server.tokens: a Host header other than localhost, 127.0.0.1 or [::1] (DNS rebinding)",
            "500": "Internal error; the message carries a request id to find it in the server log",
            "503": "The request was cancelled (server shutting down)", "504": "The catalog query took too long",
        ]
        for status in extra { all[status] = extraStatuses[status] }
        return all.mapValues { json(ref(schema), $0) }
    }

    static let extraStatuses = [
        "409": "Conflicts with the server's state (nothing configured, a sync already running, a stale or conflicted plan)",
        "502": "A registry failed the call",
    ]

    static func get(
        _ summary: String, tag: String, parameters: [[String: Any]] = [], response: [String: Any], open: Bool = false
    ) -> [String: Any] {
        var op = operation(summary, tag: tag, parameters: parameters, response: response)
        if open { op["security"] = [[String: Any]]() }
        return ["get": op]
    }

    static func operation(
        _ summary: String, tag: String, parameters: [[String: Any]] = [], body: [String: Any]? = nil,
        response: [String: Any], status: String = "200", errorSchema: String = "Error", extraErrors: [String] = [],
        bodyRequired: Bool = false
    ) -> [String: Any] {
        var op: [String: Any] = [
            "summary": summary, "tags": [tag], "parameters": parameters,
            "responses": errors(errorSchema, extra: extraErrors).merging([status: response]) { _, new in new },
        ]
        if let body { op["requestBody"] = ["required": bodyRequired, "content": ["application/json": ["schema": body]]] }
        return op
    }

    /// A web page: HTML, or the API's JSON error.
    static func html(_ summary: String, parameters: [[String: Any]] = []) -> [String: Any] {
        let page: [String: Any] = ["description": "HTML page", "content": ["text/html": ["schema": ["type": "string"]]]]
        return ["get": operation(summary, tag: "web", parameters: parameters, response: page)]
    }

    /// Lifecycle words (DESIGN §2).
    static var lifecycles: [String] { Lifecycle.allCases.map(\.rawValue) }

    /// The filters of `GET /api/v1/versions`; on the web page (`form`) an empty select ("any") counts as absent.
    static func versionFilters(form: Bool = false) -> [[String: Any]] {
        [
        query("registry", "Only this registry"), query("model", "Only this model (native name)"),
        query("alias", "Versions this alias points at"),
        query("lifecycle", lifecycles.joined(separator: ", "), schema: ["enum": (form ? [""] : []) + lifecycles]),
        query("tag", "KEY=VALUE, repeatable; all must match", array: true, schema: ["pattern": form ? "^([^=]+=|$)" : "^[^=]+="]),
        query("search", "Case-insensitive substring of model, version, description or a tag value"),
        form ? query("include_deleted", "Also tombstoned versions", schema: ["enum": ["", "true", "false"]])
            : query("include_deleted", "Also tombstoned versions", type: "boolean"),
        limit(), cursor,
        ]
    }

    static func modelFilters(form: Bool = false) -> [[String: Any]] {
        [
            query("registry", "Only this registry"), query("search", "Substring of name, description or a tag value"),
            form ? query("include_deleted", "Also tombstoned models", schema: ["enum": ["", "true", "false"]])
                : query("include_deleted", "Also tombstoned models", type: "boolean"),
            limit(), cursor,
        ]
    }

    /// An MLflow-compatible operation: MLflow's answer, MLflow's `{"error_code", "message"}` errors (DESIGN §7).
    static func mlflow(_ summary: String, _ parameters: [[String: Any]], _ key: String) -> [String: Any] {
        [
            "get": operation(
                summary, tag: "mlflow", parameters: parameters, response: json(["type": "object", "required": [key]]),
                errorSchema: "MLflowError")
        ]
    }

    /// The filter grammar ``MLflowFilter`` answers, clauses joined by ` AND `: `name = '…'`, `name LIKE '…'`,
    /// `name ILIKE '…'`, `tags.KEY = '…'`, `tags.KEY != '…'` and (versions only) `run_id = '…'`, `source_path = '…'`.
    static func mlflowFilter(versions: Bool) -> [String: Any] {
        // Quoted names, ids and URIs in ASCII (the grammar the `mlflow` client uses; the server takes more), at most
        // 500 characters (the longest LIKE pattern); the whole filter at most 4096.
        let value = #"('[A-Za-z0-9_.%:/@+*-]{0,500}'|"[A-Za-z0-9_.%:/@+*-]{0,500}")"#
        var clauses = [
            "name *= *\(value)", "name +(LIKE|ILIKE|like|ilike) +\(value)",
            "tags\\.(`[A-Za-z0-9_.-]+`|[A-Za-z0-9_.-]+) *!?= *\(value)",
        ]
        if versions { clauses += ["run_id *= *\(value)", "source_path *= *\(value)"] }
        let clause = "(" + clauses.joined(separator: "|") + ")"
        return query(
            "filter",
            "name = 'REGISTRY.MODEL', name LIKE '…', tags.KEY = '…'\(versions ? ", run_id = '…', source_path = '…'" : "") (joined by AND)",
            schema: ["pattern": "^(\(clause)( (AND|and) \(clause))*)?$", "maxLength": 4096])
    }

    static func document() -> [String: Any] {
        let stringMap: [String: Any] = ["type": "object", "additionalProperties": ["type": "string"]]
        let nullableString: [String: Any] = ["type": ["string", "null"]]
        let schemas: [String: Any] = [
            "Error": [
                "type": "object", "required": ["error"],
                "properties": [
                    "error": [
                        "type": "object", "required": ["code", "message", "field"],
                        "properties": ["code": ["type": "string"], "message": ["type": "string"], "field": nullableString],
                    ]
                ],
            ],
            "MLflowError": [
                "type": "object", "required": ["error_code", "message"],
                "properties": ["error_code": ["type": "string"], "message": ["type": "string"]],
                "description": "MLflow's error shape, answered by every /api/2.0/mlflow/ route",
            ],
            "Registry": [
                "type": "object",
                "properties": [
                    "name": ["type": "string"], "kind": ["type": "string", "enum": RegistryKind.allCases.map(\.rawValue)],
                    "endpoint": nullableString, "last_sync_at": nullableString, "last_sync_status": nullableString,
                    "last_sync_message": nullableString,
                ],
            ],
            "Model": [
                "type": "object",
                "properties": [
                    "registry": ["type": "string"], "kind": ["type": "string"], "name": ["type": "string"],
                    "description": nullableString, "tags": stringMap, "created_at": nullableString,
                    "updated_at": nullableString, "version_count": ["type": "integer"], "deleted": ["type": "boolean"],
                ],
            ],
            "ModelDetail": [
                "type": "object", "required": ["versions", "versions_next_cursor", "version_count", "lineage"],
                "properties": [
                    "registry": ["type": "string"], "kind": ["type": "string"], "name": ["type": "string"],
                    "description": nullableString, "tags": stringMap, "deleted": ["type": "boolean"],
                    "versions": ["type": "array", "items": ref("Version"), "description": "One page, deleted versions too"],
                    "versions_next_cursor": ["type": ["string", "null"], "description": "Pass as `cursor` for the next page"],
                    "version_count": ["type": "integer", "description": "All versions of the model, deleted ones too"],
                    "lineage": ["type": "array", "items": ref("LineageEdge")],
                ],
            ],
            "LineageGraph": [
                "type": "object", "required": ["root", "nodes", "edges", "truncated"],
                "properties": [
                    "root": ["type": "string"], "depth": ["type": "integer"], "direction": ["type": "string"],
                    "nodes": ["type": "array", "items": ["type": "object"]],
                    "edges": ["type": "array", "items": ref("LineageEdge")],
                    "truncated": [
                        "type": ["object", "null"],
                        "description": "Set when the walk stopped early: `reason` (node_cap or deadline), `limit`, `message`",
                    ],
                ],
            ],
            "Version": [
                "type": "object",
                "properties": [
                    "registry": ["type": "string"], "kind": ["type": "string"], "model": ["type": "string"],
                    "version": ["type": "string"], "description": nullableString,
                    "status": ["type": "string", "enum": VersionStatus.allCases.map(\.rawValue)],
                    "lifecycle": ["type": "string", "enum": Lifecycle.allCases.map(\.rawValue)],
                    "lifecycle_raw": nullableString, "aliases": ["type": "array", "items": ["type": "string"]],
                    "tags": stringMap, "source_uri": nullableString, "artifact_digest": nullableString,
                    "run": ["type": ["object", "null"]], "metrics": ["type": "object"], "created_at": nullableString,
                    "updated_at": nullableString, "created_by": nullableString, "deleted": ["type": "boolean"],
                ],
            ],
            "LineageEdge": [
                "type": "object",
                "properties": [
                    "from": ["type": "string"], "to": ["type": "string"],
                    "relation": ["type": "string", "enum": LineageRelation.allCases.map(\.rawValue)],
                    "asserted_by": ["type": "string"], "observed_at": ["type": "string"], "properties": stringMap,
                ],
            ],
            "Change": [
                "type": "object",
                "properties": [
                    "at": ["type": "string"], "registry": ["type": "string"], "model": ["type": "string"],
                    "version": nullableString, "kind": ["type": "string"], "field": nullableString,
                    "before": nullableString, "after": nullableString, "actor": nullableString, "source": ["type": "string"],
                ],
            ],
            "Conflict": [
                "type": "object",
                "properties": [
                    "id": ["type": "integer"], "kind": ["type": "string"], "registry": ["type": "string"],
                    "model": ["type": "string"], "version": nullableString, "field": nullableString,
                    "values": ["type": "object"], "status": ["type": "string", "enum": ["open", "resolved"]],
                    "resolution": nullableString,
                ],
            ],
            "AuditEntry": [
                "type": "object",
                "properties": [
                    "id": ["type": "integer"], "at": ["type": "string"], "token_name": ["type": "string"],
                    "role": nullableString, "method": ["type": "string"], "path": ["type": "string"],
                    "status": ["type": "integer"], "detail": nullableString,
                ],
            ],
            "SyncStatus": [
                "type": "object", "required": ["id", "status", "registries", "summary"],
                "properties": [
                    "id": ["type": "string"], "status": ["type": "string", "enum": ["running", "succeeded", "failed"]],
                    "started_at": ["type": "string"], "finished_at": nullableString, "started_by": ["type": "string"],
                    "registries": ["type": "array", "items": ["type": "object"]],
                    "conflicts_opened": ["type": "integer"],
                    "error": [
                        "type": ["string", "null"],
                        "description": "Why the sync failed beyond its registries (conflict detection, the catalog, shutdown)",
                    ],
                    "summary": ["type": ["object", "null"], "description": "The `modelgate sync --output json` summary"],
                ],
            ],
            "MigrationPlan": [
                "type": "object", "required": ["id", "from", "to", "actions", "conflicts", "skips"],
                "properties": [
                    "id": ["type": "string"], "from": ["type": "string"], "to": ["type": "string"],
                    "created_at": ["type": "string"], "options": ["type": "object"], "names": stringMap,
                    "actions": ["type": "array", "items": ["type": "object"]],
                    "conflicts": ["type": "array", "items": ["type": "object"]],
                    "skips": ["type": "array", "items": ["type": "object"]],
                ],
            ],
        ]
        func mlflowPaging(versions: Bool) -> [[String: Any]] {
            [
                mlflowFilter(versions: versions),
                query(
                    "max_results", "Page size (capped at \(ServerLimits().mlflowMaxResults))", type: "integer",
                    schema: ["minimum": 1, "maximum": Int64.max]),
                query("order_by", "Ignored (repeatable)", array: true), query("page_token", "next_page_token of the previous page (opaque)"),
            ]
        }
        let mlflowName = query("name", "REGISTRY.MODEL", required: true)
        let lineageTypes = ["application/json", "application/x-ndjson", "text/html", "text/markdown", "text/vnd.graphviz", "text/plain"]
        let refPattern = "^[^:@]+:[^@]+(@[^@]+)?$"
        let paths: [String: Any] = [
            "/api/v1/registries": get("Registries in the catalog", tag: "catalog", response: json(list("Registry"))),
            "/api/v1/models": get(
                "Models across registries", tag: "catalog", parameters: modelFilters(), response: json(list("Model"))),
            "/api/v1/versions": get(
                "Versions across registries (every filter of `modelgate versions`)", tag: "catalog",
                parameters: versionFilters(), response: json(list("Version"))),
            "/api/v1/registries/{registry}/models/{model}": get(
                "One model with a bounded page of its versions (`versions_next_cursor` for the rest) and its lineage edges",
                tag: "catalog",
                parameters: [
                    path("registry", "Registry name"), path("model", "Model's native name"),
                    limit("Versions in this answer (default 100, at most 1000)"),
                    query("cursor", "versions_next_cursor of the previous answer (opaque; 400 if not one)"),
                ],
                response: json(ref("ModelDetail"))),
            "/api/v1/registries/{registry}/models/{model}/versions/{version}": get(
                "One version with lineage neighbours and copy chain", tag: "catalog",
                parameters: [path("registry", "Registry name"), path("model", "Model's native name"), path("version", "Native version")],
                response: json(ref("Version"))),
            "/api/v1/history": get(
                "The change log of one model, oldest first, one page at a time", tag: "catalog",
                parameters: [
                    query("registry", "Registry", required: true), query("model", "Model", required: true),
                    query("alias", "Only moves of this alias"),
                    [
                        "name": "since", "in": "query", "required": false, "description": "RFC 3339 time or YYYY-MM-DD",
                        "schema": ["anyOf": [["type": "string", "format": "date-time"], ["type": "string", "format": "date"]]],
                    ],
                    limit(), cursor,
                ], response: json(list("Change"))),
            "/api/v1/conflicts": get(
                "Detected conflicts, one page at a time", tag: "conflicts",
                parameters: [query("status", "open or resolved", schema: ["enum": ["open", "resolved"]]), limit(), cursor],
                response: json(list("Conflict"))),
            "/api/v1/conflicts/{id}": get(
                "One conflict", tag: "conflicts", parameters: [path("id", "Conflict id", type: "integer")],
                response: json(ref("Conflict"))),
            "/api/v1/lineage": get(
                "The lineage neighbourhood of a model or version (the formats of `modelgate lineage`), cut at a node cap and a deadline",
                tag: "lineage",
                parameters: [
                    query("ref", "REGISTRY:MODEL[@VERSION]", required: true, schema: ["pattern": refPattern]),
                    query("format", "json (default), text, markdown, html, openlineage (JSON Lines), dot or mermaid",
                          schema: ["enum": LineageEndpoint.formats]),
                    query("depth", "hops to follow (0–50, default 5); copy hops are always followed", type: "integer",
                          schema: ["minimum": 0, "maximum": 50]),
                    query("direction", "up, down or both (default)", schema: ["enum": ["up", "down", "both"]]),
                ],
                response: [
                    "description": "The graph in the requested format",
                    "content": Dictionary(uniqueKeysWithValues: lineageTypes.map { type -> (String, Any) in
                        (type, ["schema": type == "application/json" ? ref("LineageGraph") : ["type": "string"]])
                    }),
                ]),
            "/api/v1/sync": [
                "post": operation(
                    "Start a sync in the background (operator)", tag: "operations",
                    body: [
                        "type": "object", "additionalProperties": false,
                        "properties": ["registries": ["type": "array", "items": ["type": "string"]], "full": ["type": "boolean"]],
                    ],
                    response: json(["type": "object", "required": ["id"], "properties": ["id": ["type": "string"]]], "Started"),
                    status: "202", extraErrors: ["409"])
            ],
            "/api/v1/sync/{id}": get(
                "Progress of a sync, then its summary", tag: "operations", parameters: [path("id", "Sync id")],
                response: json(ref("SyncStatus"))),
            "/api/v1/migrations/plan": [
                "post": operation(
                    "Plan a migration (operator)", tag: "operations",
                    body: [
                        "type": "object", "required": ["from", "to"], "additionalProperties": false,
                        "properties": [
                            "from": ["type": "string", "description": "REGISTRY[:MODEL[@VERSION]]", "pattern": "^[^:@]+(:[^@]+(@[^@]+)?)?$"],
                            "to": ["type": "string", "minLength": 1],
                            "rename": ["type": "string"], "copy_aliases": ["type": "boolean"],
                            "carry_lifecycle": ["type": "boolean"], "force": ["type": "boolean"],
                            "artifact_map": ["type": "array", "items": ["type": "string", "description": "FROM_PREFIX=TO_PREFIX"]],
                        ],
                    ], response: json(ref("MigrationPlan")), extraErrors: ["409", "502"], bodyRequired: true)
            ],
            "/api/v1/migrations/{id}/apply": [
                "post": operation(
                    "Apply a plan made by this server (operator); 409 when stale or conflicted", tag: "operations",
                    parameters: [path("id", "Plan id")], response: json(["type": "object"]), extraErrors: ["409", "502"])
            ],
            "/api/v1/audit": get(
                "The audit log of write requests, newest first (admin)", tag: "operations",
                parameters: [limit("At most this many rows (default 100, at most 1000)")], response: json(list("AuditEntry"))),
            "/api/v1/openapi.json": get("This document (no token)", tag: "meta", response: json(["type": "object"]), open: true),
            "/healthz": get("Liveness (no token)", tag: "meta", response: json(["type": "object"]), open: true),
            "/metrics": get(
                "Prometheus metrics (no token)", tag: "meta",
                response: ["description": "Prometheus text", "content": ["text/plain": ["schema": ["type": "string"]]]], open: true),
            "/api/2.0/mlflow/registered-models/search": mlflow(
                "MLflow SearchRegisteredModels over the catalog", mlflowPaging(versions: false), "registered_models"),
            "/api/2.0/mlflow/registered-models/get": mlflow(
                "MLflow GetRegisteredModel (latest_versions and aliases from a bounded query)", [mlflowName], "registered_model"),
            "/api/2.0/mlflow/model-versions/search": mlflow(
                "MLflow SearchModelVersions over the catalog", mlflowPaging(versions: true), "model_versions"),
            "/api/2.0/mlflow/model-versions/get": mlflow(
                "MLflow GetModelVersion", [mlflowName, query("version", "Native version", required: true)], "model_version"),
            "/api/2.0/mlflow/registered-models/alias": mlflow(
                "MLflow GetModelVersionByAlias", [mlflowName, query("alias", "Alias", required: true)], "model_version"),
            "/": html("Catalog: versions across registries with search and filters", parameters: versionFilters(form: true)),
            "/models": html("Models across registries", parameters: modelFilters(form: true)),
            "/ui/model": html(
                "One model: a page of versions (with the count of the rest), aliases, lifecycle, alias history",
                parameters: [
                    query("registry", "Registry", required: true), query("model", "Model", required: true), limit(), cursor,
                ]),
            "/ui/version": html(
                "One version with its lineage graph",
                parameters: [
                    query("registry", "Registry", required: true), query("model", "Model", required: true),
                    query("version", "Version", required: true),
                ]),
            "/conflicts": html(
                "Conflicts, one page at a time",
                parameters: [query("status", "open, resolved or all", schema: ["enum": ["", "open", "resolved", "all"]]), limit(), cursor]),
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "ModelGate", "version": "0.1.0",
                "description": "One catalog of every model version across registries (DESIGN §7).",
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": [String]()]],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
        ]
    }
}
