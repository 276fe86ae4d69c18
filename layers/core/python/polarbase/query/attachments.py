"""Which stored files the attachment cells of a schema still name (for the files' gc)."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from ..schema.model import Table
from .names import ident
from .statement import Statement

__all__ = ["referenced_keys_statement"]


def referenced_keys_statement(tables: Sequence[Table]) -> Statement | None:
    """One statement answering the JSON array of every ``key`` in every attachment column of
    ``tables``; None when no table has one."""
    parts: list[sql.Composable] = []
    for table in tables:
        source = ident(table.ref.schema, table.ref.name)
        for column in table.columns:
            if column.field_type != "attachment":
                continue
            parts.append(
                sql.SQL("SELECT file->>'key' FROM {} AS t, unnest(t.{}) AS file").format(
                    source, ident(column.name)
                )
            )
    if not parts:
        return None
    return Statement(
        sql.SQL("SELECT coalesce(json_agg(DISTINCT k), '[]')::text FROM ({}) AS found(k)").format(
            sql.SQL(" UNION ALL ").join(parts)
        )
    )
