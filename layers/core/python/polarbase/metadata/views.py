"""Saved views of a table (grid, calendar, map, timeline layouts), keyed by table OID."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson

from ..errors import AlreadyExistsError
from .store import MetadataStore

__all__ = ["ViewRepository", "ViewRow"]

_COLUMNS = (
    "id, schema_name, table_oid, name, type, config, created_by, created_at, updated_at, opened_at"
)


@dataclass(frozen=True, slots=True)
class ViewRow:
    id: int
    schema: str
    table_oid: int
    name: str
    type: str
    config: dict[str, Any]
    created_by: str | None
    created_at: str
    updated_at: str
    opened_at: str | None


def _row(raw: tuple[Any, ...]) -> ViewRow:
    view_id, schema, oid, name, kind, config, created_by, created_at, updated_at, opened = raw
    return ViewRow(
        view_id,
        schema,
        oid,
        name,
        kind,
        orjson.loads(config),
        created_by,
        created_at,
        updated_at,
        opened,
    )


class ViewRepository:
    """Views in the metadata store. Keyed by the table's OID, so a view follows its table through
    renames, and goes with it when it is dropped (``PresentationRepository.forget_table``)."""

    def __init__(self, store: MetadataStore) -> None:
        self.store = store

    def of_table(self, schema: str, oid: int) -> list[ViewRow]:
        rows = self.store.read(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM views WHERE schema_name = ? AND table_oid = ? "  # noqa: S608 - fixed text
                "ORDER BY id",
                (schema, oid),
            ).fetchall()
        )
        return [_row(raw) for raw in rows]

    def find(self, view_id: int) -> ViewRow | None:
        raw = self.store.read(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM views WHERE id = ?",  # noqa: S608 - fixed text
                (view_id,),
            ).fetchone()
        )
        return _row(raw) if raw is not None else None

    def create(
        self,
        schema: str,
        oid: int,
        name: str,
        kind: str,
        config: dict[str, Any],
        created_by: str,
    ) -> ViewRow:
        encoded = orjson.dumps(config).decode()

        def insert(db: sqlite3.Connection) -> int:
            try:
                cursor = db.execute(
                    "INSERT INTO views (schema_name, table_oid, name, type, config, created_by) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (schema, oid, name, kind, encoded, created_by),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsError(f"name: this table already has a view '{name}'") from None
            return int(cursor.lastrowid or 0)

        created = self.find(self.store.write(insert))
        assert created is not None
        return created

    def update(self, view_id: int, changes: dict[str, Any]) -> ViewRow | None:
        """Set ``name``, ``type`` and ``config`` (those present); None when there is no view."""
        assignments = [
            f"{column} = ?" for column in ("name", "type", "config") if column in changes
        ]
        values = [
            orjson.dumps(changes[column]).decode() if column == "config" else changes[column]
            for column in ("name", "type", "config")
            if column in changes
        ]
        statement = (
            f"UPDATE views SET {', '.join(assignments)}, "  # noqa: S608 - fixed column names
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?"
        )

        def change(db: sqlite3.Connection) -> int:
            try:
                return db.execute(statement, (*values, view_id)).rowcount
            except sqlite3.IntegrityError:
                raise AlreadyExistsError(
                    f"name: this table already has a view '{changes.get('name')}'"
                ) from None

        if not self.store.write(change):
            return None
        return self.find(view_id)

    def mark_opened(self, view_id: int) -> None:
        """Note that the view was just opened (the studio comes back to the latest one)."""
        self.store.write(
            lambda db: db.execute(
                "UPDATE views SET opened_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                (view_id,),
            )
        )

    def delete(self, view_id: int) -> bool:
        return bool(
            self.store.write(
                lambda db: db.execute("DELETE FROM views WHERE id = ?", (view_id,)).rowcount
            )
        )
