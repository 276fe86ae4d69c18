"""Load through HTTP: run wrk with one thread and a Lua script, and read its report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .load import LoadResult

__all__ = ["SCRIPTS", "WrkError", "parse_wrk", "run_wrk", "wrk_version"]

SCRIPTS = Path(__file__).parent / "lua"

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed a report this module cannot read."""


def parse_wrk(output: str) -> LoadResult:
    """Requests/sec, p50, p99 and failed requests from ``wrk --latency`` output."""
    rate = _RATE.search(output)
    requests = _REQUESTS.search(output)
    percentiles = {
        int(match[1]): float(match[2]) * _UNITS_MS[match[3]]
        for match in _PERCENTILE.finditer(output)
    }
    if rate is None or requests is None or set(percentiles) != {50, 99}:
        raise WrkError(f"unexpected wrk output:\n{output}")
    errors = 0
    if non_2xx := _NON_2XX.search(output):
        errors += int(non_2xx[1])
    if socket_errors := _SOCKET_ERRORS.search(output):
        errors += sum(int(count) for count in socket_errors.groups())
    return LoadResult(float(rate[1]), percentiles[50], percentiles[99], int(requests[1]), errors)


def run_wrk(
    url: str,
    script: str,
    connections: int,
    duration: float,
    script_args: list[str],
    headers: tuple[str, ...] = (),
) -> LoadResult:
    """``wrk -t1 -c<N> -d<duration>s --latency [-H header] -s lua/<script> url -- args``."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkError("wrk is not installed: run scripts/install_wrk.sh (or make bench)")
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "10s",
        *(part for header in headers for part in ("-H", header)),
        "-s",
        str(SCRIPTS / script),
        url,
        "--",
        *script_args,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise WrkError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse_wrk(completed.stdout)


def wrk_version() -> str:
    """``wrk 4.1.0 [epoll]``, as ``wrk -v`` prints it."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkError("wrk is not installed: run scripts/install_wrk.sh (or make bench)")
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    lines = (completed.stdout or completed.stderr).splitlines()
    return lines[0].split(" Copyright")[0].strip() if lines else "wrk"
