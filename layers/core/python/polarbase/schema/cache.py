"""The in-process cache of table shapes, so the hot path never reads the catalog."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .model import Table, TableName

__all__ = ["SchemaCache"]


@dataclass(slots=True)
class _Entry:
    table: Table
    generation: int
    loaded_at: float


class SchemaCache:
    """Table shapes keyed by (schema, name), valid for one metadata generation and a time to live.

    The generation changes whenever PolarBase changes a table or its metadata, in this process
    or (through the metadata store) in another; the time to live bounds how long a change made
    outside PolarBase goes unseen. Statements that fail on an unknown column also drop the entry.

    Example:
        >>> cache = SchemaCache(ttl_seconds=30)
        >>> cache.get(TableName("public", "t"), generation=0) is None
        True
    """

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._entries: dict[TableName, _Entry] = {}

    def get(self, ref: TableName, generation: int) -> Table | None:
        entry = self._entries.get(ref)
        if entry is None or entry.generation != generation:
            return None
        if time.monotonic() - entry.loaded_at > self.ttl_seconds:
            return None
        return entry.table

    def put(self, table: Table, generation: int) -> None:
        self._entries[table.ref] = _Entry(table, generation, time.monotonic())

    def forget(self, ref: TableName) -> None:
        self._entries.pop(ref, None)

    def clear(self) -> None:
        self._entries.clear()
