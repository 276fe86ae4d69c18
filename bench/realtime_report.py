"""The realtime benchmark's results as a Markdown section, with issue 11's targets."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .machine import Machine
from .realtime_latency import FanoutRound, Latencies
from .realtime_overhead import RestComparison, RestRun

__all__ = ["LatencyRun", "RealtimeResults", "render_realtime"]

_ORIGINAL = {"commit": "~0.15 ms", "post": "2.5 ms"}


@dataclass(frozen=True)
class LatencyRun:
    """Commit→event, POST→event and fan-out on one fresh server."""

    commit: Latencies
    post: Latencies
    post_response: Latencies
    bare_post: Latencies
    bare_response: Latencies
    fanout: list[FanoutRound]
    idle_server_cpu_ms_per_s: float
    """PolarBase's CPU ms per second while the fan-out's sockets sat idle."""

    def fanout_median(self, read: Callable[[FanoutRound], float]) -> float:
        return statistics.median(read(fanout_round) for fanout_round in self.fanout)

    def fanout_max(self, read: Callable[[FanoutRound], float]) -> float:
        return max(read(fanout_round) for fanout_round in self.fanout)


@dataclass
class RealtimeResults:
    started: datetime
    command: str
    revision: str
    machine: Machine
    load_before: tuple[float, float, float]
    cpu_check_before: float
    writes: int
    warmup_writes: int
    subscribers: int
    fanout_rounds: int
    loop: str
    rest_timing: tuple[float, float] = (15.0, 2.0)
    latency_runs: list[LatencyRun] = field(default_factory=list)
    rest: RestComparison | None = None
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpu_check_after: float = 0.0
    notes: list[str] = field(default_factory=list)


def _ms(value: float) -> str:
    return f"{value:.2f}"


def _loads(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def _header(results: RealtimeResults) -> list[str]:
    rest = (
        f"; REST: wrk `-t1`, {results.rest_timing[0]:g} s per run after "
        f"{results.rest_timing[1]:g} s of warm-up"
        if results.rest
        else ""
    )
    return [
        f"## {results.started:%Y-%m-%d %H:%M} UTC: Realtime (issue 11)",
        "",
        f"- Command: `{results.command}`; code: `{results.revision}`",
        f"- Machine: {results.machine.summary()}; the 2 cores are shared (other sessions' tests "
        f"may run); load average before: {_loads(results.load_before)}, after: "
        f"{_loads(results.load_after)}.",
        f"- CPU check (a 3,000,000-step Python loop, median of 3; 285 ms on a quiet morning): "
        f"{results.cpu_check_before:.0f} ms before, {results.cpu_check_after:.0f} ms after.",
        f"- Server: one `polarbase serve` process per run, realtime on, its PostgreSQL started "
        f"by the bench (`DATABASE_URL`, Unix socket). Clients in the bench process "
        f"({results.loop} loop, its garbage collector off while it times events): `websockets` "
        f"asyncio client, psycopg 3 async, httpx async"
        f"{rest}.",
        "",
    ]


def _commit_table(results: RealtimeResults) -> list[str]:
    lines = [
        f"Commit → event: {results.writes:,} single-row INSERTs by plain SQL (autocommit, one at "
        f"a time, after {results.warmup_writes} unmeasured), from `execute` returning to the "
        'WebSocket client having the event; "early": events that arrived before `execute` '
        'returned (counted as 0 ms); "≥ 1 s": events that took a second or more. REST POST → '
        "event: as many `POST /rest/db/<table>`, one at a "
        "time over one kept-alive connection, from just before sending to the event (and, for "
        "comparison, to the response): through httpx's AsyncClient, then through a bare HTTP/1.1 "
        "writer on asyncio streams (`bench/posters.py`) that shows httpx's own share.",
        "",
        "| run | measured | p50 ms | p95 ms | p99 ms | max ms | ≥ 1 s | early |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for number, run in enumerate(results.latency_runs, 1):
        for label, values in (
            ("commit → event", run.commit),
            ("POST sent → event (httpx)", run.post),
            ("POST sent → response (httpx)", run.post_response),
            ("POST sent → event (bare client)", run.bare_post),
            ("POST sent → response (bare client)", run.bare_response),
        ):
            lines.append(
                f"| {number} | {label} | {_ms(values.p50)} | {_ms(values.p95)} | "
                f"{_ms(values.p99)} | {_ms(values.max)} | {values.stalled} | {values.early} |"
            )
    return [*lines, ""]


def _fanout_table(results: RealtimeResults) -> list[str]:
    lines = [
        f"Fan-out: {results.subscribers:,} WebSocket connections from the bench process, all "
        f"subscribed to the table; one INSERT, {results.fanout_rounds} times, 1 s apart; ms from "
        "the commit to the first and to the last connection having the event, and the CPU each "
        "round cost (PolarBase's process, and the bench process that reads the sockets).",
        "",
        "| run | first: median ms | first: max ms | last: median ms | last: max ms | "
        "server CPU ms/round | client CPU ms/round | server CPU, sockets idle |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for number, run in enumerate(results.latency_runs, 1):
        lines.append(
            f"| {number} | {_ms(run.fanout_median(lambda r: r.first_ms))} | "
            f"{_ms(run.fanout_max(lambda r: r.first_ms))} | "
            f"{_ms(run.fanout_median(lambda r: r.last_ms))} | "
            f"{_ms(run.fanout_max(lambda r: r.last_ms))} | "
            f"{run.fanout_median(lambda r: r.server_cpu_ms):.0f} | "
            f"{run.fanout_median(lambda r: r.client_cpu_ms):.0f} | "
            f"{run.idle_server_cpu_ms_per_s:.1f} ms/s |"
        )
    lines.append("")
    for number, run in enumerate(results.latency_runs, 1):
        lasts = ", ".join(f"{fanout_round.last_ms:.0f}" for fanout_round in run.fanout)
        lines.append(f"- Run {number}, last connection per round (ms): {lasts}.")
    return [*lines, ""]


def _rest_row(run: RestRun) -> str:
    return (
        f"| {run.round} | {run.workload.title} | {run.connections} | {run.first} | "
        f"{run.on.load.per_second:,.0f} | {run.off.load.per_second:,.0f} | **{run.ratio:.2f}** | "
        f"{run.on.load.p99_ms:.2f} / {run.off.load.p99_ms:.2f} | "
        f"{run.on.server_cpu_ms:.3f} / {run.off.server_cpu_ms:.3f} | "
        f"{run.on.postgres_cpu_ms:.3f} / {run.off.postgres_cpu_ms:.3f} | "
        + (f"{run.catch_up_ms:.0f}" if run.catch_up_ms is not None else "—")
        + " |"
    )


def _rest_table(rest: RestComparison) -> list[str]:
    errors = sum(run.on.load.errors + run.off.load.errors for run in rest.runs)
    return [
        "REST with realtime on and off: `make bench`'s workloads and wrk settings on two servers "
        "up side by side (each its own PostgreSQL, both seeded with the same 100,000 records), "
        'one run on each in turn; "first" says which ran first. Realtime on, nobody '
        "connected: the slot is still streamed (read every 100 ms while no client is connected) "
        'and every change kept, undecoded, for resumes. "caught up": after a '
        "write run on the realtime server, ms from a marker INSERT's commit to its event (how "
        "far its stream had fallen behind).",
        "",
        "| round | workload | conns | first | on req/s | off req/s | on/off | p99 ms on / off | "
        "PolarBase CPU ms/req on / off | PostgreSQL CPU ms/req on / off | caught up ms |",
        "|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|",
        *(_rest_row(run) for run in rest.runs),
        "",
        f"- After seeding, the realtime server's stream caught up {rest.seed_catch_up_ms:.0f} ms "
        "after the last bulk-create (100,000 insert events to decode).",
        f"- PolarBase RSS at the end: {rest.rss_mb.get('on', 0):.0f} MB with realtime, "
        f"{rest.rss_mb.get('off', 0):.0f} MB without.",
        f"- Failed requests: {errors}.",
        "",
    ]


@dataclass(frozen=True)
class _Target:
    label: str
    needed: str
    measured: list[float]
    unit: str
    passed: Callable[[float], bool]
    original: str = "—"

    def row(self) -> str:
        measured = " / ".join(f"{value:.2f}{self.unit}" for value in self.measured)
        verdicts = {self.passed(value) for value in self.measured}
        result = "pass" if verdicts == {True} else "**fail**" if verdicts == {False} else "mixed"
        return f"| {self.label} | {self.needed} | {measured} | {result} | {self.original} |"


def _rest_ratios(rest: RestComparison) -> list[tuple[str, float]]:
    """Each workload's on/off ratio at each connection count, the geometric mean over the
    rounds: single runs swing by ±10% on this shared machine, reads as much as writes."""
    kinds = sorted({(run.workload.title, run.connections) for run in rest.runs})
    ratios = []
    for title, connections in kinds:
        values = [
            run.ratio
            for run in rest.runs
            if (run.workload.title, run.connections) == (title, connections)
        ]
        mean = math.exp(sum(math.log(value) for value in values) / len(values))
        ratios.append((f"{title}, {connections} conns", mean))
    return ratios


def _latency_targets(runs: list[LatencyRun], subscribers: int) -> list[_Target]:
    return [
        _Target(
            "commit → event p50",
            "< 2 ms",
            [run.commit.p50 for run in runs],
            " ms",
            lambda value: value < 2,
            _ORIGINAL["commit"],
        ),
        _Target(
            "commit → event p99",
            "< 20 ms",
            [run.commit.p99 for run in runs],
            " ms",
            lambda value: value < 20,
        ),
        _Target(
            "REST POST sent → event p50",
            "< 5 ms",
            [run.post.p50 for run in runs],
            " ms",
            lambda value: value < 5,
            _ORIGINAL["post"],
        ),
        _Target(
            f"{subscribers:,} subscribers, the last one has it (worst of the rounds)",
            "≤ 250 ms",
            [run.fanout_max(lambda fanout_round: fanout_round.last_ms) for run in runs],
            " ms",
            lambda value: value <= 250,
        ),
    ]


def _targets(results: RealtimeResults) -> list[str]:
    targets = (
        _latency_targets(results.latency_runs, results.subscribers) if results.latency_runs else []
    )
    if results.rest is not None:
        targets.extend(
            _Target(
                f"REST req/s, realtime on / off: {name} (geometric mean of the rounds)",
                "≥ 0.90",
                [ratio],
                "",
                lambda value: value >= 0.90,
            )
            for name, ratio in _rest_ratios(results.rest)
        )
    return [
        "| target (issue 11) | needed | measured (each run) | result "
        "| original TypeScript server |",
        "|---|---|---|---|---|",
        *(target.row() for target in targets),
        "",
    ]


def render_realtime(results: RealtimeResults) -> str:
    lines = _header(results)
    if results.latency_runs:
        lines += _commit_table(results) + _fanout_table(results)
    if results.rest is not None:
        lines += _rest_table(results.rest)
    lines += _targets(results)
    lines += [f"- Note: {note}" for note in results.notes]
    return "\n".join(lines).rstrip() + "\n"
