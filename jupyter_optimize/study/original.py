"""The original on its own, before any candidate: are its live calls inside the
domain the user assumed, does it raise on any of them, is it repeatable, does it
change its arguments, how long one pass over the live calls takes, and where
its time goes.

`study_original` runs in a sandbox child (it calls the user's function and
evaluates the user's assumptions). A live call outside the domain, or one on
which the original raises, stops the study with one line for the user
(`OriginalStudy.problem`): a rewrite timed on how fast it raises helps nobody.

The study costs two passes over the live calls: the determinism check's two
runs of each call are also the live outcomes (raising, changing arguments),
and for a slow original (a pass above `SLOW_PASS_S`, judged from the first
call) the second runs are the line-profiled pass. A fast original is
profiled apart, over as many rounds as `profile.PROFILE_BUDGET_S` allows.
Line profiling slows pure-Python code several times over, so that pass is
profiled for its first `PASS_PROFILE_CAP_S` of CPU time only; where that
cap cannot be set (no SIGPROF), a pass past `LONG_PASS_S` is not profiled
at all (the profile's note says so).
Without --timeout each run is cut off at the default limit, or at
`RUN_MARGIN` times the slowest run so far when that is longer (a 30 s
function is not cut off at a minute when the machine is busy), with a
message naming the option.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Call, LineProfile
from ..options import Options
from ..verify.compare import Tolerance
from ..verify.describe import describe_call
from ..verify.determinism import Determinism, mutates_arguments, repeat_passes
from ..verify.judge import Outcome, TooSlow, parameter_names, run_once, time_limit
from .assume import Domain
from .profile import CAN_CAP, PASS_PROFILE_CAP_S, PROFILE_BUDGET_S, PassProfiler, line_profile, unprofiled

MESSAGE_CHARS = 200  # an exception's message is cut here in the one-line problem
RUN_MARGIN = 4  # a run may take this many times the slowest run before it, when that exceeds the default
SLOW_PASS_S = PROFILE_BUDGET_S  # a pass this long is profiled once anyway: let it be a determinism pass
LONG_PASS_S = 10.0  # without the cap, a pass this long is not profiled (a pure-Python loop ran 4-6x slower)


@dataclass(frozen=True)
class LiveProblem:
    """A live call the run cannot go on with: outside the domain ("outside"), raising ("raises") or running
    past the default limit ("slow")."""

    kind: str
    message: str


@dataclass(frozen=True)
class OriginalStudy:
    profile: LineProfile | None
    determinism: Determinism  # also says when the original was refused an action on a live call
    mutates_args: bool
    pass_seconds: float  # one pass over the live calls
    problem: LiveProblem | None = None
    # Lines the live calls reached, when the original is too slow to trace them again in verification (from a
    # profile of the whole pass; empty when it was not profiled, or only in part); None: trace them.
    live_lines: frozenset[int] | None = None
    # Passes over the live calls timed while nothing else ran and nothing traced them (the first runs; the
    # second too when they were not profiled): a slow original's first benchmark rounds (`timing.measure`).
    clean_passes: tuple[float, ...] = ()

    @property
    def refusal(self) -> str:
        """The action refused to the original on a live call ('' when none): no candidate can be verified."""
        return self.determinism.refusal


def study_original(func: Callable[..., Any], calls: list[Call], tol: Tolerance, options: Options,
                   domain: Domain | None = None, run_limit: float | None = None) -> OriginalStudy:
    """The study; *run_limit*: the seconds one run of the original may take (None: no limit here)."""
    outside = first_outside(func, calls, domain or Domain())
    if outside is not None:
        return OriginalStudy(None, Determinism(True, None), False, 0.0, LiveProblem("outside", outside))
    runs = _Runs(func, calls, run_limit, PassProfiler(func, PASS_PROFILE_CAP_S) if options.profile else None,
                 options.quick)
    try:
        return _study(func, calls, tol, options, runs)
    except TooSlow:
        return OriginalStudy(None, Determinism(True, None), False, 0.0, LiveProblem("slow", runs.too_slow()))


def _study(func: Callable[..., Any], calls: list[Call], tol: Tolerance, options: Options, runs: _Runs) -> OriginalStudy:
    passes = repeat_passes(runs.limited(func), calls, tol, options.seed, not options.ignore_output, runs.second)
    determinism, outcomes = passes.determinism, passes.outcomes
    if determinism.refusal:  # the original needs what a child may not do: every candidate is unverifiable
        return OriginalStudy(None, determinism, False, _seconds(outcomes, calls))
    outcomes += [runs.once(call, determinism.seed) for call in calls[len(outcomes):]]  # not repeatable: the rest
    pass_seconds = _seconds(outcomes, calls)
    raised = first_raise(func, calls, outcomes)
    if raised is not None:
        return OriginalStudy(None, determinism, False, pass_seconds, LiveProblem("raises", raised))
    mutates = mutates_arguments(func, calls, tol, determinism.seed, outcomes)
    profile = runs.profile() if options.profile else None
    return OriginalStudy(profile, determinism, mutates, pass_seconds, live_lines=runs.live_lines(profile, pass_seconds),
                         clean_passes=(pass_seconds, *runs.clean_second_pass()))


def _seconds(outcomes: list[Outcome], calls: list[Call]) -> float:
    """One pass over the live calls, from the runs known (scaled up when some calls did not run)."""
    if not outcomes:
        return 0.0
    return sum(o.seconds for o in outcomes) * len(calls) / len(outcomes)


class _Runs:
    """The original's runs in the study: each within the limit, the slow original's second runs profiled."""

    def __init__(self, func: Callable[..., Any], calls: list[Call], limit: float | None,
                 profiler: PassProfiler | None, quick: bool = False):
        self.func, self.calls, self.limit, self.profiler, self.quick = func, calls, limit, profiler, quick
        self.again: list[float] = []  # seconds of the unprofiled second runs, in the attempt that decided
        self.current: tuple[tuple[Any, ...], dict[str, Any]] | None = None  # the arguments of the latest run
        self.profiled_all = False  # the profiler saw the second run of every call, in the attempt that decided
        self.estimate = 0.0  # seconds per pass, from the first call
        self.slowest = 0.0  # seconds of the slowest run so far

    def limited(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """*func*, cut off at the limit; the same object when there is none (its code is read for names)."""
        return func if self.limit is None else _Limited(func, self._limit_now, self)

    def second(self, index: int, first: Outcome) -> Callable[..., Any]:
        """What runs call *index* again: the profiled copy when the original is slow."""
        if index == 0:
            self.profiled_all, self.again = False, []
            self.estimate = first.seconds * len(self.calls)
        if index == 0 and self.profiler is not None:  # a new attempt (unseeded, then seeded): a new profile
            self.profiler.active = (SLOW_PASS_S < self.estimate and (CAN_CAP or self.estimate <= LONG_PASS_S)
                                    and not self.quick)  # --quick: its second pass is a benchmark round instead
            if self.profiler.active:
                self.profiler.reset()
        if self.profiler is not None and self.profiler.active:
            self.profiled_all = index == len(self.calls) - 1
            return self.limited(self.profiler.capped)
        return self.limited(self._timed)

    def _timed(self, *args: Any, **kwargs: Any) -> Any:
        """The original, its time kept: an unprofiled second run is a clean pass too."""
        started = time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.again.append(time.perf_counter() - started)

    def clean_second_pass(self) -> tuple[float, ...]:
        """The second runs as one more clean pass, when every call had one and none was profiled."""
        return (sum(self.again),) if len(self.again) == len(self.calls) else ()

    def once(self, call: Call, seed: int | None) -> Outcome:
        return run_once(self.limited(self.func), call, seed)

    def profile(self) -> LineProfile:
        if self.profiler is not None and self.profiler.active and self.profiled_all:
            return self.profiler.result(rounds=1)
        if self.quick and self.estimate > SLOW_PASS_S:
            return unprofiled(self.func, f"not profiled under --quick: one pass over the live calls takes about "
                                         f"{self.estimate:.0f} s; without --quick its first second is profiled")
        if self.estimate > LONG_PASS_S and not CAN_CAP:
            return unprofiled(self.func, f"not profiled: one pass over the live calls takes about "
                                         f"{self.estimate:.0f} s, and profiling line by line would take several "
                                         "times that")
        return line_profile(self.func, self.calls, self.limit)

    def live_lines(self, profile: LineProfile | None, pass_seconds: float) -> frozenset[int] | None:
        """What `OriginalStudy.live_lines` says."""
        if pass_seconds <= SLOW_PASS_S:
            return None
        whole = profile is not None and not (self.profiler is not None and self.profiler.cut) and profile.rounds
        return frozenset(line.lineno for line in profile.lines if line.hits) if whole and profile else frozenset()

    def _limit_now(self) -> float:
        return max(self.limit or 0.0, RUN_MARGIN * self.slowest)

    def started(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.current = (args, kwargs)

    def finished(self, seconds: float) -> None:
        self.slowest = max(self.slowest, seconds)

    def too_slow(self) -> str:
        call = "a live call"
        if self.current is not None:
            call = f"the live call {_described(self.func, Call(*self.current))}"
        return (f"The original {self.func.__name__} ran over {self._limit_now():g} s on {call}, the default "
                f"limit for one call; set --timeout to allow more (seconds per child process).")


class _Limited:
    """Calls the function within the time limit *seconds* gives (telling *runs* its arguments first, and
    its time after); has its code and name, which is all `parameter_names` and the messages read of it."""

    def __init__(self, func: Callable[..., Any], seconds: Callable[[], float], runs: _Runs):
        self.func, self.seconds, self.runs = func, seconds, runs
        self.__code__ = getattr(func, "__code__", None)
        self.__name__ = getattr(func, "__name__", "function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.runs.started(args, kwargs)
        started = time.perf_counter()
        try:
            with time_limit(self.seconds()):
                return self.func(*args, **kwargs)
        finally:
            self.runs.finished(time.perf_counter() - started)


def first_outside(func: Callable[..., Any], calls: list[Call], domain: Domain) -> str | None:
    """'f(x=..., w=10) is outside the assumption "len(x) >= w"...' for the first live call outside, or None."""
    for call in calls:
        unmet = domain.unmet(func, call)
        if unmet is None:
            continue
        described = _described(func, call)
        text = unmet.assumption.text
        if unmet.error is not None:
            return (f"The assumption {text!r} raised {_exception(unmet.error)} on the live call {described}; "
                    "make it hold or be false there, or drop that call.")
        return (f"The live call {described} is outside the assumption {text!r}: "
                "drop that call or widen the assumption.")
    return None


def first_raise(func: Callable[..., Any], calls: list[Call], outcomes: list[Outcome]) -> str | None:
    """'square(x=..., 3) raises TypeError: ...' for the first live call the original raises on, or None."""
    for call, outcome in zip(calls, outcomes):
        if outcome.error is not None:
            return f"{_described(func, call)} raises {_exception(outcome.error)}"
    return None


def _described(func: Callable[..., Any], call: Call) -> str:
    return describe_call(func.__name__, call.args, call.kwargs, parameter_names(func))


def _exception(error: BaseException) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(message) > MESSAGE_CHARS:
        message = message[:MESSAGE_CHARS] + "..."
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
