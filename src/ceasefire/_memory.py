"""Process-level memory tuning, applied only at the edges (CLI, benchmarks).

The engines allocate many arrays of a few megabytes. glibc returns such blocks to the
kernel (mmap) when they are freed, so every new array pays page faults again; on some
machines that costs more than the arithmetic. Raising the mmap and trim thresholds keeps
freed memory in the heap for reuse. A no-op where glibc is not the C library.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory(threshold_bytes: int = 1 << 30) -> bool:
    """Ask glibc to reuse freed blocks below ``threshold_bytes``; return whether it could."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    ok_mmap = mallopt(_M_MMAP_THRESHOLD, min(threshold_bytes, 1 << 30))
    ok_trim = mallopt(_M_TRIM_THRESHOLD, min(2 * threshold_bytes, (1 << 31) - 1))
    return bool(ok_mmap and ok_trim)
