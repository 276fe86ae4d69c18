"""Give memory back to the operating system after a request that needed a lot of it."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

__all__ = ["LARGE_BODY_BYTES", "release_memory"]

# Bodies past this size (a bulk write, a page of thousands of rows) leave megabytes of freed
# heap that glibc keeps; trimming after them keeps an idle server small.
LARGE_BODY_BYTES = 1 << 20


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Return free heap pages to the OS where the C library allows it (glibc)."""
    if _TRIM is not None:
        _TRIM(0)
