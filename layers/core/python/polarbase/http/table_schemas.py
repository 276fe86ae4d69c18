"""JSON Schemas of a table's records, from its shape in the schema cache, for the OpenAPI document.

A column's schema says what the API really sends and takes: the JSON Postgres writes for its
storage type (``int8`` is a number, a ``timestamptz`` an ISO 8601 string, a point ``{x, y}``),
refined by its PolarBase field type (an e-mail's format, a select's options, an attachment's
object) and its rules (length, range, number of files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schema import Column, Table

__all__ = [
    "SCHEMAS",
    "SHARED_SCHEMAS",
    "TableSchemaNames",
    "column_schema",
    "column_value_schema",
    "name_table_schemas",
    "table_schemas",
]

SCHEMAS = "#/components/schemas/"

_INTEGER_FORMATS = {"int2": "int32", "int4": "int32", "int8": "int64"}
_NUMBER_FORMATS: dict[str, str | None] = {"numeric": None, "float4": "float", "float8": "double"}
# Storage types Postgres writes as JSON strings, with the format when it is an exact one
# (``timestamp`` and ``time`` carry no offset, so they are not RFC 3339 date-times or times).
_STRING_FORMATS: dict[str, str | None] = {
    "timestamptz": "date-time",
    "date": "date",
    "uuid": "uuid",
    **dict.fromkeys(
        (
            "text", "varchar", "bpchar", "char", "name", "citext", "xml", "bit", "varbit",
            "inet", "cidr", "macaddr", "macaddr8", "interval", "bytea", "money", "timestamp",
            "time", "timetz", "tsvector",
        ),
        None,
    ),
}  # fmt: skip
_SIZED_TEXT = re.compile(r"^character(?: varying)?\((\d+)\)")
# Components may be named with these characters only (OpenAPI 3.1, "Components Object").
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")

SHARED_SCHEMAS: dict[str, dict[str, Any]] = {
    "GeoPoint": {
        "type": "object",
        "description": "A geo-point: a PostgreSQL point as {x, y}.",
        "required": ["x", "y"],
        "properties": {
            "x": {"type": "number", "description": "Longitude"},
            "y": {"type": "number", "description": "Latitude"},
        },
    },
    "Attachment": {
        "type": "object",
        "description": "A stored file's metadata, as an upload returns it.",
        "required": ["id", "key", "size", "name", "mimeType", "provider", "uploadedAt"],
        "properties": {
            "id": {"type": "string"},
            "key": {"type": "string", "description": "Where the file is stored"},
            "size": {"type": "integer", "description": "Bytes"},
            "name": {"type": "string", "description": "The file's original name"},
            "mimeType": {"type": "string"},
            "provider": {"type": "string", "examples": ["local", "s3"]},
            "uploadedAt": {"type": "string", "format": "date-time"},
        },
    },
}


@dataclass(frozen=True, slots=True)
class TableSchemaNames:
    """The component names of one table: its record, and what a create and an update take."""

    row: str
    insert: str
    update: str


def name_table_schemas(
    tables: list[Table], *, taken: set[str]
) -> list[tuple[Table, TableSchemaNames]]:
    """Each table with its component names: ``<table>``, ``<table>_insert``, ``<table>_update``.

    Characters a component name may not hold become ``_``; a name already ``taken`` (by the
    document's own schemas or an earlier table) gets a number, ``<table>_2``. Tables are named in
    the order given, so the same tables always get the same names.

    Example:
        >>> [names.row for _, names in name_table_schemas([people], taken={"Error"})]
        ['people']
    """
    used = set(taken)
    named: list[tuple[Table, TableSchemaNames]] = []
    for table in tables:
        stem = _UNSAFE_NAME.sub("_", table.name)
        candidate, number = stem, 1
        while True:
            names = TableSchemaNames(candidate, f"{candidate}_insert", f"{candidate}_update")
            if used.isdisjoint((names.row, names.insert, names.update)):
                break
            number += 1
            candidate = f"{stem}_{number}"
        used.update((names.row, names.insert, names.update))
        named.append((table, names))
    return named


def table_schemas(table: Table, names: TableSchemaNames) -> dict[str, dict[str, Any]]:
    """The three components of ``table`` by name.

    The record lists every column, and requires the NOT NULL ones (as PostgREST does): a record
    read in full has them. A create requires the NOT NULL columns Postgres cannot fill itself (no
    default, not an identity, not computed); an update requires none. Neither lists columns the
    API refuses to write (``Column.is_read_only``: formulas, identities ``GENERATED ALWAYS``,
    auto-number and auto-date), which the record marks ``readOnly``. Expanded references add
    properties, so none is closed.
    """
    properties = {column.name: column_schema(column) for column in table.columns}
    writable = {
        column.name: properties[column.name] for column in table.columns if not column.is_read_only
    }
    record: dict[str, Any] = {
        "type": "object",
        "description": table.comment or f"A record of {table.name}",
        "properties": properties,
        "required": [column.name for column in table.columns if not column.nullable],
    }
    insert: dict[str, Any] = {
        "type": "object",
        "description": f"What a create of a {table.name} record takes",
        "properties": writable,
        "required": [column.name for column in table.columns if _must_be_sent(column)],
    }
    update: dict[str, Any] = {
        "type": "object",
        "description": f"What an update of a {table.name} record takes: the columns to change",
        "properties": writable,
        "minProperties": 1,
    }
    return {names.row: record, names.insert: insert, names.update: update}


def _must_be_sent(column: Column) -> bool:
    return (
        not column.nullable
        and column.default_sql is None
        and not column.is_identity
        and not column.generated
    )


def column_schema(column: Column) -> dict[str, Any]:
    """The schema of one column's value in a record: null when nullable, with its annotations."""
    schema = column_value_schema(column)
    if column.nullable and schema:  # an empty schema (any JSON) takes null already
        schema = {"anyOf": [schema, {"type": "null"}]}
    notes = [column.comment] if column.comment else []
    if column.primary:
        notes.append("Primary key.")
    if column.foreign_key is not None:
        target = column.foreign_key
        notes.append(f"References `{target.table.name}.{target.column}`.")
    if column.formula is not None:
        notes.append(f"Computed: `{column.formula.expression}`.")
    elif column.is_read_only:
        notes.append("Set by the database.")
    if notes:
        schema["description"] = " ".join(notes)
    if column.default_sql is not None and column.default_value is not None:
        schema["default"] = column.default_value
    if column.is_read_only:
        schema["readOnly"] = True
    schema["x-field-type"] = column.field_type
    return schema


def column_value_schema(column: Column) -> dict[str, Any]:
    """The schema of one column's non-null value (also the type of a key in a path)."""
    if column.domain == "attachment" or column.field_type == "attachment":
        schema: dict[str, Any] = {"type": "array", "items": {"$ref": f"{SCHEMAS}Attachment"}}
        _add_rules(schema, column, {"maxFiles": "maxItems"})
        return schema
    if column.is_array:
        items = _scalar_schema(column, in_array=True)
        if column.field_type == "multi-select" and column.options is not None:
            items["enum"] = list(column.options)
        return {"type": "array", "items": items}
    schema = _scalar_schema(column, in_array=False)
    if column.field_type == "select" and column.options is not None:
        schema["enum"] = list(column.options)
    return schema


def _scalar_schema(column: Column, *, in_array: bool) -> dict[str, Any]:
    base = column.base_type
    if column.domain == "email_address":
        schema: dict[str, Any] = {"type": "string", "format": "email"}
    elif column.domain == "url_address":
        schema = {"type": "string", "format": "uri"}
    elif base in _INTEGER_FORMATS:
        schema = {"type": "integer", "format": _INTEGER_FORMATS[base]}
    elif base in _NUMBER_FORMATS:
        number_format = _NUMBER_FORMATS[base]
        schema = (
            {"type": "number"}
            if number_format is None
            else {"type": "number", "format": number_format}
        )
    elif base == "bool":
        schema = {"type": "boolean"}
    elif base in ("json", "jsonb"):
        schema = {}
    elif base == "point":
        # Records show a point as {x, y}; inside an array Postgres writes its text, "(x,y)".
        schema = {"type": "string"} if in_array else {"$ref": f"{SCHEMAS}GeoPoint"}
    elif base in _STRING_FORMATS:
        string_format = _STRING_FORMATS[base]
        schema = (
            {"type": "string"}
            if string_format is None
            else {"type": "string", "format": string_format}
        )
    else:
        return {}  # a type PolarBase does not know (an enum, a range, a composite): any JSON
    sized = _SIZED_TEXT.match(column.pg_type)
    if sized is not None:
        schema["maxLength"] = int(sized.group(1))
    _add_rules(
        schema,
        column,
        {
            "minLength": "minLength",
            "maxLength": "maxLength",
            "minValue": "minimum",
            "maxValue": "maximum",
        },
    )
    return schema


def _add_rules(schema: dict[str, Any], column: Column, keywords: dict[str, str]) -> None:
    """The column's validation rules as JSON Schema keywords (its CHECKs enforce them)."""
    rules = column.validation or {}
    for rule, keyword in keywords.items():
        value = rules.get(rule)
        if isinstance(value, int | float) and not isinstance(value, bool):
            schema[keyword] = value
