import Foundation
import ModelGateCore

/// The OpenAPI 3.1 document served at `/api/v1/openapi.json`. Written by hand next to the routes; a test checks
/// that every registered route appears here with its method, and nothing else does.
enum OpenAPIDocument {
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    static func query(_ name: String, _ description: String, type: String = "string", required: Bool = false, array: Bool = false)
        -> [String: Any]
    {
        let schema: [String: Any] = array ? ["type": "array", "items": ["type": type]] : ["type": type]
        return ["name": name, "in": "query", "required": required, "description": description, "schema": schema]
            .merging(array ? ["explode": true] : [:]) { a, _ in a }
    }

    static func path(_ name: String, _ description: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "description": description, "schema": ["type": "string"]]
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

    static var errors: [String: Any] {
        [
        "400": json(ref("Error"), "Bad input; `error.field` names the parameter"),
        "401": json(ref("Error"), "No or unknown bearer token"),
        "403": json(ref("Error"), "The token's role may not do this, or the server is read-only"),
        "404": json(ref("Error"), "Not in the catalog"),
        "413": json(ref("Error"), "Request body too large"),
        "504": json(ref("Error"), "The catalog query took too long"),
        ]
    }

    static func get(_ summary: String, tag: String, parameters: [[String: Any]] = [], response: [String: Any]) -> [String: Any] {
        ["get": operation(summary, tag: tag, parameters: parameters, response: response)]
    }

    static func operation(
        _ summary: String, tag: String, parameters: [[String: Any]] = [], body: [String: Any]? = nil,
        response: [String: Any], status: String = "200"
    ) -> [String: Any] {
        var op: [String: Any] = [
            "summary": summary, "tags": [tag], "parameters": parameters,
            "responses": errors.merging([status: response]) { _, new in new },
        ]
        if let body { op["requestBody"] = ["required": false, "content": ["application/json": ["schema": body]]] }
        return op
    }

    static func html(_ summary: String, parameters: [[String: Any]] = []) -> [String: Any] {
        [
            "get": [
                "summary": summary, "tags": ["web"], "parameters": parameters,
                "responses": ["200": ["description": "HTML page", "content": ["text/html": ["schema": ["type": "string"]]]]],
            ] as [String: Any]
        ]
    }

    static var versionFilters: [[String: Any]] {
        [
        query("registry", "Only this registry"), query("model", "Only this model (native name)"),
        query("alias", "Versions this alias points at"),
        query("lifecycle", "none, pending_approval, approved, staging, production, archived or rejected"),
        query("tag", "KEY=VALUE, repeatable; all must match", array: true),
        query("search", "Case-insensitive substring of model, version, description or a tag value"),
        query("include_deleted", "Also tombstoned versions", type: "boolean"),
        query("limit", "Page size (default 100, at most 1000)", type: "integer"),
        query("cursor", "next_cursor of the previous page"),
        ]
    }

    static func mlflow(_ summary: String, _ parameters: [[String: Any]], _ key: String) -> [String: Any] {
        get(summary, tag: "mlflow", parameters: parameters, response: json(["type": "object", "required": [key]]))
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
        let mlflowPaging = [
            query("filter", "name = 'REGISTRY.MODEL', name LIKE '…', run_id = '…', tags.KEY = '…' (joined by AND)"),
            query("max_results", "Page size (capped at 10,000)", type: "integer"), query("order_by", "Ignored"),
            query("page_token", "next_page_token of the previous page"),
        ]
        let paths: [String: Any] = [
            "/api/v1/registries": get("Registries in the catalog", tag: "catalog", response: json(list("Registry"))),
            "/api/v1/models": get(
                "Models across registries", tag: "catalog",
                parameters: [
                    query("registry", "Only this registry"), query("search", "Substring of name, description or a tag value"),
                    query("include_deleted", "Also tombstoned models", type: "boolean"),
                    query("limit", "Page size (default 100, at most 1000)", type: "integer"),
                    query("cursor", "next_cursor of the previous page"),
                ], response: json(list("Model"))),
            "/api/v1/versions": get(
                "Versions across registries (every filter of `modelgate versions`)", tag: "catalog",
                parameters: versionFilters, response: json(list("Version"))),
            "/api/v1/registries/{registry}/models/{model}": get(
                "One model with its versions and lineage edges", tag: "catalog",
                parameters: [path("registry", "Registry name"), path("model", "Model's native name")],
                response: json(ref("Model"))),
            "/api/v1/registries/{registry}/models/{model}/versions/{version}": get(
                "One version with lineage neighbours and copy chain", tag: "catalog",
                parameters: [path("registry", "Registry name"), path("model", "Model's native name"), path("version", "Native version")],
                response: json(ref("Version"))),
            "/api/v1/history": get(
                "The change log of one model, oldest first", tag: "catalog",
                parameters: [
                    query("registry", "Registry", required: true), query("model", "Model", required: true),
                    query("alias", "Only moves of this alias"), query("since", "RFC 3339 time or YYYY-MM-DD"),
                ], response: json(list("Change"))),
            "/api/v1/conflicts": get(
                "Detected conflicts", tag: "conflicts", parameters: [query("status", "open or resolved")],
                response: json(list("Conflict"))),
            "/api/v1/conflicts/{id}": get(
                "One conflict", tag: "conflicts", parameters: [path("id", "Conflict id")], response: json(ref("Conflict"))),
            "/api/v1/lineage": get(
                "The lineage neighbourhood of a model or version (the formats of `modelgate lineage`)", tag: "lineage",
                parameters: [
                    query("ref", "REGISTRY:MODEL[@VERSION]", required: true),
                    query("format", "json (default), text, markdown, html, openlineage (JSON Lines), dot or mermaid"),
                    query("depth", "hops to follow (0–50, default 5); copy hops are always followed", type: "integer"),
                    query("direction", "up, down or both (default)"),
                ],
                response: json([
                    "type": "object",
                    "properties": [
                        "root": ["type": "string"], "depth": ["type": "integer"], "direction": ["type": "string"],
                        "nodes": ["type": "array", "items": ["type": "object"]],
                        "edges": ["type": "array", "items": ref("LineageEdge")],
                    ],
                ])),
            "/api/v1/sync": [
                "post": operation(
                    "Start a sync in the background (operator)", tag: "operations",
                    body: ["type": "object", "properties": ["registries": ["type": "array", "items": ["type": "string"]], "full": ["type": "boolean"]]],
                    response: json(["type": "object", "required": ["id"], "properties": ["id": ["type": "string"]]], "Started"),
                    status: "202")
            ],
            "/api/v1/sync/{id}": get(
                "Progress of a sync, then its summary", tag: "operations", parameters: [path("id", "Sync id")],
                response: json(ref("SyncStatus"))),
            "/api/v1/migrations/plan": [
                "post": operation(
                    "Plan a migration (operator)", tag: "operations",
                    body: [
                        "type": "object", "required": ["from", "to"],
                        "properties": [
                            "from": ["type": "string", "description": "REGISTRY[:MODEL[@VERSION]]"], "to": ["type": "string"],
                            "rename": ["type": "string"], "copy_aliases": ["type": "boolean"],
                            "carry_lifecycle": ["type": "boolean"], "force": ["type": "boolean"],
                            "artifact_map": ["type": "array", "items": ["type": "string", "description": "FROM_PREFIX=TO_PREFIX"]],
                        ],
                    ], response: json(ref("MigrationPlan")))
            ],
            "/api/v1/migrations/{id}/apply": [
                "post": operation(
                    "Apply a plan made by this server (operator); 409 when stale or conflicted", tag: "operations",
                    parameters: [path("id", "Plan id")], response: json(["type": "object"]))
            ],
            "/api/v1/audit": get(
                "The audit log of write requests, newest first (admin)", tag: "operations",
                parameters: [query("limit", "At most this many rows", type: "integer")], response: json(list("AuditEntry"))),
            "/api/v1/openapi.json": get("This document", tag: "meta", response: json(["type": "object"])),
            "/healthz": get("Liveness (no token)", tag: "meta", response: json(["type": "object"])),
            "/metrics": [
                "get": [
                    "summary": "Prometheus metrics (no token)", "tags": ["meta"],
                    "responses": ["200": ["description": "Prometheus text", "content": ["text/plain": ["schema": ["type": "string"]]]]],
                ] as [String: Any]
            ],
            "/api/2.0/mlflow/registered-models/search": mlflow("MLflow SearchRegisteredModels over the catalog", mlflowPaging, "registered_models"),
            "/api/2.0/mlflow/registered-models/get": mlflow(
                "MLflow GetRegisteredModel", [query("name", "REGISTRY.MODEL", required: true)], "registered_model"),
            "/api/2.0/mlflow/model-versions/search": mlflow("MLflow SearchModelVersions over the catalog", mlflowPaging, "model_versions"),
            "/api/2.0/mlflow/model-versions/get": mlflow(
                "MLflow GetModelVersion",
                [query("name", "REGISTRY.MODEL", required: true), query("version", "Native version", required: true)], "model_version"),
            "/api/2.0/mlflow/registered-models/alias": mlflow(
                "MLflow GetModelVersionByAlias",
                [query("name", "REGISTRY.MODEL", required: true), query("alias", "Alias", required: true)], "model_version"),
            "/": html("Catalog: versions across registries with search and filters", parameters: versionFilters),
            "/models": html("Models across registries"),
            "/ui/model": html(
                "One model: versions, aliases, lifecycle, alias history",
                parameters: [query("registry", "Registry", required: true), query("model", "Model", required: true)]),
            "/ui/version": html(
                "One version with its lineage graph",
                parameters: [
                    query("registry", "Registry", required: true), query("model", "Model", required: true),
                    query("version", "Version", required: true),
                ]),
            "/conflicts": html("Conflicts", parameters: [query("status", "open, resolved or all")]),
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
