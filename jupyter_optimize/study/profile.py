"""Line profile of the original with line_profiler.

`LineProfiler.add_function` may swap the ``__code__`` of what it profiles, so
a copy of the function is profiled and the user's object is never touched
(nor benchmarked after profiling). Run this inside a sandbox child.
"""
from __future__ import annotations

import ast
import copy
import inspect
import linecache
import textwrap
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model import Call, LineProfile, LineStat

if TYPE_CHECKING:
    from line_profiler import LineStats

PROFILE_BUDGET_S = 0.3
MAX_ROUNDS = 20


def line_profile(func: Callable[..., object], calls: list[Call]) -> LineProfile:
    from line_profiler import LineProfiler

    clone = clone_function(func)
    profiler = LineProfiler()
    try:
        profiled = profiler(clone)
    except Exception as exc:  # e.g. another tool holds sys.monitoring on 3.12+
        return _empty(func, f"line_profiler could not attach: {exc}")
    rounds, started = 0, time.perf_counter()
    while rounds < MAX_ROUNDS and (rounds == 0 or time.perf_counter() - started < PROFILE_BUDGET_S):
        for call in calls:
            args, kwargs = copy.deepcopy((call.args, call.kwargs))
            try:
                profiled(*args, **kwargs)
            except Exception:  # raising is part of the function's behaviour
                pass
        rounds += 1
    return _to_profile(func, profiler.get_stats(), rounds)


def clone_function(func: Callable[..., object]) -> types.FunctionType:
    """A new function object sharing *func*'s code, globals and defaults."""
    clone = types.FunctionType(
        func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__
    )
    clone.__kwdefaults__ = copy.copy(func.__kwdefaults__)
    clone.__dict__.update(func.__dict__)
    clone.__qualname__ = func.__qualname__
    return clone


def _to_profile(func: Callable[..., object], stats: LineStats, rounds: int) -> LineProfile:
    code = func.__code__
    timings: list[tuple[int, int, int]] = []  # (line number, hits, time in stats.unit)
    for (_filename, firstlineno, name), entries in stats.timings.items():
        # line_profiler 5 names a method by its qualified name ("Ledger.balance")
        if name.rsplit(".", 1)[-1] == code.co_name and firstlineno == code.co_firstlineno:
            timings = entries
    measured = {lineno: (hits, t * stats.unit) for lineno, hits, t in timings}
    total = sum(t for _, t in measured.values()) or 0.0
    lines = [
        LineStat(lineno, text, *measured.get(lineno, (0, 0.0)), share=_share(measured, lineno, total))
        for lineno, text in _source_lines(func)
    ]
    return LineProfile(code.co_name, code.co_filename, tuple(lines), total, rounds)


def _share(measured: dict[int, tuple[int, float]], lineno: int, total: float) -> float:
    return measured.get(lineno, (0, 0.0))[1] / total if total else 0.0


def _source_lines(func: Callable[..., object]) -> list[tuple[int, str]]:
    """The function's lines with their numbers in its file, without its docstring (a library
    function's 30-line docstring is no part of its profile)."""
    try:
        lines, start = inspect.getsourcelines(func)
    except (OSError, TypeError):
        code = func.__code__
        lines = linecache.getlines(code.co_filename)[code.co_firstlineno - 1 :]
        start = code.co_firstlineno
    skipped = _docstring_lines(lines)
    return [(start + i, line.rstrip("\n")) for i, line in enumerate(lines) if i not in skipped]


def _docstring_lines(lines: list[str]) -> range:
    """Indexes (0-based, into *lines*) of the function's docstring, or an empty range."""
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return range(0)
    node = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if node is None or not node.body:
        return range(0)
    first = node.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
        return range(0)
    return range(first.lineno - 1, (first.end_lineno or first.lineno))


def _empty(func: Callable[..., object], note: str) -> LineProfile:
    return LineProfile(func.__name__, func.__code__.co_filename, (), 0.0, 0, note)
