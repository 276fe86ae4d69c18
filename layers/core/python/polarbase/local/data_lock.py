"""One ``polarbase serve`` per data folder: an OS file lock held for the life of the process.

Two servers on one data folder would share its PostgreSQL and its metadata file, and the first
to stop would shut the database down under the other. So ``polarbase serve`` takes an exclusive
``flock`` on ``<data-dir>/polarbase.lock`` before it starts anything, and writes its pid and URL
into the file so a second server can say who holds the folder.

The lock belongs to the open file, not to the file on disk: the OS drops it when the process
ends, however it ends, so ``kill -9`` never leaves a stale lock behind and the file itself is
never removed. The descriptor is not inheritable (Python's default), so the embedded PostgreSQL
started by the holder does not keep the lock alive after the holder dies.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, one server per folder is up to the user
    fcntl = None  # type: ignore[assignment]

__all__ = ["DataDirLock", "DataDirLockedError"]

LOCK_FILE_NAME = "polarbase.lock"


class DataDirLockedError(Exception):
    """Another live ``polarbase serve`` holds the data folder.

    A refusal to start, reported by the command on one line; never an HTTP error, so it stands
    outside the ``PolarBaseError`` tree.
    """


class DataDirLock:
    """The exclusive lock of one data folder, held from ``acquire()`` until ``release()`` or exit.

    Example:
        >>> lock = DataDirLock(Path(".polarbase"))
        >>> lock.acquire(url="http://127.0.0.1:3000")  # DataDirLockedError if another holds it
        >>> lock.release()
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE_NAME
        self._descriptor: int | None = None

    def acquire(self, *, url: str) -> None:
        """Take the lock without waiting, then record this process's pid and ``url`` in it.

        Raises ``DataDirLockedError`` naming the holder (its pid, and its URL when it wrote one).
        """
        if fcntl is None or self._descriptor is not None:
            return
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe_holder(os.read(descriptor, 4096))
            os.close(descriptor)
            raise DataDirLockedError(
                f"the data folder {self.path.parent.resolve()} is in use by another polarbase "
                f"serve ({holder}); stop it first, or choose another --data-dir"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps({"pid": os.getpid(), "url": url}).encode(), 0)
        self._descriptor = descriptor

    def release(self) -> None:
        """Give the lock up (the OS does the same when the process ends)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def _describe_holder(content: bytes) -> str:
    """'pid 123 at http://…' from the lock file; the holder may be between truncate and write."""
    try:
        holder = json.loads(content)
        pid = int(holder["pid"])
    except (ValueError, KeyError, TypeError):
        return "pid unknown"
    url = holder.get("url")
    return f"pid {pid} at {url}" if url else f"pid {pid}"
