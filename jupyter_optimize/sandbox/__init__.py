"""Isolated children: every run of user code happens here, never in the kernel.

`run_isolated(job, timeout=..., memory_limit_mb=...)` runs *job()* with its
output captured, its memory capped and a timeout, and returns a
`ChildResult`. The backend is a forked child where `os.fork` exists, else
(for now) the job runs in-process without those limits.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .child import ChildResult

CAN_FORK = hasattr(os, "fork")


def run_isolated(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* isolated from this process and return what it returned."""
    if not CAN_FORK:
        from .inprocess import run_in_process

        return run_in_process(job)
    from .fork import run_forked

    return run_forked(job, timeout=timeout, memory_limit_mb=memory_limit_mb)


__all__ = ["CAN_FORK", "ChildResult", "run_isolated"]
