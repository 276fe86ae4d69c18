"""The WhereFilter grammar: JSON in, a checked filter tree out, every column and value verified."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..errors import InvalidFilterError
from ..schema.model import Column, Table
from .geo import HALF_CIRCUMFERENCE_METERS, Box, Near
from .values import UnfitValueError, coerce_value

__all__ = ["Condition", "FilterNode", "Group", "Operator", "filter_is_empty", "parse_filter"]

MAX_DEPTH = 32
MAX_CONDITIONS = 500


class Operator(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "notIn"
    LIKE = "like"
    ILIKE = "ilike"
    NOT_LIKE = "notLike"
    NOT_ILIKE = "notIlike"
    STARTS_WITH = "startsWith"
    BETWEEN = "between"
    IS_NULL = "isNull"
    NOT_NULL = "notNull"
    CONTAINS = "contains"
    OVERLAPS = "overlaps"
    WITHIN_BOX = "withinBox"
    NEAR = "near"


_ORDERED = {Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.BETWEEN}
_PATTERNS = {
    Operator.LIKE,
    Operator.ILIKE,
    Operator.NOT_LIKE,
    Operator.NOT_ILIKE,
    Operator.STARTS_WITH,
}
_UNORDERED_BASES = {"point", "json"}


@dataclass(frozen=True, slots=True)
class Condition:
    column: Column
    operator: Operator
    value: Any


@dataclass(frozen=True, slots=True)
class Group:
    kind: str  # "and" | "or"
    children: tuple[FilterNode, ...]


FilterNode = Condition | Group


class _Parser:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.count = 0

    def node(self, raw: Any, depth: int) -> FilterNode | None:
        if depth > MAX_DEPTH:
            raise InvalidFilterError(f"filter: nesting deeper than {MAX_DEPTH} levels")
        if not isinstance(raw, dict):
            raise InvalidFilterError(
                'filter: each condition must be a JSON object like {"column": value}'
            )
        if "and" in raw and "or" in raw:
            raise InvalidFilterError('filter: cannot mix "and" and "or" at the same level')
        parts: list[FilterNode] = []
        for key, value in raw.items():
            if key in ("and", "or"):
                group = self.group(key, value, depth)
                if group is not None:
                    parts.append(group)
            else:
                parts.extend(self.column_conditions(key, value))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Group("and", tuple(parts))

    def group(self, kind: str, raw: Any, depth: int) -> FilterNode | None:
        if not isinstance(raw, list):
            raise InvalidFilterError(f'filter: "{kind}" must be a list of conditions')
        children = [child for item in raw if (child := self.node(item, depth + 1)) is not None]
        if not children:
            return None
        return children[0] if len(children) == 1 else Group(kind, tuple(children))

    def column_conditions(self, name: str, raw: Any) -> list[Condition]:
        column = self.table.column(name)
        if column is None:
            raise InvalidFilterError(
                f"filter: unknown column '{name}' in table '{self.table.name}'"
            )
        if isinstance(raw, dict):
            if not raw:
                raise InvalidFilterError(f"filter on column '{name}': empty operator object")
            return [self.condition(column, key, value) for key, value in raw.items()]
        if isinstance(raw, list) and not column.is_array:
            return [self.condition(column, Operator.IN.value, raw)]
        return [self.condition(column, Operator.EQ.value, raw)]

    def condition(self, column: Column, key: str, value: Any) -> Condition:
        self.count += 1
        if self.count > MAX_CONDITIONS:
            raise InvalidFilterError(f"filter: more than {MAX_CONDITIONS} conditions")
        try:
            operator = Operator(key)
        except ValueError:
            raise InvalidFilterError(
                f"filter on column '{column.name}': invalid operator '{key}' (use one of "
                f"{', '.join(op.value for op in Operator)})"
            ) from None
        try:
            return self.checked(column, operator, value)
        except UnfitValueError as problem:
            raise InvalidFilterError(
                f"filter on column '{column.name}': {operator.value} {problem}"
            ) from None

    def checked(self, column: Column, operator: Operator, value: Any) -> Condition:
        name = column.name
        base = "json" if column.base_type in ("json", "jsonb") else column.base_type
        if operator in (Operator.IS_NULL, Operator.NOT_NULL):
            if not isinstance(value, bool):
                raise UnfitValueError("takes true or false")
            return Condition(column, operator, value)
        if operator in (Operator.EQ, Operator.NE) and value is None:
            flipped = Operator.IS_NULL if operator is Operator.EQ else Operator.NOT_NULL
            return Condition(column, flipped, True)
        if operator in (Operator.WITHIN_BOX, Operator.NEAR):
            if base != "point" or column.is_array:
                raise InvalidFilterError(
                    f"filter on column '{name}': '{operator.value}' applies to geo-point columns"
                )
            return Condition(column, operator, _geo_value(operator, value))
        if base == "point":
            raise InvalidFilterError(
                f"filter on column '{name}': geo-point columns support isNull, notNull, "
                "withinBox and near"
            )
        if operator in _ORDERED and (base in _UNORDERED_BASES or column.is_array):
            raise InvalidFilterError(
                f"filter on column '{name}': operator '{operator.value}' does not apply to "
                f"{column.field_type} columns"
            )
        if operator is Operator.BETWEEN:
            if not isinstance(value, list) or len(value) != 2 or None in value:
                raise UnfitValueError("takes a list of two values [low, high]")
            return Condition(column, operator, [coerce_value(column, item) for item in value])
        if operator in (Operator.IN, Operator.NOT_IN):
            items = value if isinstance(value, list) else [value]
            if column.is_array or base == "json":
                raise InvalidFilterError(
                    f"filter on column '{name}': '{operator.value}' does not apply to "
                    f"{column.field_type} columns"
                )
            return Condition(column, operator, [coerce_value(column, item) for item in items])
        if operator in _PATTERNS:
            _check_pattern(value)
            if column.is_array or base == "json":
                raise InvalidFilterError(
                    f"filter on column '{name}': '{operator.value}' does not apply to "
                    f"{column.field_type} columns"
                )
            return Condition(column, operator, value)
        if operator in (Operator.CONTAINS, Operator.OVERLAPS):
            return self.containment(column, operator, value)
        return Condition(column, operator, coerce_value(column, value))

    def containment(self, column: Column, operator: Operator, value: Any) -> Condition:
        if column.is_array:
            items = value if isinstance(value, list) else [value]
            return Condition(column, operator, coerce_value(column, items))
        if column.base_type in ("json", "jsonb") and operator is Operator.CONTAINS:
            return Condition(column, operator, value)
        if operator is Operator.CONTAINS and isinstance(value, str):
            _check_pattern(value)
            return Condition(column, operator, value)  # substring, case-insensitive
        raise InvalidFilterError(
            f"filter on column '{column.name}': '{operator.value}' applies to multi-select, "
            "list and json columns (and 'contains' to text)"
        )


def _coordinates(value: Any, names: tuple[str, ...], shape: str) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) != set(names):
        raise UnfitValueError(f"takes {shape}")
    numbers: dict[str, float] = {}
    for key in names:
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise UnfitValueError(f"takes {shape}: {key} must be a number")
        if not math.isfinite(number):
            raise UnfitValueError(f"takes {shape}: {key} must be finite")
        numbers[key] = float(number)
    return numbers


def _geo_value(operator: Operator, value: Any) -> Box | Near:
    if operator is Operator.WITHIN_BOX:
        box = _coordinates(
            value, ("minX", "minY", "maxX", "maxY"), '{"minX", "minY", "maxX", "maxY"}'
        )
        if box["minX"] > box["maxX"] or box["minY"] > box["maxY"]:
            raise UnfitValueError("takes a box whose minX <= maxX and minY <= maxY")
        return Box(box["minX"], box["minY"], box["maxX"], box["maxY"])
    near = _coordinates(value, ("x", "y", "meters"), '{"x", "y", "meters"}')
    if not -180 <= near["x"] <= 180 or not -90 <= near["y"] <= 90:
        raise UnfitValueError(
            "takes x as a longitude (-180 to 180) and y as a latitude (-90 to 90)"
        )
    if not 0 <= near["meters"] <= HALF_CIRCUMFERENCE_METERS:
        raise UnfitValueError("takes meters between 0 and half the earth's circumference")
    return Near(near["x"], near["y"], near["meters"])


def _check_pattern(value: Any) -> None:
    if not isinstance(value, str):
        raise UnfitValueError("takes a text pattern")
    if "\x00" in value:
        raise UnfitValueError("pattern may not contain the NUL character")


def parse_filter(raw: Any, table: Table) -> FilterNode | None:
    """Check a WhereFilter (already decoded from JSON) against ``table``; None when it is empty.

    Raises InvalidFilterError naming the column, operator or value that is wrong.

    Example:
        >>> parse_filter({"or": [{"age": {"gte": 18}}, {"name": {"isNull": True}}]}, people)
    """
    if raw is None:
        return None
    return _Parser(table).node(raw, 0)


def filter_is_empty(raw: Any) -> bool:
    """Whether a WhereFilter selects every row: absent, ``{}``, or only groups of such
    (``{"and": []}``, ``{"or": [{"and": [{}]}]}``), as ``parse_filter`` reduces them to nothing.
    Anything else, even malformed, is not empty (``parse_filter`` then says what is wrong)."""
    if raw is None:
        return True
    if not isinstance(raw, dict):
        return False
    for key, value in raw.items():
        if key not in ("and", "or") or not isinstance(value, list):
            return False
        if not all(filter_is_empty(item) for item in value):
            return False
    return True
