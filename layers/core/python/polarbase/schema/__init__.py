"""The schema engine: field types, definitions, DDL, type detection and the schema cache.

Pure: no I/O here. Services run the statements this package builds.

The definitions (pydantic models of what a client sends to create or change a table) and the
documents built from them are loaded on first use of one of their names (PEP 562): the records
path needs neither, and pydantic is a large share of a function's cold start (bench/RESULTS.md).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .cache import SchemaCache
from .catalog import catalog_statement
from .detect import ColumnPresentation, TablePresentation, build_table, parse_default
from .model import Column, ForeignKey, Formula, Index, Table, TableName

if TYPE_CHECKING:
    from .definitions import (
        FIELD_TYPES,
        ColumnDefinition,
        FieldTypeName,
        ForeignKeyDefinition,
        FormulaDefinition,
        IndexDefinition,
        PresentationDefinition,
        TableDefinition,
        TableUpdate,
        ValidationDefinition,
        check_identifier,
    )
    from .documents import column_definition, column_document, index_document, table_document

__all__ = [
    "FIELD_TYPES",
    "Column",
    "ColumnDefinition",
    "ColumnPresentation",
    "FieldTypeName",
    "ForeignKey",
    "ForeignKeyDefinition",
    "Formula",
    "FormulaDefinition",
    "Index",
    "IndexDefinition",
    "PresentationDefinition",
    "SchemaCache",
    "Table",
    "TableDefinition",
    "TableName",
    "TablePresentation",
    "TableUpdate",
    "ValidationDefinition",
    "build_table",
    "catalog_statement",
    "check_identifier",
    "column_definition",
    "column_document",
    "index_document",
    "parse_default",
    "table_document",
]

# The names loaded on first use, and the module (which imports pydantic) that holds each.
_LAZY = {
    **dict.fromkeys(
        (
            "FIELD_TYPES",
            "ColumnDefinition",
            "FieldTypeName",
            "ForeignKeyDefinition",
            "FormulaDefinition",
            "IndexDefinition",
            "PresentationDefinition",
            "TableDefinition",
            "TableUpdate",
            "ValidationDefinition",
            "check_identifier",
        ),
        ".definitions",
    ),
    **dict.fromkeys(
        ("column_definition", "column_document", "index_document", "table_document"),
        ".documents",
    ),
}


def __getattr__(name: str) -> Any:
    """A definitions or documents name, imported on its first use and kept in the package."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
