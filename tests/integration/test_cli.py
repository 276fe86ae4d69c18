"""``polarbase serve`` as a user runs it: a real process, its embedded PostgreSQL, and Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from polarbase.schema import FIELD_TYPES
from tests.fixtures.server import SUPER_ADMIN_KEY, free_port

DEMO_TABLES = ("companies", "contacts", "opportunities", "interactions")
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
GENERATED_KEY = re.compile(r"ak_[0-9a-f]{64}")


class ServeProcess:
    """One ``polarbase serve`` process; its stdout and stderr go to files the test can read."""

    def __init__(self, data_dir: Path, port: int, args: list[str], env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"
        run = len(list(data_dir.parent.glob(f"{data_dir.name}-run*.out")))
        self.stdout_path = data_dir.parent / f"{data_dir.name}-run{run}.out"
        self.stderr_path = data_dir.parent / f"{data_dir.name}-run{run}.err"
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "polarbase.local.cli", "serve", *args],
                stdout=stdout,
                stderr=stderr,
                env=env,
            )

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def output(self) -> str:
        return f"stdout:\n{self.stdout}\nstderr:\n{self.stderr_path.read_text()}"

    def wait_ready(self) -> ServeProcess:
        """Poll GET /health until it answers 200; fail with the output if the process dies."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"polarbase serve exited with {self.process.returncode}\n{self.output()}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"polarbase serve was not ready within {READY_TIMEOUT} s\n{self.output()}")

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT, then the exit code (fails if the process is still running)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"polarbase serve ignored Ctrl-C for {STOP_TIMEOUT} s\n{self.output()}")

    def client(self, key: str = SUPER_ADMIN_KEY) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"x-api-key": key}, timeout=30)


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    """Live (not zombie) ``postgres`` processes started on ``data_dir``."""
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        info = process.info
        if info["status"] == psutil.STATUS_ZOMBIE or not (info["name"] or "").startswith(
            "postgres"
        ):
            continue
        if str(data_dir) in " ".join(info["cmdline"] or ()):
            found.append(process)
    return found


def child_env(**settings: str | None) -> dict[str, str]:
    """This environment without any POLARBASE_ setting, plus ``settings`` (None leaves one out)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("POLARBASE_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update({f"POLARBASE_{name.upper()}": value for name, value in settings.items() if value})
    return env


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Under /tmp, not a private home folder: as root, the wheel opens the path's parents to its
    # system user (chmod 0755).
    root = Path(tempfile.mkdtemp(prefix="polarbase-cli-"))
    yield root / "data"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def serve(data_dir: Path) -> Iterator[Callable[..., ServeProcess]]:
    """Start ``polarbase serve`` on ``data_dir`` and wait until it is ready; stopped after the test.

    Flags come first, then settings passed as ``POLARBASE_*`` variables; the super admin key is
    set unless given as None. Port and data dir are flags, or variables with ``via_environment``.

    Example: ``server = serve("--demo", super_admin_key=None)``
    """
    started: list[ServeProcess] = []

    def factory(*flags: str, via_environment: bool = False, **settings: str | None) -> ServeProcess:
        port = free_port()
        settings.setdefault("super_admin_key", SUPER_ADMIN_KEY)
        if via_environment:
            settings = {"port": str(port), "data_dir": str(data_dir), **settings}
            args = list(flags)
        else:
            args = ["--port", str(port), "--data-dir", str(data_dir), *flags]
        server = ServeProcess(data_dir, port, args, child_env(**settings))
        started.append(server)
        return server.wait_ready()

    yield factory
    for server in started:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            try:
                server.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def row_counts(client: httpx.Client) -> dict[str, int]:
    return {
        table: client.get(f"/rest/db/{table}", params={"limit": 1}).json()["data"]["pagination"][
            "total"
        ]
        for table in DEMO_TABLES
    }


def test_serve_with_demo_answers_health_and_creates_tables_using_all_field_types(serve):
    server = serve("--demo")

    assert httpx.get(f"{server.url}/health").json()["status"] == "ok"
    with server.client() as client:
        tables = client.get("/rest/db/tables", params={"includeSchema": "true"})
        assert tables.status_code == 200, tables.text
        schemas = {table["name"]: table["schema"] for table in tables.json()["data"]}
        assert set(DEMO_TABLES) <= set(schemas)
        used = {column["dataType"] for name in DEMO_TABLES for column in schemas[name]}
        assert used == set(FIELD_TYPES)

        contacts = client.get("/rest/db/contacts", params={"expand": "all", "limit": 100})
        assert contacts.status_code == 200, contacts.text
        rows = contacts.json()["data"]["rows"]
        assert rows
        for row in rows:
            company = row.get("company_id_companies")
            if row["company_id"] is None:
                assert company is None
            else:
                assert company["id"] == row["company_id"]
                assert company["name"]

        # The demo's attachment cells name files that exist, and come back as they are typed.
        companies = client.get("/rest/db/companies", params={"limit": 100}).json()["data"]["rows"]
        logos = [logo for row in companies for logo in row["logo"] or []]
        assert logos
        for logo in logos:
            got = client.get(f"/rest/files/{logo['key']}")
            assert got.status_code == 200, got.text
            assert got.headers["content-type"] == logo["mimeType"] == "image/png"
            assert len(got.content) == logo["size"]


def test_ctrl_c_stops_the_server_and_postgres_cleanly(serve, data_dir):
    # GIVEN a running server with its embedded PostgreSQL
    server = serve()
    assert postgres_processes(data_dir), "the embedded postgres should run on the data dir"

    # WHEN the user presses Ctrl-C
    exit_code = server.interrupt()

    # THEN the process exits cleanly and takes postgres with it (zombies may linger a moment)
    assert exit_code == 0, server.output()
    assert "PolarBase stopped." in server.stdout
    deadline = time.monotonic() + 3
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert postgres_processes(data_dir) == []


def test_generated_super_admin_key_is_printed_on_first_start_only(serve):
    # GIVEN no configured super admin key: the first start makes one and prints it
    first = serve(super_admin_key=None)
    keys = GENERATED_KEY.findall(first.stdout)
    assert len(keys) == 1, first.stdout
    with first.client(keys[0]) as client:
        assert client.get("/rest/db/tables").status_code == 200
    assert first.interrupt() == 0

    # WHEN the same data dir starts again
    second = serve(super_admin_key=None)

    # THEN the key is not shown again, and it still works
    assert keys[0] not in second.stdout
    assert "super admin key was created" not in second.stdout
    with second.client(keys[0]) as client:
        assert client.get("/rest/db/tables").status_code == 200


def test_second_start_reuses_the_data_and_does_not_load_the_demo_twice(serve):
    # GIVEN a first run with the demo and one record added by a user
    first = serve("--demo")
    with first.client() as client:
        created = client.post("/rest/db/companies", json={"name": "Polar Test Ltd"})
        assert created.status_code == 200, created.text
        record_id = created.json()["data"]["returning"][0]["id"]
        counts = row_counts(client)
    assert first.interrupt() == 0

    # WHEN the same data dir starts again with --demo
    second = serve("--demo")

    # THEN the record is there and no demo row was added
    with second.client() as client:
        fetched = client.get(f"/rest/db/companies/{record_id}")
        assert fetched.status_code == 200, fetched.text
        assert fetched.json()["data"]["name"] == "Polar Test Ltd"
        assert row_counts(client) == counts


def test_host_port_and_data_dir_come_from_environment_variables(serve, data_dir):
    # POLARBASE_HOST, POLARBASE_PORT and POLARBASE_DATA_DIR instead of flags
    server = serve(via_environment=True, host="127.0.0.1")

    assert f"is ready at {server.url}" in server.stdout
    assert (data_dir / "metadata.sqlite3").exists()
