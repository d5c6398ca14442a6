"""Timing samples: warm-up, calibrated loop counts, interleaved rounds.

`measure` runs inside a sandbox child. One sample of a function is the time
of one pass over all live calls, averaged over a calibrated number of loops
so each timed block is far above the clock's resolution. Rounds visit the
functions in a fresh random order, so slow drift hits them all alike.

The budget bounds the rounds for any function: at least `MIN_ROUNDS` while
they fit in it, never fewer than `FEWEST_ROUNDS`, then stop once it is spent
(`summarize` then warns that the interval is wide). A function whose cold
pass already takes `NO_CALIBRATION_S` is not calibrated (one loop per sample,
no extra passes), and an original known to be that slow (from the study)
gets no warm-up pass either: its first round is its first call. Should a first round turn out far faster than the cold
pass (a compile on the first call), it is calibrated then and the round
timed again.

A slow original (one whose MIN_ROUNDS passes do not fit in the budget) may
bring *prior* samples: passes over the live calls the study timed, one loop
each, while nothing else ran. They are its first rounds here, so the
benchmark runs it only as often as the rounds still missing need (the
report's timing warnings say so). A round is not started once the fewest
rounds are in and its expected time would run past the budget.

A candidate stops being timed once its verdict is settled (`settled`, looked
at every ten rounds from `MIN_ROUNDS` on): its interval is narrow (about
+-2%; +-5% once it is faster beyond doubt: more rounds would move the
figure, not the verdict), or lies wholly below the gain a faster verdict
needs (it cannot be called faster), or it lies wholly below the interval of
a candidate faster beyond doubt (it is not the best, whatever its own
verdict: one near the gain would otherwise be timed to the end of the
budget; its verdict then says it was outpaced, `Samples.outpaced`).
Its samples are then its rounds so far, paired with the original's same
rounds; the original and the unsettled candidates go on, each round cheaper.
"""
from __future__ import annotations

import copy
import gc
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Call, Timing
from ..options import Options
from .stats import is_faster, relative_halfwidth, required_gain, speedup_interval, spread_warnings

TARGET_SAMPLE_S = 0.004  # each timed block: ~4 ms, >1000x perf_counter's resolution
MIN_ROUNDS = 10  # rounds at the least, while they fit in the budget
FEWEST_ROUNDS = 3  # ... and however long a round takes
QUICK_FEWEST_ROUNDS = 2  # ... under --quick (a first look: its interval is wider)
MAX_ROUNDS = 400
SETTLE_EVERY = 10  # rounds between looks at the intervals (each look sorts O(n^2) Walsh averages)
NO_CALIBRATION_S = 25 * TARGET_SAMPLE_S  # a cold pass this long: one loop per sample, no calibration passes
TARGET_HALFWIDTH = 0.02  # stop early once every interval is within about +-2% ...
FASTER_HALFWIDTH = 0.05  # ... or +-5% for one whose interval clears the gain by 5% more


@dataclass(frozen=True)
class Samples:
    per_function: tuple[tuple[float, ...], ...]  # seconds per pass over the calls
    loops: tuple[int, ...]
    first_call: tuple[float, ...]  # the very first (cold) pass of each
    prior_rounds: int = 0  # the original's first rounds that are the study's passes (not timed here)
    outpaced: frozenset[int] = frozenset()  # candidates not faster yet, stopped below a faster one's interval

    @property
    def pass_seconds(self) -> tuple[float, ...]:
        """Each function's median sample: seconds per pass over the calls."""
        return tuple(sorted(s)[len(s) // 2] if s else 0.0 for s in self.per_function)


def measure(funcs: list[Callable[..., object]], calls: list[Call], budget_s: float, fresh_args: bool,
            seed: int = 0, confidence: float = 0.95, original_pass_s: float = 0.0,
            prior: tuple[float, ...] = (), fewest: int = FEWEST_ROUNDS, min_gain: float = 0.0) -> Samples:
    """Samples for funcs[0] (the original; *original_pass_s*: its pass as the study measured it, *prior*:
    the study's clean passes) and each other function, interleaved; at least *fewest* rounds. A candidate
    whose verdict against the `required_gain` of *min_gain* is settled stops being timed (`settled`)."""
    rng = random.Random(seed)
    known = original_pass_s >= NO_CALIBRATION_S
    reused = list(prior) if known and original_pass_s * MIN_ROUNDS > budget_s else []
    first = [original_pass_s if known and i == 0 else _time_pass(f, calls, 1, fresh_args)  # warm-up, cold
             for i, f in enumerate(funcs)]
    loops = [1 if t >= NO_CALIBRATION_S else _loops(f, calls, fresh_args) for f, t in zip(funcs, first)]
    samples: list[list[float]] = [[] for _ in funcs]
    deadline = time.perf_counter() + budget_s
    active = list(range(len(funcs)))  # the original, and the candidates not settled yet
    outpaced: set[int] = set()
    rounds = 0
    while rounds < MAX_ROUNDS:
        if rounds >= fewest and time.perf_counter() + _round_cost(samples, loops, active, rounds, reused) > deadline:
            break  # the next round would run past the budget
        order = list(active)
        rng.shuffle(order)
        for i in order:
            reuse = i == 0 and rounds < len(reused)
            samples[i].append(reused[rounds] if reuse else _time_pass(funcs[i], calls, loops[i], fresh_args))
        rounds += 1
        if rounds == 1 and _recalibrate(samples, loops):
            samples, rounds = [[] for _ in funcs], 0  # time the round again with the new loop counts
            continue
        if rounds >= fewest and time.perf_counter() > deadline:
            break  # past the budget with the fewest rounds in
        if rounds >= MIN_ROUNDS and rounds % SETTLE_EVERY == 0:
            gain = required_gain(min_gain, _median(samples[0]) / max(1, len(calls)))
            stops = _stops([samples[i] for i in active[1:]], samples[0][:rounds], confidence, gain)
            outpaced |= {i for i, stop in zip(active[1:], stops) if stop == OUTPACED}
            active = [0] + [i for i, stop in zip(active[1:], stops) if not stop]
            if len(active) == 1:
                break
    if known:
        first[0] = samples[0][0]  # the original's first call here was its first round
    return Samples(tuple(map(tuple, samples)), tuple(loops), tuple(first), min(rounds, len(reused)),
                   frozenset(outpaced))


def settled(candidates: list[list[float]], original: list[float], confidence: float, gain: float) -> list[bool]:
    """For each candidate (its samples paired with the original's), whether more rounds would not change
    its verdict enough to matter (`_stops`)."""
    return [bool(stop) for stop in _stops(candidates, original, confidence, gain)]


SETTLED, OUTPACED = "settled", "outpaced"


def _stops(candidates: list[list[float]], original: list[float], confidence: float, gain: float) -> list[str]:
    """For each candidate, why its timing stops ("" while it goes on): SETTLED when its interval is within
    about +-2% (`TARGET_HALFWIDTH`), or within about +-5% (`FASTER_HALFWIDTH`) while clearing the gain by
    as much again (faster beyond doubt: stopping at the first look that clears the gain would call a
    candidate just below it faster more often), or it lies wholly below `1 + gain` (not faster, whatever
    the centre), or it is faster and wholly below another faster one's (not the best); OUTPACED when it
    is not faster yet but lies wholly below the interval of one faster beyond doubt: more rounds might
    still show it faster, but not the best, and one near the gain would be timed to the end of the budget."""
    ratios = [speedup_interval(original[:len(mine)], mine, confidence) for mine in candidates]
    fastest_low = max((r.low for r in ratios if is_faster(r.low, gain)), default=0.0)  # 0: none is faster
    out = []
    for r in ratios:
        narrow = relative_halfwidth(r) < TARGET_HALFWIDTH or r.high < 1.0 + gain or (
            relative_halfwidth(r) < FASTER_HALFWIDTH and r.low > (1.0 + gain) * (1.0 + FASTER_HALFWIDTH))
        if narrow or (r.high < fastest_low and is_faster(r.low, gain)):
            out.append(SETTLED)
        elif r.high < fastest_low:
            out.append(OUTPACED)
        else:
            out.append("")
    return out


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else 0.0


def fewest_rounds(options: Options) -> int:
    """The rounds a benchmark has however slow the functions are: fewer under --quick."""
    return QUICK_FEWEST_ROUNDS if options.quick else FEWEST_ROUNDS


def _round_cost(samples: list[list[float]], loops: list[int], active: list[int], rounds: int,
                reused: list[float]) -> float:
    """Seconds the next round should take, from each timed function's latest sample (a reused one costs nothing)."""
    return sum(samples[i][-1] * loops[i] for i in active if samples[i] and not (i == 0 and rounds < len(reused)))


def _loops(func: Callable[..., object], calls: list[Call], fresh_args: bool) -> int:
    """Loops per sample so one sample lasts about TARGET_SAMPLE_S, from the best of two passes."""
    once = min(_time_pass(func, calls, 1, fresh_args) for _ in range(2))
    return _loops_for(once)


def _loops_for(seconds: float) -> int:
    return max(1, math.ceil(TARGET_SAMPLE_S / max(seconds, 1e-9)))


def _recalibrate(samples: list[list[float]], loops: list[int]) -> bool:
    """After the first round: an uncalibrated function that ran far below the target sample time
    (its cold pass was slow, its warm one is not) gets its loops now; True when any did."""
    changed = False
    for i, timed in enumerate(samples):
        if loops[i] == 1 and timed[0] < TARGET_SAMPLE_S / 2:
            loops[i], changed = _loops_for(timed[0]), True
    return changed


def _time_pass(func: Callable[..., object], calls: list[Call], loops: int, fresh_args: bool) -> float:
    """Seconds for one pass over *calls*, averaged over *loops* passes."""
    if fresh_args:  # the function changes its arguments: copy outside the clock
        batches = [copy.deepcopy([(c.args, c.kwargs) for c in calls]) for _ in range(loops)]
    else:
        batches = [[(c.args, c.kwargs) for c in calls]] * loops
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        for batch in batches:
            for args, kwargs in batch:
                try:
                    func(*args, **kwargs)
                except Exception:  # verified to raise the same way as the original
                    pass
        elapsed = time.perf_counter() - started
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed / loops


def time_per_call(funcs: list[Callable[..., object]], calls: list[Call], fresh_args: bool, repeats: int = 5) -> list[float]:
    """Best of a few calibrated samples for each function, in seconds per call."""
    once = [_time_pass(f, calls, 1, fresh_args) for f in funcs]
    loops = [max(1, math.ceil(TARGET_SAMPLE_S / max(t, 1e-9))) for t in once]
    best = [min(_time_pass(f, calls, n, fresh_args) for _ in range(repeats)) for f, n in zip(funcs, loops)]
    return [t / len(calls) for t in best]


def summarize(samples: Samples, k: int, name: str, n_calls: int, options: Options) -> Timing:
    """Function *k*'s samples against the original's (function 0): the speedup, its interval,
    the gain it must clear, and warnings about unstable samples."""
    mine = list(samples.per_function[k])
    orig = list(samples.per_function[0][:len(mine)])  # the rounds they shared (a settled candidate left early)
    ratio = speedup_interval(orig, mine, options.confidence)
    per_call = float(sorted(orig)[len(orig) // 2]) / n_calls
    gain = required_gain(options.min_gain, per_call)
    warnings = few_rounds_warning(len(orig), options.time_budget)
    if samples.prior_rounds:
        warnings.append(f"the original's first {samples.prior_rounds} of {len(orig)} rounds are its passes in the "
                        "study (one loop each, nothing else running), not timed again here: it is that slow")
    warnings += spread_warnings(orig, samples.first_call[0], "original")
    warnings += spread_warnings(mine, samples.first_call[k], name)
    return Timing(tuple(orig), tuple(mine), samples.loops[k], samples.loops[0], ratio.speedup,
                  (ratio.low, ratio.high), gain, tuple(warnings), outpaced=k in samples.outpaced)


def few_rounds_warning(rounds: int, budget_s: float) -> list[str]:
    """When the budget allowed fewer than MIN_ROUNDS: how many, and that the interval is wide."""
    if rounds >= MIN_ROUNDS:
        return []
    return [f"only {rounds} rounds fit in the {budget_s:g} s --time-budget, so the interval is wide "
            "(rough, from few samples); a larger --time-budget gives more rounds"]
