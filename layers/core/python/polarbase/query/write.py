"""Write statements: insert, update and delete, each one statement that returns its JSON result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from psycopg import sql
from psycopg.types.json import Json

from ..errors import InvalidInputError
from ..schema.model import Column, Table
from .compile_filter import compile_filter
from .filter import FilterNode
from .names import ident, name_literal
from .projection import column_json, table_select_list, type_cast
from .read import key_param, typed_placeholder
from .statement import Params, Statement
from .values import UnfitValueError, coerce_value

__all__ = [
    "check_record",
    "delete_statement",
    "filter_condition",
    "insert_statement",
    "key_condition",
    "keys_condition",
    "update_by_id_statement",
    "update_by_key_statement",
    "update_where_statement",
]

_SOURCE = ident("t")


def _json(value: Any) -> Json:
    """A JSON parameter serialised by orjson (several times faster than the json module)."""
    return Json(value, dumps=_orjson_text)


def _orjson_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _table_sql(table: Table) -> sql.Identifier:
    return ident(table.ref.schema, table.ref.name)


def check_record(table: Table, record: Any, where: str) -> dict[str, Any]:
    """One record of a write body, its keys known columns and its values fit for them.

    ``where`` prefixes messages ("record 3: ") so a bulk error points at the culprit.
    """
    if not isinstance(record, dict):
        raise InvalidInputError(f"{where}a record must be a JSON object of column values")
    checked: dict[str, Any] = {}
    for name, value in record.items():
        column = table.column(name)
        if column is None:
            raise InvalidInputError(f"{where}unknown column '{name}' in table '{table.name}'")
        reason = column.read_only_reason
        if reason is not None:
            raise InvalidInputError(
                f"{where}column '{name}' of table '{table.name}' is {reason}: do not send it"
            )
        try:
            checked[name] = coerce_value(column, value, stored=True)
        except UnfitValueError as problem:
            raise InvalidInputError(
                f"{where}column '{name}' of table '{table.name}': {problem}"
            ) from None
    return checked


def _written(table: Table, count_key: str, ctes: list[sql.Composable], name: str) -> sql.Composable:
    """``WITH <ctes> SELECT {<count_key>, returning}``: the rows the CTEs named ``<name>N``
    returned, counted and shown as records."""
    union = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT * FROM {}").format(ident(f"{name}{number}")) for number in range(len(ctes))
    )
    return sql.SQL(
        "WITH {ctes} SELECT json_build_object({count_key}, count(*), "
        "'returning', coalesce(json_agg(r.*), '[]'::json))::text "
        "FROM (SELECT {columns} FROM ({union}) AS {t}) AS r"
    ).format(
        ctes=sql.SQL(", ").join(ctes),
        count_key=sql.Literal(count_key),
        columns=table_select_list(table, table.columns, _SOURCE),
        union=union,
        t=_SOURCE,
    )


def insert_statement(table: Table, records: Sequence[dict[str, Any]]) -> Statement:
    """Insert checked records; records with the same keys share one INSERT ... SELECT.

    Rows come back in the order sent when every record names the same columns (the usual
    case); otherwise grouped by the set of columns named, each group in the order sent. The SQL
    depends only on those column sets, so it is rendered once per table shape and reused.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(tuple(record), []).append(record)
    # A group naming no columns inserts defaults, one VALUES row per record: its size counts.
    shape = tuple((names, 0 if names else len(rows)) for names, rows in groups.items())
    query = table.fragment(("insert", shape), lambda: _insert_sql(table, shape))
    params = {
        f"rows{number}": _json(rows) for number, (names, rows) in enumerate(groups.items()) if names
    }
    return Statement(query, params, table)


def _insert_sql(table: Table, shape: tuple[tuple[tuple[str, ...], int], ...]) -> sql.Composable:
    parts: list[sql.Composable] = []
    for number, (names, defaults_count) in enumerate(shape):
        target = sql.SQL("INSERT INTO {} AS {}").format(_table_sql(table), _SOURCE)
        if names:
            columns = sql.SQL(", ").join(ident(name) for name in names)
            source = sql.SQL(
                "{target} ({columns}) SELECT {columns} "
                "FROM json_populate_recordset(NULL::{table}, {rows})"
            ).format(
                target=target,
                columns=columns,
                table=_table_sql(table),
                rows=sql.Placeholder(f"rows{number}"),
            )
        else:
            first = ident(table.columns[0].name)
            defaults = sql.SQL(", ").join(sql.SQL("(DEFAULT)") for _ in range(defaults_count))
            source = sql.SQL("{} ({}) VALUES {}").format(target, first, defaults)
        parts.append(
            sql.SQL("{} AS ({} RETURNING {}.*)").format(ident(f"ins{number}"), source, _SOURCE)
        )
    return _written(table, "insertedCount", parts, "ins")


def _touch_updated_at(table: Table, names: Sequence[str]) -> sql.Composable | None:
    column = table.column("updated_at")
    if column is None or column.field_type != "auto-date" or "updated_at" in names:
        return None
    return sql.SQL(", {} = now()").format(ident("updated_at"))


def _updated(table: Table, parts: list[sql.Composable]) -> sql.Composable:
    return _written(table, "updatedCount", parts, "upd")


def _update_one_shape(
    table: Table, names: Sequence[str], data: sql.Composable, condition: sql.Composable
) -> sql.Composable:
    """One UPDATE of ``names`` from the JSON object ``data`` on the rows ``condition`` picks."""
    columns = sql.SQL(", ").join(ident(name) for name in names)
    statement = sql.SQL(
        "UPDATE {table} AS {t} SET ({columns}) = (SELECT {columns} FROM "
        "json_populate_record(NULL::{table}, {data})){touch} WHERE {condition} RETURNING {t}.*"
    ).format(
        table=_table_sql(table),
        t=_SOURCE,
        columns=columns,
        data=data,
        touch=_touch_updated_at(table, names) or sql.SQL(""),
        condition=condition,
    )
    return _updated(table, [sql.SQL("{} AS ({})").format(ident("upd0"), statement)])


def update_where_statement(
    table: Table, data: dict[str, Any], condition: sql.Composable, params: Params
) -> Statement:
    """Set ``data`` on every row matching ``condition`` (over alias ``t``, with ``params``)."""
    query = _update_one_shape(table, list(data), params.add(_json(data)), condition)
    return Statement(query, params.values, table)


def update_by_id_statement(
    table: Table, key: Column, record_id: Any, data: dict[str, Any]
) -> Statement:
    """Set ``data`` on the record whose key is ``record_id``; the SQL is reused per column set."""
    names = tuple(data)

    def build() -> sql.Composable:
        condition = sql.SQL("{}.{} = {}").format(
            _SOURCE, ident(key.name), typed_placeholder(key, "id")
        )
        return _update_one_shape(table, names, sql.Placeholder("data"), condition)

    query = table.fragment(("update-id", key.name, names), build)
    return Statement(query, {"id": record_id, "data": _json(data)}, table)


def update_by_key_statement(
    table: Table, key: Column, items: Sequence[tuple[Any, dict[str, Any]]]
) -> Statement:
    """Bulk update: each (key value, data); items naming the same columns share one UPDATE.

    Keys and values travel in one JSON array each group, zipped back row by row with
    ``ROWS FROM``, so ten thousand updates are still one statement.
    """
    params = Params()
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record_id, data in items:
        groups.setdefault(tuple(data), []).append({**data, "__pb_key": record_id})
    parts: list[sql.Composable] = []
    for number, (names, rows) in enumerate(groups.items()):
        rows_param = params.add(_json(rows))
        statement = sql.SQL(
            # ROW(...): a list of one column is only a row when said so.
            "UPDATE {table} AS {t} SET ({columns}) = ROW({values}){touch} "
            "FROM ROWS FROM (json_populate_recordset(NULL::{table}, {rows}), "
            "json_to_recordset({rows}) AS (__pb_key {key_type})) AS v "
            "WHERE {t}.{key} = v.__pb_key RETURNING {t}.*"
        ).format(
            table=_table_sql(table),
            t=_SOURCE,
            columns=sql.SQL(", ").join(ident(name) for name in names),
            values=sql.SQL(", ").join(sql.SQL("v.{}").format(ident(n)) for n in names),
            touch=_touch_updated_at(table, names) or sql.SQL(""),
            rows=rows_param,
            key_type=type_cast(key) or sql.SQL("text"),
            key=ident(key.name),
        )
        parts.append(sql.SQL("{} AS ({})").format(ident(f"upd{number}"), statement))
    return Statement(_updated(table, parts), params.values, table)


def key_condition(key: Column, record_id: Any, params: Params) -> sql.Composable:
    return sql.SQL("{}.{} = {}").format(_SOURCE, ident(key.name), key_param(key, record_id, params))


def keys_condition(key: Column, record_ids: list[Any], params: Params) -> sql.Composable:
    cast = type_cast(key)
    placeholder = params.add(record_ids)
    array = sql.SQL("{}::{}[]").format(placeholder, cast) if cast is not None else placeholder
    return sql.SQL("{}.{} = ANY({})").format(_SOURCE, ident(key.name), array)


def filter_condition(node: FilterNode, params: Params) -> sql.Composable:
    return compile_filter(node, _SOURCE, params)


def delete_statement(table: Table, condition: sql.Composable, params: Params) -> Statement:
    """Delete the rows ``condition`` picks; the result counts them and, for a table with a
    primary key, lists the keys removed in key order (``deletedIds``: values for a one-column
    key, objects of the key's columns for a composite one)."""
    keys = [column for name in table.primary_key if (column := table.column(name)) is not None]
    source = ident("del")
    if len(keys) == 1:
        key_json: sql.Composable = column_json(keys[0], source)
    else:
        key_json = sql.SQL("json_build_object({})").format(
            sql.SQL(", ").join(
                sql.SQL("{}, {}").format(name_literal(key.name), column_json(key, source))
                for key in keys
            )
        )
    deleted_ids = (
        sql.SQL(", 'deletedIds', coalesce(json_agg({} ORDER BY {}), '[]'::json)").format(
            key_json,
            sql.SQL(", ").join(sql.SQL("{}.{}").format(source, ident(key.name)) for key in keys),
        )
        if keys
        else sql.SQL("")
    )
    returning = (
        sql.SQL(", ").join(sql.SQL("{}.{}").format(_SOURCE, ident(key.name)) for key in keys)
        if keys
        else sql.SQL("1")
    )
    query = sql.SQL(
        "WITH del AS (DELETE FROM {} AS {} WHERE {} RETURNING {}) "
        "SELECT json_build_object('deletedCount', count(*){})::text FROM del"
    ).format(_table_sql(table), _SOURCE, condition, returning, deleted_ids)
    return Statement(query, params.values, table)
