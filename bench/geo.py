"""Geo-point filters on a table of 1,000,000 points (issue 15: "an index that keeps a box query on
a million rows fast"): `withinBox` and `near` through REST, with the GiST index PolarBase makes
for a geo-point column, and without it for comparison.

    .venv/bin/python -m bench.geo            # prints a section for bench/RESULTS.md
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime

import httpx
import psycopg

from bench.machine import code_revision, cpu_check_ms
from bench.servers import SUPER_ADMIN_KEY, running_servers

ROWS = 1_000_000
TABLE = "bench_places"
RUNS = 50
QUERIES = {
    "withinBox, 1 x 1 degree": {
        "spot": {"withinBox": {"minX": 2.0, "minY": 48.0, "maxX": 3.0, "maxY": 49.0}}
    },
    "near, 50 km": {"spot": {"near": {"x": 2.3522, "y": 48.8566, "meters": 50_000}}},
}


def _fill(base_url: str, database_url: str) -> None:
    columns = [{"name": "name", "dataType": "text"}, {"name": "spot", "dataType": "geo-point"}]
    with httpx.Client(base_url=base_url, headers={"x-api-key": SUPER_ADMIN_KEY}) as client:
        client.post("/rest/db/tables", json={"name": TABLE, "columns": columns}).raise_for_status()
    with psycopg.connect(database_url, autocommit=True) as connection:
        # Uniform over the sphere's longitudes and latitudes between -60 and 70 (where people are)
        connection.execute(
            f"INSERT INTO {TABLE} (name, spot) SELECT 'place ' || n, "
            "point(random() * 360 - 180, random() * 130 - 60) "
            "FROM generate_series(1, %s) AS n",
            [ROWS],
        )
        connection.execute(f"VACUUM ANALYZE {TABLE}")


def _time(base_url: str, where: dict[str, object]) -> tuple[list[float], int]:
    samples: list[float] = []
    found = 0
    params = {"filter": json.dumps(where), "limit": "100", "count": "none"}
    with httpx.Client(base_url=base_url, headers={"x-api-key": SUPER_ADMIN_KEY}) as client:
        for run in range(RUNS + 5):
            started = time.perf_counter()
            response = client.get(f"/rest/db/{TABLE}", params=params)
            elapsed = (time.perf_counter() - started) * 1e3
            response.raise_for_status()
            found = len(response.json()["data"]["rows"])
            if run >= 5:
                samples.append(elapsed)
    return samples, found


def _drop_index(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        (name,) = connection.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [TABLE, "%USING gist%"],
        ).fetchone() or (None,)
        assert name is not None, "no GiST index on the geo-point column"
        connection.execute(f'DROP INDEX "{name}"')


def main() -> None:
    before = cpu_check_ms()
    results: dict[str, dict[str, tuple[list[float], int]]] = {"with": {}, "without": {}}
    with running_servers({"POLARBASE_REALTIME": "false"}) as servers:
        _fill(servers.base_url, servers.database_url)
        for label, where in QUERIES.items():
            results["with"][label] = _time(servers.base_url, where)
        _drop_index(servers.database_url)
        for label, where in QUERIES.items():
            results["without"][label] = _time(servers.base_url, where)
    after = cpu_check_ms()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## {stamp}: geo-point filters on 1,000,000 points (issue 15)\n")
    print(
        f"- Command: `.venv/bin/python -m bench.geo`; code `{code_revision()}`; CPU check "
        f"{before:.0f} ms before, {after:.0f} ms after (285 ms is a quiet hour)."
    )
    print(
        f"- `polarbase serve` (own process, embedded PostgreSQL, realtime off); {RUNS} requests "
        "each after 5 warm-up ones, `GET /rest/db/{table}?filter=...&limit=100&count=none`, "
        "httpx on the same machine."
    )
    print("\n| query | points | with the GiST index, p50 / p95 ms | without, p50 / p95 ms |")
    print("|---|--:|--:|--:|")
    for label in QUERIES:
        with_index, found = results["with"][label]
        without, _ = results["without"][label]
        print(
            f"| {label} | {found} | {statistics.median(with_index):.1f} / "
            f"{sorted(with_index)[int(RUNS * 0.95) - 1]:.1f} | "
            f"{statistics.median(without):.1f} / {sorted(without)[int(RUNS * 0.95) - 1]:.1f} |"
        )


if __name__ == "__main__":
    main()
