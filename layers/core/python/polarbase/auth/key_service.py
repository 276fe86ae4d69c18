"""Managing API keys: create, list and revoke (the super admin's), and validating a key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..errors import InvalidInputError
from .keys import ApiKey, KeyStore, Scope

if TYPE_CHECKING:
    from .access import Authenticator
    from .principal import Principal

__all__ = ["KeyService"]


class KeyService:
    """The rules of key management, for every door: only the super admin key manages keys,
    an expiry lies in the future, and a secret is shown once, when it is made.

    Example:
        >>> key, secret = service.create(principal, name="ci", scopes=frozenset({Scope.REST}))
        >>> service.revoke(principal, key.id).revoked
        True
    """

    def __init__(self, keys: KeyStore, auth: Authenticator, default_schema: str) -> None:
        self.keys = keys
        self.auth = auth
        self.default_schema = default_schema

    def validate(self, secret: str | None) -> ApiKey:
        """The key ``secret`` is, when it is valid (not revoked, not expired); 401 otherwise."""
        return self.auth.identify(secret)

    def create(
        self,
        principal: Principal,
        *,
        name: str,
        scopes: frozenset[Scope],
        schema_name: str | None = None,
        tables: frozenset[str] | None = None,
        read_only: bool = False,
        rate_limit: int | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (returned here and never again). ``schema_name`` defaults
        to the schema the API exposes; the key can reach no other."""
        principal.check_super_admin()
        if expires_at is not None and expires_at <= datetime.now(UTC):
            raise InvalidInputError("expiresAt: must be in the future")
        return self.keys.create(
            name=name,
            scopes=scopes,
            schema_name=schema_name or self.default_schema,
            tables=tables,
            read_only=read_only,
            rate_limit=rate_limit,
            expires_at=expires_at,
        )

    def check_admin(self, principal: Principal) -> None:
        """403 unless ``principal`` may manage keys; a door may call it before reading a body."""
        principal.check_super_admin()

    def list(self, principal: Principal) -> list[ApiKey]:
        principal.check_super_admin()
        return self.keys.list()

    def revoke(self, principal: Principal, key_id: int) -> ApiKey:
        principal.check_super_admin()
        return self.keys.revoke(key_id)
