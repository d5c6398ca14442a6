"""Timing samples: warm-up, calibrated loop counts, interleaved rounds.

`measure` runs inside a sandbox child. One sample of a function is the time
of one pass over all live calls, averaged over a calibrated number of loops
so each timed block is far above the clock's resolution. Rounds visit the
functions in a fresh random order, so slow drift hits them all alike.
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
from .stats import relative_halfwidth, required_gain, speedup_interval, spread_warnings

TARGET_SAMPLE_S = 0.004  # each timed block: ~4 ms, >1000x perf_counter's resolution
MIN_ROUNDS = 10
MAX_ROUNDS = 400
TARGET_HALFWIDTH = 0.02  # stop early once every interval is within about +-2%


@dataclass(frozen=True)
class Samples:
    per_function: tuple[tuple[float, ...], ...]  # seconds per pass over the calls
    loops: tuple[int, ...]
    first_call: tuple[float, ...]  # the very first (cold) pass of each


def measure(funcs: list[Callable[..., object]], calls: list[Call], budget_s: float, fresh_args: bool,
            seed: int = 0, confidence: float = 0.95) -> Samples:
    """Samples for funcs[0] (the original) and each other function, interleaved."""
    rng = random.Random(seed)
    first = [_time_pass(f, calls, 1, fresh_args) for f in funcs]  # warm-up, cold
    once = [min(_time_pass(f, calls, 1, fresh_args) for _ in range(2)) for f in funcs]
    loops = [max(1, math.ceil(TARGET_SAMPLE_S / max(t, 1e-9))) for t in once]
    samples: list[list[float]] = [[] for _ in funcs]
    deadline = time.perf_counter() + budget_s
    order = list(range(len(funcs)))
    for rounds in range(1, MAX_ROUNDS + 1):
        rng.shuffle(order)
        for i in order:
            samples[i].append(_time_pass(funcs[i], calls, loops[i], fresh_args))
        if rounds >= MIN_ROUNDS and (time.perf_counter() > deadline or _narrow(samples, confidence)):
            break
    return Samples(tuple(map(tuple, samples)), tuple(loops), tuple(first))


def _narrow(samples: list[list[float]], confidence: float) -> bool:
    if len(samples[0]) % 10:  # the check costs O(n^2): do it every 10 rounds
        return False
    return all(
        relative_halfwidth(speedup_interval(samples[0], s, confidence)) < TARGET_HALFWIDTH
        for s in samples[1:]
    )


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
    orig, mine = list(samples.per_function[0]), list(samples.per_function[k])
    ratio = speedup_interval(orig, mine, options.confidence)
    per_call = float(sorted(orig)[len(orig) // 2]) / n_calls
    gain = required_gain(options.min_gain, per_call)
    warnings = spread_warnings(orig, samples.first_call[0], "original")
    warnings += spread_warnings(mine, samples.first_call[k], name)
    return Timing(tuple(orig), tuple(mine), samples.loops[k], samples.loops[0], ratio.speedup,
                  (ratio.low, ratio.high), gain, tuple(warnings))
