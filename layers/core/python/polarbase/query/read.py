"""Read statements: one record, or a page of records with its pagination, as one JSON value."""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from ..schema.model import Column, Table
from .compile_filter import compile_filter, compile_search
from .projection import Expansion, row_json, type_cast
from .request import ListRequest, SortKey
from .statement import Params, Statement

__all__ = ["get_statement", "key_param", "list_statement"]

_SOURCE = sql.Identifier("t")
# Below this many rows by the statistics, an estimated count is made exact: it is cheap there,
# and statistics of small, young tables are often stale.
_ESTIMATE_FLOOR = 1000


def _table_sql(table: Table) -> sql.Identifier:
    return sql.Identifier(table.ref.schema, table.ref.name)


def key_param(column: Column, value: Any, params: Params) -> sql.Composable:
    cast = type_cast(column)
    placeholder = params.add(value)
    return sql.SQL("{}::{}").format(placeholder, cast) if cast is not None else placeholder


def get_statement(
    table: Table,
    key: Column,
    record_id: Any,
    fields: tuple[Column, ...],
    expand: tuple[Expansion, ...],
) -> Statement:
    params = Params()
    query = sql.SQL("SELECT {}::text FROM {} AS {} WHERE {}.{} = {}").format(
        row_json(fields, _SOURCE, expand),
        _table_sql(table),
        _SOURCE,
        _SOURCE,
        sql.Identifier(key.name),
        key_param(key, record_id, params),
    )
    return Statement(query, params.values)


def _order_by(sort: tuple[SortKey, ...]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{}.{} {}").format(
            _SOURCE, sql.Identifier(key.column.name), sql.SQL("DESC" if key.descending else "ASC")
        )
        for key in sort
    )


def _cursor_value(column: Column, value: Any, params: Params) -> sql.Composable:
    if column.base_type in ("json", "jsonb") and not column.is_array:
        return sql.SQL("{}::jsonb").format(params.add(Jsonb(value)))
    return key_param(column, value, params)


def _after(sort: tuple[SortKey, ...], values: tuple[Any, ...], params: Params) -> sql.Composable:
    """Rows strictly after ``values`` in ``sort`` order, NULLs placed as Postgres sorts them.

    ASC puts NULLs last and DESC puts them first, so "after v" is: ASC: ``c > v OR c IS NULL``
    (nothing is after a NULL); DESC: ``c < v`` (after a NULL: any non-NULL).
    """
    alternatives: list[sql.Composable] = []
    for position, key in enumerate(sort):
        column_sql = sql.SQL("{}.{}").format(_SOURCE, sql.Identifier(key.column.name))
        value = values[position]
        terms: list[sql.Composable] = []
        for earlier, earlier_value in zip(sort[:position], values[:position], strict=True):
            earlier_sql = sql.SQL("{}.{}").format(_SOURCE, sql.Identifier(earlier.column.name))
            if earlier_value is None:
                terms.append(sql.SQL("{} IS NULL").format(earlier_sql))
            else:
                terms.append(
                    sql.SQL("{} = {}").format(
                        earlier_sql, _cursor_value(earlier.column, earlier_value, params)
                    )
                )
        if value is None:
            if not key.descending:
                continue
            terms.append(sql.SQL("{} IS NOT NULL").format(column_sql))
        elif key.descending:
            terms.append(
                sql.SQL("{} < {}").format(column_sql, _cursor_value(key.column, value, params))
            )
        else:
            terms.append(
                sql.SQL("({} > {} OR {} IS NULL)").format(
                    column_sql, _cursor_value(key.column, value, params), column_sql
                )
            )
        alternatives.append(sql.SQL("({})").format(sql.SQL(" AND ").join(terms)))
    if not alternatives:
        return sql.SQL("FALSE")
    return sql.SQL("({})").format(sql.SQL(" OR ").join(alternatives))


def _count(request: ListRequest, where: sql.Composable, params: Params) -> sql.Composable:
    table = _table_sql(request.table)
    exact = sql.SQL("(SELECT count(*) FROM {} AS {} WHERE {})").format(table, _SOURCE, where)
    if request.count == "none":
        return sql.SQL("NULL::bigint")
    if request.count == "estimated" and request.filter is None and not request.search:
        return sql.SQL(
            "(SELECT CASE WHEN c.reltuples >= {} THEN c.reltuples::bigint ELSE {} END "
            "FROM pg_class c WHERE c.oid = {}::oid)"
        ).format(sql.Literal(_ESTIMATE_FLOOR), exact, params.add(request.table.oid))
    return exact


def list_statement(request: ListRequest) -> Statement:
    """The page and its pagination as one JSON object, in one statement.

    ``pagination.nextCursor`` is set when the page is full; passing it back as ``after`` gives
    the next page by keyset, which stays fast however deep it goes.
    """
    params = Params()
    conditions: list[sql.Composable] = []
    if request.filter is not None:
        conditions.append(compile_filter(request.filter, _SOURCE, params))
    if request.search:
        conditions.append(compile_search(request.table, request.search, _SOURCE, params))
    count_where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("TRUE")
    page_conditions = list(conditions)
    if request.after is not None:
        page_conditions.append(_after(request.sort, request.after, params))
    page_where = sql.SQL(" AND ").join(page_conditions) if page_conditions else sql.SQL("TRUE")
    limit = params.add(request.limit)
    offset = 0 if request.after is not None else (request.page - 1) * request.limit
    cursor_keys = sql.SQL(", ").join(
        sql.SQL("{}.{}").format(_SOURCE, sql.Identifier(key.column.name)) for key in request.sort
    )
    query = sql.SQL(
        "WITH page AS MATERIALIZED ("
        "SELECT {row} AS j, json_build_array({keys})::text AS k FROM {table} AS {t} "
        "WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}) "
        "SELECT json_build_object("
        "'rows', coalesce((SELECT json_agg(page.j) FROM page), '[]'::json), "
        "'pagination', json_build_object("
        "'page', {page}::int, 'limit', {limit}::int, 'total', c.total, "
        "'pages', CASE WHEN c.total IS NULL THEN NULL "
        "ELSE greatest(1, ceil(c.total::numeric / {limit}))::bigint END, "
        "'nextCursor', (SELECT rtrim(translate(encode(convert_to(page.k, 'UTF8'), 'base64'), "
        "E'+/\\n', '-_'), '=') FROM page OFFSET {limit} - 1 LIMIT 1)))::text "
        "FROM (SELECT {count} AS total) AS c"
    ).format(
        row=row_json(request.fields, _SOURCE, request.expand),
        keys=cursor_keys,
        table=_table_sql(request.table),
        t=_SOURCE,
        where=page_where,
        order=_order_by(request.sort),
        limit=limit,
        offset=params.add(offset),
        page=params.add(None if request.after is not None else request.page),
        count=_count(request, count_where, params),
    )
    return Statement(query, params.values)
