"""``python -m bench.run``: start the servers, seed the table, run every workload, write results."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from polarbase.query import Statement

from .baseline import drive_statements, time_statement
from .bulk import BULK_RUNS, BULK_SIZE, time_bulk_create
from .dataset import create_table, random_records, seed, vacuum_analyze
from .machine import code_revision, describe_machine
from .report import Measurement, Results, append_results, render_results
from .servers import SUPER_ADMIN_KEY, BenchServers, running_servers
from .statements import bulk_statement, load_table
from .usage import cpu_seconds_during, idle_rss_mb
from .workloads import DEFAULT_MAX_PAGE, PAGES, WORKLOAD_NAMES, Workload, build_workloads
from .wrk import run_wrk, wrk_version

__all__ = ["main"]

RESULTS_FILE = Path(__file__).parent / "RESULTS.md"
_STATEMENTS_PER_WORKLOAD = 2_000
_IDLE_SECONDS = 5.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per run (15)")
    parser.add_argument("--quick", action="store_true", help="3 s per run, for a smoke test")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (2)")
    parser.add_argument(
        "--connections", default="2,16", help="comma-separated connection counts (2,16)"
    )
    parser.add_argument(
        "--only",
        help="comma-separated workloads: " + ", ".join(WORKLOAD_NAMES),
    )
    parser.add_argument(
        "--max-page",
        type=int,
        default=DEFAULT_MAX_PAGE,
        help=f"page requests pick a page from 1 to this at random ({DEFAULT_MAX_PAGE}; "
        f"{PAGES}: the whole table)",
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        help='an extra request header for wrk, e.g. "Accept-Encoding: gzip" (repeatable)',
    )
    parser.add_argument("--skip-bulk", action="store_true", help="leave out bulk-create")
    parser.add_argument(
        "--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to"
    )
    parser.add_argument("--no-save", action="store_true", help="print only; append nothing")
    parser.add_argument("--note", action="append", default=[], help="a note for the results")
    parser.add_argument("--seed", type=int, default=42, help="random seed for the data (42)")
    return parser


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _selected(only: str | None, max_page: int) -> list[Workload]:
    workloads = build_workloads(max_page)
    if not only:
        return list(workloads)
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = names - set(WORKLOAD_NAMES)
    if unknown:
        raise SystemExit(f"unknown workloads: {', '.join(sorted(unknown))}")
    return [workload for workload in workloads if workload.name in names]


def _check_sample(client: httpx.Client, workload: Workload, rng: random.Random) -> None:
    """One request of the kind before the load, so wrk never measures a stream of errors."""
    if workload.is_write:
        response = client.post(workload.sample_path, json=random_records(rng, 1)[0])
    else:
        response = client.get(workload.sample_path)
    if response.status_code != 200:
        raise RuntimeError(f"{workload.name}: {response.status_code} {response.text[:300]}")


def _prepare(client: httpx.Client, servers: BenchServers, rng: random.Random) -> None:
    _say("creating the table and 100,000 records through bulk-create")
    started = time.perf_counter()
    create_table(client)
    seed(client, rng)
    vacuum_analyze(servers.database_url)
    _say(f"seeded in {time.perf_counter() - started:.1f} s")


def _measure_workload(
    workload: Workload,
    servers: BenchServers,
    statements: Sequence[Statement],
    connections: int,
    duration: float,
    warmup: float,
    headers: tuple[str, ...],
) -> Measurement:
    arguments = [SUPER_ADMIN_KEY, *workload.script_args]
    if warmup > 0:
        run_wrk(servers.base_url, workload.script, connections, warmup, arguments, headers)
    polarbase, cpu_seconds = cpu_seconds_during(
        servers.server_pid,
        lambda: run_wrk(
            servers.base_url, workload.script, connections, duration, arguments, headers
        ),
    )
    ceiling = asyncio.run(
        drive_statements(servers.database_url, statements, connections, duration, warmup)
    )
    measurement = Measurement(
        workload.name, workload.title, connections, polarbase, ceiling, cpu_seconds, duration
    )
    _say(
        f"{workload.name} c{connections}: {polarbase.per_second:,.0f} req/s "
        f"(p50 {polarbase.p50_ms:.2f} ms, p99 {polarbase.p99_ms:.2f} ms) | ceiling "
        f"{ceiling.per_second:,.0f}/s | ratio {measurement.ratio:.2f} | server "
        f"{measurement.server_cpu_ms:.3f} ms CPU/req, {measurement.server_cores:.2f} cores"
        + (f" | {polarbase.errors} FAILED" if polarbase.errors else "")
    )
    return measurement


def _benchmark(arguments: argparse.Namespace, results: Results) -> None:
    rng = random.Random(arguments.seed)
    connection_counts = [int(part) for part in arguments.connections.split(",") if part.strip()]
    workloads = _selected(arguments.only, arguments.max_page)
    with running_servers() as servers:
        results.machine = describe_machine(servers.postgres_version)
        results.rss_after_start_mb = idle_rss_mb(servers.server_pid, 1.0)
        with httpx.Client(
            base_url=servers.base_url, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=300
        ) as client:
            _prepare(client, servers, rng)
            table = asyncio.run(load_table(servers.database_url, servers.data_dir, SUPER_ADMIN_KEY))
            for workload in workloads:
                _check_sample(client, workload, rng)
                statements = [workload.build(table, rng) for _ in range(_STATEMENTS_PER_WORKLOAD)]
                for connections in connection_counts:
                    results.measurements.append(
                        _measure_workload(
                            workload,
                            servers,
                            statements,
                            connections,
                            arguments.duration,
                            arguments.warmup,
                            tuple(arguments.header),
                        )
                    )
            if not arguments.skip_bulk:
                _say(f"bulk-create of {BULK_SIZE:,} records, {BULK_RUNS} runs")
                results.bulk_seconds = time_bulk_create(client, rng)
                bulk = [
                    bulk_statement(table, random_records(rng, BULK_SIZE)) for _ in range(BULK_RUNS)
                ]
                results.bulk_ceiling_seconds = asyncio.run(
                    time_statement(servers.database_url, bulk)
                )
        _say(f"waiting {_IDLE_SECONDS:g} s idle to read the server's RSS")
        results.rss_idle_mb = idle_rss_mb(servers.server_pid, _IDLE_SECONDS)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.quick:
        arguments.duration = 3.0
        arguments.warmup = min(arguments.warmup, 1.0)
    command = "python -m bench.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    results = Results(
        started=datetime.now(UTC),
        command=command.strip(),
        duration=arguments.duration,
        warmup=arguments.warmup,
        machine=describe_machine("unknown"),
        wrk_version=wrk_version(),
        load_before=os.getloadavg(),
        max_page=arguments.max_page,
        revision=code_revision(),
        notes=list(arguments.note),
    )
    _benchmark(arguments, results)
    section = render_results(results)
    print(section)
    if not arguments.no_save:
        append_results(arguments.results, section)
        _say(f"appended to {arguments.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
