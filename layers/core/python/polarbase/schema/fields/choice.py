"""Choice field types: checkbox, select and multi-select."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import sql

from ._base import CheckRule, DdlContext, FieldType

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition

__all__ = ["CheckboxField", "MultiSelectField", "SelectField"]


class CheckboxField(FieldType):
    name = "checkbox"

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("boolean")

    def default_literal(self, value: Any) -> sql.Composable:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return sql.Literal(value)


class SelectField(FieldType):
    name = "select"

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("text")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        condition = sql.SQL("{} = ANY ({}::text[])").format(
            column, sql.Literal(list(definition.options or []))
        )
        return [CheckRule("options_check", condition)]

    def default_literal(self, value: Any) -> sql.Composable:
        if not isinstance(value, str):
            raise ValueError("must be one of the options")
        return sql.Literal(value)


class MultiSelectField(FieldType):
    name = "multi-select"

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("text[]")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        condition = sql.SQL("{} <@ {}::text[]").format(
            column, sql.Literal(list(definition.options or []))
        )
        return [CheckRule("options_check", condition)]

    def default_literal(self, value: Any) -> sql.Composable:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("must be a list of options")
        return sql.SQL("{}::text[]").format(sql.Literal(value))
