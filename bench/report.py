"""The results as Markdown: the numbers, the issue's targets and the original server's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .load import LoadResult
from .machine import Machine
from .workloads import PAGE_LIMIT

__all__ = ["Measurement", "Results", "append_results", "render_results"]

_HEADER = """# PolarBase benchmark results

Written by `make bench` (`python -m bench.run`); each run appends a dated section. Load comes
from wrk with one thread over loopback; "ceiling" is the same SQL run straight through psycopg by
an asyncio driver with as many connections, and "ratio" is PolarBase's throughput as a fraction
of it. Targets are issue 2's "Done when" figures, measured at 16 connections.
"""


@dataclass(frozen=True)
class Measurement:
    """One workload at one connection count, through PolarBase and straight through psycopg."""

    name: str
    title: str
    connections: int
    polarbase: LoadResult
    ceiling: LoadResult
    server_cpu_seconds: float
    duration: float

    @property
    def server_cores(self) -> float:
        """How many cores the PolarBase process kept busy on average (1.0 = one core)."""
        return self.server_cpu_seconds / self.duration if self.duration else 0.0

    @property
    def server_cpu_ms(self) -> float:
        """PolarBase process CPU per request, in ms (user + system)."""
        requests = self.polarbase.requests
        return self.server_cpu_seconds * 1000 / requests if requests else 0.0

    @property
    def ratio(self) -> float:
        return self.polarbase.per_second / self.ceiling.per_second if self.ceiling.per_second else 0


@dataclass(frozen=True)
class _Target:
    label: str
    needed: str
    measured: str
    passed: bool
    original: str


@dataclass
class Results:
    started: datetime
    command: str
    duration: float
    warmup: float
    machine: Machine
    wrk_version: str
    load_before: tuple[float, float, float]
    max_page: int
    revision: str
    measurements: list[Measurement] = field(default_factory=list)
    bulk_seconds: float | None = None
    bulk_ceiling_seconds: float | None = None
    rss_after_start_mb: float | None = None
    rss_idle_mb: float | None = None
    notes: list[str] = field(default_factory=list)

    def at(self, name: str, connections: int) -> Measurement | None:
        for measurement in self.measurements:
            if measurement.name == name and measurement.connections == connections:
                return measurement
        return None


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _ms(value: float) -> str:
    return f"{value:.2f}"


def _rate_target(
    results: Results, name: str, label: str, needed: float, original: str
) -> _Target | None:
    measurement = results.at(name, 16)
    if measurement is None:
        return None
    measured = measurement.polarbase.per_second
    return _Target(
        label, f"≥ {_rate(needed)} req/s", f"{_rate(measured)} req/s", measured >= needed, original
    )


def _targets(results: Results) -> list[_Target]:
    targets = [
        _rate_target(results, "get_one", "GET one, 16 conns", 3000, "4,500 req/s"),
        _rate_target(results, "page_estimated", "page of 50, count=estimated, 16 conns", 2000, "—"),
        _rate_target(results, "page_exact", "page of 50, count=exact, 16 conns", 250, "270 req/s"),
        _rate_target(results, "post_one", "POST one, 16 conns", 2000, "2,800 req/s"),
    ]
    if results.bulk_seconds is not None:
        targets.append(
            _Target(
                "bulk-create 10,000 records",
                "< 1.5 s",
                f"{results.bulk_seconds:.3f} s",
                results.bulk_seconds < 1.5,
                "—",
            )
        )
    if results.rss_idle_mb is not None:
        targets.append(
            _Target(
                "server idle RSS (without Postgres)",
                "< 120 MB",
                f"{results.rss_idle_mb:.0f} MB",
                results.rss_idle_mb < 120,
                "142 MB",
            )
        )
    return [target for target in targets if target is not None]


def _load_table(results: Results) -> list[str]:
    lines = [
        "| workload | conns | PolarBase req/s | p50 ms | p99 ms | ceiling stmt/s | p50 ms | p99 ms "
        "| ratio | server CPU ms/req | server cores |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for item in results.measurements:
        failed = f" ({item.polarbase.errors} failed)" if item.polarbase.errors else ""
        lines.append(
            f"| {item.title} | {item.connections} | {_rate(item.polarbase.per_second)}{failed} "
            f"| {_ms(item.polarbase.p50_ms)} | {_ms(item.polarbase.p99_ms)} "
            f"| {_rate(item.ceiling.per_second)} | {_ms(item.ceiling.p50_ms)} "
            f"| {_ms(item.ceiling.p99_ms)} | {item.ratio:.2f} | {item.server_cpu_ms:.3f} "
            f"| {item.server_cores:.2f} |"
        )
    return lines


def _other_lines(results: Results) -> list[str]:
    lines: list[str] = []
    if results.bulk_seconds is not None:
        line = f"- Bulk-create of 10,000 records: {results.bulk_seconds:.3f} s (median of 5)"
        if results.bulk_ceiling_seconds:
            ratio = results.bulk_ceiling_seconds / results.bulk_seconds
            line += (
                f"; the same INSERT straight through psycopg: {results.bulk_ceiling_seconds:.3f} s"
                f" (ratio {ratio:.2f})"
            )
        lines.append(line + ".")
    if results.rss_idle_mb is not None:
        after_start = (
            f" ({results.rss_after_start_mb:.0f} MB right after start)"
            if results.rss_after_start_mb is not None
            else ""
        )
        lines.append(
            f"- Server RSS, idle 5 s after the load: {results.rss_idle_mb:.0f} MB{after_start}."
        )
    return lines


def render_results(results: Results) -> str:
    """The dated Markdown section for one run."""
    load = ", ".join(f"{value:.2f}" for value in results.load_before)
    lines = [
        f"## {results.started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{results.command}`; code: `{results.revision}`",
        f"- Machine: {results.machine.summary()}; load average before the run: {load}.",
        f"- Load: {results.wrk_version}, `-t1`, loopback; {results.duration:g} s per run after "
        f"{results.warmup:g} s of warm-up; PolarBase as one `polarbase serve` process (defaults).",
        f"- Page requests: `limit={PAGE_LIMIT}`, a random page from 1 to {results.max_page:,} "
        f"(OFFSET up to {(results.max_page - 1) * PAGE_LIMIT:,} rows).",
        "",
        *_load_table(results),
        "",
        *_other_lines(results),
    ]
    targets = _targets(results)
    if targets:
        lines += [
            "",
            "| target (issue 2) | needed | measured | result | original TypeScript server |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {t.label} | {t.needed} | {t.measured} | {'pass' if t.passed else '**fail**'} "
            f"| {t.original} |"
            for t in targets
        ]
    if results.notes:
        lines += ["", *(f"- Note: {note}" for note in results.notes)]
    return "\n".join(lines) + "\n"


def append_results(path: Path, section: str) -> None:
    """Append ``section`` to ``path``, writing the file's header first when it is new."""
    existing = path.read_text() if path.exists() else _HEADER
    path.write_text(existing.rstrip("\n") + "\n\n" + section)
