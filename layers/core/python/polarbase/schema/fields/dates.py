"""Date field types: date (a timestamp with time zone) and auto-date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from psycopg import sql

from ._base import CheckRule, DdlContext, FieldType, range_condition

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition

__all__ = ["AutoDateField", "DateField", "parse_bound_date"]

_NOW_WORDS = {"now", "now()", "current_timestamp", "current_date"}


def parse_bound_date(text: str) -> datetime:
    """Parse a date rule bound (``YYYY-MM-DD HH24:MI`` or ISO 8601), UTC unless a zone is given."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date (expected YYYY-MM-DD HH:MM or ISO 8601)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DateField(FieldType):
    name = "date"
    validation_keys = frozenset({"minDate", "maxDate"})

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("timestamptz")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        rules = definition.validation
        if rules is None:
            return []
        low = parse_bound_date(rules.minDate).isoformat() if rules.minDate else None
        high = parse_bound_date(rules.maxDate).isoformat() if rules.maxDate else None
        condition = range_condition(column, low, high, sql.SQL("timestamptz"))
        return [CheckRule("date_range_check", condition)] if condition is not None else []

    def default_literal(self, value: Any) -> sql.Composable:
        if not isinstance(value, str):
            raise ValueError("must be a date string")
        if value.strip().lower() in _NOW_WORDS:
            return sql.SQL("CURRENT_TIMESTAMP")
        return sql.SQL("{}::timestamptz").format(sql.Literal(parse_bound_date(value).isoformat()))


class AutoDateField(FieldType):
    name = "auto-date"
    has_default = False

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("timestamptz")

    def fixed_default(self, definition: ColumnDefinition) -> sql.Composable | None:
        return sql.SQL("CURRENT_TIMESTAMP")
