"""Isolated children: every run of user code happens here, never in the kernel.

`run_isolated(job, timeout=..., memory_limit_mb=...)` runs *job()* with its
output captured, its memory capped and a timeout, and returns a
`ChildResult`; `run_within(job, limits)` does the same with a `ChildLimits`
(see `limits` for how long each stage's child may run). The backend is a
forked child where `os.fork` exists, else the job runs in-process without
those limits, and the result's `note` says so.

A forked child is also contained (`containment`, issue 14): it works in a
scratch folder that mirrors the user's working folder (`scratch`), an audit
hook refuses what would reach outside it (`audit`), and it runs in a process
group of its own that the parent kills whole when the run ends.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .child import ChildLimits, ChildResult

CAN_FORK = hasattr(os, "fork")


def run_isolated(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* isolated from this process and return what it returned."""
    if not CAN_FORK:
        from .inprocess import run_in_process

        return run_in_process(job)
    from .fork import run_forked

    return run_forked(job, timeout=timeout, memory_limit_mb=memory_limit_mb)


def run_within(job: Callable[[], Any], limits: ChildLimits) -> ChildResult:
    """`run_isolated` under *limits*; a timeout's error carries the limits' hint."""
    result = run_isolated(job, timeout=limits.timeout, memory_limit_mb=limits.memory_limit_mb)
    if result.timed_out and limits.timeout_hint:
        return replace(result, error=f"{result.error} ({limits.timeout_hint})")
    return result


__all__ = ["CAN_FORK", "ChildLimits", "ChildResult", "run_isolated", "run_within"]
