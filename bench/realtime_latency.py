"""How soon a write reaches WebSocket subscribers: after a SQL commit, after a REST POST, and to
a thousand sockets at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil
import psycopg
from psycopg import sql

from .load import percentile
from .posters import Post
from .subscribers import Arrivals, close_all, open_many

__all__ = [
    "FanoutRound",
    "Latencies",
    "commit_to_event",
    "fanout",
    "insert_statement",
    "post_to_event",
]


@dataclass(frozen=True)
class Latencies:
    """Milliseconds from each write to its event at the subscriber, sorted. A write whose event
    arrived before the write call returned counts as 0 ms and in ``early``."""

    milliseconds: list[float]
    early: int = 0

    @classmethod
    def of(cls, seconds: list[float]) -> Latencies:
        return cls(
            sorted(max(0.0, value) * 1e3 for value in seconds),
            sum(1 for value in seconds if value < 0),
        )

    def at(self, fraction: float) -> float:
        return percentile(self.milliseconds, fraction)

    @property
    def p50(self) -> float:
        return self.at(0.50)

    @property
    def p95(self) -> float:
        return self.at(0.95)

    @property
    def p99(self) -> float:
        return self.at(0.99)

    @property
    def max(self) -> float:
        return self.milliseconds[-1] if self.milliseconds else 0.0

    @property
    def stalled(self) -> int:
        """Events that took a second or more."""
        return sum(1 for value in self.milliseconds if value >= 1000)


def insert_statement(table: str, column: str) -> sql.Composed:
    return sql.SQL("INSERT INTO {} ({}) VALUES (%s)").format(
        sql.Identifier(table), sql.Identifier(column)
    )


async def commit_to_event(
    database_url: str, table: str, arrivals: Arrivals, values: range, warmup: int
) -> Latencies:
    """One autocommit INSERT at a time; each from ``execute`` returning (the commit
    acknowledged) to its event at the subscriber. The first ``warmup`` are not counted."""
    insert = insert_statement(table, arrivals.column)
    seconds: list[float] = []
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        for index, value in enumerate(values):
            await connection.execute(insert, [value])
            acknowledged = time.perf_counter()
            arrived = await arrivals.wait(value)
            if index >= warmup:
                seconds.append(arrived - acknowledged)
    return Latencies.of(seconds)


async def post_to_event(
    post: Post, arrivals: Arrivals, values: range, warmup: int
) -> tuple[Latencies, Latencies]:
    """One POST at a time: from just before sending to the event at the subscriber, and (for
    comparison) to the response."""
    to_event: list[float] = []
    to_response: list[float] = []
    for index, value in enumerate(values):
        sent = time.perf_counter()
        await post({arrivals.column: value})
        answered = time.perf_counter()
        arrived = await arrivals.wait(value)
        if index >= warmup:
            to_event.append(arrived - sent)
            to_response.append(answered - sent)
    return Latencies.of(to_event), Latencies.of(to_response)


@dataclass
class FanoutRound:
    """One INSERT's event arriving at every subscriber: ms after the commit to the first and to
    the last, and the CPU the server and this process spent meanwhile."""

    first_ms: float = 0.0
    last_ms: float = 0.0
    server_cpu_ms: float = 0.0
    client_cpu_ms: float = 0.0


@dataclass
class _Tally:
    """Counts the subscribers that have the awaited value; set ``done`` when all have."""

    column: str
    expected: int
    value: Any = None
    count: int = 0
    first: float = 0.0
    last: float = 0.0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, value: Any) -> None:
        self.value, self.count = value, 0
        self.done.clear()

    def handler(self, _index: int) -> Callable[[dict[str, Any], float], None]:
        return self.on_event

    def on_event(self, payload: dict[str, Any], moment: float) -> None:
        new = payload.get("new") or {}
        if new.get(self.column) != self.value:
            return
        self.count += 1
        if self.count == 1:
            self.first = moment
        self.last = moment
        if self.count == self.expected:
            self.done.set()


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def _fanout_round(
    connection: psycopg.AsyncConnection[Any],
    insert: sql.Composed,
    tally: _Tally,
    value: int,
    server: psutil.Process,
) -> FanoutRound:
    tally.expect(value)
    server_before, client_before = _cpu_seconds(server), time.process_time()
    await connection.execute(insert, [value])
    acknowledged = time.perf_counter()
    await asyncio.wait_for(tally.done.wait(), 60)
    return FanoutRound(
        first_ms=(tally.first - acknowledged) * 1e3,
        last_ms=(tally.last - acknowledged) * 1e3,
        server_cpu_ms=(_cpu_seconds(server) - server_before) * 1e3,
        client_cpu_ms=(time.process_time() - client_before) * 1e3,
    )


async def fanout(
    url: str,
    database_url: str,
    table: str,
    column: str,
    subscribers: int,
    values: range,
    server_pid: int,
    pause: float = 1.0,
) -> tuple[list[FanoutRound], float]:
    """``subscribers`` sockets on ``table``, then one INSERT per value, ``pause`` s apart. The
    rounds, and the server's CPU ms per second while the sockets sat idle for ``pause`` * 5."""
    tally = _Tally(column, subscribers)
    server = psutil.Process(server_pid)
    sockets = await open_many(url, table, subscribers, tally.handler)
    try:
        before = _cpu_seconds(server)
        await asyncio.sleep(pause * 5)
        idle_cpu = (_cpu_seconds(server) - before) * 1e3 / (pause * 5)
        insert = insert_statement(table, column)
        rounds: list[FanoutRound] = []
        async with await psycopg.AsyncConnection.connect(
            database_url, autocommit=True
        ) as connection:
            for value in values:
                rounds.append(await _fanout_round(connection, insert, tally, value, server))
                await asyncio.sleep(pause)
    finally:
        await close_all(sockets)
    return rounds, idle_cpu
