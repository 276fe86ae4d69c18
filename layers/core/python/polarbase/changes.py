"""Descriptions of committed writes, and the listeners they are handed to (audit, realtime)."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

import orjson

from .schema import TableName

__all__ = ["Change", "ChangeAction", "ChangeListener", "ChangeNotifier"]

_log = logging.getLogger("polarbase.changes")


class ChangeAction(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    CREATE_TABLE = "create_table"
    ALTER_TABLE = "alter_table"
    DROP_TABLE = "drop_table"
    ADD_COLUMN = "add_column"
    ALTER_COLUMN = "alter_column"
    DROP_COLUMN = "drop_column"
    CREATE_INDEX = "create_index"
    DROP_INDEX = "drop_index"

    @property
    def is_record_change(self) -> bool:
        return self in (ChangeAction.INSERT, ChangeAction.UPDATE, ChangeAction.DELETE)


class Change:
    """One committed write: which table, what happened, to which records, and who did it.

    Record keys are read from the write's JSON result only when a listener asks for them, so a
    write nobody listens to costs nothing extra on the hot path.

    Example:
        >>> change.table, change.action, change.keys, change.actor
        (TableName(schema='public', name='people'), <ChangeAction.DELETE: 'delete'>, (3, 4), 12)
    """

    __slots__ = ("_keys", "_result", "action", "actor", "at", "key_column", "name", "table")

    def __init__(
        self,
        table: TableName,
        action: ChangeAction,
        actor: int | str,
        *,
        result: str | None = None,
        key_column: str | None = None,
        name: str | None = None,
    ) -> None:
        self.table = table
        self.action = action
        self.actor = actor
        self.name = name
        """The column or index a schema change is about (the new name after a rename)."""
        self.key_column = key_column
        self.at = time.time()
        self._result = result
        self._keys: tuple[Any, ...] | None = None

    @property
    def keys(self) -> tuple[Any, ...]:
        """Keys of the records written (empty for schema changes and tables without a key)."""
        if self._keys is None:
            self._keys = self._read_keys()
        return self._keys

    def _read_keys(self) -> tuple[Any, ...]:
        if self._result is None or self.key_column is None:
            return ()
        result = orjson.loads(self._result)
        if self.action is ChangeAction.DELETE:
            return tuple(result.get("deletedIds", ()))
        return tuple(row.get(self.key_column) for row in result.get("returning", ()))

    def __repr__(self) -> str:
        return f"Change({self.table}, {self.action.value}, actor={self.actor!r})"


ChangeListener = Callable[[Change], Awaitable[None] | None]


class ChangeNotifier:
    """Hands each committed change to the registered listeners, in registration order.

    A listener's failure is logged and never reaches the writer: the write is already committed,
    and the caller must hear that it succeeded.
    """

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []

    def listen(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    @property
    def has_listeners(self) -> bool:
        return bool(self._listeners)

    async def publish(self, change: Change) -> None:
        for listener in self._listeners:
            try:
                outcome = listener(change)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:  # a listener's bug must not undo the caller's committed write
                _log.exception("change listener %r failed on %r", listener, change)
