"""The reference field type: a foreign key to another table's key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import DdlContext, FieldType

if TYPE_CHECKING:
    from psycopg import sql

    from ..definitions import ColumnDefinition

__all__ = ["ReferenceField"]


class ReferenceField(FieldType):
    name = "reference"
    has_default = False

    def storage(self, definition: ColumnDefinition, context: DdlContext) -> sql.Composable:
        # The service resolves the referenced column's type from the catalog before asking.
        assert context.reference_type is not None
        return context.reference_type
