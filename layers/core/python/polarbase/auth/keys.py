"""API keys: generated once, stored only as a hash, looked up by hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

from ..errors import NotFoundError
from ..metadata import MetadataStore

__all__ = [
    "SUPER_ADMIN_ID",
    "ApiKey",
    "KeyStore",
    "Scope",
    "generate_api_key",
    "hash_api_key",
    "keys_match",
]

SUPER_ADMIN_ID = "super-admin-key"
_SUPER_ADMIN_SETTING = "super_admin_key_hash"


class Scope(StrEnum):
    REST = "rest"
    REALTIME = "realtime"
    MCP = "mcp"
    AGENT = "agent"


def generate_api_key() -> str:
    """``ak_`` and 64 hex characters (32 random bytes), the original's format."""
    return "ak_" + secrets.token_hex(32)


def hash_api_key(secret: str) -> str:
    """SHA-256 of the key. Keys are 256 random bits, so no salt or slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def keys_match(hash_a: str, hash_b: str) -> bool:
    return hmac.compare_digest(hash_a.encode(), hash_b.encode())


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What a key may do. The secret itself is never kept."""

    id: int | str
    name: str
    key_hash: str
    prefix: str
    schema_name: str | None
    scopes: frozenset[Scope]
    tables: frozenset[str] | None = None
    read_only: bool = False
    rate_limit: int | None = None
    expires_at: datetime | None = None
    revoked: bool = False
    created_at: str | None = None

    @property
    def is_super_admin(self) -> bool:
        return self.id == SUPER_ADMIN_ID

    def has_scope(self, scope: Scope) -> bool:
        return scope in self.scopes

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def may_use_table(self, table: str) -> bool:
        return self.tables is None or table in self.tables

    def document(self) -> dict[str, Any]:
        """The key as ``GET /api-keys`` shows it: never the secret, only its first characters."""
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "schemaName": self.schema_name,
            "scopes": {scope.value: scope in self.scopes for scope in Scope},
            "tables": sorted(self.tables) if self.tables is not None else None,
            "readOnly": self.read_only,
            "rateLimit": self.rate_limit,
            "expiresAt": _iso(self.expires_at),
            "revoked": self.revoked,
            "createdAt": self.created_at,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _row_to_key(row: sqlite3.Row | tuple[Any, ...]) -> ApiKey:
    (
        key_id,
        name,
        key_hash,
        prefix,
        schema_name,
        scopes,
        tables,
        read_only,
        rate_limit,
        expires_at,
        revoked,
        created_at,
    ) = row
    return ApiKey(
        id=key_id,
        name=name,
        key_hash=key_hash,
        prefix=prefix,
        schema_name=schema_name,
        scopes=frozenset(Scope(scope) for scope in orjson.loads(scopes)),
        tables=frozenset(orjson.loads(tables)) if tables is not None else None,
        read_only=bool(read_only),
        rate_limit=rate_limit,
        expires_at=datetime.fromisoformat(expires_at) if expires_at else None,
        revoked=bool(revoked),
        created_at=created_at,
    )


_COLUMNS = (
    "id, name, key_hash, key_prefix, schema_name, scopes, tables, read_only, rate_limit, "
    "expires_at, revoked, created_at"
)


class KeyStore:
    """API keys in the metadata store."""

    def __init__(self, store: MetadataStore) -> None:
        self.store = store

    def create(
        self,
        *,
        name: str,
        scopes: frozenset[Scope],
        schema_name: str,
        tables: frozenset[str] | None = None,
        read_only: bool = False,
        rate_limit: int | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its secret; the secret is returned here and never again."""
        secret = generate_api_key()
        key_hash = hash_api_key(secret)
        prefix = secret[:10]
        scopes_json = orjson.dumps(sorted(scope.value for scope in scopes)).decode()
        tables_json = orjson.dumps(sorted(tables)).decode() if tables is not None else None
        expires = expires_at.astimezone(UTC).isoformat() if expires_at else None

        def insert(db: sqlite3.Connection) -> ApiKey:
            cursor = db.execute(
                "INSERT INTO api_keys (name, key_hash, key_prefix, schema_name, scopes, tables, "
                "read_only, rate_limit, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id, name, key_hash, key_prefix, schema_name, scopes, tables, read_only, "
                "rate_limit, expires_at, revoked, created_at",
                (
                    name,
                    key_hash,
                    prefix,
                    schema_name,
                    scopes_json,
                    tables_json,
                    int(read_only),
                    rate_limit,
                    expires,
                ),
            )
            return _row_to_key(cursor.fetchone())

        return self.store.write(insert), secret

    def list(self) -> list[ApiKey]:
        return self.store.read(
            lambda db: [
                _row_to_key(row)
                for row in db.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY id")  # noqa: S608
            ]
        )

    def find_by_hash(self, key_hash: str) -> ApiKey | None:
        row = self.store.read(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM api_keys WHERE key_hash = ?",  # noqa: S608
                (key_hash,),
            ).fetchone()
        )
        if row is None:
            return None
        key = _row_to_key(row)
        return key if keys_match(key.key_hash, key_hash) else None

    def revoke(self, key_id: int) -> ApiKey:
        def change(db: sqlite3.Connection) -> tuple[Any, ...] | None:
            return db.execute(
                "UPDATE api_keys SET revoked = 1, revoked_at = coalesce(revoked_at, "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) WHERE id = ? RETURNING id, name, key_hash, "
                "key_prefix, schema_name, scopes, tables, read_only, rate_limit, expires_at, "
                "revoked, created_at",
                (key_id,),
            ).fetchone()

        row = self.store.write(change)
        if row is None:
            raise NotFoundError(f"API key {key_id} not found")
        return _row_to_key(row)

    # --- the super admin key ------------------------------------------------------------------

    def super_admin_hash(self) -> str | None:
        row = self.store.read(
            lambda db: db.execute(
                "SELECT value FROM settings WHERE name = ?", (_SUPER_ADMIN_SETTING,)
            ).fetchone()
        )
        return row[0] if row else None

    def ensure_super_admin(self, configured: str | None, *, generate: bool = True) -> str | None:
        """The super admin key's hash is stored once; returns a new secret when one was made.

        A configured key (``POLARBASE_SUPER_ADMIN_KEY``) always wins and is never stored in
        plain text; without one, the first start generates a key (when ``generate``) and returns
        it to print once. Storing it is one replayable change, so two processes starting at once
        cannot both believe they made the key.
        """
        if configured:
            wanted = hash_api_key(configured)
            if self.super_admin_hash() != wanted:
                self._store_super_admin(wanted)
            return None
        if not generate or self.super_admin_hash() is not None:
            return None
        secret = generate_api_key()
        key_hash = hash_api_key(secret)

        def insert_if_missing(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (_SUPER_ADMIN_SETTING, key_hash),
            )
            return cursor.rowcount == 1

        return secret if self.store.write(insert_if_missing) else None

    def _store_super_admin(self, key_hash: str) -> None:
        self.store.write(
            lambda db: db.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (_SUPER_ADMIN_SETTING, key_hash),
            )
        )

    @staticmethod
    def super_admin(key_hash: str) -> ApiKey:
        return ApiKey(
            id=SUPER_ADMIN_ID,
            name="Super Admin Key",
            key_hash=key_hash,
            prefix="",
            schema_name=None,
            scopes=frozenset(Scope),
        )
