"""Structured field types: json, geo-point and attachment."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from psycopg import sql
from psycopg.types.json import Jsonb

from ._base import CheckRule, DdlContext, FieldType

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition

__all__ = ["AttachmentField", "GeoPointField", "JsonField", "point_text"]


def point_text(value: Any) -> str:
    """A geo-point as Postgres reads it, from ``{x, y}``, ``[x, y]``, ``"(x, y)"`` or ``"x,y"``."""
    if isinstance(value, dict) and set(value) >= {"x", "y"}:
        x, y = value["x"], value["y"]
    elif isinstance(value, list | tuple) and len(value) == 2:
        x, y = value
    elif isinstance(value, str):
        parts = value.strip().strip("()").split(",")
        if len(parts) != 2:
            raise ValueError(f'\'{value}\' is not a point: send {{"x": 1.5, "y": 2.5}}')
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"'{value}' is not a point: coordinates must be numbers") from None
    else:
        raise ValueError('is not a point: send {"x": 1.5, "y": 2.5}')
    for coordinate in (x, y):
        if isinstance(coordinate, bool) or not isinstance(coordinate, int | float):
            raise ValueError("is not a point: x and y must be numbers")
    # A geo-point is a place: the map, the near and withinBox filters and the studio all read
    # x as the longitude and y as the latitude, and a point off the globe breaks each of them.
    x, y = float(x), float(y)
    if not (math.isfinite(x) and -180 <= x <= 180):
        raise ValueError("is not a point on the globe: x is the longitude, from -180 to 180")
    if not (math.isfinite(y) and -90 <= y <= 90):
        raise ValueError("is not a point on the globe: y is the latitude, from -90 to 90")
    return f"({x!r},{y!r})"


class JsonField(FieldType):
    name = "json"
    validation_keys = frozenset({"maxSize"})

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("jsonb")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        rules = definition.validation
        if rules is None or not rules.maxSize:
            return []
        condition = sql.SQL("octet_length({}::text) <= {}").format(
            column, sql.Literal(rules.maxSize)
        )
        return [CheckRule("size_check", condition)]

    def default_literal(self, value: Any) -> sql.Composable:
        return sql.Literal(Jsonb(value))


class GeoPointField(FieldType):
    name = "geo-point"

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("point")

    def default_literal(self, value: Any) -> sql.Composable:
        return sql.SQL("{}::point").format(sql.Literal(point_text(value)))


class AttachmentField(FieldType):
    name = "attachment"
    validation_keys = frozenset({"maxFiles", "maxFileSize", "allowedMimeTypes"})
    has_default = False

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("{}[]").format(sql.Identifier(context.table.schema, "attachment"))

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        """``maxFiles`` as the original writes it; ``maxFileSize`` and ``allowedMimeTypes`` as a
        jsonpath over the cell's objects, so writes made outside PolarBase keep them too."""
        rules = definition.validation
        if rules is None:
            return []
        found: list[CheckRule] = []
        if rules.maxFiles:
            condition = sql.SQL("cardinality({}) <= {}").format(column, sql.Literal(rules.maxFiles))
            found.append(CheckRule("file_count_check", condition))
        if rules.maxFileSize:
            path = f"$[*] ? (@.size > {int(rules.maxFileSize)})"
            found.append(CheckRule("file_bytes_check", _none_match(column, path)))
        if rules.allowedMimeTypes:
            allowed = " || ".join(_type_test(item) for item in rules.allowedMimeTypes)
            path = f"$[*].mimeType ? (!({allowed}))"
            found.append(CheckRule("file_type_check", _none_match(column, path)))
        return found


def _none_match(column: sql.Identifier, path: str) -> sql.Composable:
    return sql.SQL("NOT jsonb_path_exists(to_jsonb({}), {}::jsonpath)").format(
        column, sql.Literal(path)
    )


def _type_test(allowed: str) -> str:
    """A jsonpath test of one allowed type; ``allowed`` matched ``MIME_PATTERN`` (no quotes)."""
    family, _, kind = allowed.partition("/")
    if kind == "*":
        return f'@ starts with "{family}/"'
    return f'@ == "{allowed}"'
