"""The formula field type: a generated column over other columns of the same row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psycopg import sql

from ._base import DdlContext, FieldType

if TYPE_CHECKING:
    from ..definitions import ColumnDefinition

__all__ = ["FORMULA_RESULT_TYPES", "FormulaField"]

# resultType -> storage type of the generated column.
FORMULA_RESULT_TYPES: dict[str, sql.SQL] = {
    "text": sql.SQL("text"),
    "integer": sql.SQL("integer"),
    "numeric": sql.SQL("numeric"),
    "date": sql.SQL("timestamptz"),
    "boolean": sql.SQL("boolean"),
    "jsonb": sql.SQL("jsonb"),
}


class FormulaField(FieldType):
    name = "formula"
    has_default = False

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        assert definition.formula is not None
        return FORMULA_RESULT_TYPES[definition.formula.resultType]

    def generated(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable | None:
        assert definition.formula is not None
        assert context.formula_sql is not None
        strategy = sql.SQL("VIRTUAL" if definition.formula.strategy == "virtual" else "STORED")
        return sql.SQL("GENERATED ALWAYS AS ({}) {}").format(context.formula_sql, strategy)
