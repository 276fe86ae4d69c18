"""Warm start of ``polarbase serve``: seconds from spawn to the first 200 on /health, median of 5.

A warm start reuses an existing data dir (the cluster exists, logical decoding is on). Run with
``.venv/bin/python bench/warm_start.py [--demo] [--runs N]``.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

_KEY = "ak_" + "b" * 64


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_to_ready(data_dir: Path, extra: list[str], timeout: float = 60.0) -> float:
    """Start, wait for /health to answer 200, stop with Ctrl-C; the seconds until ready."""
    port = _free_port()
    command = [sys.executable, "-m", "polarbase.local.cli", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir), "--super-admin-key", _KEY, *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"polarbase serve exited with {process.returncode}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"not ready within {timeout} s")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="start with --demo")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    extra = ["--demo"] if options.demo else []
    # Under /tmp: as root, the embedded PostgreSQL opens the path's parents to its system user.
    root = Path(tempfile.mkdtemp(prefix="polarbase-bench-"))
    try:
        cold = time_to_ready(root / "data", extra)
        warm = [time_to_ready(root / "data", extra) for _ in range(options.runs)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"cold start (initdb{' + demo' if extra else ''}): {cold:.2f} s")
    print(f"warm start runs: {', '.join(f'{seconds:.2f}' for seconds in warm)} s")
    print(f"warm start median of {options.runs}: {statistics.median(warm):.2f} s")


if __name__ == "__main__":
    main()
