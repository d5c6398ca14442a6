"""The original alone, before any candidate is judged: is it repeatable
(perhaps only with the random generators seeded), and does it change its
arguments (so timing must give each call fresh copies)? Both questions
are answered by the same comparison rules as the candidates' (`compare`).
A value the rules cannot judge at all (its == and repr raise) is no sign of
nondeterminism: the candidates' checks report it. Printed output and files
written count as behaviour here too (output unless --ignore-output), and an
original refused an action on a live call (a write outside its scratch
folder, a connection, a process) cannot be verified at all.

The two runs of each call are all the study needs of the original: the
first runs are its live outcomes (`Passes.outcomes`: whether it raises,
whether it changes its arguments), and a slow original's second runs can be
its line-profiled pass (*second*), so the study costs two passes, not five."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Call
from .compare import ComparisonNotes, Tolerance, difference
from .effects import files_difference
from .judge import Outcome, output_only_difference, parameter_names, result_difference, run_once

IGNORE_OUTPUT_HINT = "--ignore-output leaves printed output out of the comparison"


@dataclass(frozen=True)
class Determinism:
    """Whether the original gives the same outcome twice, and if seeding is needed."""

    deterministic: bool
    seed: int | None  # seed to set before every run, when that made it repeatable
    reason: str = ""  # why not: one line for the report
    refusal: str = ""  # the action refused to the original on a live call, if that is why


# Given a call's index and its first run, the function to run it the second time (a profiled copy, say).
SecondRun = Callable[[int, Outcome], Callable[..., object]]


@dataclass(frozen=True)
class Passes:
    """The verdict on repeatability, and the first run of each call in the attempt that decided it
    (every call when the original repeated; up to the first unrepeatable call otherwise)."""

    determinism: Determinism
    outcomes: list[Outcome] = field(default_factory=list)


class _Refused(Exception):
    """The original was refused an action on a live call."""


def check_determinism(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int,
                      output: bool = True) -> Determinism:
    """Two runs per live call, unseeded then seeded; *output* False leaves printed output out."""
    return repeat_passes(original, calls, tol, seed, output).determinism


def repeat_passes(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int,
                  output: bool = True, second: SecondRun | None = None) -> Passes:
    """`check_determinism`, keeping the first runs; *second* chooses what runs each call again."""
    params = parameter_names(original)
    found: tuple[str, str] = ("", "")
    firsts: list[Outcome] = []
    for attempt_seed in (None, seed):
        try:
            found, firsts = _first_unrepeatable(original, calls, tol, params, attempt_seed, output, second)
        except _Refused as refused:
            action = str(refused)
            return Passes(Determinism(False, None, f"the original cannot be verified: it tried {action}, "
                                                   "which verification cannot contain", refusal=action))
        if not found[1]:
            return Passes(Determinism(True, attempt_seed), firsts)
    what, how = found
    if what == "output":
        return Passes(Determinism(False, None, f"the original's printed output is not repeatable, even with "
                                               f"random generators seeded: it {how}; {IGNORE_OUTPUT_HINT}"), firsts)
    return Passes(Determinism(False, None, "the original is not deterministic, even with random generators "
                                           f"seeded: {how}"), firsts)


def _first_unrepeatable(
    original: Callable[..., object], calls: list[Call], tol: Tolerance, params: list[str], seed: int | None,
    output: bool, second: SecondRun | None,
) -> tuple[tuple[str, str], list[Outcome]]:
    """(("output" or "behaviour", how the second run differed), or ("", "") when every call repeats;
    the first runs up to there)."""
    firsts: list[Outcome] = []
    for i, call in enumerate(calls):
        first = run_once(original, call, seed)
        again = run_once(second(i, first) if second else original, call, seed)
        if first.refusals or again.refusals:
            raise _Refused((first.refusals or again.refusals)[0])
        firsts.append(first)
        found = _unrepeatable(first, again, tol, params, output)
        if found[1]:
            return found, firsts
    return ("", ""), firsts


def _unrepeatable(first: Outcome, second: Outcome, tol: Tolerance, params: list[str], output: bool) -> tuple[str, str]:
    notes = ComparisonNotes()
    found = result_difference(first, second, tol, params, notes)
    if found and not notes.unjudgeable:
        return "behaviour", found
    printed = output_only_difference(first, second) if output else None
    if printed:
        return "output", printed
    return "behaviour", files_difference(first.files, second.files) or ""


def mutates_arguments(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int | None,
                      outcomes: list[Outcome] | None = None) -> bool:
    """Whether a call leaves an argument changed (*outcomes*: the calls' runs, when the caller has them)."""
    for i, call in enumerate(calls):
        outcome = outcomes[i] if outcomes is not None else run_once(original, call, seed)
        if difference((call.args, call.kwargs), (outcome.args_after, outcome.kwargs_after or {}), tol):
            return True
    return False
