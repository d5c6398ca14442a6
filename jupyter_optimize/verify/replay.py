"""Generated inputs drawn once for all candidates, and each candidate judged on them in turn.

Drawing the inputs is most of what verifying a candidate costs (hypothesis'
engine and the strategies: about four fifths of a child's time on the demo),
and which inputs the search draws does not depend on the candidate while the
candidate behaves like the original: the seed is fixed, and which inputs are
skipped (outside the assumptions, too slow, refused) is the original's doing.
So `draw` runs the search once with the original alone, in a child of its
own, and records the inputs it judged; `replay` judges a candidate on them in
the same order, within the same budget. On a difference `check` searches that
candidate as before (`search.search_generated`, from the globals as they were):
the search draws the same inputs up to that one and shrinks it, so the
counterexample is the one the search alone gives.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Call
from .compare import Tolerance
from .judge import Judge, NotJudged, Outcome, TooSlow, run_once, time_limit
from .stream import Stream, Streamed, Writer

if TYPE_CHECKING:
    from .search import SearchResult


@dataclass(frozen=True)
class Drawn:
    """The generated inputs the original was judged on, in the order the search drew them."""

    calls: tuple[Call, ...]
    prints: tuple[str, ...]  # each call's fingerprint (distinct inputs are counted by it)
    too_slow: int  # inputs skipped: the original was far slower on them than on the live calls
    outside: int  # inputs discarded: outside the assumptions
    out_of_budget: bool  # the budget stopped the search, not --examples
    stops: tuple[str, ...]  # why the search stopped early, when it did


class _OriginalAlone(Judge):
    """The search's judge without a candidate: the original runs once on each input, and nothing differs."""

    def compare(self, call: Call, original_limit: float | None = None) -> tuple[str | None, Outcome, Outcome]:
        with time_limit(original_limit):
            orig = run_once(self.original, call, self.seed)
        if call.origin == "live":
            self.slowest_live = max(self.slowest_live, orig.seconds)
        if orig.refusals:
            self._refused_original(call, orig.refusals[0])
        return None, orig, orig


def draw(original: Callable[..., object], live: list[Call], tol: Tolerance, seed: int | None, examples: int,
         budget_s: float, hypothesis_seed: int = 0, admits: Callable[[Call], bool] | None = None,
         stream: str | None = None) -> Drawn:
    """The inputs `search_generated` judges when no candidate differs (run in a child: it runs the original);
    each also appended to the file *stream* as it is judged, when given (`stream`)."""
    from .search import fingerprint, search_generated  # hypothesis: in the child only (the kernel reads a Drawn)
    judge = _OriginalAlone(original, original, tol, seed, trace_live=False)
    for call in live:  # the slowest live call bounds the original's time on a generated input
        try:
            judge.compare(call)
        except NotJudged:
            continue
    calls: list[Call] = [] if stream is None else Streamed(Writer(stream), fingerprint)
    try:
        search = search_generated(judge, live, examples, budget_s, hypothesis_seed, admits, calls)
    finally:
        if isinstance(calls, Streamed):
            calls.close()
    prints = calls.prints if isinstance(calls, Streamed) else [fingerprint(c) for c in calls]
    return Drawn(tuple(calls), tuple(prints), search.too_slow, search.outside, search.out_of_budget,
                 tuple(search.stops))


@dataclass(frozen=True)
class Differed:
    """The first drawn input the candidate differs on, as the replay judged it."""

    call: Call
    why: str
    original: Outcome
    candidate: Outcome


def replay(judge: Judge, drawn: Drawn | Stream, live: list[Call], examples: int,
           budget_s: float) -> SearchResult | Differed:
    """The candidate judged on the drawn inputs in order, as the search judges it (each input under the
    seeds hypothesis gives the global random generators); on the first difference, that input (the caller
    then searches, to find and shrink it as the search would, and keeps this one should the search stop
    before it: replaying costs less per input than searching, so it gets further within the budget).
    From a `Stream`, each input as it is drawn (the time waiting for one is not spent from the budget);
    `DrawFailed` when the draw fails."""
    from .search import SearchResult, clock, fingerprint, had_a_chance, per_input_limit, plain_notes, spent
    result = SearchResult()
    live_prints = {fingerprint(c) for c in live}
    passed: set[str] = set()
    started = clock()
    per_input = per_input_limit(judge.slowest_live, budget_s)
    out_of_budget = False

    def waited(seconds: float) -> None:
        nonlocal started
        started = (started[0], started[1] + seconds)

    inputs = drawn.inputs(waited) if isinstance(drawn, Stream) else zip(drawn.calls, drawn.prints)
    for call, printed in inputs:
        if spent(started) > budget_s and had_a_chance(result, started, budget_s):
            out_of_budget = True
            break
        try:
            with _seeded_as_hypothesis_does():
                found, orig, cand = judge.compare(call, original_limit=per_input)
        except TooSlow:  # slower this time than when drawn: skipped, as the search skips it
            result.too_slow += 1
            continue
        except NotJudged:
            continue
        if found:
            return Differed(call, found, orig, cand)
        result.tried += 1
        if printed not in live_prints:
            passed.add(printed)
    whole = drawn.summary() if isinstance(drawn, Stream) else drawn  # what the draw skipped, and why it stopped
    result.too_slow += whole.too_slow
    result.outside = whole.outside
    out_of_budget = out_of_budget or whole.out_of_budget
    result.distinct_passed = len(passed)
    result.notes = [*whole.stops, *plain_notes(judge, result, examples, budget_s, per_input, out_of_budget, False)]
    return result


def kept(judge: Judge, differed: Differed, search: SearchResult, judged: list[Call], budget_s: float,
         admits: Callable[[Call], bool] | None = None) -> SearchResult:
    """*search* (which judged the inputs *judged*, in order), when it stopped before the input the replay
    differed on: that difference is its counterexample (cut down as the search cuts one), unless the original
    does not repeat itself on the input. An input the search judged was judged by it: it passed there, or was
    set aside as the original's own nondeterminism."""
    from .search import crop_arrays, fingerprint, per_input_limit, repeatable
    printed = fingerprint(differed.call)
    if search.counterexample is not None or printed in {fingerprint(c) for c in (*judged, *search.unrepeatable)}:
        return search
    with _seeded_as_hypothesis_does():
        again = repeatable(judge, differed.call, differed.original, per_input_limit(judge.slowest_live, budget_s))
    if not again:
        return search
    found = judge.counterexample(differed.call, differed.original, differed.candidate, differed.why)
    search.counterexample = crop_arrays(judge, found, admits)
    search.tried += 1
    return search


def _seeded_as_hypothesis_does() -> AbstractContextManager[None]:
    """The global random generators seeded as hypothesis seeds them for each input it runs: its own way
    (an internal of hypothesis), or, should a release move it, random's and numpy's seeded with 0 and
    put back after."""
    try:
        from hypothesis.internal.entropy import deterministic_PRNG
    except ImportError:
        return _seeded_zero()
    return deterministic_PRNG()


@contextmanager
def _seeded_zero() -> Iterator[None]:
    import random

    import numpy as np

    states = random.getstate(), np.random.get_state()
    random.seed(0)
    np.random.seed(0)
    try:
        yield
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
