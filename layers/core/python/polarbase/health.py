"""Whether PolarBase can serve: each dependency checked for real, with what is down and why."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import PolarBaseError

if TYPE_CHECKING:
    from .runtime import Runtime

__all__ = ["DependencyCheck", "check_dependencies"]

_log = logging.getLogger("polarbase.health")
CHECK_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class DependencyCheck:
    name: str
    ok: bool
    milliseconds: float
    error: str | None = None
    essential: bool = True
    """False for a part whose failure leaves the API serving (realtime): reported, not down."""

    def document(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "status": "ok" if self.ok else "down" if self.essential else "degraded",
            "ms": round(self.milliseconds, 1),
        }
        if self.error is not None:
            shown["error"] = self.error
        return shown


async def _timed(name: str, probe: Awaitable[None], *, essential: bool = True) -> DependencyCheck:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        error: str | None = f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except PolarBaseError as failure:
        error = failure.message
    except (OSError, sqlite3.Error) as failure:
        error = f"{failure.__class__.__name__}: {failure}"
    else:
        error = None
    elapsed = (time.perf_counter() - started) * 1e3
    if error is not None:
        _log.warning("health: %s is down: %s", name, error)
    return DependencyCheck(name, error is None, elapsed, error, essential)


async def _metadata(runtime: Runtime) -> None:
    # On the loop, like every other use of the store: it is not shared with a thread. Locally a
    # file read; on AWS a conditional GET, and a function serves one request at a time.
    runtime.store.check()


async def check_dependencies(runtime: Runtime) -> list[DependencyCheck]:
    """The database (a ``SELECT 1``, within ``CHECK_TIMEOUT_SECONDS``) and the metadata store
    (read now, on S3 a conditional GET, bounded by the S3 client's own timeouts: the read does
    not yield to the loop, so ``wait_for`` cannot cut it short); and where it runs, change
    capture (streaming, and its slot not holding back too much WAL)."""
    probes = [
        _timed("database", runtime.database.ping()),
        _timed("metadata", _metadata(runtime)),
    ]
    if runtime.realtime is not None:
        probes.append(_timed("realtime", runtime.realtime.check(), essential=False))
    elif runtime.realtime_slot is not None:
        limit = runtime.settings.realtime_max_wal_bytes
        probes.append(_timed("realtime", runtime.realtime_slot.check(limit), essential=False))
    return list(await asyncio.gather(*probes))
