"""One input, original against candidate: run both, say how they differ.

`run_once` runs a function on its own deep copy of one call's arguments; its
`Outcome` is the return value or the exception, the state of the arguments
after the call, what it printed (stdout, stderr; warnings are recorded but
not compared: a loop and its vectorized rewrite warn differently), and, in a
contained child, the files it wrote in its scratch folder and the actions
refused to it. `Judge` compares the two outcomes of one input
(`outcome_difference`), also the globals each side changes (both ways) and
the original's line coverage, and turns a difference into a `Counterexample`.
`check` (one candidate over many inputs) and `determinism` (the original
alone) build on it. Meant to run inside a sandbox child: the callers never
run candidates in the kernel.
"""
from __future__ import annotations

import copy
import io
import pickle
import random
import signal
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np

from ..model import Call, Counterexample
from ..sandbox import containment, readback
from . import openfiles
from .compare import ComparisonNotes, Tolerance, difference
from .describe import describe, describe_call
from .effects import Close, files_difference, output_difference
from .reassociation import tolerance_for
from .watch import GlobalsWatch, LineCoverage, globals_difference


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    args_after: tuple[Any, ...] = ()
    kwargs_after: dict[str, Any] | None = None
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    warnings: tuple[str, ...] = ()  # "RuntimeWarning: ..." lines: recorded, never compared
    files: dict[str, bytes | None] = field(default_factory=dict)  # written in the scratch folder (None: deleted)
    refusals: tuple[str, ...] = ()  # actions the containment refused during the run


def run_once(func: Callable[..., object], call: Call, seed: int | None = None) -> Outcome:
    args, kwargs = copy.deepcopy((call.args, call.kwargs))
    if seed is not None:
        random.seed(seed)
        np.random.seed(seed)
    box = containment.current()
    if box is not None:  # this run's files and refusals only
        box.reset_files()
        box.take_refusals()
        openfiles.before_run()
    outcome = _captured(func, args, kwargs)
    if box is not None:
        outcome.files, outcome.refusals = {**box.files_written(), **openfiles.after_run()}, box.take_refusals()
    return outcome


def _captured(func: Callable[..., object], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
    """One call with its stdout, stderr and warnings captured."""
    out, err = io.StringIO(), io.StringIO()
    value: Any = None
    error: Exception | None = None
    # "always": under the default once-per-location filter a second run would warn less than the first
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(out), redirect_stderr(err):
        warnings.simplefilter("always")
        started = time.perf_counter()
        try:
            value = func(*args, **kwargs)
        except MemoryError:  # out of the child's memory cap: a resource failure, not behaviour
            raise
        except Exception as exc:
            error = exc
        seconds = time.perf_counter() - started
    return Outcome(value, error, args, kwargs, seconds, out.getvalue(), err.getvalue(),
                   tuple(f"{w.category.__name__}: {w.message}" for w in caught))


def outcome_difference(
    orig: Outcome, cand: Outcome, tol: Tolerance, params: list[str], notes: ComparisonNotes | None = None,
    output: bool = True,
) -> str | None:
    """How *cand* behaves differently from *orig*, in one line, or None (*notes* gathers how values were judged).
    Printed output counts unless *output* is False (--ignore-output); files written always count."""
    close = _float_closeness(tol)
    return (result_difference(orig, cand, tol, params, notes)
            or (output_only_difference(orig, cand, close) if output else None)
            or files_difference(orig.files, cand.files, close))


def result_difference(
    orig: Outcome, cand: Outcome, tol: Tolerance, params: list[str], notes: ComparisonNotes | None = None,
) -> str | None:
    """The return value or exception, then the arguments' state after the call."""
    if orig.error is not None or cand.error is not None:
        found = _error_difference(orig, cand)
    else:
        found = difference(orig.value, cand.value, tol, "return value", notes)
    return found or _argument_difference(orig, cand, tol, params, notes)


def output_only_difference(orig: Outcome, cand: Outcome, close: Close | None = None) -> str | None:
    """What the two printed differently, stdout first (printed floats judged by *close*)."""
    return (output_difference("stdout", orig.stdout, cand.stdout, close)
            or output_difference("stderr", orig.stderr, cand.stderr, close))


def _float_closeness(tol: Tolerance) -> Close:
    """Printed floats are judged like returned ones, reassociation allowance included."""
    return lambda a, b: difference(a, b, tol) is None


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
    passed, notes, how values were compared (`comparison`: the types only
    ``==`` could judge), and the first action refused to the candidate where
    the original was not refused (`refused`: the candidate then fails).
    With *output* False (--ignore-output) printed output is not compared.
    """

    original: Callable[..., object]
    candidate: Callable[..., object]
    tol: Tolerance
    seed: int | None
    output: bool = True
    trace_live: bool = True  # False: the live calls' coverage is known already (a slow original's profile)

    def __post_init__(self) -> None:
        self.params = parameter_names(self.original)
        self.coverage = LineCoverage(self.original)
        self.globals = GlobalsWatch(self.original, self.candidate)
        openfiles.watch(self.original, self.candidate)  # writes through files the kernel holds: compared too
        self.notes: set[str] = set()
        self.comparison = ComparisonNotes()
        self.slowest_live = 0.0  # seconds the original took on its slowest live call
        self.refused = ""

    def compare(self, call: Call, original_limit: float | None = None) -> tuple[str | None, Outcome, Outcome]:
        """Run both on *call*, each from the same state of the globals; afterwards the globals
        are the original's. With *original_limit*, an original slower than that raises
        `TooSlow`; an input the original is refused on raises `NotJudged` (both: skipped)."""
        orig, cand, by_original, by_candidate = self._run_both(call, original_limit)
        if orig.refusals:
            return self._refused_original(call, orig.refusals[0])
        if cand.refusals:
            self.refused = self.refused or cand.refusals[0]
            return f"tried {cand.refusals[0]}", orig, cand
        found = globals_difference(by_original, by_candidate, self.tol, self.comparison)
        if found:
            return found, orig, cand
        if call.origin == "generated" and orig.error is not None and cand.error is not None:
            if type(orig.error) is not type(cand.error):  # outside the domain: any exception will do
                self.notes.add(f"on inputs the original rejects with {type(orig.error).__name__}, "
                               f"the candidate raises {type(cand.error).__name__}")
            return None, orig, cand
        tol = tolerance_for(self.tol, call)  # forgives the rounding of a reordered sum of these inputs
        return outcome_difference(orig, cand, tol, self.params, self.comparison, self.output), orig, cand

    def _run_both(self, call: Call, original_limit: float | None) -> tuple[Outcome, Outcome, dict[str, Any], dict[str, Any]]:
        """Both outcomes, and the globals each changed (name -> value after its run)."""
        watch, tol = self.globals, self.tol
        shot = watch.snapshot()
        traced = self.trace_live or call.origin != "live"
        with self.coverage if traced else nullcontext(self.coverage), time_limit(original_limit):
            orig = run_once(self.original, call, self.seed)
        if call.origin == "live":
            self.slowest_live = max(self.slowest_live, orig.seconds)
        by_original = watch.changed(shot, watch.original_space, tol, self.comparison)
        watch.restore(shot, by_original)  # the candidate starts where the original started
        cand = run_once(self.candidate, call, self.seed)
        by_candidate = watch.changed(shot, watch.candidate_space, tol, self.comparison)
        watch.restore(shot, set(by_candidate) - set(by_original))
        watch.bind(by_original)  # both go on from the original's state
        return orig, cand, by_original, by_candidate

    def _refused_original(self, call: Call, action: str) -> NoReturn:
        """An input on which the original itself is refused is not judged: on a generated input it is
        outside what can be verified; a live one is the study's to report (see `determinism`)."""
        if call.origin == "live":
            self.notes.add(f"the original was refused {action} on a live call")
        raise NotJudged(action)

    def evidence(self) -> tuple[set[int], set[str], ComparisonNotes, str]:
        """What judging has gathered besides the globals' state: lines reached, notes, how values were
        compared, a refused action (`restore_evidence` puts it back)."""
        return set(self.coverage.reached), set(self.notes), copy.deepcopy(self.comparison), self.refused

    def restore_evidence(self, kept: tuple[set[int], set[str], ComparisonNotes, str]) -> None:
        self.coverage.reached, self.notes, self.comparison, self.refused = kept  # copies already: taken once

    def comparison_notes(self) -> set[str]:
        """The evidence's lines on how values were compared: the types judged by == alone."""
        names = self.comparison.compared_with_eq
        return {f"compared with ==: {', '.join(sorted(names))}"} if names else set()

    def counterexample(self, call: Call, orig: Outcome, cand: Outcome, why: str) -> Counterexample:
        return counterexample(self.original.__name__, call, orig, cand, why, self.params)


class NotJudged(BaseException):
    """The input cannot be judged (the original was refused an action on it): skip it. A BaseException,
    so the function under test cannot swallow it."""


class TooSlow(BaseException):
    """The original ran past its time limit on a generated input (a BaseException,
    so the function under test cannot swallow it)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TooSlow in this (main) thread after *seconds*; no-op when None or off the main thread."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    if not hasattr(signal, "setitimer"):  # Windows
        with _watchdog_limit(seconds):
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


@contextmanager
def _watchdog_limit(seconds: float) -> Iterator[None]:
    """`time_limit` without SIGALRM: a timer thread interrupts the main thread (as Ctrl-C would),
    which becomes TooSlow here. It stops Python code at its next line; a call blocked in C ends first."""
    import _thread

    state = threading.Lock()
    armed, fired = [True], [False]

    def expire() -> None:
        with state:
            if armed[0]:
                fired[0] = True
                _thread.interrupt_main()

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if fired[0]:
            raise TooSlow() from None
        raise
    finally:
        with state:
            armed[0] = False
        timer.cancel()


def counterexample(name: str, call: Call, orig: Outcome, cand: Outcome, why: str, params: list[str]) -> Counterexample:
    return Counterexample(
        call=describe_call(name, call.args, call.kwargs, params),
        original=describe_outcome(orig),
        candidate=describe_outcome(cand),
        difference=why,
        origin=call.origin,
        inputs=call if _carried_back(call) else None,
    )


def _carried_back(value: Any) -> bool:
    """Whether *value* can travel back to the kernel: picklable, and readable there without running
    anything (`sandbox.readback`); otherwise the counterexample goes back described, without its inputs."""
    try:
        readback.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return True
    except Exception:
        return False
