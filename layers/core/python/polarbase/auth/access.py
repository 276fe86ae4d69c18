"""Who is calling and what they may do: keys (cached), scopes, tables, read-only, limits."""

from __future__ import annotations

from datetime import UTC, datetime

from ..errors import AuthenticationError
from ..metadata import MetadataStore
from .keys import ApiKey, KeyStore, Scope, hash_api_key, keys_match
from .principal import Principal
from .rate_limit import RateLimiter

__all__ = ["Authenticator"]

_MISSING = "invalid or missing x-api-key"


class Authenticator:
    """Turns an ``x-api-key`` into a ``Principal`` for a door, and applies the key's rate limit.

    What the principal may do is checked by the services it is handed to, not here.

    Key lookups are cached by key hash for one metadata generation, so the hot path hashes the
    key and reads a dict; a key created or revoked anywhere changes the generation.

    A key this process does not know makes it check the metadata at once, not at the next
    freshness check: on AWS a key made through one execution environment works in every other
    on its first use. That costs an unknown key one conditional GET (a 304 when nothing changed);
    an unknown key seen twice in one generation is answered from the cache.
    """

    def __init__(
        self, keys: KeyStore, store: MetadataStore, limiter: RateLimiter, default_limit: int
    ) -> None:
        self.keys = keys
        self.store = store
        self.limiter = limiter
        self.default_limit = default_limit
        self._cache: dict[str, ApiKey | None] = {}
        self._generation = -1
        self._configured_admin_hash: str | None = None

    def use_super_admin_key(self, secret: str | None) -> None:
        """The configured super admin key (``POLARBASE_SUPER_ADMIN_KEY``, or its secret on AWS).

        It applies while it is configured and is never stored: without one, the key generated
        on the first start (stored as a hash) is the super admin key.
        """
        self._configured_admin_hash = hash_api_key(secret) if secret else None
        self._cache.clear()

    def identify(self, secret: str | None) -> ApiKey:
        """The key for ``secret``; raises AuthenticationError when it is missing or not valid."""
        if not secret:
            raise AuthenticationError(_MISSING)
        return self.identify_hash(hash_api_key(secret))

    def identify_hash(self, key_hash: str) -> ApiKey:
        """The key whose hash is ``key_hash`` (a connection stored on AWS keeps the hash, never
        the key); raises AuthenticationError when it is not valid (any more)."""
        self._follow(self.store.generation())
        if key_hash in self._cache:
            key = self._cache[key_hash]
        else:
            key = self._lookup(key_hash)
            if key is None and self._follow(self.store.generation(fresh=True)):
                key = self._lookup(key_hash)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key_hash] = key
        if key is None or key.revoked:
            raise AuthenticationError("invalid or revoked API key")
        if key.is_expired(datetime.now(UTC)):
            raise AuthenticationError("API key expired")
        return key

    def _follow(self, generation: int) -> bool:
        """Drop the cache when the metadata moved to another generation; True when it did."""
        if generation == self._generation:
            return False
        self._cache.clear()
        self._generation = generation
        return True

    def _lookup(self, key_hash: str) -> ApiKey | None:
        admin_hash = self._configured_admin_hash or self.keys.stored_super_admin_hash()
        if admin_hash is not None and keys_match(admin_hash, key_hash):
            return KeyStore.super_admin(admin_hash)
        return self.keys.find_by_hash(key_hash)

    def authenticate(self, secret: str | None, door: Scope) -> Principal:
        """The caller acting through ``door``; 401 without a valid key, 429 past its limit."""
        key = self.identify(secret)
        if not key.is_super_admin:
            self.limiter.take(
                key.id, key.rate_limit if key.rate_limit is not None else self.default_limit
            )
        return Principal(key, door)
