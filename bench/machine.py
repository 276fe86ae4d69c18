"""What the benchmark ran on: cores, CPU model, memory, Python and PostgreSQL versions."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

__all__ = ["Machine", "code_revision", "cpu_check_ms", "describe_machine"]


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu_model: str
    memory_gb: float
    python: str
    postgres: str

    def summary(self) -> str:
        return (
            f"{self.cores} cores ({self.cpu_model}), {self.memory_gb:.1f} GB RAM, "
            f"Python {self.python}, PostgreSQL {self.postgres}"
        )


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return "unknown"


_CPU_CHECK = """
import time
started = time.perf_counter()
total = 0
for number in range(3_000_000):
    total += number
print((time.perf_counter() - started) * 1e3)
"""


def cpu_check_ms() -> float:
    """Milliseconds of a fixed pure-Python loop in a fresh interpreter (median of 3): this
    machine's CPU speed varies by half from one hour to the next, so a record says how fast it
    was while it ran (285 ms on a quiet 2026-12-06 morning)."""
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", _CPU_CHECK], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs)


def code_revision() -> str:
    """``git describe --always --dirty`` of the checkout, or "unknown" outside git."""
    try:
        completed = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parent,
        )
    except OSError:
        return "unknown"
    return completed.stdout.strip() or "unknown"


def describe_machine(postgres_version: str) -> Machine:
    return Machine(
        cores=len(os.sched_getaffinity(0)),
        cpu_model=_cpu_model(),
        memory_gb=psutil.virtual_memory().total / 1024**3,
        python=platform.python_version(),
        postgres=postgres_version,
    )
