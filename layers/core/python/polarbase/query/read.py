"""Read statements: one record, or a page of records with its pagination, as one JSON value."""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from ..schema.model import Column, Table
from .compile_filter import compile_filter, compile_search
from .names import ident
from .projection import Expansion, shape_key, table_select_list, type_cast
from .request import ListRequest, SortKey
from .statement import Params, Statement

__all__ = ["get_statement", "key_param", "list_statement", "typed_placeholder"]

_SOURCE = ident("t")
DEFERRED_JOIN_OFFSET = 1000
# Below this many rows by the statistics, an estimated count is made exact: it is cheap there,
# and statistics of small, young tables are often stale.
_ESTIMATE_FLOOR = 1000


def _table_sql(table: Table) -> sql.Identifier:
    return ident(table.ref.schema, table.ref.name)


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
    def build() -> sql.Composable:
        return sql.SQL(
            "SELECT row_to_json(r.*)::text FROM (SELECT {} FROM {} AS {} WHERE {}.{} = {}) AS r"
        ).format(
            table_select_list(table, fields, _SOURCE, expand),
            _table_sql(table),
            _SOURCE,
            _SOURCE,
            ident(key.name),
            typed_placeholder(key, "id"),
        )

    query = table.fragment(("get", key.name, shape_key(fields, expand)), build)
    return Statement(query, {"id": record_id}, table)


def typed_placeholder(column: Column, name: str) -> sql.Composable:
    """``%(name)s`` cast to ``column``'s key type, for values compared with it."""
    cast = type_cast(column)
    placeholder = sql.Placeholder(name)
    return sql.SQL("{}::{}").format(placeholder, cast) if cast is not None else placeholder


def _order_by(sort: tuple[SortKey, ...]) -> sql.Composable:
    if not sort:  # a table without a key, listed without a sort: its physical order
        return sql.SQL("{}.ctid").format(_SOURCE)
    return sql.SQL(", ").join(
        sql.SQL("{}.{} {}").format(
            _SOURCE, ident(key.column.name), sql.SQL("DESC" if key.descending else "ASC")
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
        column_sql = sql.SQL("{}.{}").format(_SOURCE, ident(key.column.name))
        value = values[position]
        terms: list[sql.Composable] = []
        for earlier, earlier_value in zip(sort[:position], values[:position], strict=True):
            earlier_sql = sql.SQL("{}.{}").format(_SOURCE, ident(earlier.column.name))
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


def _count(request: ListRequest, where: sql.Composable | None) -> sql.Composable:
    table = request.table
    if request.count == "none":
        return sql.SQL("NULL::bigint")

    def exact() -> sql.Composable:
        return sql.Composed(
            [
                table.fragment(
                    ("count-head",),
                    lambda: sql.SQL("(SELECT count(*) FROM {} AS {} WHERE ").format(
                        _table_sql(table), _SOURCE
                    ),
                ),
                where if where is not None else sql.SQL("TRUE"),
                sql.SQL(")"),
            ]
        )

    if request.count == "estimated" and where is None:
        return table.fragment(
            ("estimate",),
            lambda: sql.SQL(
                "(SELECT CASE WHEN c.reltuples >= {} THEN c.reltuples::bigint ELSE {} END "
                "FROM pg_class c WHERE c.oid = {}::oid)"
            ).format(sql.Literal(_ESTIMATE_FLOOR), exact(), sql.Literal(table.oid)),
        )
    return exact()


def _next_cursor(request: ListRequest) -> sql.Composable:
    """The sort values of the page's last row, base64url, when the page is full.

    A table without a key has no unique order, so it gets no cursor.
    """
    if request.key is None:
        return sql.SQL("NULL::text")
    return sql.SQL(
        "(SELECT rtrim(translate(encode(convert_to("
        "json_build_array({keys})::text, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=') "
        "FROM page AS {t} OFFSET %(limit)s - 1 LIMIT 1)"
    ).format(
        t=_SOURCE,
        keys=sql.SQL(", ").join(
            sql.SQL("{}.{}").format(_SOURCE, ident(key.column.name)) for key in request.sort
        ),
    )


def _page_parts(
    request: ListRequest, sort_key: tuple[tuple[str, bool], ...]
) -> tuple[sql.SQL, sql.SQL]:
    """The SQL around the page's WHERE: ``page`` CTE up to ``total``'s SELECT.

    Past ``DEFERRED_JOIN_OFFSET`` rows, the page is found on keys alone and only its rows are
    fetched (a deferred join): skipping the OFFSET rows then walks the key index instead of the
    table. Measured on 190,000 rows: at OFFSET 20,000 it takes 1.1 ms instead of 2.4 ms; at
    OFFSET 500 the extra join costs more than it saves (0.42 ms against 0.33 ms).
    """
    table = request.table
    key = request.key
    offset = 0 if request.after is not None else (request.page - 1) * request.limit
    if key is None or offset < DEFERRED_JOIN_OFFSET:
        head = table.fragment(
            ("list-head",),
            lambda: sql.SQL(
                "WITH page AS MATERIALIZED (SELECT {t}.* FROM {table} AS {t} WHERE "
            ).format(t=_SOURCE, table=_table_sql(table)),
        )
        middle = table.fragment(
            ("list-order", sort_key),
            lambda: sql.SQL(
                " ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s), "
                "total AS MATERIALIZED (SELECT "
            ).format(order=_order_by(request.sort)),
        )
        return head, middle
    key_sql = ident(key.name)
    head = table.fragment(
        ("list-head", key.name),
        lambda: sql.SQL(
            "WITH page AS MATERIALIZED (SELECT {t}.* FROM (SELECT {t}.{key} FROM {table} AS {t} "
            "WHERE "
        ).format(t=_SOURCE, table=_table_sql(table), key=key_sql),
    )
    middle = table.fragment(
        ("list-order", key.name, sort_key),
        lambda: sql.SQL(
            " ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s) AS {k} "
            "JOIN {table} AS {t} ON {t}.{key} = {k}.{key} ORDER BY {order}), "
            "total AS MATERIALIZED (SELECT "
        ).format(
            order=_order_by(request.sort),
            k=ident("k"),
            table=_table_sql(table),
            t=_SOURCE,
            key=key_sql,
        ),
    )
    return head, middle


def list_statement(request: ListRequest) -> Statement:
    """The page and its pagination as one JSON object, in one statement.

    Rows are chosen first and only the page's rows are turned into JSON. ``pagination.nextCursor``
    is set when the page is full; passing it back as ``after`` gives the next page by keyset,
    which stays fast however deep it goes. The parts that depend only on the table shape are
    rendered once (``Table.fragment``); only the filter is composed per request.
    """
    table = request.table
    params = Params()
    conditions: list[sql.Composable] = []
    if request.filter is not None:
        conditions.append(compile_filter(request.filter, _SOURCE, params))
    if request.search:
        conditions.append(compile_search(table, request.search, _SOURCE, params))
    where = sql.SQL(" AND ").join(conditions) if conditions else None
    page_conditions: list[sql.Composable] = list(conditions)
    if request.after is not None:
        page_conditions.append(_after(request.sort, request.after, params))
    page_where = sql.SQL(" AND ").join(page_conditions) if page_conditions else sql.SQL("TRUE")
    sort_key = tuple((key.column.name, key.descending) for key in request.sort)
    head, middle = _page_parts(request, sort_key)
    tail = table.fragment(
        ("list-tail", sort_key, shape_key(request.fields, request.expand)),
        lambda: sql.SQL(
            " AS total) SELECT json_build_object("
            "'rows', coalesce((SELECT json_agg(r.*) FROM (SELECT {row} FROM page AS {t}) AS r), "
            "'[]'::json), "
            "'pagination', json_build_object("
            "'page', %(page)s::int, 'limit', %(limit)s::int, 'total', total.total, "
            "'pages', CASE WHEN total.total IS NULL THEN NULL "
            "ELSE greatest(1, ceil(total.total::numeric / %(limit)s))::bigint END, "
            "'nextCursor', {next_cursor}))::text FROM total"
        ).format(
            row=table_select_list(table, request.fields, _SOURCE, request.expand),
            t=_SOURCE,
            next_cursor=_next_cursor(request),
        ),
    )
    query = sql.Composed([head, page_where, middle, _count(request, where), tail])
    values = dict(params.values)
    values["limit"] = request.limit
    values["offset"] = 0 if request.after is not None else (request.page - 1) * request.limit
    values["page"] = None if request.after is not None else request.page
    return Statement(query, values, table)
