"""The original alone, before any candidate is judged: is it repeatable
(perhaps only with the random generators seeded), and does it change its
arguments (so timing must give each call fresh copies)? Both questions
are answered by the same comparison rules as the candidates' (`compare`).
A value the rules cannot judge at all (its == and repr raise) is no sign of
nondeterminism: the candidates' checks report it. Printed output and files
written count as behaviour here too (output unless --ignore-output), and an
original refused an action on a live call (a write outside its scratch
folder, a connection, a process) cannot be verified at all."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


class _Refused(Exception):
    """The original was refused an action on a live call."""


def check_determinism(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int,
                      output: bool = True) -> Determinism:
    """Two runs per live call, unseeded then seeded; *output* False leaves printed output out."""
    params = parameter_names(original)
    found: tuple[str, str] = ("", "")
    for attempt_seed in (None, seed):
        try:
            found = _first_unrepeatable(original, calls, tol, params, attempt_seed, output)
        except _Refused as refused:
            action = str(refused)
            return Determinism(False, None, f"the original cannot be verified: it tried {action}, "
                                            "which verification cannot contain", refusal=action)
        if not found[1]:
            return Determinism(True, attempt_seed)
    what, how = found
    if what == "output":
        return Determinism(False, None, f"the original's printed output is not repeatable, even with random "
                                        f"generators seeded: it {how}; {IGNORE_OUTPUT_HINT}")
    return Determinism(False, None, f"the original is not deterministic, even with random generators seeded: {how}")


def _first_unrepeatable(
    original: Callable[..., object], calls: list[Call], tol: Tolerance, params: list[str], seed: int | None,
    output: bool,
) -> tuple[str, str]:
    """("output" or "behaviour", how the second run differed), or ("", "") when every call repeats."""
    for call in calls:
        first, second = run_once(original, call, seed), run_once(original, call, seed)
        if first.refusals or second.refusals:
            raise _Refused((first.refusals or second.refusals)[0])
        found = _unrepeatable(first, second, tol, params, output)
        if found[1]:
            return found
    return "", ""


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
