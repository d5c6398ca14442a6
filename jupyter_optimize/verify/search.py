"""Search generated inputs for one on which the candidate differs, with hypothesis.

`check` calls `search_generated` once the live calls pass; the inputs come
from `inputs.calls_like` and each is judged by the same `judge.Judge`.

Run outside a test runner, as the hypothesis docs suggest for such use: a
directly called ``@given`` function, no example database, a fixed seed (so a
rerun gives the same verdict), no deadline, health checks off (a slow
original is the reason we are here). Hypothesis's storage goes to a
folder in the user's cache directory, so no ``.hypothesis`` folder appears in
the working directory. The original may take at most `per_input_limit` on a
generated input (a multiple of its slowest live call, never past the
budget): a slow original's inputs as large as its live ones are skipped with
a note, its smaller ones still tried, and the search costs about its budget.
When a difference is found, hypothesis shrinks the input and replays the
minimal one last: the last difference recorded is the minimal counterexample.

Inputs outside the domain the user assumed (``--assume``) are rejected with
hypothesis' own ``reject()``, so shrinking stays inside the domain too. A
difference on an input the original does not repeat itself on is skipped
(the original's nondeterminism, one note). Hypothesis' own errors (a replay
that did not reproduce, too few valid inputs) never reach the report: they
become plain notes, or nothing when a counterexample was found anyway.
"""
from __future__ import annotations

import hashlib
import math
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Call, Counterexample
from .compare import ComparisonNotes
from .describe import describe_call
from .inputs import calls_like
from .judge import Judge, NotJudged, Outcome, TooSlow, outcome_difference, run_once, time_limit
from .kinds import is_pandas_rows

SHRINK_ALLOWANCE_S = 3.0  # extra time for shrinking after the budget is spent, at most ...
SHRINK_PER_BUDGET = 2  # ... and this many budgets (a --quick budget of 0.5 s shrinks for 1 s), at least 1 s
WALL_SLACK = 3  # the budget is the child's CPU time, or its wall time / this when that is larger (it waits)
MIN_GENERATED = 5  # inputs tried (or skipped as too slow) before the budget may stop the search
SLOWER_THAN_LIVE = 20  # a generated input on which the original takes 20x its slowest live call ...
MIN_PER_INPUT_S = 0.2  # ... and at least this long is skipped; so is one on which it outlasts the whole budget


@dataclass
class SearchResult:
    tried: int = 0
    too_slow: int = 0  # generated inputs skipped: the original was far slower on them than on the live ones
    outside: int = 0  # generated inputs discarded: outside the assumed domain
    unrepeatable: list[Call] = field(default_factory=list)  # inputs the original does not repeat itself on
    distinct_passed: int = 0
    counterexample: Counterexample | None = None
    notes: list[str] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)  # why the search stopped before its inputs ran out (notes too)
    out_of_budget: bool = False  # the budget ended the search (not --examples)


class _Differs(Exception):
    pass


class _OutOfTime(Exception):
    pass


def search_generated(judge: Judge, live: list[Call], examples: int, budget_s: float, seed: int,
                     admits: Callable[[Call], bool] | None = None, drawn: list[Call] | None = None) -> SearchResult:
    """Up to *examples* generated inputs (only those *admits* accepts: the assumed domain), judged one by one;
    each input judged is appended to *drawn* when given (`replay`: the inputs drawn once for every candidate)."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
    from hypothesis import seed as fixed_seed
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(cache_directory())  # in the child only: the user's own settings stay
    result = SearchResult()
    live_prints = {fingerprint(c) for c in live}
    passed: set[str] = set()
    failures: list[Counterexample] = []
    started = clock()
    per_input = per_input_limit(judge.slowest_live, budget_s)

    @fixed_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, verbosity=Verbosity.quiet,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              phases=(Phase.generate, Phase.shrink))
    @given(calls_like(judge.original, live))
    def same_behaviour(call: Call) -> None:
        elapsed = spent(started)
        if elapsed > budget_s and not failures and had_a_chance(result, started, budget_s):
            raise _OutOfTime()  # stops the search: no more inputs are even generated
        if elapsed > budget_s + shrink_allowance(budget_s):
            return  # shrinking ran long: keep the smallest difference found so far
        if admits is not None and not admits(call):
            result.outside += 1
            reject()  # outside the assumed domain: not an input, and shrinking stays inside it too
        try:
            found, orig, cand = judge.compare(call, original_limit=per_input)
        except TooSlow:  # far slower than on the live inputs: not a useful test, skip it
            result.too_slow += 1
            reject()
        except NotJudged:  # the original was refused an action on it: outside what can be verified
            reject()
        if found and not failures and not repeatable(judge, call, orig, per_input):
            result.unrepeatable.append(call)  # the original's own doing: this input proves nothing
            reject()
        result.tried += 1
        if drawn is not None:
            drawn.append(call)
        if found:
            failures.append(judge.counterexample(call, orig, cand, found))
            raise _Differs(found)
        printed = fingerprint(call)
        if printed not in live_prints:
            passed.add(printed)

    try:
        same_behaviour()
    except (_Differs, _OutOfTime):
        pass
    except Exception as exc:  # hypothesis' own stops (Flaky mid-shrink, Unsatisfiable): said in plain words below
        if not failures and not _is_hypothesis_error(exc):  # a problem of our own input generator: say which
            result.stops.append(f"generated inputs stopped early: {type(exc).__name__}: {exc}")
        elif not failures and not (result.outside or result.too_slow):  # no plain cause to name below
            result.stops.append(f"generated inputs stopped early, after {result.tried} of them")
    result.distinct_passed = len(passed)
    result.counterexample = _minimal(judge, failures, per_input, admits)
    result.out_of_budget = spent(started) > budget_s
    result.notes += [*result.stops, *plain_notes(judge, result, examples, budget_s, per_input,
                                                 result.out_of_budget, bool(failures))]
    return result


def clock() -> tuple[float, float]:
    return time.process_time(), time.monotonic()


def spent(started: tuple[float, float]) -> float:
    """Seconds of the budget spent: the child's own CPU time, so a verdict does not depend on how many
    children share the machine (``--jobs``); its wall time / `WALL_SLACK` when larger, for functions that
    wait (sleep, read) rather than compute."""
    cpu, wall = clock()
    return max(cpu - started[0], (wall - started[1]) / WALL_SLACK)


def had_a_chance(result: SearchResult, started: tuple[float, float], budget_s: float) -> bool:
    """Whether the budget may stop the search now: after `MIN_GENERATED` inputs judged or skipped as too
    slow, so a child that spent its budget building the strategies (imports, a loaded machine) still
    tries some; or past `WALL_SLACK` x (budget + shrinking) of wall time, whatever it tried."""
    wall = time.monotonic() - started[1]
    return result.tried + result.too_slow >= MIN_GENERATED or wall > WALL_SLACK * (budget_s + shrink_allowance(budget_s))


def shrink_allowance(budget_s: float) -> float:
    """Seconds shrinking a difference may take past the budget: in proportion to it, within [1 s, 3 s]."""
    return min(SHRINK_ALLOWANCE_S, max(1.0, SHRINK_PER_BUDGET * budget_s))


def per_input_limit(slowest_live_s: float, budget_s: float) -> float:
    """Seconds the original may take on one generated input: SLOWER_THAN_LIVE x its slowest live call,
    but never past the budget (a slow original's larger inputs are skipped, its smaller ones still tried)."""
    return max(MIN_PER_INPUT_S, min(SLOWER_THAN_LIVE * slowest_live_s, budget_s))


def _is_hypothesis_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("hypothesis")


def repeatable(judge: Judge, call: Call, first: Outcome, limit: float) -> bool:
    """Does the original do the same again on *call*? (A difference found on an input the original
    itself is not repeatable on is no evidence against the candidate.)"""
    try:
        with time_limit(limit):
            again = run_once(judge.original, call, judge.seed)
    except TooSlow:
        return True  # cannot tell in time: judge the difference as found
    return outcome_difference(first, again, judge.tol, judge.params, ComparisonNotes(), judge.output) is None


def _minimal(judge: Judge, failures: list[Counterexample], limit: float,
             admits: Callable[[Call], bool] | None = None) -> Counterexample | None:
    """The smallest difference found whose input the original repeats itself on (the first one always does)."""
    for found in (failures[-1:] + failures[:1]) if failures else []:
        call = found.inputs
        if call is None:
            return crop_arrays(judge, found, admits)
        orig = run_once(judge.original, call, judge.seed)
        if repeatable(judge, call, orig, limit):
            return crop_arrays(judge, found, admits)
    return None


def plain_notes(judge: Judge, result: SearchResult, examples: int, budget_s: float, per_input: float,
                out_of_budget: bool, found: bool) -> list[str]:
    """What the reader should know about the generated inputs, in the report's words (no hypothesis terms)."""
    notes = []
    if result.unrepeatable:
        call = result.unrepeatable[0]
        described = describe_call(judge.original.__name__, call.args, call.kwargs, judge.params)
        notes.append(f"the original is not deterministic on {described} (two runs differ), so "
                     f"{len(result.unrepeatable)} such generated input(s) were skipped")
    if result.outside and result.tried == 0:
        notes.append(f"none of the {result.outside} generated inputs satisfied the assumptions, so only the "
                     "live calls were checked")
    elif result.outside > 9 * result.tried and result.tried < examples and not found:
        notes.append(f"only {result.tried} of {result.tried + result.outside} generated inputs satisfied the "
                     "assumptions")
    if result.too_slow:
        why = (f"{SLOWER_THAN_LIVE}x its slowest live call" if SLOWER_THAN_LIVE * judge.slowest_live < budget_s
               else "the --verify-budget for all generated inputs")
        notes.append(f"{result.too_slow} generated input(s) skipped: the original took over "
                     f"{per_input:.2g} s on them ({why})")
    if out_of_budget and not found:
        notes.append(f"time budget of {budget_s:g} s reached after {result.tried} generated inputs")
    return notes


def crop_arrays(judge: Judge, found: Counterexample, admits: Callable[[Call], bool] | None = None) -> Counterexample:
    """Hypothesis does not always shrink a shape it drew large. Try the
    counterexample's arrays cut down to their first 1, 2, 3, 4, 8, ...
    elements along every axis, and its DataFrames and Series to their first
    1, 2, 3, 4, 8, ... rows (values of one shape cut alike, so related
    arguments stay related), and keep the smallest cut that still differs
    (and that *admits*, the assumed domain, accepts)."""
    if found.inputs is None:
        return found
    call = found.inputs
    for shape in sorted({_shape(v) for v in _croppable(call)}, key=math.prod, reverse=True):
        for target in _smaller_shapes(shape):
            cut = _cut(call, shape, target)
            if admits is not None and not admits(cut):
                continue
            try:
                why, orig, cand = judge.compare(cut, original_limit=MIN_PER_INPUT_S)
            except (TooSlow, NotJudged):
                continue
            if why:
                call, found = cut, judge.counterexample(cut, orig, cand, why)
                break
    return found


def _shape(value: Any) -> tuple[int, ...]:
    """An array's shape; a frame's or Series' row count alone (its columns are its schema, never cut)."""
    return (len(value),) if is_pandas_rows(value) else tuple(value.shape)


def _croppable(call: Call) -> list[Any]:
    values = (*call.args, *call.kwargs.values())
    arrays = [v for v in values if isinstance(v, np.ndarray) and v.ndim and v.size > 1]
    return arrays + [v for v in values if is_pandas_rows(v) and len(v) > 1]


def _smaller_shapes(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    out = []
    for k in (1, 2, 3, 4, 8, 16, 32, 64):
        target = tuple(min(k, d) for d in shape)
        if target != shape and target not in out:
            out.append(target)
    return out


def _cut(call: Call, shape: tuple[int, ...], target: tuple[int, ...]) -> Call:
    window = tuple(slice(0, n) for n in target)

    def cut(v: Any) -> Any:
        if isinstance(v, np.ndarray) and v.shape == shape:
            return v[window].copy()
        if is_pandas_rows(v) and (len(v),) == shape:
            return v.iloc[: target[0]].copy()
        return v

    return Call(tuple(cut(v) for v in call.args), {k: cut(v) for k, v in call.kwargs.items()}, call.origin)


def cache_directory() -> str:
    """Hypothesis's caches (constants found in local modules, the unicode
    table), kept across runs so each child does not rebuild them."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "jupyter-optimize", "hypothesis")


def fingerprint(call: Call) -> str:
    try:
        data = pickle.dumps((call.args, call.kwargs))
    except Exception:
        data = repr((call.args, call.kwargs)).encode()
    return hashlib.sha1(data).hexdigest()
