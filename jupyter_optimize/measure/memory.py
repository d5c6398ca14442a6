"""Peak memory of one pass over the live calls (tracemalloc sees numpy's buffers).

Tracing every allocation slows pure-Python code several times over
(`TRACING_SLOWDOWN`), so a function whose pass would make that exceed the
time budget is not measured (`None`), and `skipped_note` says so.
"""
from __future__ import annotations

import copy
import tracemalloc
from collections.abc import Callable, Sequence

from ..model import Call

TRACING_SLOWDOWN = 6  # measured: a pure-Python loop under tracemalloc ran about 5.5x slower


def peak_memory(funcs: list[Callable[..., object]], calls: list[Call],
                pass_seconds: Sequence[float] | None = None, budget_s: float = float("inf")) -> tuple[int | None, ...]:
    """Peak bytes each function allocates during one pass over *calls* (tracemalloc; numpy reports
    its array buffers to it); None for a function whose traced pass would outlast *budget_s*."""
    peaks: list[int | None] = []
    for k, func in enumerate(funcs):
        if pass_seconds is not None and not affordable(pass_seconds[k], budget_s):
            peaks.append(None)
            continue
        args = copy.deepcopy([(c.args, c.kwargs) for c in calls])
        tracemalloc.start()
        try:
            for a, kw in args:
                try:
                    func(*a, **kw)
                except Exception:
                    pass
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return tuple(peaks)


def affordable(pass_s: float, budget_s: float) -> bool:
    """Whether a traced pass of a function taking *pass_s* fits in *budget_s*."""
    return pass_s * TRACING_SLOWDOWN <= budget_s


def skipped_note(names: list[str], pass_s: float, budget_s: float) -> str:
    """One line for the report: whose peak memory was not measured, and how to have it measured."""
    return (f"Peak memory not measured for {', '.join(names)}: a pass takes {pass_s:.3g} s, and tracing its "
            f"allocations would take several times that, beyond the {budget_s:g} s --time-budget "
            f"(a --time-budget of {pass_s * TRACING_SLOWDOWN:.0f} s or more measures it).")
