"""Bulk-create timing: one POST of 10,000 fresh records, wall clock, median of several runs."""

from __future__ import annotations

import json
import random
import statistics
import time

import httpx

from .dataset import TABLE, random_records

__all__ = ["BULK_RUNS", "BULK_SIZE", "time_bulk_create"]

BULK_SIZE = 10_000
BULK_RUNS = 5


def time_bulk_create(
    client: httpx.Client, rng: random.Random, runs: int = BULK_RUNS, size: int = BULK_SIZE
) -> float:
    """Median seconds from sending the request to having read the whole response."""
    seconds: list[float] = []
    for _ in range(runs):
        body = json.dumps(random_records(rng, size)).encode()
        started = time.perf_counter()
        response = client.post(
            f"/rest/db/{TABLE}/bulk-create",
            content=body,
            headers={"content-type": "application/json"},
        )
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        seconds.append(elapsed)
    return statistics.median(seconds)
