"""The server process's resource use: CPU time spent during a run, resident memory when idle."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import psutil

__all__ = ["cpu_seconds_during", "idle_rss_mb", "tree_cpu_seconds"]

T = TypeVar("T")


def cpu_seconds_during(pid: int, run: Callable[[], T]) -> tuple[T, float]:
    """``run()``'s result and the CPU seconds (user + system) ``pid`` used meanwhile."""
    process = psutil.Process(pid)
    before = process.cpu_times()
    result = run()
    after = process.cpu_times()
    return result, (after.user - before.user) + (after.system - before.system)


def idle_rss_mb(pid: int, idle_seconds: float) -> float:
    """RSS in MiB of ``pid`` alone (not its children, not Postgres) after ``idle_seconds``."""
    time.sleep(idle_seconds)
    return psutil.Process(pid).memory_info().rss / (1024 * 1024)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of ``pid``, its live descendants and the children it has
    reaped: for the postmaster, all of PostgreSQL (backends come and go)."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in root.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_times.user + child_times.system
    return float(total)
