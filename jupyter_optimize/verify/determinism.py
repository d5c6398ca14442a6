"""The original alone, before any candidate is judged: is it repeatable
(perhaps only with the random generators seeded), and does it change its
arguments (so timing must give each call fresh copies)? Both questions
are answered by the same comparison rules as the candidates' (`compare`).
A value the rules cannot judge at all (its == and repr raise) is no sign of
nondeterminism: the candidates' checks report it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Call
from .compare import ComparisonNotes, Tolerance, difference
from .judge import Outcome, outcome_difference, parameter_names, run_once


@dataclass(frozen=True)
class Determinism:
    """Whether the original gives the same outcome twice, and if seeding is needed."""

    deterministic: bool
    seed: int | None  # seed to set before every run, when that made it repeatable
    reason: str = ""


def check_determinism(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int) -> Determinism:
    params = parameter_names(original)
    for attempt_seed in (None, seed):
        found = _first_unrepeatable(original, calls, tol, params, attempt_seed)
        if found is None:
            return Determinism(True, attempt_seed)
    return Determinism(False, None, f"the original is not deterministic, even with random generators seeded: {found}")


def _first_unrepeatable(
    original: Callable[..., object], calls: list[Call], tol: Tolerance, params: list[str], seed: int | None,
) -> str | None:
    for call in calls:
        first, second = run_once(original, call, seed), run_once(original, call, seed)
        notes = ComparisonNotes()
        found = outcome_difference(first, second, tol, params, notes)
        if found and not notes.unjudgeable:
            return found
    return None


def mutates_arguments(original: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int | None,
                      outcomes: list[Outcome] | None = None) -> bool:
    """Whether a call leaves an argument changed (*outcomes*: the calls' runs, when the caller has them)."""
    for i, call in enumerate(calls):
        outcome = outcomes[i] if outcomes is not None else run_once(original, call, seed)
        if difference((call.args, call.kwargs), (outcome.args_after, outcome.kwargs_after or {}), tol):
            return True
    return False
