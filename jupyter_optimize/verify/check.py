"""Verify one candidate: every live call first, then generated inputs.

Meant to run inside a sandbox child (the caller never runs candidates in the
kernel). Hypothesis is imported only when generated inputs are asked for.
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import Call, Check, Counterexample
from ..verdict import Failure
from .compare import Tolerance
from .judge import Judge, NotJudged


def check_candidate(
    original: Callable[..., object], candidate: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int | None,
    examples: int = 0, budget_s: float = 0.0, hypothesis_seed: int = 0, output: bool = True,
) -> Check | Failure:
    """Every live call first, then up to *examples* generated inputs. A candidate refused an
    action the original was not refused is a `Failure` naming the action.
    With *output* False (--ignore-output), printed output is not compared."""
    judge = Judge(original, candidate, tol, seed, output)
    for passed, call in enumerate(calls):
        try:
            found, orig, cand = judge.compare(call)
        except NotJudged:  # the original itself was refused: the study reports it
            continue
        if found:
            return _refused(judge) or _check(judge, False, passed + 1, judge.counterexample(call, orig, cand, found),
                                             live=passed)
    if examples <= 0:
        return _check(judge, True, len(calls), None, live=len(calls))
    from .search import search_generated  # hypothesis is imported only from here on

    search = search_generated(judge, calls, examples, budget_s, hypothesis_seed)
    judge.notes.update(search.notes)
    return _refused(judge) or _check(judge, search.counterexample is None, len(calls) + search.tried,
                                     search.counterexample, live=len(calls), generated=search.distinct_passed)


def _refused(judge: Judge) -> Failure | None:
    return Failure(f"tried {judge.refused}, which is refused during verification") if judge.refused else None


def _check(judge: Judge, passed: bool, tried: int, cx: Counterexample | None, live: int, generated: int = 0) -> Check:
    notes = tuple(sorted(judge.notes | judge.comparison_notes()))
    return Check(
        passed, tried, cx, notes=notes, live_passed=live, generated_passed=generated,
        lines_reached=tuple(sorted(judge.coverage.reached)),
        lines_executable=tuple(sorted(judge.coverage.executable)),
    )
