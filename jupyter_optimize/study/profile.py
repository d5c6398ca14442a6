"""Line profile of the original with line_profiler.

`LineProfiler.add_function` may swap the ``__code__`` of what it profiles, so
a copy of the function is profiled and the user's object is never touched
(nor benchmarked after profiling). Run this inside a sandbox child.

`line_profile` replays the live calls under the profiler; `PassProfiler` is
for a slow original, whose profile is taken on runs made anyway (the
study's second determinism pass), so it costs no pass of its own. Line
profiling slows pure-Python code several times over (measured: 4-6x), so
such a pass is profiled for its first `PASS_PROFILE_CAP_S` of CPU time only
(a SIGPROF timer switches the profiler off); the rest runs at full speed and
the profile says it covers only part of the pass.
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import linecache
import signal
import textwrap
import threading
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model import Call, LineProfile, LineStat

if TYPE_CHECKING:
    from line_profiler import LineStats

PROFILE_BUDGET_S = 0.3
MAX_ROUNDS = 20
PASS_PROFILE_CAP_S = 1.0  # CPU seconds of a slow original's pass spent under the profiler
CAN_CAP = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")  # not on Windows


def line_profile(func: Callable[..., object], calls: list[Call], run_limit: float | None = None) -> LineProfile:
    """Rounds over *calls* under the profiler; each call within *run_limit* seconds (`judge.time_limit`)."""
    from ..verify.judge import time_limit

    profiler = PassProfiler.ready(func)
    if profiler.problem:
        return _empty(func, profiler.problem)
    rounds, started = 0, time.perf_counter()
    while rounds < MAX_ROUNDS and (rounds == 0 or time.perf_counter() - started < PROFILE_BUDGET_S):
        for call in calls:
            args, kwargs = copy.deepcopy((call.args, call.kwargs))
            try:
                with time_limit(run_limit):
                    profiler.profiled(*args, **kwargs)
            except Exception:  # raising is part of the function's behaviour
                pass
        rounds += 1
    return profiler.result(rounds)


class PassProfiler:
    """A profiled copy of *func* (`profiled`), run by whoever needs the runs anyway; `result` is its profile.
    When line_profiler cannot attach, `profiled` is the plain copy and `problem` says why."""

    def __init__(self, func: Callable[..., object], cap_s: float | None = None):
        self.func, self.cap_s = func, cap_s
        self.active = False  # whether the caller chose to run the profiled copy (see study.original)
        self.problem = ""
        self.profiled: Callable[..., object] = func
        self.clone: Callable[..., object] = func
        self.spent = 0.0  # CPU seconds run under the profiler so far
        self.cut = False  # the cap was reached: the profile covers only the start of the pass

    @classmethod
    def ready(cls, func: Callable[..., object]) -> PassProfiler:
        profiler = cls(func)
        profiler.reset()
        return profiler

    def reset(self) -> None:
        """Start over with a new profiler (the runs so far are forgotten)."""
        from line_profiler import LineProfiler

        clone = clone_function(self.func)
        self.profiler = LineProfiler()
        self.clone, self.spent, self.cut = clone, 0.0, False
        try:
            self.profiled = self.profiler(clone)
        except Exception as exc:  # e.g. another tool holds sys.monitoring on 3.12+
            self.profiled, self.problem = clone, f"line_profiler could not attach: {exc}"

    def capped(self, *args: object, **kwargs: object) -> object:
        """The profiled copy until *cap_s* CPU seconds are spent under the profiler, then the plain copy."""
        left = None if self.cap_s is None else self.cap_s - self.spent
        if left is None or self.problem or not CAN_CAP or threading.current_thread() is not threading.main_thread():
            return self.profiled(*args, **kwargs)
        if self.cut or left <= 0:
            self.cut = True
            return self.clone(*args, **kwargs)
        previous = signal.signal(signal.SIGPROF, self._cut_off)
        started = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, left)
        try:
            return self.profiled(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
            self.spent += time.process_time() - started

    def _cut_off(self, signum: int, frame: types.FrameType | None) -> None:
        self.profiler.disable_by_count()  # the profiled wrapper's own disable then does nothing
        self.cut = True

    def result(self, rounds: int) -> LineProfile:
        if self.problem:
            return _empty(self.func, self.problem)
        profile = _to_profile(self.func, self.profiler.get_stats(), rounds)
        if self.cut:
            note = (f"profiled for the first {self.cap_s:g} s of CPU time of the pass only (profiling line by line "
                    "slows it several times): hits and times are of that part")
            return dataclasses.replace(profile, note=note)
        return profile


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


def unprofiled(func: Callable[..., object], note: str) -> LineProfile:
    """The profile of a function that was not profiled: its lines, no times, and why."""
    return LineProfile(func.__name__, func.__code__.co_filename,
                       tuple(LineStat(n, text, 0, 0.0, 0.0) for n, text in _source_lines(func)), 0.0, 0, note)


def _empty(func: Callable[..., object], note: str) -> LineProfile:
    return LineProfile(func.__name__, func.__code__.co_filename, (), 0.0, 0, note)
