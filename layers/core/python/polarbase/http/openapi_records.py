"""The OpenAPI paths of the records routes, written by hand: the data app serves them, not FastAPI.

``GENERIC_RECORDS`` describes ``/rest/db/{table}`` for any table; ``table_records`` one table's
routes, ``/rest/db/<table>``, with the schemas of its records (see ``table_schemas.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .data_app import DATA_PREFIX
from .openapi_envelopes import (
    BULK_DELETE_ERRORS,
    DELETE_ERRORS,
    READ_ERRORS,
    SECURITY,
    WRITE_ERRORS,
    error_refs,
    json_content,
    schema_ref,
    success_response,
)
from .table_schemas import TableSchemaNames, column_value_schema

if TYPE_CHECKING:
    from ..schema import Table

__all__ = [
    "GENERIC_RECORDS",
    "RecordRoutes",
    "query_parameter",
    "record_schemas",
    "records_paths",
    "table_records",
]

_NULLABLE_INTEGER = {"anyOf": [{"type": "integer"}, {"type": "null"}]}


def query_parameter(
    name: str, description: str, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An optional query parameter, for routes that read their query themselves.

    Example:
        >>> @router.delete("/db/tables/{table}", openapi_extra={"parameters": [
        ...     query_parameter("cascade", "Drop what depends on it too", {"type": "boolean"})]})
    """
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def record_schemas() -> dict[str, dict[str, Any]]:
    """The components the generic records routes use: any record, and a page's pagination."""
    return {
        "Record": {
            "type": "object",
            "description": "A record: its columns by name (and expanded references by alias).",
            "additionalProperties": True,
        },
        "Pagination": {
            "type": "object",
            "required": ["page", "limit", "total", "pages", "nextCursor"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "limit": {"type": "integer", "minimum": 1},
                "total": {
                    **_NULLABLE_INTEGER,
                    "description": "Matching records (null: count=none)",
                },
                "pages": {
                    **_NULLABLE_INTEGER,
                    "description": "Pages of `limit` (null: count=none)",
                },
                "nextCursor": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "Pass as `after` (same sort) for the next page; null at the end",
                },
            },
        },
    }


@dataclass(frozen=True)
class RecordRoutes:
    """What the records paths of one table (or of any table, ``/rest/db/{table}``) say."""

    path: str
    parameters: tuple[dict[str, Any], ...]
    tag: str
    operation_ids: str  # "" for the generic routes, "<name>_" for a table's
    of: str  # " of people", or "" for the generic routes
    row: dict[str, Any]
    insert: dict[str, Any]
    update: dict[str, Any]
    key: dict[str, Any] | None  # None: no single-column key, so no routes by key
    key_description: str


GENERIC_RECORDS = RecordRoutes(
    path=f"{DATA_PREFIX}{{table}}",
    parameters=({"name": "table", "in": "path", "required": True, "schema": {"type": "string"}},),
    tag="records",
    operation_ids="",
    of="",
    row=schema_ref("Record"),
    insert=schema_ref("Record"),
    update=schema_ref("Record"),
    key={"type": "string"},
    key_description="The value of the table's primary key",
)


def table_records(table: Table, names: TableSchemaNames) -> RecordRoutes:
    """The records routes of ``table``, typed by its components ``names``."""
    key = table.key_column
    return RecordRoutes(
        path=DATA_PREFIX + quote(table.name, safe=""),
        parameters=(),
        tag=table.name,
        operation_ids=f"{names.row}_",
        of=f" of {table.name}",
        row=schema_ref(names.row),
        insert=schema_ref(names.insert),
        update=schema_ref(names.update),
        key=column_value_schema(key) if key is not None else None,
        key_description=f"The value of the primary key `{key.name}`" if key is not None else "",
    )


_FIELDS = query_parameter("fields", "Comma-separated columns to return (default: all).")
_EXPAND = query_parameter(
    "expand",
    "Reference columns to show as the referenced row: `col`, `col:alias` or `all` (repeatable).",
    {"type": "array", "items": {"type": "string"}},
)


def _list_parameters(max_records: int) -> list[dict[str, Any]]:
    return [
        _FIELDS,
        query_parameter("search", "Case-insensitive text search over text-like columns."),
        query_parameter("filter", 'A WhereFilter as JSON, e.g. {"age": {"gte": 18}}.'),
        query_parameter("sort", "`col:asc,other:desc` (or `-other`)."),
        _EXPAND,
        query_parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
        query_parameter(
            "limit",
            f"Records per page, 1-{max_records:,} (default {max_records:,}).",
            {"type": "integer", "minimum": 1, "maximum": max_records},
        ),
        query_parameter("after", "Keyset cursor: `pagination.nextCursor` of the previous page."),
        query_parameter(
            "count",
            "`exact` (default), `estimated` from table statistics, or `none`.",
            {"type": "string", "enum": ["exact", "estimated", "none"]},
        ),
    ]


def records_paths(records: RecordRoutes, max_records: int) -> dict[str, dict[str, Any]]:
    """The records paths for ``records``: list and create, then by key and in bulk."""
    ids = records.operation_ids

    def operation(
        operation_id: str,
        summary: str,
        parameters: list[dict[str, Any]],
        data: dict[str, Any],
        errors: tuple[int, ...],
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        built: dict[str, Any] = {
            "tags": [records.tag],
            "summary": summary,
            "operationId": operation_id,
            "parameters": [*records.parameters, *parameters],
            "security": SECURITY,
            "responses": {"200": success_response("Success", data), **error_refs(errors)},
        }
        if body is not None:
            built["requestBody"] = {"required": True, "content": json_content(body)}
        return built

    def many(items: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": items, "minItems": 1, "maxItems": max_records}

    def written(count: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [count, "returning"],
            "properties": {
                count: {"type": "integer"},
                "returning": {"type": "array", "items": records.row},
            },
        }

    page = {
        "type": "object",
        "required": ["rows", "pagination"],
        "properties": {
            "rows": {"type": "array", "items": records.row},
            "pagination": schema_ref("Pagination"),
        },
    }
    of = records.of
    paths: dict[str, dict[str, Any]] = {
        records.path: {
            "get": operation(
                f"list_{ids}records",
                f"List records{of}",
                _list_parameters(max_records),
                page,
                READ_ERRORS,
            ),
            "post": operation(
                f"create_{ids}record",
                f"Create one record{of}",
                [],
                written("insertedCount"),
                WRITE_ERRORS,
                body=records.insert,
            ),
        },
        f"{records.path}/bulk-create": {
            "post": operation(
                f"bulk_create_{ids}records",
                f"Create up to {max_records:,} records{of}, all or none",
                [],
                written("insertedCount"),
                WRITE_ERRORS,
                body=many(records.insert),
            ),
        },
    }
    if records.key is None:
        return paths
    key = {
        "name": "record_id",
        "in": "path",
        "required": True,
        "description": records.key_description,
        "schema": records.key,
    }
    deleted = {
        "type": "object",
        "required": ["deletedCount"],
        "properties": {
            "deletedCount": {"type": "integer"},
            "deletedIds": {"type": "array", "items": records.key},
        },
    }
    paths[f"{records.path}/{{record_id}}"] = {
        "get": operation(
            f"get_{ids}record", f"Get one record{of}", [key, _FIELDS, _EXPAND], records.row,
            READ_ERRORS,
        ),
        "patch": operation(
            f"update_{ids}record", f"Update one record{of}", [key], written("updatedCount"),
            WRITE_ERRORS, body=records.update,
        ),
        "delete": operation(
            f"delete_{ids}record", f"Delete one record{of}", [key], deleted, DELETE_ERRORS
        ),
    }  # fmt: skip
    change = {
        "type": "object",
        "required": ["id", "data"],
        "properties": {"id": records.key, "data": records.update},
    }
    paths[f"{records.path}/bulk-update"] = {
        "patch": operation(
            f"bulk_update_{ids}records",
            f"Update up to {max_records:,} records{of} by key: [{{id, data}}], all or none",
            [],
            written("updatedCount"),
            WRITE_ERRORS,
            body=many(change),
        ),
    }
    paths[f"{records.path}/bulk-delete"] = {
        "post": operation(
            f"bulk_delete_{ids}records",
            f"Delete up to {max_records:,} records{of} by key: {{ids: [...]}}",
            [],
            deleted,
            BULK_DELETE_ERRORS,
            body={"type": "object", "required": ["ids"], "properties": {"ids": many(records.key)}},
        ),
    }
    return paths
