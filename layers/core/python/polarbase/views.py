"""The view service: saved layouts of a table (grid, calendar, map, timeline) for the studio and
any script, scoped like the table they show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from .errors import InvalidInputError, NotFoundError
from .schema import Table, TableName

if TYPE_CHECKING:
    from .auth import Principal
    from .catalog import Catalog
    from .metadata.views import ViewRepository, ViewRow

__all__ = ["MAX_CONFIG_BYTES", "VIEW_TYPES", "ViewService"]

VIEW_TYPES = ("grid", "calendar", "map", "timeline")
MAX_CONFIG_BYTES = 256 * 1024
MAX_NAME_LENGTH = 100
_FIELDS = frozenset({"table", "name", "type", "config"})


class ViewService:
    """Views live in the metadata store, keyed by table OID: they follow renames and go with
    drops. A key sees the views of the tables it may read, and changes those of the tables it
    may write (a read-only key changes none); ``config`` is the client's own JSON object.

    Example:
        >>> await views.create_view(principal, {"table": "deals", "name": "Pipeline",
        ...                                     "type": "grid", "config": {"rowHeight": 32}})
        {'id': 1, 'table': 'deals', 'name': 'Pipeline', 'type': 'grid', ...}
    """

    def __init__(self, repository: ViewRepository, catalog: Catalog, schema: str) -> None:
        self.repository = repository
        self.catalog = catalog
        self.schema = schema

    async def list_views(self, principal: Principal, table_name: str) -> list[dict[str, Any]]:
        ref = TableName.named(self.schema, table_name)
        principal.check_read(ref)
        table = await self.catalog.table(ref)
        return [_document(row, table) for row in self.repository.of_table(self.schema, table.oid)]

    async def get_view(self, principal: Principal, view_id: int) -> dict[str, Any]:
        row, table = await self._view(principal, view_id)
        return _document(row, table)

    async def create_view(self, principal: Principal, body: Any) -> dict[str, Any]:
        fields = _fields(body, required=("table", "name", "type"))
        ref = TableName.named(self.schema, _text(fields, "table", 63))
        principal.check_write(ref)
        table = await self.catalog.table(ref)
        row = self.repository.create(
            self.schema,
            table.oid,
            _text(fields, "name", MAX_NAME_LENGTH),
            _type(fields),
            _config(fields.get("config", {})),
            str(principal.actor),
        )
        return _document(row, table)

    async def update_view(self, principal: Principal, view_id: int, body: Any) -> dict[str, Any]:
        row, table = await self._view(principal, view_id)
        principal.check_write(table.ref)
        fields = _fields(body, required=())
        if "table" in fields:
            raise InvalidInputError("table: a view stays with its table; create a new view")
        changes: dict[str, Any] = {}
        if "name" in fields:
            changes["name"] = _text(fields, "name", MAX_NAME_LENGTH)
        if "type" in fields:
            changes["type"] = _type(fields)
        if "config" in fields:
            changes["config"] = _config(fields["config"])
        if not changes:
            raise InvalidInputError("body: send at least one of name, type, config")
        updated = self.repository.update(row.id, changes)
        if updated is None:
            raise NotFoundError(f"view {view_id} not found")
        return _document(updated, table)

    async def open_view(self, principal: Principal, view_id: int) -> dict[str, Any]:
        """Note that ``principal`` opened the view: a key that may read the table may (it
        changes nothing of the table or the view's layout, only which view comes back)."""
        row, table = await self._view(principal, view_id)
        self.repository.mark_opened(row.id)
        opened = self.repository.find(row.id)
        assert opened is not None
        return _document(opened, table)

    async def delete_view(self, principal: Principal, view_id: int) -> None:
        row, table = await self._view(principal, view_id)
        principal.check_write(table.ref)
        self.repository.delete(row.id)

    async def _view(self, principal: Principal, view_id: int) -> tuple[ViewRow, Table]:
        """The view and its table as it is now, after checking that ``principal`` may read it;
        404 for a view that does not exist or whose table is gone."""
        principal.check_schema(self.schema)
        row = self.repository.find(view_id)
        table = None
        if row is not None and row.schema == self.schema:
            tables = await self.catalog.tables(self.schema)
            table = next((t for t in tables if t.oid == row.table_oid), None)
        if row is None or table is None:
            raise NotFoundError(f"view {view_id} not found")
        principal.check_read(table.ref)
        return row, table


def _fields(body: Any, *, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInputError("body: must be a JSON object with table, name, type and config")
    unknown = set(body) - _FIELDS
    if unknown:
        raise InvalidInputError(f"{sorted(unknown)[0]}: not a field of a view")
    for name in required:
        if name not in body:
            raise InvalidInputError(f"{name}: is required")
    return body


def _text(fields: dict[str, Any], name: str, longest: int) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{name}: must be a non-empty string")
    if len(value) > longest:
        raise InvalidInputError(f"{name}: longer than {longest} characters")
    return value.strip()


def _type(fields: dict[str, Any]) -> str:
    value = fields.get("type")
    if value not in VIEW_TYPES:
        raise InvalidInputError(f"type: must be one of {', '.join(VIEW_TYPES)}")
    return str(value)


def _config(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError("config: must be a JSON object")
    if len(orjson.dumps(value)) > MAX_CONFIG_BYTES:
        raise InvalidInputError(f"config: larger than {MAX_CONFIG_BYTES // 1024} KB")
    return value


def _document(row: ViewRow, table: Table) -> dict[str, Any]:
    return {
        "id": row.id,
        "table": table.name,
        "name": row.name,
        "type": row.type,
        "config": row.config,
        "createdBy": row.created_by,
        "createdAt": row.created_at,
        "updatedAt": row.updated_at,
        "openedAt": row.opened_at,
    }
