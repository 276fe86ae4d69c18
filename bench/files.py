"""Upload and download of a 5 MB file through `polarbase serve` (issue 12's target: each under
100 ms on this machine), with the server as its own process and its own embedded PostgreSQL.

    .venv/bin/python -m bench.files            # prints a markdown section for bench/RESULTS.md
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.machine import code_revision, cpu_check_ms

KEY = "ak_" + "b" * 64
SIZE = 5 * 1024 * 1024
RUNS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_polarbase(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLARBASE_")}
    env |= {"POLARBASE_SUPER_ADMIN_KEY": KEY, "POLARBASE_REALTIME": "false"}
    command = [sys.executable, "-m", "polarbase.local.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("polarbase serve did not start")


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, min {ordered[0]:.1f} ms"


def measure(base_url: str) -> tuple[list[float], list[float]]:
    data = os.urandom(SIZE)  # random bytes: no magic number, sniffed as octet-stream
    uploads: list[float] = []
    downloads: list[float] = []
    with httpx.Client(base_url=base_url, headers={"x-api-key": KEY}, timeout=60) as client:
        for run in range(RUNS + 3):
            started = time.perf_counter()
            response = client.post("/rest/files/upload", files={"files": (f"f{run}.bin", data)})
            elapsed = (time.perf_counter() - started) * 1e3
            response.raise_for_status()
            key = response.json()["data"][0]["key"]
            started = time.perf_counter()
            body = client.get(f"/rest/files/{key}").content
            fetched = (time.perf_counter() - started) * 1e3
            assert body == data
            if run >= 3:  # the first three warm up the server
                uploads.append(elapsed)
                downloads.append(fetched)
    return uploads, downloads


def main() -> None:
    check = cpu_check_ms()
    with tempfile.TemporaryDirectory(prefix="bench-files-") as directory:
        port = free_port()
        server = serve_polarbase(Path(directory) / "data", port)
        try:
            uploads, downloads = measure(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## {stamp}: a 5 MB file up and down through `polarbase serve` (issue 12)\n")
    print(
        f"- Command: `.venv/bin/python -m bench.files`; code `{code_revision()}`; "
        f"CPU check {check:.0f} ms (285 ms is a quiet hour of this machine)."
    )
    print(f"- {RUNS} runs after 3 warm-up ones, httpx on the same machine, one file at a time.")
    print(
        f"- Upload (`POST /rest/files/upload`, multipart, 5,242,880 bytes): {_percentiles(uploads)}"
    )
    print(f"- Download (`GET /rest/files/{{key}}`): {_percentiles(downloads)}")
    print(
        "- Target: each under 100 ms (the original: 17-23 ms up, 11-14 ms down, without "
        "access control or type sniffing)."
    )


if __name__ == "__main__":
    main()
