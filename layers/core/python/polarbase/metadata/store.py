"""The metadata store: PolarBase's own state in one SQLite file, versioned for the caches."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from .sync import MetadataSync

__all__ = ["MetadataStore"]

T = TypeVar("T")

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE table_metadata (
        schema_name TEXT NOT NULL,
        table_oid INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        ui_name TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (schema_name, table_oid)
    );
    CREATE TABLE column_metadata (
        schema_name TEXT NOT NULL,
        table_oid INTEGER NOT NULL,
        attnum INTEGER NOT NULL,
        column_name TEXT NOT NULL,
        ui_name TEXT,
        format TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (schema_name, table_oid, attnum)
    );
    CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        key_prefix TEXT NOT NULL,
        schema_name TEXT NOT NULL DEFAULT 'public',
        scopes TEXT NOT NULL,
        tables TEXT,
        read_only INTEGER NOT NULL DEFAULT 0,
        rate_limit INTEGER,
        expires_at TEXT,
        revoked INTEGER NOT NULL DEFAULT 0,
        revoked_at TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE views (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        schema_name TEXT NOT NULL,
        table_oid INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        config TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (schema_name, table_oid, name)
    );
    """,
    """
    ALTER TABLE column_metadata ADD COLUMN formula TEXT;
    ALTER TABLE column_metadata ADD COLUMN formula_stored TEXT;
    """,
    """
    ALTER TABLE views ADD COLUMN opened_at TEXT;
    """,
)


class MetadataStore:
    """Reads and writes of the metadata SQLite file, through a ``MetadataSync`` adapter.

    ``generation()`` changes whenever the metadata changes, here or in another process, so
    caches built from it (table shapes, API keys) know when to reload. It is checked against the
    file at most every ``freshness_seconds``.

    Example:
        >>> store = MetadataStore(LocalMetadataSync(Path("/tmp/pb/metadata.sqlite3")))
        >>> store.write(lambda db: db.execute("INSERT INTO settings VALUES ('a', 'b')"))
        >>> store.read(lambda db: db.execute("SELECT value FROM settings").fetchone())
        ('b',)
    """

    def __init__(
        self,
        sync: MetadataSync,
        *,
        freshness_seconds: float = 0.25,
        migrations: tuple[str, ...] = _MIGRATIONS,
    ) -> None:
        self.sync = sync
        self.migrations = migrations
        self.freshness_seconds = freshness_seconds
        self._reader: sqlite3.Connection | None = None
        self._own_writes = 0
        # Times the file was replaced under the reader (a synced copy arrived). A new connection
        # restarts ``data_version``, so the count keeps the generation moving across reloads.
        self._reloads = 0
        self._seen_version = 0
        self._checked_at = 0.0

    def migrate(self) -> None:
        """Create or upgrade the tables; safe to call on every start."""

        def upgrade(db: sqlite3.Connection) -> None:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            for number, script in enumerate(self.migrations[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {int(number)}")

        if self.sync.refresh():
            self._reload()
        self._checked_at = time.monotonic()
        self.write(upgrade)

    def _connection(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = sqlite3.connect(
                self.sync.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        return self._reader

    def _reopen(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _reload(self) -> None:
        self._reopen()
        self._reloads += 1

    def generation(self, *, fresh: bool = False) -> int:
        """A number that changes whenever the metadata does (cheap; checked every few 100 ms).

        ``fresh`` checks the stored file now, whenever it was last checked.
        """
        now = time.monotonic()
        if fresh or now - self._checked_at >= self.freshness_seconds:
            self._checked_at = now
            if self.sync.refresh():
                self._reload()
            (self._seen_version,) = self._connection().execute("PRAGMA data_version").fetchone()
        return (self._own_writes + self._reloads) * 1_000_003 + self._seen_version

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        self.generation()
        return query(self._connection())

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Apply ``change`` durably (replayed by the sync adapter when it must be)."""
        result = self.sync.write(change)
        self._own_writes += 1
        if self.sync.refresh(check=False):
            self._reload()
        return result

    def check(self) -> None:
        """Read the stored metadata now (on S3, a conditional GET); raises when it cannot."""
        self.generation(fresh=True)
        self._connection().execute("SELECT count(*) FROM settings").fetchone()

    def mark_catalog_changed(self) -> None:
        """Record that PolarBase changed the database's schema: a write every process sees as
        a new generation, so their cached table shapes reload."""
        self.write(
            lambda db: db.execute(
                "INSERT INTO settings (name, value) VALUES ('catalog_generation', '1') "
                "ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
        )

    def close(self) -> None:
        self._reopen()
