"""String field types: text, long-text, email and url."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import sql

from ._base import CheckRule, DdlContext, FieldType, range_condition

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition

__all__ = ["EmailField", "LongTextField", "TextField", "UrlField"]

DEFAULT_TEXT_LENGTH = 255


def _string_default(value: Any) -> sql.Composable:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return sql.Literal(value)


class TextField(FieldType):
    name = "text"
    validation_keys = frozenset({"minLength", "maxLength"})

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        longest = definition.validation.maxLength if definition.validation else None
        size = max(DEFAULT_TEXT_LENGTH, longest or 0)
        return sql.SQL("varchar({})").format(sql.Literal(size))

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        rules = definition.validation
        if rules is None:
            return []
        low = rules.minLength if rules.minLength else None
        condition = range_condition(
            sql.SQL("char_length({})").format(column), low, rules.maxLength, None
        )
        return [CheckRule("length_check", condition)] if condition is not None else []

    def default_literal(self, value: Any) -> sql.Composable:
        return _string_default(value)


class LongTextField(FieldType):
    name = "long-text"
    validation_keys = frozenset({"maxSize"})

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.SQL("text")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        rules = definition.validation
        if rules is None or not rules.maxSize:
            return []
        # Bytes of the text as sent, not the compressed size on disk the original measured.
        condition = sql.SQL("octet_length({}) <= {}").format(column, sql.Literal(rules.maxSize))
        return [CheckRule("size_check", condition)]

    def default_literal(self, value: Any) -> sql.Composable:
        return _string_default(value)


class EmailField(FieldType):
    name = "email"
    validation_keys = frozenset({"allowedDomains"})

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.Identifier(context.table.schema, "email_address")

    def checks(self, column: sql.Identifier, definition: ColumnDefinition) -> list[CheckRule]:
        domains = definition.validation.domains() if definition.validation else []
        if not domains:
            return []
        condition = sql.SQL("lower(split_part({}::text, '@', 2)) = ANY ({}::text[])").format(
            column, sql.Literal(domains)
        )
        return [CheckRule("email_domain_check", condition)]

    def default_literal(self, value: Any) -> sql.Composable:
        return _string_default(value)


class UrlField(FieldType):
    name = "url"

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        return sql.Identifier(context.table.schema, "url_address")

    def default_literal(self, value: Any) -> sql.Composable:
        return _string_default(value)
