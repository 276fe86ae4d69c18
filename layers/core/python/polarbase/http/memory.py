"""Give memory back to the operating system after a request that needed a lot of it."""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["LARGE_BODY_BYTES", "configure_allocator", "release_memory"]

# Bodies past this size (a bulk write, a page of thousands of rows) leave megabytes of freed
# heap that glibc keeps; trimming after them keeps an idle server small.
LARGE_BODY_BYTES = 1 << 20


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_THRESHOLD_BYTES = 128 * 1024


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
        library.malloc_trim.argtypes = [ctypes.c_size_t]
        library.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return None
    return library


_LIBC = _libc()


def configure_allocator() -> None:
    """Serve big blocks from mmap and trim early, so freed megabytes go back to the OS.

    glibc raises its mmap threshold as large blocks come and go, after which the buffers of a
    bulk request stay in the heap for good; fixing it at 128 KiB keeps an idle server small.
    Called once by ``polarbase serve``, before any request.
    """
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, _THRESHOLD_BYTES)
        _LIBC.mallopt(_M_TRIM_THRESHOLD, _THRESHOLD_BYTES)


def release_memory() -> None:
    """Return free heap pages to the OS where the C library allows it (glibc)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
