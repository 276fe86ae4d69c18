"""The records benchmark's wrk workloads on two servers side by side, realtime on and off, taking
turns, so both see the same machine at the same hour."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import psutil
import psycopg
from psycopg import sql

from .dataset import TABLE, create_table, seed, vacuum_analyze
from .load import LoadResult
from .servers import SUPER_ADMIN_KEY, BenchServers, running_servers
from .subscribers import Arrivals, arrivals_handler, close_all, open_subscriber, realtime_url
from .usage import cpu_seconds_during, tree_cpu_seconds
from .workloads import Workload
from .wrk import run_wrk

__all__ = [
    "REALTIME_OFF",
    "RestComparison",
    "RestRun",
    "RestSide",
    "catch_up_ms",
    "compare_rest",
    "wait_for_realtime",
]

REALTIME_OFF = {"POLARBASE_REALTIME": "false"}


@dataclass(frozen=True)
class RestSide:
    """One wrk run on one server: its throughput, and the CPU PolarBase and PostgreSQL spent
    per request."""

    load: LoadResult
    server_cpu_ms: float
    postgres_cpu_ms: float


@dataclass(frozen=True)
class RestRun:
    """One workload at one connection count, on both servers one after the other."""

    round: int
    workload: Workload
    connections: int
    on: RestSide
    off: RestSide
    first: str
    """Which server ran first: "on" or "off"."""
    catch_up_ms: float | None = None
    """After a write workload: from a marker's commit to its event (the stream's backlog)."""

    @property
    def ratio(self) -> float:
        return self.on.load.per_second / self.off.load.per_second if self.off.load.per_second else 0


@dataclass
class RestComparison:
    """Every pair of runs, and what was measured of the two servers besides."""

    runs: list[RestRun] = field(default_factory=list)
    seed_catch_up_ms: float = 0.0
    """After seeding 100,000 records: from a marker's commit to its event."""
    rss_mb: dict[str, float] = field(default_factory=dict)
    """Each server's RSS at the end."""
    postgres_version: str = "unknown"


def wait_for_realtime(base_url: str, timeout: float = 60.0) -> None:
    """Until ``/health`` says realtime streams (``checks.realtime.status`` "ok")."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        checks = httpx.get(f"{base_url}/health", timeout=5).json().get("checks", {})
        status = checks.get("realtime", {}).get("status")
        if status == "ok":
            return
        time.sleep(0.2)
    raise RuntimeError(f"realtime did not stream within {timeout:g} s (last status {status!r})")


async def catch_up_ms(servers: BenchServers, table: str, column: str) -> float:
    """Milliseconds from a marker INSERT's commit to its event at a fresh subscriber: the
    backlog of events the server had yet to decode and hand on."""
    arrivals = Arrivals(column)
    url = realtime_url(servers.base_url, SUPER_ADMIN_KEY)
    subscriber = await open_subscriber(url, table, arrivals_handler(arrivals))
    marker = f"marker-{uuid.uuid4().hex}"
    try:
        async with await psycopg.AsyncConnection.connect(
            servers.database_url, autocommit=True
        ) as connection:
            insert = sql.SQL("INSERT INTO {} ({}) VALUES (%s)").format(
                sql.Identifier(table), sql.Identifier(column)
            )
            await connection.execute(insert, [marker])
            committed = time.perf_counter()
        # An event can come in before ``execute`` returns: that is no backlog at all.
        return max(0.0, await arrivals.wait(marker, timeout=300) - committed) * 1e3
    finally:
        await close_all([subscriber])


def _prepare(servers: BenchServers, seed_number: int) -> None:
    with httpx.Client(
        base_url=servers.base_url, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=300
    ) as client:
        create_table(client)
        seed(client, random.Random(seed_number))
    vacuum_analyze(servers.database_url)


def _measure(
    servers: BenchServers, workload: Workload, connections: int, duration: float, warmup: float
) -> RestSide:
    arguments = [SUPER_ADMIN_KEY, *workload.script_args]
    if warmup > 0:
        run_wrk(servers.base_url, workload.script, connections, warmup, arguments)
    postgres_before = tree_cpu_seconds(servers.postgres_pid)
    load, server_seconds = cpu_seconds_during(
        servers.server_pid,
        lambda: run_wrk(servers.base_url, workload.script, connections, duration, arguments),
    )
    postgres_seconds = tree_cpu_seconds(servers.postgres_pid) - postgres_before
    requests = max(load.requests, 1)
    return RestSide(load, server_seconds * 1e3 / requests, postgres_seconds * 1e3 / requests)


@contextlib.contextmanager
def _both_servers(seed_number: int) -> Iterator[tuple[BenchServers, BenchServers]]:
    with running_servers() as on, running_servers(REALTIME_OFF) as off:
        wait_for_realtime(on.base_url)
        for servers in (on, off):
            _prepare(servers, seed_number)
        yield on, off


def _pair(
    on: BenchServers,
    off: BenchServers,
    workload: Workload,
    connections: int,
    first: str,
    timing: tuple[float, float],
) -> tuple[RestSide, RestSide, float | None]:
    """Both servers, ``first`` first; after a write workload on the realtime server, how far
    its stream has fallen behind (measured at once, before the other server's run)."""
    sides: dict[str, RestSide] = {}
    lag = None
    for name in (first, "off" if first == "on" else "on"):
        sides[name] = _measure(on if name == "on" else off, workload, connections, *timing)
        if name == "on" and workload.is_write:
            lag = asyncio.run(catch_up_ms(on, TABLE, "name"))
    return sides["on"], sides["off"], lag


def _describe(run: RestRun) -> str:
    lag = (
        f"; stream caught up {run.catch_up_ms:.0f} ms after" if run.catch_up_ms is not None else ""
    )
    return (
        f"round {run.round} {run.workload.name} c{run.connections}: on "
        f"{run.on.load.per_second:,.0f} / off {run.off.load.per_second:,.0f} req/s = "
        f"{run.ratio:.2f} ({run.first} first){lag}"
    )


def compare_rest(
    workloads: list[Workload],
    connection_counts: list[int],
    rounds: int,
    timing: tuple[float, float],
    say: Callable[[str], None],
    seed_number: int = 42,
) -> RestComparison:
    """Every workload at every connection count on both servers, ``rounds`` times; which
    server goes first alternates from one pair to the next. ``timing``: wrk's seconds measured
    and seconds of warm-up before them."""
    comparison = RestComparison()
    with _both_servers(seed_number) as (on, off):
        comparison.postgres_version = on.postgres_version
        comparison.seed_catch_up_ms = asyncio.run(catch_up_ms(on, TABLE, "name"))
        say(f"seeded both; realtime caught up {comparison.seed_catch_up_ms:.0f} ms after")
        pairs = [
            (workload, connections) for workload in workloads for connections in connection_counts
        ]
        for round_number, turn, (workload, connections) in (
            (number, turn, pair)
            for number in range(1, rounds + 1)
            for turn, pair in enumerate(pairs)
        ):
            # Alternates within a round, and each pair swaps its order from round to round.
            first = "on" if (turn + round_number) % 2 == 1 else "off"
            on_side, off_side, lag = _pair(on, off, workload, connections, first, timing)
            run = RestRun(round_number, workload, connections, on_side, off_side, first, lag)
            comparison.runs.append(run)
            say(_describe(run))
        comparison.rss_mb = {
            name: psutil.Process(servers.server_pid).memory_info().rss / 1024**2
            for name, servers in (("on", on), ("off", off))
        }
    return comparison
