"""Verify one candidate: every live call first, then generated inputs.

Meant to run inside a sandbox child (the caller never runs candidates in the
kernel). Hypothesis is imported only when generated inputs are asked for.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model import Call, Check, Counterexample
from ..verdict import Failure
from . import edges
from .compare import Tolerance
from .judge import Judge, NotJudged, TooSlow, time_limit
from .replay import Differed, kept, replay
from .stream import DrawFailed, Stream

if TYPE_CHECKING:
    from .replay import Drawn
    from .search import SearchResult


def check_candidate(
    original: Callable[..., object], candidate: Callable[..., object], calls: list[Call], tol: Tolerance, seed: int | None,
    examples: int = 0, budget_s: float = 0.0, hypothesis_seed: int = 0, admits: Callable[[Call], bool] | None = None,
    output: bool = True, live_lines: frozenset[int] | None = None, drawn: Drawn | Stream | None = None,
) -> Check | Failure:
    """Every live call first, then up to *examples* generated inputs (those *admits* accepts, when given:
    the domain the user assumed). A candidate refused an action the original was not refused is a
    `Failure` naming the action. With *output* False (--ignore-output), printed output is not compared.
    *live_lines*: the lines the live calls reach, known already (a slow original's profile): the live
    calls are then not traced for coverage, which slows pure-Python code several times over. *drawn*: the
    generated inputs drawn once for every candidate (`replay`), judged in their order instead of searching
    anew (or a `Stream` of them, read as they are drawn); on a difference the search runs as without them,
    from the globals as they were, to find and shrink it."""
    judge = Judge(original, candidate, tol, seed, output, trace_live=live_lines is None)
    judge.coverage.reached |= live_lines or set()
    for passed, call in enumerate(calls):
        try:
            found, orig, cand = judge.compare(call)
        except NotJudged:  # the original itself was refused: the study reports it
            continue
        if found:
            own = dataclasses.replace(judge.counterexample(call, orig, cand, found), likeness=edges.LIVE)
            return _refused(judge) or _check(judge, False, passed + 1, own, live=passed)
    if examples <= 0:
        return _check(judge, True, len(calls), None, live=len(calls))
    replayed = _replayed(judge, drawn, calls, examples, budget_s) if drawn is not None else None
    search = None if isinstance(replayed, Differed) else replayed
    if search is None:
        from .search import search_generated  # hypothesis is imported only from here on

        judged: list[Call] = []
        search = search_generated(judge, calls, examples, budget_s, hypothesis_seed, admits, judged)
        if isinstance(replayed, Differed):
            search = kept(judge, replayed, search, judged, budget_s, admits)
    judge.notes.update(search.notes)
    cx = search.counterexample and classified(search.counterexample, calls, judge, admits, budget_s)
    return _refused(judge) or _check(judge, cx is None, len(calls) + search.tried, cx, live=len(calls),
                                     generated=search.distinct_passed)


def _replayed(judge: Judge, drawn: Drawn | Stream, calls: list[Call], examples: int,
              budget_s: float) -> SearchResult | Differed | None:
    """The candidate on the drawn inputs; where one differs, the globals are then as they were before.
    None when the draw it was reading as it went failed: the globals and the evidence are put back as they
    were, and it searches itself, as when no draw was passed on."""
    before, evidence = judge.globals.snapshot(), judge.evidence()
    try:
        search = replay(judge, drawn, calls, examples, budget_s)
    except DrawFailed:
        judge.globals.restore(before, list(before.values))
        judge.restore_evidence(evidence)
        return None
    if isinstance(search, Differed):
        judge.globals.restore(before, list(before.values))
    return search


def classified(cx: Counterexample, live: list[Call], judge: Judge, admits: Callable[[Call], bool] | None = None,
               budget_s: float = 0.0) -> Counterexample:
    """The generated counterexample, with how far it is from the live calls (edges.classify). One whose
    numbers have a sign the live ones never take is first tried with the sign theirs have (`_lifted`): when
    that input (inside the assumed domain, *admits*) differs too, the sign was not the cause, and it is the
    counterexample instead (no edge is then blamed, nor an --assume suggested that would not exclude it)."""
    if cx.inputs is None:
        return cx
    lifted = _lifted(cx, live, judge, admits, budget_s)
    return _with_likeness(lifted or cx, live, judge)


def _with_likeness(cx: Counterexample, live: list[Call], judge: Judge) -> Counterexample:
    assert cx.inputs is not None
    names = edges.names_in(getattr(judge.original, "__globals__", {}))
    try:
        found = edges.classify(cx.inputs, live, judge.params, names)
    except Exception:  # a value whose len() or isna() raises: the counterexample stands unclassified
        return cx
    return dataclasses.replace(cx, likeness=found.likeness, edges=found.edges, suggestion=found.suggestion)


def _lifted(cx: Counterexample, live: list[Call], judge: Judge, admits: Callable[[Call], bool] | None,
            budget_s: float) -> Counterexample | None:
    """The counterexample on its input with the live values' sign, when it has a sign edge and differs there too.
    That extra run changes nothing the verdict stands on: the judge's evidence (lines, notes, a refused
    action) is put back, and the pair runs within twice the time an input may take."""
    assert cx.inputs is not None
    try:
        lifted = edges.without_sign_edges(cx.inputs, live, judge.params)
        if lifted is None or (admits is not None and not admits(lifted)):
            return None
    except Exception:  # a value the lift or the assumption cannot read: the counterexample stands
        return None
    from .search import per_input_limit  # (imported once the search has run)
    kept = judge.evidence()
    try:
        with time_limit(2 * per_input_limit(judge.slowest_live, budget_s)):
            why, orig, cand = judge.compare(lifted)
    except (TooSlow, NotJudged):
        return None
    finally:
        judge.restore_evidence(kept)
    return judge.counterexample(lifted, orig, cand, why) if why else None


def _refused(judge: Judge) -> Failure | None:
    return Failure(f"tried {judge.refused}, which is refused during verification") if judge.refused else None


def _check(judge: Judge, passed: bool, tried: int, cx: Counterexample | None, live: int, generated: int = 0) -> Check:
    notes = tuple(sorted(judge.notes | judge.comparison_notes()))
    return Check(
        passed, tried, cx, notes=notes, live_passed=live, generated_passed=generated,
        lines_reached=tuple(sorted(judge.coverage.reached)),
        lines_executable=tuple(sorted(judge.coverage.executable)),
    )
