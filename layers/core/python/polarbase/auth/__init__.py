"""API keys, scopes and rate limits."""

from .access import Authenticator
from .keys import (
    SUPER_ADMIN_ID,
    ApiKey,
    KeyStore,
    Scope,
    generate_api_key,
    hash_api_key,
    keys_match,
)
from .rate_limit import RateLimiter

__all__ = [
    "SUPER_ADMIN_ID",
    "ApiKey",
    "Authenticator",
    "KeyStore",
    "RateLimiter",
    "Scope",
    "generate_api_key",
    "hash_api_key",
    "keys_match",
]
