"""Filter trees and search terms as SQL conditions, every value a parameter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from ..schema.model import Table
from .filter import Condition, FilterNode, Operator
from .geo import EARTH_RADIUS_METERS, Box, Near
from .names import ident
from .statement import Params

__all__ = ["compile_filter", "compile_search", "escape_like", "searchable_columns"]

_COMPARISONS = {
    Operator.EQ: sql.SQL("="),
    Operator.NE: sql.SQL("<>"),
    Operator.GT: sql.SQL(">"),
    Operator.GTE: sql.SQL(">="),
    Operator.LT: sql.SQL("<"),
    Operator.LTE: sql.SQL("<="),
}
_PATTERNS = {
    Operator.LIKE: sql.SQL("LIKE"),
    Operator.ILIKE: sql.SQL("ILIKE"),
    Operator.NOT_LIKE: sql.SQL("NOT LIKE"),
    Operator.NOT_ILIKE: sql.SQL("NOT ILIKE"),
}
_ARRAY_ELEMENTS = {
    "int2": sql.SQL("smallint"),
    "int4": sql.SQL("integer"),
    "int8": sql.SQL("bigint"),
    "numeric": sql.SQL("numeric"),
    "float4": sql.SQL("real"),
    "float8": sql.SQL("double precision"),
    "bool": sql.SQL("boolean"),
    "uuid": sql.SQL("uuid"),
    "date": sql.SQL("date"),
    "timestamptz": sql.SQL("timestamptz"),
    "timestamp": sql.SQL("timestamp"),
}
_SEARCHABLE_BASES = frozenset({"varchar", "bpchar", "text", "citext"})
_TEXT_BASES = _SEARCHABLE_BASES | {"name", "char"}


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _condition(node: Condition, source: sql.Identifier, params: Params) -> sql.Composable:
    column = sql.SQL("{}.{}").format(source, ident(node.column.name))
    operator, value = node.operator, node.value
    is_json = node.column.base_type in ("json", "jsonb") and not node.column.is_array
    if operator is Operator.IS_NULL:
        return sql.SQL("{} IS {}NULL").format(column, sql.SQL("" if value else "NOT "))
    if operator is Operator.NOT_NULL:
        return sql.SQL("{} IS {}NULL").format(column, sql.SQL("NOT " if value else ""))
    if operator is Operator.WITHIN_BOX:
        return _within(column, value, params)
    if operator is Operator.NEAR:
        return _near(column, value, params)
    if operator in _COMPARISONS:
        if is_json:
            return sql.SQL("{} {} {}::jsonb").format(
                column, _COMPARISONS[operator], params.add(Jsonb(value))
            )
        if node.column.is_array:
            return sql.SQL("{} {} {}").format(
                column, _COMPARISONS[operator], _array_param(node, params)
            )
        return sql.SQL("{} {} {}").format(column, _COMPARISONS[operator], params.add(value))
    if operator is Operator.BETWEEN:
        return sql.SQL("{} BETWEEN {} AND {}").format(
            column, params.add(value[0]), params.add(value[1])
        )
    if operator in (Operator.IN, Operator.NOT_IN):
        if not value:
            return sql.SQL("FALSE" if operator is Operator.IN else "TRUE")
        template = "{} = ANY({})" if operator is Operator.IN else "NOT ({} = ANY({}))"
        return sql.SQL(template).format(column, params.add(_one_type(value)))
    text = column if node.column.base_type in _TEXT_BASES else sql.SQL("{}::text").format(column)
    if operator in _PATTERNS:
        return sql.SQL("{} {} {}").format(text, _PATTERNS[operator], params.add(value))
    if operator is Operator.STARTS_WITH:
        return sql.SQL("{} LIKE {}").format(text, params.add(escape_like(value) + "%"))
    if operator is Operator.CONTAINS and node.column.is_array:
        return sql.SQL("{} @> {}").format(column, _array_param(node, params))
    if operator is Operator.OVERLAPS:
        return sql.SQL("{} && {}").format(column, _array_param(node, params))
    if operator is Operator.CONTAINS and is_json:
        return sql.SQL("{} @> {}::jsonb").format(column, params.add(Jsonb(value)))
    return sql.SQL("{} ILIKE {}").format(text, params.add("%" + escape_like(value) + "%"))


def _within(column: sql.Composable, box: Box, params: Params) -> sql.Composable:
    """``point <@ box``: what a GiST index on the column answers (PolarBase makes one for each
    geo-point column)."""
    corners = [params.add(number) for number in (box.min_x, box.min_y, box.max_x, box.max_y)]
    return sql.SQL(
        "{} <@ box(point({}::float8, {}::float8), point({}::float8, {}::float8))"
    ).format(column, *corners)


def _near(column: sql.Composable, near: Near, params: Params) -> sql.Composable:
    """The haversine distance, narrowed first to the circle's bounding box (which the index
    answers) when it has one."""
    x, y = params.add(near.x), params.add(near.y)
    distance = sql.SQL(
        "2 * {radius} * asin(least(1, sqrt("
        "power(sin(radians({c}[1] - {y}::float8) / 2), 2) + "
        "cos(radians({y}::float8)) * cos(radians({c}[1])) * "
        "power(sin(radians({c}[0] - {x}::float8) / 2), 2)))) <= {meters}::float8"
    ).format(
        radius=sql.Literal(EARTH_RADIUS_METERS), c=column, x=x, y=y, meters=params.add(near.meters)
    )
    box = near.bounding_box()
    if box is None:
        return sql.SQL("({} IS NOT NULL AND {})").format(column, distance)
    return sql.SQL("({} AND {})").format(_within(column, box, params), distance)


def _array_param(node: Condition, params: Params) -> sql.Composable:
    """An array value cast to the column's array type: psycopg picks the narrowest type for a
    list of small integers (smallint[]), and ``integer[] @> smallint[]`` has no operator."""
    if node.column.base_type in _TEXT_BASES:
        return sql.SQL("{}::text[]").format(params.add(node.value))
    element = _ARRAY_ELEMENTS.get(node.column.base_type)
    value = params.add(_one_type(node.value))
    return value if element is None else sql.SQL("{}::{}[]").format(value, element)


def _one_type(values: list[Any]) -> list[Any]:
    """``values`` as one type psycopg can send as an array: integers mixed with fractions (as
    JSON gives them, ``[1, 2.5]``) become decimals, exactly."""
    numbers = [item for item in values if item is not None]
    if (
        numbers
        and all(
            isinstance(item, int | float | Decimal) and not isinstance(item, bool)
            for item in numbers
        )
        and len({type(item) for item in numbers}) > 1
    ):
        return [None if item is None else Decimal(str(item)) for item in values]
    return values


def compile_filter(node: FilterNode, source: sql.Identifier, params: Params) -> sql.Composable:
    """``node`` as a SQL condition over the table aliased ``source``."""
    if isinstance(node, Condition):
        return _condition(node, source, params)
    joiner = sql.SQL(" AND " if node.kind == "and" else " OR ")
    return sql.SQL("({})").format(
        joiner.join(compile_filter(child, source, params) for child in node.children)
    )


def searchable_columns(table: Table) -> list[str]:
    """Every text-like column: text, long-text, email, url and select, never uuid keys."""
    return [
        column.name
        for column in table.columns
        if not column.is_array and column.base_type in _SEARCHABLE_BASES
    ]


def compile_search(
    table: Table, term: str, source: sql.Identifier, params: Params
) -> sql.Composable:
    """Case-insensitive substring search over the searchable columns (FALSE when there are none:
    a table without text matches no search)."""
    names = searchable_columns(table)
    if not names:
        return sql.SQL("FALSE")
    pattern = params.add("%" + escape_like(term) + "%")
    return sql.SQL("({})").format(
        sql.SQL(" OR ").join(
            sql.SQL("{}.{} ILIKE {}").format(source, ident(name), pattern) for name in names
        )
    )
