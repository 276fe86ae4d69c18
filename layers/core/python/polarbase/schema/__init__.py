"""The schema engine: field types, definitions, DDL, type detection and the schema cache.

Pure: no I/O here. Services run the statements this package builds.
"""

from .cache import SchemaCache
from .catalog import catalog_statement
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
from .detect import ColumnPresentation, TablePresentation, build_table, parse_default
from .documents import column_definition, column_document, index_document, table_document
from .model import Column, ForeignKey, Formula, Index, Table, TableName

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
