"""The ceiling: the same statements run straight through psycopg by an asyncio load driver."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from polarbase.query import Statement

from .load import LoadResult, percentile

__all__ = ["drive_statements", "time_statement"]


async def _connect(database_url: str) -> psycopg.AsyncConnection[Any]:
    # The server's pool uses the same options: autocommit, psycopg's default prepare threshold.
    return await psycopg.AsyncConnection.connect(database_url, autocommit=True)


def _render(connection: psycopg.AsyncConnection[Any], statements: Sequence[Statement]) -> bytes:
    """The query text, rendered once; every statement of one workload must share it."""
    first = statements[0].query.as_bytes(connection)
    for statement in statements[1:3]:
        if statement.query.as_bytes(connection) != first:
            raise ValueError("a workload's statements must differ only in their parameters")
    return first


async def _worker(
    connection: psycopg.AsyncConnection[Any],
    query: bytes,
    params: Sequence[dict[str, Any]],
    offset: int,
    warm_until: float,
    stop_at: float,
    latencies: list[float],
) -> int:
    done = 0
    index = offset
    while True:
        started = time.perf_counter()
        if started >= stop_at:
            return done
        cursor = await connection.execute(query, params[index % len(params)])
        await cursor.fetchone()
        index += 1
        if started >= warm_until:
            latencies.append(time.perf_counter() - started)
            done += 1


async def drive_statements(
    database_url: str,
    statements: Sequence[Statement],
    connections: int,
    duration: float,
    warmup: float,
) -> LoadResult:
    """Each of ``connections`` connections runs the statements in a loop (their parameters
    cycling) for ``warmup`` seconds unmeasured, then ``duration`` seconds measured.
    """
    opened = [await _connect(database_url) for _ in range(connections)]
    try:
        query = _render(opened[0], statements)
        params = [statement.params for statement in statements]
        latencies: list[float] = []
        warm_until = time.perf_counter() + warmup
        stop_at = warm_until + duration
        spacing = max(1, len(params) // connections)
        counts = await asyncio.gather(
            *(
                _worker(connection, query, params, n * spacing, warm_until, stop_at, latencies)
                for n, connection in enumerate(opened)
            )
        )
    finally:
        for connection in opened:
            await connection.close()
    latencies.sort()
    return LoadResult(
        per_second=sum(counts) / duration,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        requests=sum(counts),
    )


async def time_statement(database_url: str, statements: Sequence[Statement]) -> float:
    """Median seconds to run each statement once, one after another, on one connection."""
    connection = await _connect(database_url)
    seconds: list[float] = []
    try:
        for statement in statements:
            started = time.perf_counter()
            cursor = await connection.execute(statement.query, statement.params)
            await cursor.fetchone()
            seconds.append(time.perf_counter() - started)
    finally:
        await connection.close()
    return statistics.median(seconds)
