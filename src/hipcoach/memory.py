"""Giving the C heap's free pages back to the system (glibc's ``malloc_trim``).

MediaPipe's per-frame buffers (the decoded picture, the model's image copy) are freed into
glibc's heaps, which keep the pages: a closed landmarker's tens of MB, and over a long pass
the fragments between long-lived allocations (measured in docs/performance.md, "RSS over a
60-minute clip"). :func:`return_freed_memory` hands them back; elsewhere than glibc it does
nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None elsewhere: macOS, Windows, musl without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def return_freed_memory() -> None:
    """Give the free pages of the C heap back to the system (glibc's ``malloc_trim(0)``).

    A closed landmarker's buffers (tens of MB) are freed into glibc's heaps, where the next
    landmarker, created with the heap in other pieces, does not fit them all: without this,
    each pose pass after the first (the retry, the next video of a batch) adds its model's
    memory to the resident size. A no-op where glibc is not the allocator.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
