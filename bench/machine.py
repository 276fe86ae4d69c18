"""What the benchmark ran on: cores, CPU model, memory, Python and PostgreSQL versions."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil

__all__ = ["Machine", "code_revision", "describe_machine"]


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
