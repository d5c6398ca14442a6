"""Speedup from paired, interleaved timing samples, with a robust interval.

Each benchmark round times the original and the candidate back to back (in
random order), so drift on a noisy machine hits both. Per round we take the
log ratio d = ln(t_original / t_candidate). The speedup is exp of the
Hodges-Lehmann estimate of the centre of the d's (median of the Walsh
averages), and its interval comes from the Wilcoxon signed-rank statistic
(normal approximation): distribution-free, and it does not fall over when a
few rounds are hit by a burst of load the way a t-test on means does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

MICROSECOND_SCALE_S = 10e-6  # below this per call, demand a larger gain
MICRO_MIN_GAIN = 0.15


@dataclass(frozen=True)
class Ratio:
    speedup: float
    low: float
    high: float
    n: int


def speedup_interval(original: list[float] | np.ndarray, candidate: list[float] | np.ndarray,
                     confidence: float = 0.95) -> Ratio:
    d = np.log(np.asarray(original, float)) - np.log(np.asarray(candidate, float))
    centre, low, high = hodges_lehmann(d, confidence)
    return Ratio(math.exp(centre), math.exp(low), math.exp(high), len(d))


def hodges_lehmann(d: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Estimate and interval of the centre of a symmetric distribution of *d*."""
    n = len(d)
    if n == 0:
        return math.nan, math.nan, math.nan
    i, j = np.triu_indices(n)
    walsh = np.sort((d[i] + d[j]) / 2.0)
    m = len(walsh)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    k = int(math.floor(m / 2 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    k = max(k, 0)
    return float(np.median(walsh)), float(walsh[k]), float(walsh[m - 1 - k])


def required_gain(min_gain: float, original_seconds_per_call: float) -> float:
    """Functions of a few microseconds are timed far from how they run in real
    code (caches, call overhead), so they must clear a larger floor."""
    if original_seconds_per_call < MICROSECOND_SCALE_S:
        return max(min_gain, MICRO_MIN_GAIN)
    return min_gain


def is_faster(ci_low: float, gain: float) -> bool:
    """Faster only when the whole interval clears the minimum gain."""
    return ci_low > 1.0 + gain


def relative_halfwidth(ratio: Ratio) -> float:
    return (math.log(ratio.high) - math.log(ratio.low)) / 2 if ratio.n else math.inf


def spread_warnings(samples: list[float] | np.ndarray, first: float | None, who: str) -> list[str]:
    """pyperf-style instability hints for one function's samples."""
    x = np.asarray(samples, float)
    if len(x) < 3:
        return [f"{who}: only {len(x)} samples; the interval is wide"]
    out = []
    median = float(np.median(x))
    q1, q3 = np.percentile(x, [25, 75])
    if median > 0 and (q3 - q1) / median > 0.10:
        out.append(f"{who}: samples spread by {100 * (q3 - q1) / median:.0f}% (IQR/median); the machine is noisy")
    if first is not None and median > 0 and first > 3 * median:
        out.append(f"{who}: the first call was {first / median:.0f}x slower than the rest (caching or compilation?)")
    return out
