"""The memory cap of a child, whichever backend started it.

Where the OS has an address-space limit (RLIMIT_AS: Linux, the BSDs) the
child sets it on itself: its current size plus the cap, so an allocation past
it raises MemoryError in the child. macOS ignores RLIMIT_AS and Windows has
none: there the parent watches the child's resident memory (psutil) and
stops it past the cap (`MemoryWatch`, used by the spawn backend).
"""
from __future__ import annotations

import os
import sys
from typing import Any


def limit_address_space(memory_limit_mb: int) -> bool:
    """Cap this process at its current address space plus *memory_limit_mb*; whether the OS enforces it."""
    if sys.platform == "darwin":  # accepted there, and ignored
        return False
    try:
        import resource
    except ImportError:  # Windows
        return False
    current = address_space_bytes()
    if current == 0:
        return False
    limit = current + memory_limit_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


def address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


class MemoryWatch:
    """The parent's view of a child's resident memory, for OSes without an address-space limit."""

    def __init__(self, pid: int):
        import psutil  # only where it is needed

        self._process: Any = psutil.Process(pid)
        self._errors = (psutil.Error,)

    def resident_bytes(self) -> int:
        try:
            return int(self._process.memory_info().rss)
        except self._errors:  # it ended: nothing more to watch
            return 0
