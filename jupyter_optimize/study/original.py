"""The original on its own, before any candidate: are its live calls inside the
domain the user assumed, does it raise on any of them, is it repeatable, does it
change its arguments, how long one pass over the live calls takes, and where
its time goes.

`study_original` runs in a sandbox child (it calls the user's function and
evaluates the user's assumptions). A live call outside the domain, or one on
which the original raises, stops the study with one line for the user
(`OriginalStudy.problem`): a rewrite timed on how fast it raises helps nobody.
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
from ..verify.determinism import Determinism, check_determinism, mutates_arguments
from ..verify.judge import Outcome, parameter_names, run_once
from .assume import Domain
from .profile import line_profile

MESSAGE_CHARS = 200  # an exception's message is cut here in the one-line problem


@dataclass(frozen=True)
class LiveProblem:
    """A live call the run cannot go on with: outside the domain ("outside") or raising ("raises")."""

    kind: str
    message: str


@dataclass(frozen=True)
class OriginalStudy:
    profile: LineProfile | None
    determinism: Determinism  # also says when the original was refused an action on a live call
    mutates_args: bool
    pass_seconds: float  # one pass over the live calls
    problem: LiveProblem | None = None

    @property
    def refusal(self) -> str:
        """The action refused to the original on a live call ('' when none): no candidate can be verified."""
        return self.determinism.refusal


def study_original(func: Callable[..., Any], calls: list[Call], tol: Tolerance, options: Options,
                   domain: Domain | None = None) -> OriginalStudy:
    outside = first_outside(func, calls, domain or Domain())
    if outside is not None:
        return OriginalStudy(None, Determinism(True, None), False, 0.0, LiveProblem("outside", outside))
    started = time.perf_counter()
    determinism = check_determinism(func, calls, tol, options.seed, not options.ignore_output)  # two passes
    pass_seconds = (time.perf_counter() - started) / 2
    if determinism.refusal:  # the original needs what a child may not do: every candidate is unverifiable
        return OriginalStudy(None, determinism, False, pass_seconds)
    outcomes = [run_once(func, call, determinism.seed) for call in calls]
    raised = first_raise(func, calls, outcomes)
    if raised is not None:
        return OriginalStudy(None, determinism, False, pass_seconds, LiveProblem("raises", raised))
    mutates = mutates_arguments(func, calls, tol, determinism.seed, outcomes)
    profile = line_profile(func, calls) if options.profile else None
    return OriginalStudy(profile, determinism, mutates, pass_seconds)


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
