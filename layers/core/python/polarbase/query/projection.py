"""Rows as JSON objects built by Postgres: which columns, how each shows, expanded references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from ..schema.model import Column, Table
from .names import ident, name_literal

__all__ = ["Expansion", "column_json", "row_json", "shape_key", "table_row_json", "type_cast"]

# json_build_object takes at most 100 arguments: 50 key/value pairs.
_MAX_PAIRS = 50

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


def row_json(
    columns: tuple[Column, ...] | list[Column],
    source: sql.Identifier,
    expansions: tuple[Expansion, ...] = (),
) -> sql.Composable:
    """A ``json`` object of the row aliased ``source``: its columns, then its expansions."""
    items: list[tuple[str, sql.Composable]] = [
        (column.name, column_json(column, source)) for column in columns
    ]
    for number, expansion in enumerate(expansions):
        target = ident(f"x{number}")
        target_key = expansion.target.column(expansion.column.foreign_key.column)  # type: ignore[union-attr]
        assert target_key is not None
        items.append(
            (
                expansion.alias,
                sql.SQL("(SELECT {} FROM {} AS {} WHERE {}.{} = {}.{})").format(
                    row_json(expansion.target.columns, target),
                    ident(expansion.target.ref.schema, expansion.target.ref.name),
                    target,
                    target,
                    ident(target_key.name),
                    source,
                    ident(expansion.column.name),
                ),
            )
        )
    if len(items) <= _MAX_PAIRS:
        return sql.SQL("json_build_object({})").format(
            sql.SQL(", ").join(
                sql.SQL("{}, {}").format(name_literal(name), value) for name, value in items
            )
        )
    # Wide rows: a sub-select whose column names become the keys, in order, without a limit.
    return sql.SQL("(SELECT row_to_json(wide) FROM (SELECT {}) AS wide)").format(
        sql.SQL(", ").join(sql.SQL("{} AS {}").format(value, ident(name)) for name, value in items)
    )


def table_row_json(
    table: Table,
    columns: tuple[Column, ...],
    source: sql.Identifier,
    expansions: tuple[Expansion, ...] = (),
) -> sql.SQL:
    """``row_json`` for a column subset of ``table``, rendered once per table shape."""
    key = ("row", source.as_string(None), shape_key(columns, expansions))
    return table.fragment(key, lambda: row_json(columns, source, expansions))


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
