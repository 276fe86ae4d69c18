"""How tables, columns and indexes look in API responses, and a column read back as a definition."""

from __future__ import annotations

from typing import Any

from .definitions import (
    ColumnDefinition,
    ForeignKeyDefinition,
    FormulaDefinition,
    PresentationDefinition,
    ValidationDefinition,
)
from .model import Column, Index, Table

__all__ = ["column_definition", "column_document", "index_document", "table_document"]

_PRIMARY_KEY_TYPES = {"int4": "int4", "int8": "int8", "uuid": "uuid", "varchar": "varchar"}


def column_document(column: Column) -> dict[str, Any]:
    """The original's Column object (reference §4.4), with its bugs fixed."""
    presentation = None
    if column.ui_name is not None or column.display_format is not None:
        presentation = {"uiName": column.ui_name, "format": column.display_format}
    foreign_key = None
    if column.foreign_key is not None:
        foreign_key = {
            "table": column.foreign_key.table.name,
            "column": {"name": column.foreign_key.column, "type": column.udt_name},
            "onUpdate": column.foreign_key.on_update,
            "onDelete": column.foreign_key.on_delete,
        }
    formula = None
    if column.formula is not None:
        formula = {
            "resultType": column.formula.result_type,
            "expression": column.formula.expression,
            "strategy": column.formula.strategy,
        }
    return {
        "name": column.name,
        "dataType": column.field_type,
        "primary": column.primary,
        "nullable": column.nullable,
        "unique": column.unique,
        "defaultValue": column.default_value,
        "comment": column.comment,
        "presentation": presentation,
        "validation": column.validation,
        "options": list(column.options) if column.options is not None else None,
        "foreignKey": foreign_key,
        "formula": formula,
        "metadata": {
            "rawDataType": column.pg_type,
            "rawDefaultValue": column.default_sql,
            "udtName": column.udt_name,
            "domainName": column.domain,
            "isGenerated": bool(column.generated),
            "generationExpression": column.formula.expression if column.formula else None,
            "constraints": [dict(check) for check in column.checks],
        },
    }


def table_document(table: Table, *, include_schema: bool = False) -> dict[str, Any]:
    key = table.key_column
    document: dict[str, Any] = {
        "name": table.name,
        "comment": table.comment,
        "primaryKey": {"name": key.name, "type": key.udt_name} if key is not None else None,
        "presentation": {"uiName": table.ui_name} if table.ui_name is not None else None,
        # As a create-table body names them (None: a key PolarBase does not make, from outside).
        "idType": table.id_type,
        "timestamps": table.has_timestamps,
    }
    if include_schema:
        document["schema"] = [column_document(column) for column in table.columns]
    return document


def index_document(index: Index) -> dict[str, Any]:
    return {
        "name": index.name,
        "tableName": index.table,
        "columnNames": list(index.columns),
        "unique": index.unique,
        "primary": index.primary,
        "type": index.method,
    }


def column_definition(column: Column) -> ColumnDefinition:
    """The definition that would create ``column`` as it is now; the base of partial updates."""
    validation = ValidationDefinition(**column.validation) if column.validation else None
    presentation = None
    if column.ui_name is not None or column.display_format is not None:
        presentation = PresentationDefinition(uiName=column.ui_name, format=column.display_format)
    foreign_key = None
    if column.foreign_key is not None:
        foreign_key = ForeignKeyDefinition.model_validate(
            {
                "table": column.foreign_key.table.name,
                "column": {"name": column.foreign_key.column, "type": column.udt_name},
                "onUpdate": column.foreign_key.on_update,
                "onDelete": column.foreign_key.on_delete,
            }
        )
    formula = None
    if column.formula is not None:
        formula = FormulaDefinition.model_construct(
            resultType=column.formula.result_type,  # type: ignore[arg-type]
            expression=column.formula.expression,
            strategy=column.formula.strategy,  # type: ignore[arg-type]
        )
    return ColumnDefinition.model_construct(
        name=column.name,
        dataType=column.field_type,  # type: ignore[arg-type]
        nullable=column.nullable,
        unique=column.unique,
        defaultValue=column.default_value,
        comment=column.comment,
        presentation=presentation,
        validation=validation,
        options=list(column.options) if column.options is not None else None,
        foreignKey=foreign_key,
        formula=formula,
    )
