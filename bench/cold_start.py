"""Cold start and warm overhead of the REST function's handler, on this machine.

Cold start: a fresh Python process, given the environment the CDK stack gives the function and an
empty /tmp, imports ``functions/rest/handler.py`` and answers its first API Gateway v2 event
(``GET /rest/db/items/1`` with a key: the secret read, the metadata downloaded, the connection
opened, the record read). Timed from spawning the process to the answer, median of ``--runs``.

It runs as Lambda would run it: the interpreter of the Lambda target's Python version (found as
``scripts/build_layers.sh --find-python`` finds it), on the layers that script builds (with their
bytecode; bytecode is never written, since Lambda's /opt is read-only) and a copy of boto3 and its
dependencies compiled for that version, standing for the runtime's own. Without such an
interpreter it runs the sources with this venv's Python and says so (``--from-source`` asks for
that).

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
import importlib.metadata
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.machine import code_revision, cpu_check_ms, describe_machine
from tests.fixtures.lambda_host import to_event

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
WORK = ROOT / "bench" / ".work"
KEY = "ak_" + "c" * 64
REGION = "us-east-1"
COLD_TARGET_MS = 400.0
RECORD_PATH = "/rest/db/items/1"
# A schema route: its first request also imports and builds the FastAPI app.
SCHEMA_PATH = "/rest/db/tables/items"
WARM_TARGET_MS = 1.0
# What the Lambda Python runtime brings besides the standard library (boto3 and what it needs).
RUNTIME_DISTRIBUTIONS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)

# Both probes take: the result file, the function's folder, the event file (JSON), and more.
# Imported by the probes in place of Lambda's context object: the attributes handlers read.
_CONTEXT = """
class Context:
    function_name = "polarbase-rest-bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:polarbase-rest-bench"
    memory_limit_in_mb = 1024
    log_group_name = "/aws/lambda/polarbase-rest-bench"
    log_stream_name = "bench"
    def __init__(self, request_id):
        self.aws_request_id = request_id
    def get_remaining_time_in_millis(self):
        return 29000
"""

# Runs in the fresh process. Timestamps are taken there and the parent's spawn time is passed
# in, so the cold start includes the interpreter's own start, as Lambda's init does.
_COLD_PROBE = (
    """
import json, sys, time
sys.path.insert(0, sys.argv[2])
started = time.time()
import handler as function
imported = time.time()
"""
    + _CONTEXT
    + """
with open(sys.argv[3]) as file:
    event = json.load(file)
response = function.handler(event, Context("cold"))
answered = time.time()
with open(sys.argv[1], "w") as out:
    json.dump({"import_started": started, "imported": imported, "answered": answered,
               "status": response["statusCode"], "body": response["body"][:200],
               "botocore": "botocore.client" in sys.modules}, out)
"""
)

_WARM_PROBE = (
    """
import json, statistics, sys, time
import psycopg
sys.path.insert(0, sys.argv[2])
import handler as function
"""
    + _CONTEXT
    + """
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

with open(sys.argv[3]) as file:
    event = json.load(file)
context = Context("warm")
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
)


@dataclass(frozen=True)
class Interpreter:
    """The Python a probe runs on, and the folders it finds the code in (``PYTHONPATH``)."""

    python: str
    path: list[Path]
    description: str
    writes_bytecode: bool


def _target_python() -> str | None:
    found = subprocess.run(
        ["sh", str(ROOT / "scripts/build_layers.sh"), "--find-python"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return found.stdout.strip() or None


def _runtime_copy(python: str) -> Path:
    """boto3 and its dependencies from this venv, compiled by ``python`` (as the runtime has
    them), in a folder of their own; rebuilt when a version changes."""
    versions = [f"{name}=={importlib.metadata.version(name)}" for name in RUNTIME_DISTRIBUTIONS]
    tag = subprocess.run(
        [python, "-c", "import sys; print(sys.implementation.cache_tag)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    folder = WORK / f"lambda-runtime-{tag}"
    stamp = folder / ".stamp"
    if stamp.is_file() and stamp.read_text() == "\n".join(versions):
        return folder / "python"
    shutil.rmtree(folder, ignore_errors=True)
    for name in RUNTIME_DISTRIBUTIONS:
        distribution = importlib.metadata.distribution(name)
        for file in distribution.files or ():
            if file.suffix == ".pyc" or ".dist-info" in str(file) or str(file).startswith(".."):
                continue
            target = folder / "python" / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(distribution.locate_file(file), target)
    compile_all = [python, "-m", "compileall", "-q", "-j", "0"]
    subprocess.run(
        [*compile_all, "--invalidation-mode", "unchecked-hash", str(folder / "python")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp.write_text("\n".join(versions))
    return folder / "python"


def choose_interpreter(*, from_source: bool) -> Interpreter:
    """The Lambda target's Python on the built layers, or this venv's Python on the sources."""
    python = None if from_source else _target_python()
    if python is not None:
        subprocess.run(["sh", str(ROOT / "scripts/build_layers.sh")], check=True, cwd=ROOT)
        version = subprocess.run(
            [python, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return Interpreter(
            python=python,
            path=[
                ROOT / "layers/build/core/python",
                ROOT / "layers/deps/python",
                _runtime_copy(python),
            ],
            description=(
                f"Python {version} (the Lambda target's) on the built layers, with their "
                "bytecode and none written, and boto3 compiled as the runtime has it"
            ),
            writes_bytecode=False,
        )
    return Interpreter(
        python=sys.executable,
        path=[ROOT / "layers/core/python"],
        description=(
            f"Python {sys.version.split()[0]} (this venv's) on the sources, not the built "
            "layers: no interpreter of the Lambda target's version was found"
            if not from_source
            else f"Python {sys.version.split()[0]} (this venv's) on the sources (--from-source)"
        ),
        writes_bytecode=True,
    )


def _start_moto() -> Any:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    return server


def _environment(
    interpreter: Interpreter, endpoint: str, bucket: str, secret_arn: str, cache: Path
) -> dict[str, str]:
    inherited = ("AWS_", "POLARBASE_", "PYTHON")
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith(inherited)},
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
        "PYTHONPATH": os.pathsep.join(str(folder) for folder in interpreter.path),
        "PYTHONNOUSERSITE": "1",
        **({} if interpreter.writes_bytecode else {"PYTHONDONTWRITEBYTECODE": "1"}),
    }


def _event_file(work: Path, path: str) -> Path:
    """The API Gateway v2 event of ``GET path`` with the key, as the gateway sends it."""
    event = to_event("GET", path, [("x-api-key", KEY), ("host", "api")], b"", "192.0.2.1")
    file = work / f"event-{uuid.uuid4().hex[:8]}.json"
    file.write_text(json.dumps(event))
    return file


def _run_probe(
    interpreter: Interpreter, probe: str, environment: dict[str, str], event: Path, *extra: str
) -> tuple[float, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        result_path = out.name
    spawned = time.time()
    function = str(ROOT / "functions/rest")
    subprocess.run(
        [interpreter.python, "-c", probe, result_path, function, str(event), *extra],
        env=environment,
        cwd=tempfile.gettempdir(),  # as /var/task is to Lambda: no project folder on sys.path
        check=True,
        stdout=subprocess.DEVNULL,  # the function's JSON logs and metrics
    )
    result = json.loads(Path(result_path).read_text())
    Path(result_path).unlink()
    return spawned, result


def measure(interpreter: Interpreter, runs: int, invocations: int) -> dict[str, Any]:
    import boto3

    from polarbase.local.embedded import EmbeddedPostgres

    cpu_before = cpu_check_ms()
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
            return _environment(interpreter, endpoint, bucket, secret["ARN"], cache)

        events = {path: _event_file(work, path) for path in (RECORD_PATH, SCHEMA_PATH)}
        # The first start of a deployment creates the metadata file; every later one finds it.
        _run_probe(interpreter, _COLD_PROBE, environment(), events[RECORD_PATH])
        cold: dict[str, list[dict[str, float]]] = {RECORD_PATH: [], SCHEMA_PATH: []}
        for _ in range(runs):
            for path, runs_of_path in cold.items():
                spawned, result = _run_probe(interpreter, _COLD_PROBE, environment(), events[path])
                if result["status"] != 200:
                    raise RuntimeError(f"first answer was {result['status']}: {result['body']}")
                runs_of_path.append(
                    {
                        "total": result["answered"] - spawned,
                        "interpreter": result["import_started"] - spawned,
                        "import": result["imported"] - result["import_started"],
                        "first": result["answered"] - result["imported"],
                        "botocore": float(result["botocore"]),
                    }
                )
        _, warm = _run_probe(
            interpreter, _WARM_PROBE, environment(), events[RECORD_PATH], str(invocations)
        )
    finally:
        moto.stop()
        postgres.stop()
    overheads = [total - db for total, db in zip(warm["totals"], warm["databases"], strict=True)]
    return {
        "machine": describe_machine(version).summary(),
        "cpu_check": (cpu_before, cpu_check_ms()),
        "interpreter": interpreter.description,
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
        f"## {now}: REST function cold start and warm overhead",
        "",
        f"- Command: `.venv/bin/python -m bench.cold_start --runs {runs} "
        f"--invocations {invocations}`; code: `{code_revision()}`",
        f"- Machine: {result['machine']}; load average after the run: {load}.",
        f"- Function: {result['interpreter']}.",
        "- CPU check (a 3,000,000-step Python loop at module level, before and after the run; "
        "285 ms on a quiet 2026-12-06 morning): "
        + " and ".join(f"{value:.0f} ms" for value in result["cpu_check"])
        + ".",
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
        "botocore's clients (`botocore.client`) imported by the time of the first answer: "
        f"{sum(int(run['botocore']) for run in cold[RECORD_PATH])} of {len(cold[RECORD_PATH])} "
        "records-route runs, "
        f"{sum(int(run['botocore']) for run in cold[SCHEMA_PATH])} of {len(cold[SCHEMA_PATH])} "
        "schema-route runs.",
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
        "| target | needed | measured | result |",
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
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="run the sources with this venv's Python, not the built layers",
    )
    options = parser.parse_args()
    interpreter = choose_interpreter(from_source=options.from_source)
    result = measure(interpreter, options.runs, options.invocations)
    text = report(result, options.runs, options.invocations)
    print(text)
    if not options.no_record:
        with RESULTS.open("a") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
