"""API keys: generated once, stored only as a hash, looked up by hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..errors import NotFoundError
from ..metadata import ApiKeyRepository, ApiKeyRow, MetadataStore

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


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        key_hash=row.key_hash,
        prefix=row.key_prefix,
        schema_name=row.schema_name,
        scopes=frozenset(Scope(scope) for scope in row.scopes),
        tables=frozenset(row.tables) if row.tables is not None else None,
        read_only=row.read_only,
        rate_limit=row.rate_limit,
        expires_at=datetime.fromisoformat(row.expires_at) if row.expires_at else None,
        revoked=row.revoked,
        created_at=row.created_at,
    )


class KeyStore:
    """API keys: made here with their secret shown once, stored as hashes in the metadata."""

    def __init__(self, store: MetadataStore) -> None:
        self.repository = ApiKeyRepository(store)

    def create(
        self,
        *,
        name: str,
        scopes: frozenset[Scope],
        schema_name: str | None,
        tables: frozenset[str] | None = None,
        read_only: bool = False,
        rate_limit: int | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its secret; the secret is returned here and never again."""
        secret = generate_api_key()
        row = self.repository.insert(
            name=name,
            key_hash=hash_api_key(secret),
            key_prefix=secret[:10],
            schema_name=schema_name,
            scopes=sorted(scope.value for scope in scopes),
            tables=sorted(tables) if tables is not None else None,
            read_only=read_only,
            rate_limit=rate_limit,
            expires_at=expires_at.astimezone(UTC).isoformat() if expires_at else None,
        )
        return _key(row), secret

    def list(self) -> list[ApiKey]:
        return [_key(row) for row in self.repository.all()]

    def find_by_hash(self, key_hash: str) -> ApiKey | None:
        row = self.repository.find_by_hash(key_hash)
        if row is None or not keys_match(row.key_hash, key_hash):
            return None
        return _key(row)

    def revoke(self, key_id: int) -> ApiKey:
        row = self.repository.revoke(key_id)
        if row is None:
            raise NotFoundError(f"API key {key_id} not found")
        return _key(row)

    # --- the super admin key ------------------------------------------------------------------

    def stored_super_admin_hash(self) -> str | None:
        """The hash of the key generated on the first start, if one was."""
        return self.repository.super_admin_hash()

    def generate_super_admin(self) -> str | None:
        """Generate and store a super admin key unless one is stored; the new secret, or None.

        Only for a start without a configured key (``POLARBASE_SUPER_ADMIN_KEY``): a configured
        key is never stored, so it applies while it is configured, and the stored one comes back
        when it is not.
        """
        if self.repository.super_admin_hash() is not None:
            return None
        secret = generate_api_key()
        return secret if self.repository.add_super_admin_hash(hash_api_key(secret)) else None

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
