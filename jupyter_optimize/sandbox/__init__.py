"""Isolated children: every run of user code happens here, never in the kernel.

`run_isolated(job, timeout=..., memory_limit_mb=...)` runs *job()* with its
output captured, its memory capped and a timeout, and returns a
`ChildResult`; `run_within(job, limits)` does the same with a `ChildLimits`
(see `limits` for how long each stage's child may run), and
`start_within(job, limits)` starts it now and gives a future of its result. Two backends
(`methods` chooses): `fork` runs the job in a forked copy of the kernel;
`spawn` sends it by value (cloudpickle) to the kernel's worker, a fresh
interpreter started once and reused.

Either child is contained (`containment`, issue 14): it works in a scratch
folder that mirrors the user's working folder (`scratch`), an audit hook
refuses what would reach outside it (`audit`), and the kernel kills its
whole process group when the run ends (fork) or the worker is replaced (spawn).
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from .child import ChildLimits, ChildResult
from .methods import CAN_FORK, FORK, SPAWN, chosen


def run_isolated(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int, start_method: str = "") -> ChildResult:
    """Run *job()* isolated from this process and return what it returned."""
    method = chosen(start_method)
    if method == SPAWN:
        from .spawn import run_spawned

        result = run_spawned(job, timeout=timeout, memory_limit_mb=memory_limit_mb)
    else:
        from .fork import run_forked

        result = run_forked(job, timeout=timeout, memory_limit_mb=memory_limit_mb)
    return replace(result, backend=method)


def run_within(job: Callable[[], Any], limits: ChildLimits) -> ChildResult:
    """`run_isolated` under *limits*; a timeout's error carries the limits' hint."""
    return _hinted(run_isolated(job, timeout=limits.timeout, memory_limit_mb=limits.memory_limit_mb,
                                start_method=limits.start_method), limits)


def _hinted(result: ChildResult, limits: ChildLimits) -> ChildResult:
    """A timeout's error with the limits' hint."""
    if result.timed_out and limits.timeout_hint:
        return replace(result, error=f"{result.error} ({limits.timeout_hint})")
    return result


def start_within(job: Callable[[], Any], limits: ChildLimits) -> Future[ChildResult]:
    """`run_within`, started now and waited for in a thread of its own: under fork the child is forked
    before this returns, from the calling thread (so it cannot inherit a lock another of the caller's
    threads holds half-way through, an import say); under spawn a worker is sent the job from that thread."""
    done: Future[ChildResult] = Future()

    def settle(wait: Callable[[], ChildResult]) -> None:
        try:
            done.set_result(wait())
        except BaseException as exc:  # the waiting thread's own failure reaches whoever takes the result
            done.set_exception(exc)

    method = chosen(limits.start_method)
    if method == SPAWN:
        wait: Callable[[], ChildResult] = functools.partial(run_within, job, limits)
    else:
        from .fork import start_forked

        started = start_forked(job, timeout=limits.timeout, memory_limit_mb=limits.memory_limit_mb)
        wait = (lambda: started) if isinstance(started, ChildResult) else (
            lambda: _hinted(replace(started.wait(), backend=FORK), limits))
    threading.Thread(target=settle, args=(wait,), name="jupyter-optimize-child", daemon=True).start()
    return done


@contextmanager
def run_scope(method: str, memory_limit_mb: int) -> Iterator[None]:
    """Around one run of the pipeline: under spawn, the spare workers it takes are replaced after it,
    not while they would compete with its jobs for the cores."""
    if method != SPAWN:
        yield
        return
    from . import spawn

    spawn.begin_run()
    replenish = False  # after Ctrl-C no new worker is started
    try:
        yield
        replenish = True
    except Exception:  # a run that stopped on an error (the user's to fix): the next one still finds spares
        replenish = True
        raise
    finally:
        spawn.end_run(memory_limit_mb, replenish=replenish)


def cancel() -> None:
    """Stop every child being waited for, in any thread (Ctrl-C while candidates are verified in parallel)."""
    from . import spawn

    spawn.cancel()
    if CAN_FORK:
        from . import fork

        fork.cancel()


def resume() -> None:
    """After `cancel`, once the threads that waited have returned."""
    from . import spawn

    spawn.resume()
    if CAN_FORK:
        from . import fork

        fork.resume()


__all__ = ["CAN_FORK", "FORK", "SPAWN", "ChildLimits", "ChildResult", "cancel", "chosen", "resume", "run_isolated", "run_scope",
           "run_within", "start_within"]
