"""API keys, scopes and rate limits."""

from .access import Authenticator
from .key_service import KeyService
from .keys import (
    SUPER_ADMIN_ID,
    ApiKey,
    KeyStore,
    Scope,
    generate_api_key,
    hash_api_key,
    keys_match,
)
from .principal import Principal
from .rate_limit import RateLimiter

__all__ = [
    "SUPER_ADMIN_ID",
    "ApiKey",
    "Authenticator",
    "KeyService",
    "KeyStore",
    "Principal",
    "RateLimiter",
    "Scope",
    "generate_api_key",
    "hash_api_key",
    "keys_match",
]
