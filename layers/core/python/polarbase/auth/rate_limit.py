"""Per-key rate limits: a token bucket for each key, refilled continuously."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ..errors import RateLimitedError

__all__ = ["RateLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``limit`` requests per minute per key, with bursts up to ``limit``.

    State lives in this process: with several workers each enforces the limit on its own share.

    Example:
        >>> limiter = RateLimiter()
        >>> limiter.take("key-1", limit=2); limiter.take("key-1", limit=2)
        >>> limiter.take("key-1", limit=2)
        Traceback (most recent call last):
        RateLimitedError: too many requests: try again in 30 s
    """

    def __init__(self) -> None:
        self._buckets: dict[object, _Bucket] = {}

    def take(self, key: object, limit: int) -> None:
        if limit <= 0:
            return
        now = time.monotonic()
        bucket = self._buckets.get(key)
        rate = limit / 60.0
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(limit), now)
        else:
            bucket.tokens = min(float(limit), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
        if bucket.tokens < 1.0:
            raise RateLimitedError(max(1, math.ceil((1.0 - bucket.tokens) / rate)))
        bucket.tokens -= 1.0
