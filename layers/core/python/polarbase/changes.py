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


class Change:
    """One committed write: which table, what happened, to which records, and who did it.

    Record keys are read from the write's JSON result only when a listener asks for them, so a
    write nobody listens to costs nothing extra on the hot path.

    Example:
        >>> change.table, change.action, change.keys, change.actor
        (TableName(schema='public', name='people'), <ChangeAction.DELETE: 'delete'>, (3, 4), 12)
    """

    __slots__ = ("_decoded", "_result", "action", "actor", "at", "key_columns", "name", "table")

    def __init__(
        self,
        table: TableName,
        action: ChangeAction,
        actor: int | str,
        *,
        result: str | None = None,
        key_columns: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        self.table = table
        self.action = action
        self.actor = actor
        self.name = name
        """The column or index a schema change is about (the new name after a rename)."""
        self.key_columns = key_columns
        """The table's primary key columns (none for a table without a primary key)."""
        self.at = time.time()
        self._result = result
        self._decoded: dict[str, Any] | None = None

    def _body(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = orjson.loads(self._result) if self._result is not None else {}
        return self._decoded

    @property
    def count(self) -> int:
        """How many records the write changed (0 for a schema change)."""
        body = self._body()
        return int(
            body.get("insertedCount") or body.get("updatedCount") or body.get("deletedCount") or 0
        )

    @property
    def keys(self) -> tuple[Any, ...]:
        """The keys of the records written: each a value for a single-column primary key, an
        object of the key's columns for a composite one; empty for schema changes and tables
        without a primary key."""
        if not self.key_columns:
            return ()
        body = self._body()
        if self.action is ChangeAction.DELETE:
            return tuple(body.get("deletedIds", ()))
        rows = body.get("returning", ())
        if len(self.key_columns) == 1:
            (column,) = self.key_columns
            return tuple(row.get(column) for row in rows)
        return tuple({column: row.get(column) for column in self.key_columns} for row in rows)

    def __repr__(self) -> str:
        return f"Change({self.table}, {self.action.value}, actor={self.actor!r})"


ChangeListener = Callable[[Change], Awaitable[None] | None]


class ChangeNotifier:
    """Hands each committed change to the registered listeners, in registration order.

    A listener's failure is logged and never reaches the writer: the write is already committed,
    and the caller must hear that it succeeded.
    """

    def __init__(self) -> None:
        self._listeners: list[tuple[ChangeListener, frozenset[ChangeAction] | None]] = []

    def listen(
        self, listener: ChangeListener, actions: frozenset[ChangeAction] | None = None
    ) -> None:
        """Hand ``listener`` every change, or only those whose action is in ``actions``."""
        self._listeners.append((listener, actions))

    @property
    def has_listeners(self) -> bool:
        return bool(self._listeners)

    def wants(self, action: ChangeAction) -> bool:
        """Whether a listener hears of ``action``: a write nobody hears of costs nothing."""
        return any(actions is None or action in actions for _, actions in self._listeners)

    async def publish(self, change: Change) -> None:
        for listener, actions in self._listeners:
            if actions is not None and change.action not in actions:
                continue
            try:
                outcome = listener(change)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:  # a listener's bug must not undo the caller's committed write
                _log.exception("change listener %r failed on %r", listener, change)
