"""Where the metadata SQLite file lives between writes: the port, and the local-disk adapter."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

__all__ = ["LocalMetadataSync", "MetadataSync", "apply_change"]

T = TypeVar("T")


class MetadataSync(Protocol):
    """Keeps a local SQLite copy fresh and makes writes to it durable.

    ``write`` must apply ``change`` to the newest state exactly once and make it durable before
    returning; an adapter whose storage can be written by others (S3) replays ``change`` on a
    fresh copy when it loses a race, so ``change`` must be a pure function of the database.
    """

    path: Path

    def refresh(self, *, check: bool = True) -> bool:
        """Make the local copy current; True when it changed.

        ``check=False`` reports only changes this process made, without reading the storage.
        """
        ...

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Apply ``change`` in one transaction and make it durable."""
        ...


class LocalMetadataSync:
    """The metadata file on local disk: every write is a SQLite transaction, nothing to sync."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def refresh(self, *, check: bool = True) -> bool:
        return False

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        return apply_change(self.path, change)


def apply_change(path: Path, change: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``change`` on the SQLite file at ``path`` in one transaction; roll back on error.

    Rollback journal, not WAL: once the connection closes, every committed page is in the one
    file (which the S3 adapter uploads as it is).
    """
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = change(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result
    finally:
        connection.close()
