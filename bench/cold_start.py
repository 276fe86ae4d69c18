"""Cold start and warm overhead of the REST function's handler (issue 3), on this machine.

Cold start: a fresh Python process, given the environment the CDK stack gives the function and an
empty /tmp, imports ``functions/rest/handler.py`` and answers its first API Gateway v2 event
(``GET /rest/db/items/1`` with a key: the secret read, the metadata downloaded, the connection
opened, the record read). Timed from spawning the process to the answer, median of ``--runs``.

Warm overhead: in one warm process, the same event ``--invocations`` times; each invocation's
time in the handler (event in, response out) minus its time inside PostgreSQL round trips
(``AsyncConnection.execute``: the statement and the pool's connection check), median.

The database is the embedded PostgreSQL; S3 and Secrets Manager are moto's threaded server on
127.0.0.1, a few ms per call where AWS inside a region takes 5-20 ms. Run with
``.venv/bin/python -m bench.cold_start [--runs 10] [--invocations 2000]``; it appends its
section to bench/RESULTS.md unless ``--no-record``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.machine import code_revision, describe_machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
KEY = "ak_" + "c" * 64
REGION = "us-east-1"
COLD_TARGET_MS = 700.0
RECORD_PATH = "/rest/db/items/1"
# A schema route: its first request also imports and builds the FastAPI app.
SCHEMA_PATH = "/rest/db/tables/items"
WARM_TARGET_MS = 1.0

# Runs in the fresh process. Timestamps are taken there and the parent's spawn time is passed
# in, so the cold start includes the interpreter's own start, as Lambda's init does.
_COLD_PROBE = """
import json, sys, time
imported_at = None
sys.path.insert(0, sys.argv[2])
started = time.time()
import handler as function
imported = time.time()
from tests.fixtures.lambda_host import LambdaContext, to_event
event = to_event("GET", sys.argv[4], [("x-api-key", sys.argv[3]), ("host", "api")], b"",
                 "192.0.2.1")
response = function.handler(event, LambdaContext(aws_request_id="cold"))
answered = time.time()
with open(sys.argv[1], "w") as out:
    json.dump({"import_started": started, "imported": imported, "answered": answered,
               "status": response["statusCode"], "body": response["body"][:200]}, out)
"""

_WARM_PROBE = """
import json, statistics, sys, time
import psycopg
sys.path.insert(0, sys.argv[2])
import handler as function
from tests.fixtures.lambda_host import LambdaContext, to_event

in_database = 0.0
execute = psycopg.AsyncConnection.execute
async def timed_execute(self, *args, **kwargs):
    global in_database
    started = time.perf_counter()
    try:
        return await execute(self, *args, **kwargs)
    finally:
        in_database += time.perf_counter() - started
psycopg.AsyncConnection.execute = timed_execute

event = to_event("GET", "/rest/db/items/1", [("x-api-key", sys.argv[3]), ("host", "api")], b"",
                 "192.0.2.1")
context = LambdaContext(aws_request_id="warm")
for _ in range(50):
    assert function.handler(event, context)["statusCode"] == 200
totals, databases = [], []
for _ in range(int(sys.argv[4])):
    in_database = 0.0
    started = time.perf_counter()
    response = function.handler(event, context)
    totals.append(time.perf_counter() - started)
    databases.append(in_database)
    assert response["statusCode"] == 200
with open(sys.argv[1], "w") as out:
    json.dump({"totals": totals, "databases": databases}, out)
"""


def _start_moto() -> Any:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    return server


def _environment(endpoint: str, bucket: str, secret_arn: str, cache: Path) -> dict[str, str]:
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "POLARBASE_MODE": "aws",
        "POLARBASE_METADATA_BUCKET": bucket,
        "POLARBASE_DATABASE_SECRET_ARN": secret_arn,
        "POLARBASE_AWS_REGION": REGION,
        "POLARBASE_CACHE_DIR": str(cache),
        "POLARBASE_SUPER_ADMIN_KEY": KEY,
        "POWERTOOLS_SERVICE_NAME": "polarbase-rest",
        "POWERTOOLS_METRICS_NAMESPACE": "PolarBase",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "layers/core/python"), str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "",
    }


def _run_probe(probe: str, environment: dict[str, str], *extra: str) -> tuple[float, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        result_path = out.name
    spawned = time.time()
    subprocess.run(
        [sys.executable, "-c", probe, result_path, str(ROOT / "functions/rest"), KEY, *extra],
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,  # the function's JSON logs and metrics
    )
    result = json.loads(Path(result_path).read_text())
    Path(result_path).unlink()
    return spawned, result


def measure(runs: int, invocations: int) -> dict[str, Any]:
    import boto3

    from polarbase.local.embedded import EmbeddedPostgres

    work = Path(tempfile.mkdtemp(prefix="polarbase-cold-"))
    postgres = EmbeddedPostgres(work / "postgres")
    url = postgres.start()
    moto = _start_moto()
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)")
            connection.execute("INSERT INTO items (name) VALUES ('first')")
            version = connection.execute("SHOW server_version").fetchone()[0]
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        clients = {"region_name": REGION, "endpoint_url": endpoint}
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        bucket = f"polarbase-cold-{uuid.uuid4().hex[:8]}"
        boto3.client("s3", **clients, **credentials).create_bucket(Bucket=bucket)
        secret = boto3.client("secretsmanager", **clients, **credentials).create_secret(
            Name="polarbase/database", SecretString=url
        )

        def environment() -> dict[str, str]:
            cache = Path(tempfile.mkdtemp(dir=work, prefix="tmp-"))  # an empty /tmp each time
            return _environment(endpoint, bucket, secret["ARN"], cache)

        # The first start of a deployment creates the metadata file; every later one finds it.
        _run_probe(_COLD_PROBE, environment(), RECORD_PATH)
        cold: dict[str, list[dict[str, float]]] = {RECORD_PATH: [], SCHEMA_PATH: []}
        for _ in range(runs):
            for path, runs_of_path in cold.items():
                spawned, result = _run_probe(_COLD_PROBE, environment(), path)
                if result["status"] != 200:
                    raise RuntimeError(f"first answer was {result['status']}: {result['body']}")
                runs_of_path.append(
                    {
                        "total": result["answered"] - spawned,
                        "interpreter": result["import_started"] - spawned,
                        "import": result["imported"] - result["import_started"],
                        "first": result["answered"] - result["imported"],
                    }
                )
        _, warm = _run_probe(_WARM_PROBE, environment(), str(invocations))
    finally:
        moto.stop()
        postgres.stop()
    overheads = [total - db for total, db in zip(warm["totals"], warm["databases"], strict=True)]
    return {
        "machine": describe_machine(version).summary(),
        "cold": cold,
        "warm_total": warm["totals"],
        "warm_database": warm["databases"],
        "warm_overhead": overheads,
    }


def _ms(values: list[float], quantile: float | None = None) -> float:
    if quantile is None:
        return statistics.median(values) * 1e3
    return statistics.quantiles(values, n=100)[int(quantile) - 1] * 1e3


def report(result: dict[str, Any], runs: int, invocations: int) -> str:
    cold = result["cold"]

    def part(name: str, path: str = RECORD_PATH) -> float:
        return statistics.median(run[name] for run in cold[path]) * 1e3

    cold_median = part("total")
    each = ", ".join(f"{run['total'] * 1e3:.0f}" for run in cold[RECORD_PATH])
    warm_overhead = _ms(result["warm_overhead"])
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"## {now}: REST function cold start and warm overhead (issue 3)",
        "",
        f"- Command: `.venv/bin/python -m bench.cold_start --runs {runs} "
        f"--invocations {invocations}`; code: `{code_revision()}`",
        f"- Machine: {result['machine']}; load average after the run: {load}.",
        "- Event: API Gateway HTTP API v2 with the super admin key. Database: embedded "
        "PostgreSQL over its Unix socket; S3 and Secrets Manager: moto's threaded server on "
        "127.0.0.1.",
        "",
        f"Cold start, fresh process, empty cache dir, median of {runs}; first event "
        f"`GET {RECORD_PATH}` (each run: {each} ms), and for comparison `GET {SCHEMA_PATH}`, "
        "a schema route, whose first request also builds the FastAPI app:",
        "",
        "| part | records route, median ms | schema route, median ms |",
        "|---|--:|--:|",
        f"| interpreter start (spawn to first line of the probe) | {part('interpreter'):.0f} "
        f"| {part('interpreter', SCHEMA_PATH):.0f} |",
        f"| import of `handler.py` (runtime and app built) | {part('import'):.0f} "
        f"| {part('import', SCHEMA_PATH):.0f} |",
        f"| first answer (secret, metadata GET, connect, query) | {part('first'):.0f} "
        f"| {part('first', SCHEMA_PATH):.0f} |",
        f"| **total** | **{cold_median:.0f}** | **{part('total', SCHEMA_PATH):.0f}** |",
        "",
        f"Warm process, {invocations} invocations of the same event:",
        "",
        "| | median ms | p90 ms | p99 ms | mean ms |",
        "|---|--:|--:|--:|--:|",
    ]
    for label, key in (
        ("handler, event in to response out", "warm_total"),
        ("in PostgreSQL round trips (statement + connection check)", "warm_database"),
        ("**overhead** (handler minus round trips)", "warm_overhead"),
    ):
        values = result[key]
        lines.append(
            f"| {label} | {_ms(values):.3f} | {_ms(values, 90):.3f} | {_ms(values, 99):.3f} "
            f"| {statistics.mean(values) * 1e3:.3f} |"
        )
    lines += [
        "",
        "| target (issue 3) | needed | measured | result |",
        "|---|---|---|---|",
        f"| cold start, import plus first answer (records route), median "
        f"| < {COLD_TARGET_MS:.0f} ms "
        f"| {cold_median:.0f} ms | {'pass' if cold_median < COLD_TARGET_MS else '**fail**'} |",
        f"| warm handler overhead, median | < {WARM_TARGET_MS:.0f} ms | {warm_overhead:.3f} ms "
        f"| {'pass' if warm_overhead < WARM_TARGET_MS else '**fail**'} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--invocations", type=int, default=2000)
    parser.add_argument("--no-record", action="store_true", help="print, do not append")
    options = parser.parse_args()
    result = measure(options.runs, options.invocations)
    text = report(result, options.runs, options.invocations)
    print(text)
    if not options.no_record:
        with RESULTS.open("a") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
