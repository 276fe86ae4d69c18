"""The OpenAPI description of the data routes, which are plain Starlette endpoints."""

from __future__ import annotations

from typing import Any

__all__ = ["RECORD_PATHS"]

_KEY = [{"ApiKey": []}]
_TABLE = {"name": "table", "in": "path", "required": True, "schema": {"type": "string"}}
_ID = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_FIELDS = _query("fields", "Comma-separated columns to return (default: all).")
_EXPAND = _query(
    "expand",
    "Reference columns to show as the referenced row: `col`, `col:alias` or `all` (repeatable).",
    {"type": "array", "items": {"type": "string"}},
)
_ENVELOPE = {
    "description": "Success: `{success: true, data, timestamp}`",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_ERRORS = {
    str(status): {"description": text}
    for status, text in (
        (400, "Malformed input; the message names the field"),
        (401, "Missing, unknown, revoked or expired key"),
        (403, "The key lacks the rest scope, the table, or write rights"),
        (404, "Unknown table or record"),
        (409, "Duplicate value or broken constraint"),
        (413, "Body or batch too large"),
        (422, "Valid JSON that breaks a rule (e.g. NOT NULL)"),
        (429, "Rate limit exceeded; see Retry-After"),
    )
}
_BODY = {"required": True, "content": {"application/json": {"schema": {}}}}


def _operation(
    summary: str, parameters: list[dict[str, Any]], body: bool = False
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": ["records"],
        "summary": summary,
        "parameters": parameters,
        "security": _KEY,
        "responses": {"200": _ENVELOPE, **_ERRORS},
    }
    if body:
        operation["requestBody"] = _BODY
    return operation


RECORD_PATHS: dict[str, dict[str, Any]] = {
    "/rest/db/{table}": {
        "get": _operation(
            "List records",
            [
                _TABLE,
                _FIELDS,
                _query("search", "Case-insensitive text search over text-like columns."),
                _query("filter", 'A WhereFilter as JSON, e.g. {"age": {"gte": 18}}.'),
                _query("sort", "`col:asc,other:desc`"),
                _EXPAND,
                _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
                _query("limit", "Rows per page, 1-10000.", {"type": "integer"}),
                _query("after", "Keyset cursor: `pagination.nextCursor` of the previous page."),
                _query(
                    "count", "exact | estimated | none", {"enum": ["exact", "estimated", "none"]}
                ),
            ],
        ),
        "post": _operation("Create one record", [_TABLE], body=True),
    },
    "/rest/db/{table}/{record_id}": {
        "get": _operation("Get one record", [_TABLE, _ID, _FIELDS, _EXPAND]),
        "patch": _operation("Update one record", [_TABLE, _ID], body=True),
        "delete": _operation("Delete one record", [_TABLE, _ID]),
    },
    "/rest/db/{table}/bulk-create": {
        "post": _operation("Create up to 10,000 records (array body)", [_TABLE], body=True),
    },
    "/rest/db/{table}/bulk-update": {
        "patch": _operation("Update up to 10,000 records: [{id, data}]", [_TABLE], body=True),
    },
    "/rest/db/{table}/bulk-delete": {
        "post": _operation("Delete up to 10,000 records: {ids: [...]}", [_TABLE], body=True),
    },
}
