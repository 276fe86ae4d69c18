"""Rows as JSON objects built by Postgres: which columns, how each shows, expanded references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from ..schema.model import Column, Table
from .names import ident

__all__ = [
    "Expansion",
    "column_json",
    "select_list",
    "shape_key",
    "table_select_list",
    "type_cast",
]

_CASTS = {
    "int2": sql.SQL("smallint"),
    "int4": sql.SQL("integer"),
    "int8": sql.SQL("bigint"),
    "uuid": sql.SQL("uuid"),
    "text": sql.SQL("text"),
    "varchar": sql.SQL("text"),
    "bpchar": sql.SQL("text"),
    "numeric": sql.SQL("numeric"),
    "float8": sql.SQL("double precision"),
    "timestamptz": sql.SQL("timestamptz"),
    "date": sql.SQL("date"),
}


@dataclass(frozen=True, slots=True)
class Expansion:
    """A reference column shown as the whole referenced row under ``alias``."""

    column: Column
    alias: str
    target: Table


def type_cast(column: Column) -> sql.Composable | None:
    """A cast for parameters compared with ``column`` (key types), or None to let Postgres infer."""
    return _CASTS.get(column.base_type) if not column.is_array else None


def column_json(column: Column, source: sql.Identifier) -> sql.Composable:
    """How a column's value goes into JSON: points as {x, y}, the rest as Postgres writes them.

    Timestamps come out as ISO 8601 in the session's time zone, which PolarBase's connections
    set to UTC (``2026-11-25T10:00:00.123456+00:00``). Formatting them with to_char instead
    cost a third of a page's statement time.
    """
    value = sql.SQL("{}.{}").format(source, ident(column.name))
    if column.base_type == "point" and not column.is_array:
        return sql.SQL(
            "CASE WHEN {0} IS NULL THEN NULL ELSE json_build_object('x', {0}[0], 'y', {0}[1]) END"
        ).format(value)
    return value


def select_list(
    columns: tuple[Column, ...] | list[Column],
    source: sql.Identifier,
    expansions: tuple[Expansion, ...] = (),
) -> sql.Composable:
    """``expr AS name, ...`` for the row aliased ``source``: its columns, then its expansions.

    Callers aggregate it as ``json_agg(r.*)`` / ``row_to_json(r.*)`` over ``(SELECT <list> ...) r``
    (``r.*``, the whole row, because a plain ``r`` means a column when the table has one named r):
    Postgres turns a row into JSON faster that way than with json_build_object (0.29 ms
    against 0.37 ms for a page of 50), and a row has no argument limit.
    """
    items: list[sql.Composable] = [
        sql.SQL("{} AS {}").format(column_json(column, source), ident(column.name))
        for column in columns
    ]
    for number, expansion in enumerate(expansions):
        row, target = ident(f"x{number}"), ident(f"x{number}s")
        target_key = expansion.target.column(expansion.column.foreign_key.column)  # type: ignore[union-attr]
        assert target_key is not None
        value = sql.SQL(
            "(SELECT row_to_json({row}.*) FROM (SELECT {columns} FROM {table} AS {target} "
            "WHERE {target}.{key} = {source}.{column}) AS {row})"
        ).format(
            row=row,
            columns=select_list(expansion.target.columns, target),
            table=ident(expansion.target.ref.schema, expansion.target.ref.name),
            target=target,
            key=ident(target_key.name),
            source=source,
            column=ident(expansion.column.name),
        )
        items.append(sql.SQL("{} AS {}").format(value, ident(expansion.alias)))
    return sql.SQL(", ").join(items)


def table_select_list(
    table: Table,
    columns: tuple[Column, ...],
    source: sql.Identifier,
    expansions: tuple[Expansion, ...] = (),
) -> sql.SQL:
    """``select_list`` for a column subset of ``table``, rendered once per table shape."""
    key = ("select", source.as_string(None), shape_key(columns, expansions))
    return table.fragment(key, lambda: select_list(columns, source, expansions))


def shape_key(columns: tuple[Column, ...], expansions: tuple[Expansion, ...]) -> tuple[Any, ...]:
    """What a projection's SQL depends on, as a hashable key."""
    return (
        tuple(column.name for column in columns),
        tuple(
            (
                expansion.column.name,
                expansion.alias,
                expansion.target.oid,
                tuple((c.name, c.base_type, c.is_array) for c in expansion.target.columns),
            )
            for expansion in expansions
        ),
    )
