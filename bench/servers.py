"""The servers under test: embedded PostgreSQL and a PolarBase process of its own, on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from polarbase.local.embedded import EmbeddedPostgres

__all__ = ["SUPER_ADMIN_KEY", "BenchServers", "running_servers"]

SUPER_ADMIN_KEY = "ak_" + "b" * 64
_HOST = "127.0.0.1"


@dataclass(frozen=True)
class BenchServers:
    """Where to reach what ``running_servers`` started."""

    database_url: str
    base_url: str
    data_dir: Path
    server_pid: int
    postgres_version: str
    postgres_pid: int
    """The postmaster's: its process tree is all of PostgreSQL's CPU."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((_HOST, 0))
        return probe.getsockname()[1]


def _postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def _server_environment(database_url: str, settings: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without its POLARBASE_* settings, plus the bench's own and
    ``settings`` (e.g. ``POLARBASE_REALTIME=false``)."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("POLARBASE_")
    }
    environment.update(
        DATABASE_URL=database_url,
        POLARBASE_SUPER_ADMIN_KEY=SUPER_ADMIN_KEY,
        POLARBASE_LOG_LEVEL="warning",
    )
    environment.update(settings)
    return environment


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"PolarBase exited during start (code {process.returncode})")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("PolarBase did not answer /health in time")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_servers(settings: Mapping[str, str] | None = None) -> Iterator[BenchServers]:
    """A fresh PostgreSQL and a PolarBase server using it; both stopped and removed on exit.
    ``settings`` are environment variables for the server on top of the bench's."""
    # Not under a private home folder: the wheel opens the path's parents to its system user.
    root = Path(tempfile.mkdtemp(prefix="polarbase-bench-"))
    postgres = EmbeddedPostgres(root / "postgres")
    process: subprocess.Popen[bytes] | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            database_url = postgres.start()
        port = _free_port()
        base_url = f"http://{_HOST}:{port}"
        data_dir = root / "polarbase"
        command = [
            sys.executable,
            "-m",
            "polarbase.local.cli",
            "serve",
            "--host",
            _HOST,
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ]
        log = root / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                env=_server_environment(database_url, settings or {}),
                stdout=output,
                stderr=output,
            )
        try:
            _wait_until_ready(process, base_url, timeout=60)
        except RuntimeError as problem:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{problem}; server log:\n{tail}") from None
        yield BenchServers(
            database_url=database_url,
            base_url=base_url,
            data_dir=data_dir,
            server_pid=process.pid,
            postgres_version=_postgres_version(database_url),
            postgres_pid=int((postgres.data_dir / "postmaster.pid").read_text().split()[0]),
        )
    finally:
        if process is not None:
            _stop(process)
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
