"""Display names and formats of tables and columns, keyed by table OID and column number."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from ..schema.detect import ColumnPresentation, TablePresentation
from .store import MetadataStore

__all__ = ["PresentationRepository"]


class PresentationRepository:
    """UI names and formats, stored outside the user's Postgres.

    Keys are (schema, table OID, column attnum): stable across renames made anywhere, so the
    metadata follows a renamed table or column, and rows go away when PolarBase drops them.
    """

    def __init__(self, store: MetadataStore) -> None:
        self.store = store

    def for_schema(self, schema: str) -> dict[int, TablePresentation]:
        def query(db: sqlite3.Connection) -> dict[int, TablePresentation]:
            tables: dict[int, str | None] = dict(
                db.execute(
                    "SELECT table_oid, ui_name FROM table_metadata WHERE schema_name = ?", (schema,)
                ).fetchall()
            )
            columns: dict[int, dict[int, ColumnPresentation]] = {}
            for oid, attnum, ui_name, display_format, formula, stored in db.execute(
                "SELECT table_oid, attnum, ui_name, format, formula, formula_stored "
                "FROM column_metadata WHERE schema_name = ?",
                (schema,),
            ):
                columns.setdefault(oid, {})[attnum] = ColumnPresentation(
                    ui_name,
                    orjson.loads(display_format) if display_format else None,
                    (formula, stored) if formula is not None and stored is not None else None,
                )
            return {
                oid: TablePresentation(tables.get(oid), columns.get(oid, {}))
                for oid in set(tables) | set(columns)
            }

        return self.store.read(query)

    def set_table(self, schema: str, oid: int, name: str, ui_name: str | None) -> None:
        self.store.write(
            lambda db: db.execute(
                "INSERT INTO table_metadata (schema_name, table_oid, table_name, ui_name) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (schema_name, table_oid) DO UPDATE SET "
                "table_name = excluded.table_name, ui_name = excluded.ui_name, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (schema, oid, name, ui_name),
            )
        )

    def set_column(
        self,
        schema: str,
        oid: int,
        attnum: int,
        name: str,
        ui_name: str | None,
        display_format: dict[str, Any] | None,
    ) -> None:
        encoded = orjson.dumps(display_format).decode() if display_format is not None else None
        self.store.write(
            lambda db: db.execute(
                "INSERT INTO column_metadata "
                "(schema_name, table_oid, attnum, column_name, ui_name, format) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (schema_name, table_oid, attnum) DO UPDATE SET "
                "column_name = excluded.column_name, ui_name = excluded.ui_name, "
                "format = excluded.format, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (schema, oid, attnum, name, ui_name, encoded),
            )
        )

    def set_formula(
        self, schema: str, oid: int, attnum: int, name: str, written: str, stored: str
    ) -> None:
        """Keep a formula as its author wrote it, with the expression PostgreSQL stored."""
        self.store.write(
            lambda db: db.execute(
                "INSERT INTO column_metadata "
                "(schema_name, table_oid, attnum, column_name, formula, formula_stored) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (schema_name, table_oid, attnum) DO UPDATE SET "
                "column_name = excluded.column_name, formula = excluded.formula, "
                "formula_stored = excluded.formula_stored, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (schema, oid, attnum, name, written, stored),
            )
        )

    def forget_table(self, schema: str, oid: int) -> None:
        def change(db: sqlite3.Connection) -> None:
            db.execute(
                "DELETE FROM table_metadata WHERE schema_name = ? AND table_oid = ?", (schema, oid)
            )
            db.execute(
                "DELETE FROM column_metadata WHERE schema_name = ? AND table_oid = ?", (schema, oid)
            )
            db.execute("DELETE FROM views WHERE schema_name = ? AND table_oid = ?", (schema, oid))

        self.store.write(change)

    def forget_column(self, schema: str, oid: int, attnum: int) -> None:
        self.store.write(
            lambda db: db.execute(
                "DELETE FROM column_metadata "
                "WHERE schema_name = ? AND table_oid = ? AND attnum = ?",
                (schema, oid, attnum),
            )
        )

    def forget_missing(self, schema: str, live_oids: set[int]) -> int:
        """Drop metadata (names, formats, views) of tables that no longer exist (dropped
        outside PolarBase)."""

        def known(db: sqlite3.Connection) -> set[int]:
            return {
                oid
                for (oid,) in db.execute(
                    "SELECT table_oid FROM table_metadata WHERE schema_name = ?1 UNION "
                    "SELECT table_oid FROM column_metadata WHERE schema_name = ?1 UNION "
                    "SELECT table_oid FROM views WHERE schema_name = ?1",
                    (schema,),
                )
            }

        stale = self.store.read(known) - live_oids
        if not stale:
            return 0

        def change(db: sqlite3.Connection) -> None:
            for oid in stale:
                for table in ("table_metadata", "column_metadata", "views"):
                    db.execute(
                        f"DELETE FROM {table} WHERE schema_name = ? AND table_oid = ?",  # noqa: S608 - one of three fixed names
                        (schema, oid),
                    )

        self.store.write(change)
        return len(stale)
