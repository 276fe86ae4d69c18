"""What every field type says about itself: its storage, its rules as CHECKs, its default."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from psycopg import sql

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition, ValidationDefinition
    from ..model import TableName

__all__ = ["CheckRule", "DdlContext", "FieldType", "constraint_name"]

# Suffixes of the CHECK constraints PolarBase names; the original uses the same ones.
CHECK_SUFFIXES = (
    "length_check",
    "value_range_check",
    "date_range_check",
    "size_check",
    "file_count_check",
    "file_bytes_check",
    "file_type_check",
    "email_domain_check",
    "options_check",
)


def constraint_name(table: str, column: str, suffix: str) -> str:
    """``<table>_<column>_<suffix>``, shortened with a hash when longer than Postgres allows."""
    name = f"{table}_{column}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    head = f"{table}_{column}"[: 63 - len(suffix) - 10]
    return f"{head}_{digest}_{suffix}"


@dataclass(frozen=True, slots=True)
class CheckRule:
    suffix: str
    condition: sql.Composable


@dataclass(frozen=True, slots=True)
class DdlContext:
    """Facts the DDL of one column needs from outside its definition."""

    table: TableName
    reference_type: sql.Composable | None = None  # storage type of the referenced key
    formula_sql: sql.Composable | None = None  # the checked formula expression


class FieldType:
    """A PolarBase field type. Subclasses set ``name`` and override what differs."""

    name: ClassVar[str]
    validation_keys: ClassVar[frozenset[str]] = frozenset()
    has_default: ClassVar[bool] = True

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        raise NotImplementedError

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        """CHECK rules for the definition's validation; only keys this type honours."""
        return []

    def default_literal(self, value: Any) -> sql.Composable:
        """The DEFAULT clause for a caller's default value; raises ValueError when it is wrong."""
        return sql.Literal(value)

    def fixed_default(self, definition: ColumnDefinition) -> sql.Composable | None:
        """A default the type always has (auto-date), whatever the caller sends."""
        return None

    def generated(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable | None:
        return None

    def unknown_validation(self, validation: ValidationDefinition | None) -> list[str]:
        if validation is None:
            return []
        sent = {
            key for key, value in validation.model_dump().items() if value not in (None, "", [])
        }
        return sorted(sent - self.validation_keys)


def range_condition(
    column: sql.Composable, low: object | None, high: object | None, cast: sql.Composable | None
) -> sql.Composable | None:
    parts: list[sql.Composable] = []
    for operator, bound in ((sql.SQL(">="), low), (sql.SQL("<="), high)):
        if bound is None:
            continue
        literal: sql.Composable = sql.Literal(bound)
        if cast is not None:
            literal = sql.SQL("{}::{}").format(literal, cast)
        parts.append(sql.SQL("{} {} {}").format(column, operator, literal))
    if not parts:
        return None
    return sql.SQL(" AND ").join(parts)
