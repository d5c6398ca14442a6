"""Independent tasks run concurrently, each result reported as it arrives, Ctrl-C stopping them all.

The pipeline verifies candidates with it (``--jobs``): each task waits on a
sandbox child of its own, so the threads here only wait; every callback
runs in the calling thread, in the order the tasks finish.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from . import sandbox

T = TypeVar("T")


def run_all(tasks: Sequence[Callable[[], T]], jobs: int, done: Callable[[int, T], None]) -> list[T]:
    """Every task's result, in the tasks' order; at most *jobs* at once; *done(i, result)* as each finishes."""
    if jobs <= 1 or len(tasks) <= 1:
        results = []
        for i, task in enumerate(tasks):
            results.append(task())
            done(i, results[-1])
        return results
    finished: dict[int, T] = {}
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(tasks)), thread_name_prefix="jupyter-optimize")
    futures: dict[Future[T], int] = {pool.submit(task): i for i, task in enumerate(tasks)}
    try:
        pending = set(futures)
        while pending:
            ready, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in sorted(ready, key=futures.__getitem__):
                finished[futures[future]] = future.result()
                done(futures[future], finished[futures[future]])
    except BaseException:  # Ctrl-C (or a task's own error): every child goes, no thread is left waiting
        for future in futures:
            future.cancel()
        sandbox.cancel()
        pool.shutdown(wait=True)
        sandbox.resume()
        raise
    pool.shutdown(wait=True)
    return [finished[i] for i in range(len(tasks))]
