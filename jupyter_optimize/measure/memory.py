"""Peak memory of one pass over the live calls (tracemalloc sees numpy's buffers)."""
from __future__ import annotations

import copy
import tracemalloc
from collections.abc import Callable

from ..model import Call


def peak_memory(funcs: list[Callable[..., object]], calls: list[Call]) -> tuple[int, ...]:
    """Peak bytes each function allocates during one pass over *calls*
    (tracemalloc; numpy reports its array buffers to it)."""
    peaks = []
    for func in funcs:
        args = copy.deepcopy([(c.args, c.kwargs) for c in calls])
        tracemalloc.start()
        try:
            for a, k in args:
                try:
                    func(*a, **k)
                except Exception:
                    pass
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return tuple(peaks)
