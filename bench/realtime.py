"""``python -m bench.realtime``: how soon changes reach realtime clients, and what realtime costs
the REST API (issue 11).

Each run starts a fresh ``polarbase serve`` (realtime on) with its own PostgreSQL, creates a
table and measures, with the clients in this process: commit → event (plain SQL INSERTs),
REST POST → event, and fan-out to many WebSocket connections. Then the records benchmark's wrk
workloads run on two servers side by side, realtime on and off, taking turns. The section is
appended to bench/RESULTS.md unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import shlex
import sys
import time
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from .machine import code_revision, cpu_check_ms, describe_machine
from .posters import bare_poster, httpx_poster
from .realtime_latency import Latencies, commit_to_event, fanout, post_to_event
from .realtime_overhead import compare_rest, wait_for_realtime
from .realtime_report import LatencyRun, RealtimeResults, render_realtime
from .report import append_results
from .servers import SUPER_ADMIN_KEY, BenchServers, running_servers
from .subscribers import Arrivals, arrivals_handler, close_all, open_subscriber, realtime_url
from .workloads import DEFAULT_MAX_PAGE, WORKLOAD_NAMES, Workload, build_workloads

__all__ = ["main"]

RESULTS_FILE = Path(__file__).parent / "RESULTS.md"
TABLE = "realtime_bench"
COLUMN = "n"
# Values written by each measurement, so an event is never taken for another's.
_COMMIT_VALUES, _POST_VALUES, _BARE_POST_VALUES = 1_000_000, 2_000_000, 3_000_000
_FANOUT_VALUES = 4_000_000
_FDS_PER_SUBSCRIBER = 1  # its socket in this process (the server is another process)
_FD_MARGIN = 256


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime", description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="latency runs, each a fresh server (2)")
    parser.add_argument("--writes", type=int, default=1000, help="measured writes per kind (1000)")
    parser.add_argument(
        "--warmup-writes", type=int, default=50, help="unmeasured writes first (50)"
    )
    parser.add_argument("--subscribers", type=int, default=1000, help="fan-out sockets (1000)")
    parser.add_argument("--fanout-rounds", type=int, default=10, help="fan-out INSERTs (10)")
    parser.add_argument("--rest-rounds", type=int, default=2, help="REST on/off rounds (2)")
    parser.add_argument("--duration", type=float, default=15.0, help="wrk seconds per run (15)")
    parser.add_argument("--warmup", type=float, default=2.0, help="wrk warm-up seconds (2)")
    parser.add_argument("--connections", default="2,16", help="wrk connection counts (2,16)")
    parser.add_argument("--only", help="REST workloads: " + ", ".join(WORKLOAD_NAMES))
    parser.add_argument("--skip-latency", action="store_true", help="REST on/off only")
    parser.add_argument("--skip-rest", action="store_true", help="latency and fan-out only")
    parser.add_argument("--quick", action="store_true", help="a smoke test: small and short")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="file to append to")
    parser.add_argument("--no-save", action="store_true", help="print only; append nothing")
    parser.add_argument("--note", action="append", default=[], help="a note for the results")
    return parser


def _say(message: str) -> None:
    print(f"[realtime {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _run_async(main: Coroutine[Any, Any, LatencyRun]) -> tuple[LatencyRun, str]:
    """On uvloop when installed, as ``polarbase serve`` runs: the client's own overhead is then
    smaller in every figure."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main), "asyncio"
    return uvloop.run(main), "uvloop"


def _raise_fd_limit(subscribers: int) -> None:
    needed = subscribers * _FDS_PER_SUBSCRIBER + _FD_MARGIN
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"{subscribers} subscribers need {needed} open files; the limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _create_table(servers: BenchServers) -> None:
    definition = {"name": TABLE, "columns": [{"name": COLUMN, "dataType": "integer"}]}
    response = httpx.post(
        f"{servers.base_url}/rest/db/tables",
        json=definition,
        headers={"x-api-key": SUPER_ADMIN_KEY},
        timeout=30,
    )
    response.raise_for_status()


async def _writes_to_event(
    servers: BenchServers, options: argparse.Namespace
) -> tuple[Latencies, dict[str, tuple[Latencies, Latencies]]]:
    """Commit → event, then POST → event (and → response) through httpx and the bare client."""
    url = realtime_url(servers.base_url, SUPER_ADMIN_KEY)
    arrivals = Arrivals(COLUMN)
    subscriber = await open_subscriber(url, TABLE, arrivals_handler(arrivals))
    count = options.warmup_writes + options.writes
    posts: dict[str, tuple[Latencies, Latencies]] = {}
    try:
        commit = await commit_to_event(
            servers.database_url,
            TABLE,
            arrivals,
            range(_COMMIT_VALUES, _COMMIT_VALUES + count),
            options.warmup_writes,
        )
        _say(f"commit → event p50 {commit.p50:.2f} ms, p99 {commit.p99:.2f} ms")
        for name, poster, first in (
            ("httpx", httpx_poster, _POST_VALUES),
            ("bare", bare_poster, _BARE_POST_VALUES),
        ):
            async with poster(servers.base_url, SUPER_ADMIN_KEY, TABLE) as post:
                values = range(first, first + count)
                posts[name] = await post_to_event(post, arrivals, values, options.warmup_writes)
            event, response = posts[name]
            _say(f"POST ({name}) → event p50 {event.p50:.2f} ms, response {response.p50:.2f} ms")
    finally:
        await close_all([subscriber])
    return commit, posts


async def _measure_latency(servers: BenchServers, options: argparse.Namespace) -> LatencyRun:
    commit, posts = await _writes_to_event(servers, options)
    _say(f"fan-out to {options.subscribers} sockets")
    rounds, idle_cpu = await fanout(
        realtime_url(servers.base_url, SUPER_ADMIN_KEY),
        servers.database_url,
        TABLE,
        COLUMN,
        options.subscribers,
        range(_FANOUT_VALUES, _FANOUT_VALUES + options.fanout_rounds),
        servers.server_pid,
    )
    _say("fan-out, last connection (ms): " + ", ".join(f"{r.last_ms:.0f}" for r in rounds))
    return LatencyRun(commit, *posts["httpx"], *posts["bare"], rounds, idle_cpu)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """This process's garbage collector off while it times events: a full collection over a
    thousand sockets' objects takes 50 ms here, which would be counted as the server's."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _latency_run(options: argparse.Namespace, results: RealtimeResults) -> None:
    with running_servers() as servers:
        results.machine = describe_machine(servers.postgres_version)
        wait_for_realtime(servers.base_url)
        _create_table(servers)
        with _collector_paused():
            run, results.loop = _run_async(_measure_latency(servers, options))
    results.latency_runs.append(run)


def _workloads(only: str | None) -> list[Workload]:
    workloads = build_workloads(DEFAULT_MAX_PAGE)
    if not only:
        return list(workloads)
    names = {name.strip() for name in only.split(",") if name.strip()}
    if unknown := names - set(WORKLOAD_NAMES):
        raise SystemExit(f"unknown workloads: {', '.join(sorted(unknown))}")
    return [workload for workload in workloads if workload.name in names]


def _apply_quick(options: argparse.Namespace) -> None:
    options.runs, options.writes, options.warmup_writes = 1, 200, 20
    options.subscribers, options.fanout_rounds, options.rest_rounds = 200, 3, 1
    options.duration, options.warmup = 3.0, 1.0


def _benchmark(options: argparse.Namespace, results: RealtimeResults) -> None:
    if not options.skip_latency:
        _raise_fd_limit(options.subscribers)
        for number in range(1, options.runs + 1):
            _say(f"latency run {number} of {options.runs}")
            _latency_run(options, results)
    if not options.skip_rest:
        _say("REST with realtime on and off, two servers side by side")
        connections = [int(part) for part in options.connections.split(",") if part.strip()]
        results.rest = compare_rest(
            _workloads(options.only),
            connections,
            options.rest_rounds,
            (options.duration, options.warmup),
            _say,
        )
        results.machine = describe_machine(results.rest.postgres_version)


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    if options.quick:
        _apply_quick(options)
    command = "python -m bench.realtime " + shlex.join(sys.argv[1:] if argv is None else argv)
    _say("CPU check")
    results = RealtimeResults(
        started=datetime.now(UTC),
        command=command.strip(),
        revision=code_revision(),
        machine=describe_machine("unknown"),
        load_before=os.getloadavg(),
        cpu_check_before=cpu_check_ms(),
        writes=options.writes,
        warmup_writes=options.warmup_writes,
        subscribers=options.subscribers,
        fanout_rounds=options.fanout_rounds,
        loop="asyncio",
        rest_timing=(options.duration, options.warmup),
        notes=list(options.note),
    )
    _benchmark(options, results)
    results.load_after = os.getloadavg()
    results.cpu_check_after = cpu_check_ms()
    section = render_realtime(results)
    print(section)
    if not options.no_save:
        append_results(options.results, section)
        _say(f"appended to {options.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
