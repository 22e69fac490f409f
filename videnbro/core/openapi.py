"""OpenAPI post-processing: the error answers every operation can give, in one shape.

Every endpoint answers errors as `{"errors": {field: [messages]}}` (core.api.exception_handler);
drf-spectacular only documents the success answer, so this hook adds 400/401/403/404/409/413/429
with that shape to every operation, bounds `page`, and completes formats the generator leaves
out. Registered in SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]."""

from __future__ import annotations

from typing import Any

ERROR_STATUSES = {
    "400": "Invalid input: the field names carry the messages.",
    "401": "Missing or invalid credentials (Bearer token or session).",
    "403": "Signed in, but this role or organisation may not do it.",
    "404": "No such object, or not visible to you.",
    "409": "The object's state does not allow this (e.g. a transition not allowed now).",
    "413": "The request body is too large.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Error envelope: messages per field; non_field_errors and detail for the rest.",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["errors"],
    # A 409 may add context such as the allowed transitions.
    "additionalProperties": True,
}

METHODS = ("get", "put", "post", "patch", "delete")


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (see module docstring)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, _error_response(description))
            if "429" in responses:
                responses["429"].setdefault(
                    "headers",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                )
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and parameter.get("name") == "page"
                    and schema.get("type") == "integer"
                ):
                    schema["minimum"] = 1
                if (
                    parameter.get("in") == "query"
                    and parameter.get("name") == "page_size"
                    and schema.get("type") == "integer"
                ):
                    schema.setdefault("minimum", 1)
    return result
