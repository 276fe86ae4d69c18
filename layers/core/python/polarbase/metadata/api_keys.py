"""Rows of the ``api_keys`` table and the stored super admin key hash: storage only, no rules."""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

import orjson

from .store import MetadataStore

__all__ = ["ApiKeyRepository", "ApiKeyRow"]

_SUPER_ADMIN_SETTING = "super_admin_key_hash"
_COLUMNS = (
    "id, name, key_hash, key_prefix, schema_name, scopes, tables, read_only, rate_limit, "
    "expires_at, revoked, created_at"
)
# The column list is a constant of this module, never input.
_INSERT = (
    "INSERT INTO api_keys (name, key_hash, key_prefix, schema_name, scopes, tables, read_only, "  # noqa: S608
    f"rate_limit, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}"
)
_REVOKE = (
    "UPDATE api_keys SET revoked = 1, revoked_at = coalesce(revoked_at, "  # noqa: S608
    f"strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) WHERE id = ? RETURNING {_COLUMNS}"
)
# SQLite integers are signed 64-bit: a larger id cannot name a row (and cannot be bound).
_MAX_ID = 2**63 - 1


class ApiKeyRow(NamedTuple):
    """One stored key: its hash and what it may do, never the secret."""

    id: int
    name: str
    key_hash: str
    key_prefix: str
    schema_name: str | None
    scopes: list[str]
    tables: list[str] | None
    read_only: bool
    rate_limit: int | None
    expires_at: str | None
    revoked: bool
    created_at: str


def _row(raw: tuple[Any, ...]) -> ApiKeyRow:
    values = list(raw)
    values[5] = orjson.loads(values[5])
    values[6] = orjson.loads(values[6]) if values[6] is not None else None
    values[7] = bool(values[7])
    values[10] = bool(values[10])
    return ApiKeyRow(*values)


class ApiKeyRepository:
    """API keys in the metadata store; ``auth.KeyStore`` turns rows into keys and rules.

    Example:
        >>> repository = ApiKeyRepository(store)
        >>> row = repository.insert(name="ci", key_hash=h, key_prefix="ak_1234567", ...)
        >>> repository.find_by_hash(h).name
        'ci'
    """

    def __init__(self, store: MetadataStore) -> None:
        self.store = store

    def insert(
        self,
        *,
        name: str,
        key_hash: str,
        key_prefix: str,
        schema_name: str | None,
        scopes: list[str],
        tables: list[str] | None,
        read_only: bool,
        rate_limit: int | None,
        expires_at: str | None,
    ) -> ApiKeyRow:
        values = (
            name,
            key_hash,
            key_prefix,
            schema_name,
            orjson.dumps(scopes).decode(),
            orjson.dumps(tables).decode() if tables is not None else None,
            int(read_only),
            rate_limit,
            expires_at,
        )

        def insert(db: sqlite3.Connection) -> ApiKeyRow:
            cursor = db.execute(_INSERT, values)
            return _row(cursor.fetchone())

        return self.store.write(insert)

    def all(self) -> list[ApiKeyRow]:
        return self.store.read(
            lambda db: [
                _row(raw)
                for raw in db.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY id")  # noqa: S608
            ]
        )

    def find_by_hash(self, key_hash: str) -> ApiKeyRow | None:
        raw = self.store.read(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM api_keys WHERE key_hash = ?",  # noqa: S608
                (key_hash,),
            ).fetchone()
        )
        return None if raw is None else _row(raw)

    def revoke(self, key_id: int) -> ApiKeyRow | None:
        """Mark the key revoked (once; the first revocation time stays); None when absent."""
        if not 1 <= key_id <= _MAX_ID:
            return None

        def change(db: sqlite3.Connection) -> tuple[Any, ...] | None:
            row: tuple[Any, ...] | None = db.execute(_REVOKE, (key_id,)).fetchone()
            return row

        raw = self.store.write(change)
        return None if raw is None else _row(raw)

    def super_admin_hash(self) -> str | None:
        row = self.store.read(
            lambda db: db.execute(
                "SELECT value FROM settings WHERE name = ?", (_SUPER_ADMIN_SETTING,)
            ).fetchone()
        )
        return row[0] if row else None

    def add_super_admin_hash(self, key_hash: str) -> bool:
        """Store the super admin key's hash unless one is stored; True when this call stored it.

        One replayable change, so two processes starting at once cannot both store a key.
        """

        def insert_if_missing(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (_SUPER_ADMIN_SETTING, key_hash),
            )
            return cursor.rowcount == 1

        return self.store.write(insert_if_missing)
