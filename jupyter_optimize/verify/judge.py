"""One input, original against candidate: run both, say how they differ.

`run_once` runs a function on its own deep copy of one call's arguments; its
`Outcome` is the return value or the exception, plus the state of the
arguments after the call. `Judge` compares the two outcomes of one input
(`outcome_difference`), also watching the globals each side changes and the
original's line coverage, and turns a difference into a `Counterexample`.
`check` (one candidate over many inputs) and `determinism` (the original
alone) build on it. Meant to run inside a sandbox child: the callers never
run candidates in the kernel.
"""
from __future__ import annotations

import copy
import pickle
import random
import signal
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np

from ..model import Call, Counterexample
from .compare import ComparisonNotes, Tolerance, difference
from .describe import describe, describe_call
from .reassociation import tolerance_for
from .watch import GlobalsWatch, LineCoverage


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    args_after: tuple[Any, ...] = ()
    kwargs_after: dict[str, Any] | None = None
    seconds: float = 0.0


def run_once(func: Callable[..., object], call: Call, seed: int | None = None) -> Outcome:
    args, kwargs = copy.deepcopy((call.args, call.kwargs))
    if seed is not None:
        random.seed(seed)
        np.random.seed(seed)
    started = time.perf_counter()
    try:
        value = func(*args, **kwargs)
    except MemoryError:  # out of the child's memory cap: a resource failure, not behaviour
        raise
    except Exception as exc:
        return Outcome(None, exc, args, kwargs, time.perf_counter() - started)
    return Outcome(value, None, args, kwargs, time.perf_counter() - started)


def outcome_difference(
    orig: Outcome, cand: Outcome, tol: Tolerance, params: list[str], notes: ComparisonNotes | None = None,
) -> str | None:
    """How *cand* behaves differently from *orig*, in one line, or None (*notes* gathers how values were judged)."""
    if orig.error is not None or cand.error is not None:
        found = _error_difference(orig, cand)
    else:
        found = difference(orig.value, cand.value, tol, "return value", notes)
    return found or _argument_difference(orig, cand, tol, params, notes)


def _error_difference(orig: Outcome, cand: Outcome) -> str | None:
    if orig.error is None:
        return f"the candidate raised {type(cand.error).__name__} where the original returned"
    if cand.error is None:
        return f"the candidate returned where the original raised {type(orig.error).__name__}"
    if type(orig.error) is not type(cand.error):
        return f"raised {type(cand.error).__name__} instead of {type(orig.error).__name__}"
    return None


def _argument_difference(
    orig: Outcome, cand: Outcome, tol: Tolerance, params: list[str], notes: ComparisonNotes | None,
) -> str | None:
    for i, (a, b) in enumerate(zip(orig.args_after, cand.args_after)):
        name = params[i] if i < len(params) else f"argument {i + 1}"
        found = difference(a, b, tol, f"{name} after the call", notes)
        if found:
            return found + " (the function changes its argument differently)"
    for key, a in (orig.kwargs_after or {}).items():
        found = difference(a, (cand.kwargs_after or {}).get(key), tol, f"{key} after the call", notes)
        if found:
            return found + " (the function changes its argument differently)"
    return None


def describe_outcome(outcome: Outcome) -> str:
    if outcome.error is not None:
        return describe(outcome.error)
    return f"returned {describe(outcome.value)}"


def parameter_names(func: Callable[..., object]) -> list[str]:
    code = func.__code__
    return list(code.co_varnames[: code.co_argcount])


@dataclass
class Judge:
    """Runs the original and a candidate on one input and says how they differ.

    Also keeps the evidence: lines of the original reached, distinct inputs
    passed, notes, which globals each side changed, and how values were
    compared (`comparison`: the types only ``==`` could judge).
    """

    original: Callable[..., object]
    candidate: Callable[..., object]
    tol: Tolerance
    seed: int | None

    def __post_init__(self) -> None:
        self.params = parameter_names(self.original)
        self.coverage = LineCoverage(self.original)
        self.original_globals = GlobalsWatch(self.original)
        self.candidate_globals = GlobalsWatch(self.candidate)
        self.changed_by_original: set[str] = set()
        self.notes: set[str] = set()
        self.comparison = ComparisonNotes()
        self.slowest_live = 0.0  # seconds the original took on its slowest live call

    def compare(self, call: Call, original_limit: float | None = None) -> tuple[str | None, Outcome, Outcome]:
        """Run both on *call*. With *original_limit*, an original slower than
        that raises `TooSlow` (the input is skipped, not judged)."""
        shot = self.original_globals.snapshot()
        with self.coverage, time_limit(original_limit):
            orig = run_once(self.original, call, self.seed)
        self.slowest_live = max(self.slowest_live, orig.seconds) if call.origin == "live" else self.slowest_live
        self.changed_by_original |= self.original_globals.changed_since(shot, self.tol, self.comparison)
        shot = self.candidate_globals.snapshot()
        cand = run_once(self.candidate, call, self.seed)
        changed = self.candidate_globals.changed_since(shot, self.tol, self.comparison) - self.changed_by_original
        if changed:
            return f"changes the global {', '.join(sorted(changed))}, which the original leaves alone", orig, cand
        if call.origin == "generated" and orig.error is not None and cand.error is not None:
            if type(orig.error) is not type(cand.error):  # outside the domain: any exception will do
                self.notes.add(f"on inputs the original rejects with {type(orig.error).__name__}, "
                               f"the candidate raises {type(cand.error).__name__}")
            return None, orig, cand
        return outcome_difference(orig, cand, tolerance_for(self.tol, call), self.params, self.comparison), orig, cand

    def comparison_notes(self) -> set[str]:
        """The evidence's lines on how values were compared: the types judged by == alone."""
        names = self.comparison.compared_with_eq
        return {f"compared with ==: {', '.join(sorted(names))}"} if names else set()

    def counterexample(self, call: Call, orig: Outcome, cand: Outcome, why: str) -> Counterexample:
        return counterexample(self.original.__name__, call, orig, cand, why, self.params)


class TooSlow(BaseException):
    """The original ran past its time limit on a generated input (a BaseException,
    so the function under test cannot swallow it)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TooSlow in this (main) thread after *seconds*; no-op when None or off the main thread."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: types.FrameType | None) -> NoReturn:
        raise TooSlow()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def counterexample(name: str, call: Call, orig: Outcome, cand: Outcome, why: str, params: list[str]) -> Counterexample:
    return Counterexample(
        call=describe_call(name, call.args, call.kwargs, params),
        original=describe_outcome(orig),
        candidate=describe_outcome(cand),
        difference=why,
        origin=call.origin,
        inputs=call if _picklable(call) else None,
    )


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
        return True
    except Exception:
        return False
