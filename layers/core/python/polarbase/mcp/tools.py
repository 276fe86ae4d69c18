"""The database tools: the original's 17, each a thin door onto the table and record services.

A tool checks its arguments' shape, calls a service with the caller's ``Principal`` (which
enforces scope, read-only keys and table allowlists), and returns a JSON object. No tool holds
SQL or an access rule of its own. The agent calls the same tools.

Destructive tools (``destructive`` below) are guarded by ``mcp.confirm``: they describe what
they would do and hand out a token first, and act only when called again with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import ColumnNotFoundError, InvalidInputError, validation_message
from ..query import filter_is_empty

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..auth import Principal
    from ..runtime import Runtime
    from ..schema import Table

__all__ = ["Tool", "ToolKind", "all_tools", "tool_named"]

ToolKind = str
"""``read`` (reads only), ``write`` (creates or changes), ``destructive`` (drops or deletes)."""
Run = Callable[["Runtime", "Principal", dict[str, Any]], Awaitable[dict[str, Any]]]
Preview = Callable[["Runtime", "Principal", dict[str, Any]], Awaitable[dict[str, Any]]]

_WHERE = {
    "type": "object",
    "description": (
        "A WhereFilter, as in the REST API: {column: value} for equality, {column: {operator: "
        "value}} with eq, ne, gt, gte, lt, lte, in, notIn, like, ilike, notLike, notIlike, "
        "startsWith, between, isNull, notNull, contains, overlaps; and nested groups "
        '{"and": [...]} / {"or": [...]}. Example: {"status": "open", "amount": {"gte": 100}}.'
    ),
    "additionalProperties": True,
}
_TABLE_NAME = {"type": "string", "description": "The table's name (not its UI name)."}
_CONFIRM = {
    "type": "string",
    "description": (
        "Leave out on the first call: the tool then only describes what it would change and "
        "returns a confirmToken. Show that to the user; once they agree, call again with the "
        "same arguments and this token."
    ),
}


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    kind: ToolKind
    input_schema: dict[str, Any]
    run: Run
    idempotent: bool = False
    overwrites: bool = False
    """Changes or removes what is there (an update): a destructive hint, as MCP defines it."""
    schema_change: bool = False
    """Changes tables, columns or indexes: not for keys limited to some tables."""
    preview: Preview | None = None
    """What a call that needs confirmation would affect (and a check that it may be made)."""
    confirm: Callable[[dict[str, Any]], bool] | None = None
    """Whether a call with these arguments needs confirmation; None: every call does when
    there is a ``preview``."""

    def needs_confirmation(self, arguments: dict[str, Any]) -> bool:
        if self.preview is None:
            return False
        return self.confirm is None or self.confirm(arguments)

    @property
    def read_only(self) -> bool:
        return self.kind == "read"


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _text(arguments: dict[str, Any], name: str) -> str:
    value = arguments.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{name}: is required and must be a non-empty string")
    return value


def _model(model: type[BaseModel], data: Any, where: str) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        message = validation_message(error.errors())
        raise InvalidInputError(f"{where}.{message}" if where else message) from None


def _json(text: str) -> dict[str, Any]:
    value = orjson.loads(text)
    assert isinstance(value, dict)
    return value


def _schema_of(model_name: str) -> dict[str, Any]:
    from .. import schema

    model: type[BaseModel] = getattr(schema, model_name)
    return model.model_json_schema()


def _table_document(table: Table, *, include_schema: bool) -> dict[str, Any]:
    from ..schema import table_document

    document = table_document(table, include_schema=include_schema)
    for column in document.get("schema", ()):
        column.pop("metadata", None)
    return document


# --- read tools ---------------------------------------------------------------------------------


async def _list_tables(runtime: Runtime, principal: Principal, _: dict[str, Any]) -> dict[str, Any]:
    tables = await runtime.tables.list_tables(principal)
    return {"tables": [_table_document(table, include_schema=False) for table in tables]}


async def _find_table(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    table = await runtime.tables.get_table(principal, _text(arguments, "tableName"))
    include = arguments.get("includeSchema", True)
    return _table_document(table, include_schema=include is not False)


async def _list_indexes(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..schema import index_document

    name = arguments.get("tableName")
    found = await runtime.tables.list_indexes(principal, name if name else None)
    return {"indexes": [index_document(index) for _, index in found]}


def _query_of(arguments: dict[str, Any]) -> dict[str, Any]:
    query = arguments.get("query") or {}
    if not isinstance(query, dict):
        raise InvalidInputError("query: must be an object")
    return query


async def _query_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    query = _query_of(arguments)
    unknown = set(query) - {"where", "search", "fields", "order", "page", "limit", "after"}
    if unknown:
        raise InvalidInputError(f"query: unknown field '{sorted(unknown)[0]}'")
    page, limit = query.get("page", 1), query.get("limit", 50)
    for name, value in (("page", page), ("limit", limit)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(f"query.{name}: must be a whole number")
    text = await runtime.records.list_records(
        principal,
        _text(arguments, "tableName"),
        fields=_names(query.get("fields"), "query.fields"),
        where=query.get("where"),
        search=query.get("search"),
        sort=_names(query.get("order"), "query.order"),
        page=page,
        limit=limit,
        after=query.get("after"),
    )
    return _json(text)


def _names(value: Any, where: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise InvalidInputError(f"{where}: must be a list of names or one comma-separated string")


async def _aggregate_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    query = _query_of(arguments)
    text = await runtime.records.aggregate_records(principal, _text(arguments, "tableName"), query)
    return _json(text)


# --- schema tools -------------------------------------------------------------------------------


async def _create_one_table(
    runtime: Runtime, principal: Principal, data: Any, where: str
) -> dict[str, Any]:
    from ..schema import TableDefinition

    definition = _model(TableDefinition, data, where)
    table = await runtime.tables.create_table(principal, definition)
    return {
        "status": "success",
        "table": _table_document(table, include_schema=True),
        "presentation": {"uiName": table.ui_name} if table.ui_name is not None else None,
        "columnsCreated": len(definition.columns),
    }


async def _create_table(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    return await _create_one_table(runtime, principal, arguments, "")


async def _create_multiple_tables(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..errors import PolarBaseError

    definitions = arguments.get("tables")
    if not isinstance(definitions, list) or not definitions:
        raise InvalidInputError("tables: must be a non-empty list of table definitions")
    created: list[str] = []
    failed: list[dict[str, str]] = []
    # Each table is its own transaction, in order, so a later one may refer to an earlier one;
    # a failure does not stop the rest (as in the original), and is reported by name.
    for number, data in enumerate(definitions):
        name = data.get("name") if isinstance(data, dict) else None
        try:
            result = await _create_one_table(runtime, principal, data, f"tables[{number}]")
        except PolarBaseError as error:
            failed.append({"name": str(name), "error": error.message})
            continue
        created.append(result["table"]["name"])
    status = "success" if not failed else "partial_failure" if created else "failure"
    return {
        "status": status,
        "message": f"created {len(created)} of {len(definitions)} tables",
        "details": {"created": created, "failed": failed},
    }


async def _update_table(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..schema import TableUpdate

    update = _model(TableUpdate, arguments.get("table"), "table")
    table = await runtime.tables.update_table(principal, _text(arguments, "tableName"), update)
    return {"status": "success", "table": _table_document(table, include_schema=True)}


async def _delete_table(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    name = _text(arguments, "tableName")
    await runtime.tables.delete_table(principal, name, cascade=arguments.get("cascade") is True)
    return {"status": "success", "message": f"table '{name}' deleted"}


async def _create_column(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..schema import ColumnDefinition, column_document

    definition = _model(ColumnDefinition, arguments.get("column"), "column")
    column = await runtime.tables.add_column(principal, _text(arguments, "tableName"), definition)
    return {"status": "success", "column": column_document(column)}


async def _update_column(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    """Only what ``column`` names changes: the rest of the definition is the column's own."""
    from ..schema import ColumnDefinition, column_definition, column_document

    table_name, column_name = _text(arguments, "tableName"), _text(arguments, "columnName")
    changes = arguments.get("column")
    if not isinstance(changes, dict) or not changes:
        raise InvalidInputError("column: must be an object with the properties to change")
    # The column as it is now, not as this process last saw it: on Lambda another function may
    # have changed it a moment ago, and what is not asked for is sent back as it was.
    table = await runtime.tables.writable_table(principal, table_name)
    current = table.column(column_name)
    if current is None:
        raise ColumnNotFoundError(table_name, column_name)
    merged = column_definition(current).model_dump(exclude_none=True)
    # Saved only when asked for: the UI name and format stay exactly as stored otherwise.
    merged.pop("presentation", None)
    merged.update(changes)
    definition = _model(ColumnDefinition, merged, "column")
    column = await runtime.tables.alter_column(principal, table_name, column_name, definition)
    return {"status": "success", "column": column_document(column)}


async def _delete_column(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    table, column = _text(arguments, "tableName"), _text(arguments, "columnName")
    await runtime.tables.drop_column(principal, table, column)
    return {"status": "success", "message": f"column '{column}' deleted from table '{table}'"}


async def _create_index(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..schema import IndexDefinition

    definition = _model(IndexDefinition, arguments, "")
    created = await runtime.tables.create_index(principal, definition)
    return {"status": "success", "index": created.model_dump()}


async def _delete_index(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    name = _text(arguments, "indexName")
    await runtime.tables.drop_index(principal, name)
    return {"status": "success", "message": f"index '{name}' deleted"}


# --- record tools -------------------------------------------------------------------------------


async def _insert_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    records = arguments.get("records")
    if not isinstance(records, list):
        raise InvalidInputError("records: must be a list of records (objects)")
    text = await runtime.records.create_records(
        principal, _text(arguments, "tableName"), records, bulk=True
    )
    return {"status": "success", **_json(text)}


def _updates(arguments: dict[str, Any]) -> list[Any]:
    updates = arguments.get("updates")
    if not isinstance(updates, list) or not updates:
        raise InvalidInputError("updates: must be a non-empty list of {where, data} objects")
    return updates


def _unfiltered(updates: list[Any]) -> bool:
    return any(isinstance(item, dict) and filter_is_empty(item.get("where")) for item in updates)


async def _update_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    updates = _updates(arguments)
    text = await runtime.records.update_where(
        principal,
        _text(arguments, "tableName"),
        updates,
        # Reached without a filter only once confirmed (the preview below asked for it).
        every_record=_unfiltered(updates),
    )
    return {"status": "success", **_json(text)}


async def _delete_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    where = arguments.get("where")
    text = await runtime.records.delete_where(
        principal, _text(arguments, "tableName"), where, every_record=filter_is_empty(where)
    )
    body = _json(text)
    return {"status": "success", "deletedCount": body["deletedCount"]}


# --- previews of destructive calls --------------------------------------------------------------


def _referrers(tables: list[Table], target: str, column: str | None = None) -> list[str]:
    """``table.column`` of every reference to ``target`` (to its ``column``, when given)."""
    return [
        f"{table.name}.{candidate.name}"
        for table in tables
        for candidate in table.columns
        if candidate.foreign_key is not None
        and candidate.foreign_key.table.name == target
        and (column is None or candidate.foreign_key.column == column)
    ]


async def _preview_delete_table(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    name = _text(arguments, "tableName")
    runtime.tables.check_schema_change(principal, name)
    table = await runtime.tables.get_table(principal, name)
    tables = await runtime.catalog.tables(table.ref.schema)
    referrers = [ref for ref in _referrers(tables, name) if not ref.startswith(f"{name}.")]
    return {
        "action": f"drop table '{name}' and every record in it",
        "records": await runtime.records.count_records(principal, name),
        "columns": [column.name for column in table.columns],
        "indexes": [index.name for index in table.indexes],
        "referencedBy": referrers,
        "cascade": arguments.get("cascade") is True,
        "note": (
            "referencedBy lists columns of other tables that refer to this one: without cascade "
            "the drop fails while they exist; with cascade their references are dropped too"
            if referrers
            else None
        ),
    }


async def _preview_delete_column(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    table_name, column_name = _text(arguments, "tableName"), _text(arguments, "columnName")
    runtime.tables.check_schema_change(principal, table_name)
    table = await runtime.tables.get_table(principal, table_name)
    column = table.column(column_name)
    if column is None:
        raise ColumnNotFoundError(table_name, column_name)
    tables = await runtime.catalog.tables(table.ref.schema)
    filled = await runtime.records.count_records(
        principal, table_name, {column_name: {"notNull": True}}
    )
    return {
        "action": f"drop column '{column_name}' of table '{table_name}' and its values",
        "valuesLost": filled,
        "records": await runtime.records.count_records(principal, table_name),
        "indexes": [index.name for index in table.indexes if column_name in index.columns],
        "referencedBy": _referrers(tables, table_name, column_name),
    }


async def _preview_delete_index(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    from ..errors import IndexNotFoundError
    from ..schema import index_document

    name = _text(arguments, "indexName")
    runtime.tables.check_schema_change(principal)
    for _, index in await runtime.tables.list_indexes(principal):
        if index.name == name:
            return {"action": f"drop index '{name}'", "index": index_document(index)}
    raise IndexNotFoundError(name)


async def _preview_delete_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    name = _text(arguments, "tableName")
    runtime.records.writable(principal, name)
    where = arguments.get("where")
    every = filter_is_empty(where)
    count = await runtime.records.count_records(principal, name, None if every else where)
    scope = "every record" if every else "the records matching where"
    return {"action": f"delete {scope} of table '{name}'", "records": count}


def _update_without_where(arguments: dict[str, Any]) -> bool:
    """A filtered update changes what it names: only one without a where needs confirmation."""
    return _unfiltered(_updates(arguments))


async def _preview_update_records(
    runtime: Runtime, principal: Principal, arguments: dict[str, Any]
) -> dict[str, Any]:
    name = _text(arguments, "tableName")
    runtime.records.writable(principal, name)
    return {
        "action": f"update every record of table '{name}' (an update has no where)",
        "records": await runtime.records.count_records(principal, name),
    }


# --- the catalogue ------------------------------------------------------------------------------


def _definition_schema(model_name: str, description: str) -> dict[str, Any]:
    schema = _schema_of(model_name)
    schema["description"] = description
    return schema


@cache
def _tools() -> tuple[Tool, ...]:
    table_definition = _definition_schema(
        "TableDefinition",
        "A table: name (a-z, 0-9, _), comment, idType (integer, biginteger, uuid, shortid), "
        "timestamps (adds created_at and updated_at), presentation {uiName}, columns. The key "
        "column id comes from idType; do not list it.",
    )
    column_definition = _definition_schema(
        "ColumnDefinition",
        "A column: name, dataType (one of the 17 field types), nullable, unique, defaultValue, "
        "comment, options (select and multi-select), foreignKey (reference), formula, "
        "validation, presentation {uiName, format}.",
    )
    index_definition = _schema_of("IndexDefinition")
    return (
        Tool(
            "listTables",
            "List the tables this API key may see, with their UI names and comments.",
            "read",
            _object({}),
            _list_tables,
            idempotent=True,
        ),
        Tool(
            "findTable",
            "One table with its columns (types, constraints, references, formats).",
            "read",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "includeSchema": {"type": "boolean", "default": True},
                },
                ("tableName",),
            ),
            _find_table,
            idempotent=True,
        ),
        Tool(
            "listIndexes",
            "The indexes of one table, or of every table this key may see.",
            "read",
            _object({"tableName": _TABLE_NAME}),
            _list_indexes,
            idempotent=True,
        ),
        Tool(
            "createMultipleTables",
            "Create several tables in order (a later one may refer to an earlier one); each is "
            "created or not on its own, and failures are reported by table name.",
            "write",
            _object(
                {"tables": {"type": "array", "items": table_definition, "minItems": 1}},
                ("tables",),
            ),
            _create_multiple_tables,
            schema_change=True,
        ),
        Tool(
            "createTable",
            "Create a table with its columns, in one transaction.",
            "write",
            table_definition,
            _create_table,
            schema_change=True,
        ),
        Tool(
            "updateTable",
            "Rename a table, or change its comment or UI name.",
            "write",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "table": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "comment": {"type": ["string", "null"]},
                            "presentation": {
                                "type": "object",
                                "properties": {"uiName": {"type": ["string", "null"]}},
                            },
                        },
                        "additionalProperties": True,
                    },
                },
                ("tableName", "table"),
            ),
            _update_table,
            idempotent=True,
            overwrites=True,
            schema_change=True,
        ),
        Tool(
            "deleteTable",
            "Drop a table and all its records. Needs confirmation: the first call returns what "
            "would be lost and a confirmToken.",
            "destructive",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "cascade": {
                        "type": "boolean",
                        "default": False,
                        "description": "Also drop references to it from other tables.",
                    },
                    "confirmToken": _CONFIRM,
                },
                ("tableName",),
            ),
            _delete_table,
            schema_change=True,
            preview=_preview_delete_table,
        ),
        Tool(
            "createColumn",
            "Add a column to a table.",
            "write",
            _object(
                {"tableName": _TABLE_NAME, "column": column_definition}, ("tableName", "column")
            ),
            _create_column,
            schema_change=True,
        ),
        Tool(
            "updateColumn",
            "Change a column: only the properties given change (rename with name, change "
            "dataType, nullable, unique, defaultValue, options, presentation, ...).",
            "write",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "columnName": {"type": "string", "description": "The column to change."},
                    "column": {
                        "type": "object",
                        "description": "The properties to change, as in a column definition.",
                        "additionalProperties": True,
                    },
                },
                ("tableName", "columnName", "column"),
            ),
            _update_column,
            idempotent=True,
            overwrites=True,
            schema_change=True,
        ),
        Tool(
            "deleteColumn",
            "Drop a column and its values. Needs confirmation: the first call returns what "
            "would be lost and a confirmToken.",
            "destructive",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "columnName": {"type": "string"},
                    "confirmToken": _CONFIRM,
                },
                ("tableName", "columnName"),
            ),
            _delete_column,
            schema_change=True,
            preview=_preview_delete_column,
        ),
        Tool(
            "createIndex",
            "Create an index on columns of a table (btree, hash, gist, gin, brin, spgist).",
            "write",
            index_definition,
            _create_index,
            schema_change=True,
        ),
        Tool(
            "deleteIndex",
            "Drop an index. Needs confirmation: the first call describes it and returns a "
            "confirmToken.",
            "destructive",
            _object({"indexName": {"type": "string"}, "confirmToken": _CONFIRM}, ("indexName",)),
            _delete_index,
            schema_change=True,
            preview=_preview_delete_index,
        ),
        Tool(
            "insertRecords",
            "Insert records (1 to 10,000) in one transaction; returns them as stored.",
            "write",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "records": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": True},
                        "minItems": 1,
                    },
                },
                ("tableName", "records"),
            ),
            _insert_records,
        ),
        Tool(
            "updateRecords",
            "Set data on the records each where matches, all in one transaction. An update "
            "without a where changes every record and needs confirmation (confirmToken).",
            "write",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "updates": {
                        "type": "array",
                        "minItems": 1,
                        "items": _object(
                            {
                                "where": _WHERE,
                                "data": {"type": "object", "additionalProperties": True},
                            },
                            ("data",),
                        ),
                    },
                    "confirmToken": _CONFIRM,
                },
                ("tableName", "updates"),
            ),
            _update_records,
            idempotent=True,
            overwrites=True,
            preview=_preview_update_records,
            confirm=_update_without_where,
        ),
        Tool(
            "deleteRecords",
            "Delete the records where matches (every record when where is empty). Needs "
            "confirmation: the first call returns how many would go and a confirmToken.",
            "destructive",
            _object(
                {"tableName": _TABLE_NAME, "where": _WHERE, "confirmToken": _CONFIRM},
                ("tableName", "where"),
            ),
            _delete_records,
            preview=_preview_delete_records,
        ),
        Tool(
            "queryRecords",
            "Read records: where (WhereFilter), search (text in any text column), fields, "
            'order ("col:asc,other:desc"), page and limit (default 50), or after (the '
            "nextCursor of a previous page).",
            "read",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "query": {
                        "type": "object",
                        "properties": {
                            "where": _WHERE,
                            "search": {"type": "string"},
                            "fields": {"type": "array", "items": {"type": "string"}},
                            "order": {"type": "string", "description": '"col:asc,other:desc"'},
                            "page": {"type": "integer", "minimum": 1, "default": 1},
                            "limit": {"type": "integer", "minimum": 1, "default": 50},
                            "after": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
                ("tableName",),
            ),
            _query_records,
            idempotent=True,
        ),
        Tool(
            "aggregateRecords",
            "Group and aggregate: select names columns (group keys) and count(*), "
            "count(col), count(distinct col), sum, avg, min, max, each with an optional "
            '"as alias"; where filters rows; group adds group keys; having filters groups '
            '({"count(*)": {"gt": 5}}); order by any selected name ("total:desc").',
            "read",
            _object(
                {
                    "tableName": _TABLE_NAME,
                    "query": {
                        "type": "object",
                        "properties": {
                            "select": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                            "where": _WHERE,
                            "group": {"type": "array", "items": {"type": "string"}},
                            "having": {"type": "object", "additionalProperties": True},
                            "order": {"type": "string"},
                            "page": {"type": "integer", "minimum": 1, "default": 1},
                            "limit": {"type": "integer", "minimum": 1},
                        },
                        "required": ["select"],
                        "additionalProperties": False,
                    },
                },
                ("tableName", "query"),
            ),
            _aggregate_records,
            idempotent=True,
        ),
    )


def all_tools() -> tuple[Tool, ...]:
    """The 17 tools, built on first use (their input schemas come from pydantic models)."""
    return _tools()


def tool_named(name: str) -> Tool | None:
    return next((tool for tool in _tools() if tool.name == name), None)
