"""How cost grows with input size.

Live calls are scaled by a factor on their total size: every array grows (or
shrinks) along all its axes so its element count changes by about the
factor, filled by tiling the live data (real values, not noise); lists,
tuples and strings are repeated or cut the same way; scalars stay as they
are. Arrays that share a live shape keep sharing their scaled shape, since
the new shape depends only on the old one. The exponent is the least-squares
slope of log time against log size; its R² says how well one power of n
describes the times, and a poor fit is flagged in the summary. The summary
also says what n is: the elements (or items) of the largest argument.
"""
from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Call
from .timing import time_per_call

FACTORS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
EXTRAPOLATE_AT_MOST = 100  # times the largest size tried
MAX_SECONDS_PER_CALL = 0.5  # stop growing once the original takes this long
POOR_FIT_R2 = 0.9  # below this, "~n^k" describes the times badly: said so


@dataclass(frozen=True)
class ScalingCurve:
    name: str
    sizes: tuple[int, ...]
    seconds: tuple[float, ...]  # per call, at each size
    exponent: float
    r_squared: float = math.nan  # of the log-log fit: near 1 when one power of n describes the times

    @property
    def poor_fit(self) -> bool:
        return not math.isnan(self.r_squared) and self.r_squared < POOR_FIT_R2


@dataclass(frozen=True)
class Scaling:
    original: ScalingCurve
    candidates: tuple[ScalingCurve, ...]
    stops_winning: dict[str, int | None]  # candidate name -> the smallest size where it is not faster, or None
    measure: str = ""  # what n counts: "n = elements of img, the largest argument"; the report says it

    def summary(self) -> str:
        parts = [f"original ~n^{exponent_text(self.original.exponent)}{_fit_warning(self.original)}"]
        for curve in self.candidates:
            loses = self.stops_winning.get(curve.name)
            if loses is not None:
                where = f", stops winning at n={loses}"
            else:
                cross = crossover(self.original, curve)
                where = f", would stop winning near n={cross:.3g} (extrapolated)" if cross else ", wins at every size tried"
            parts.append(f"{curve.name} ~n^{exponent_text(curve.exponent)}{_fit_warning(curve)}{where}")
        return "; ".join(parts)


def _fit_warning(curve: ScalingCurve) -> str:
    if not curve.poor_fit:
        return ""
    return f" (poor fit, R² {curve.r_squared:.2f}: the times do not follow one power of n)"


def exponent_text(exponent: float) -> str:
    """'1.0', never '-0.0'."""
    return f"{round(exponent, 1) + 0.0:.1f}"


def scale_call(call: Call, factor: float) -> Call:
    return Call(tuple(scale_value(a, factor) for a in call.args),
                {k: scale_value(v, factor) for k, v in call.kwargs.items()}, origin="scaled")


def scale_value(value: Any, factor: float) -> Any:
    if isinstance(value, np.ndarray) and value.ndim and value.size:
        per_axis = factor ** (1 / value.ndim)
        shape = tuple(max(1, round(d * per_axis)) for d in value.shape)
        reps = tuple(math.ceil(n / d) for n, d in zip(shape, value.shape))
        return np.tile(value, reps)[tuple(slice(0, n) for n in shape)].copy()
    if isinstance(value, (list, tuple, str)) and len(value):
        n = max(1, round(len(value) * factor))
        return (value * math.ceil(n / len(value)))[:n]
    return value


def input_size(call: Call) -> int:
    """The size of the largest argument: elements of an array, length of a sequence."""
    sizes = [_size(v) for v in (*call.args, *call.kwargs.values())]
    return max(sizes, default=1) or 1


def size_measure(func: Callable[..., object], call: Call) -> str:
    """'n = elements of img': what `input_size` counts, named by the argument's parameter."""
    try:
        bound = inspect.signature(func).bind(*call.args, **call.kwargs).arguments
    except (TypeError, ValueError):
        bound = {f"argument {i + 1}": v for i, v in enumerate((*call.args, *call.kwargs.values()))}
    sized = [(name, value) for name, value in bound.items() if _size(value)]
    if not sized:
        return "n = 1 (no argument has a size)"
    name, value = max(sized, key=lambda item: _size(item[1]))
    unit = ("elements" if isinstance(value, np.ndarray) else "characters" if isinstance(value, str)
            else "items")
    return f"n = {unit} of {name}, the largest argument"


def _size(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return value.size
    if isinstance(value, (list, tuple, str, dict)):
        return len(value)
    return 0


def fit_exponent(sizes: list[int] | tuple[int, ...], seconds: list[float] | tuple[float, ...]) -> float:
    x = np.log(np.asarray(sizes, float))
    y = np.log(np.maximum(np.asarray(seconds, float), 1e-12))
    if len(set(sizes)) < 2:
        return math.nan
    slope, _ = np.polyfit(x, y, 1)
    return float(slope)


def fit_r_squared(sizes: list[int] | tuple[int, ...], seconds: list[float] | tuple[float, ...]) -> float:
    """R² of the straight line through log time against log size (nan with fewer than 3 sizes)."""
    if len(set(sizes)) < 3:
        return math.nan
    x = np.log(np.asarray(sizes, float))
    y = np.log(np.maximum(np.asarray(seconds, float), 1e-12))
    slope, intercept = np.polyfit(x, y, 1)
    spread = float(np.sum((y - y.mean()) ** 2))
    if spread == 0.0:
        return 1.0
    return 1.0 - float(np.sum((y - (slope * x + intercept)) ** 2)) / spread


def crossover(original: ScalingCurve, candidate: ScalingCurve) -> float | None:
    """Where the fitted power laws meet beyond the sizes tried, if they do."""
    if not candidate.exponent > original.exponent or len(original.sizes) < 2:
        return None
    x = np.log(np.asarray(original.sizes, float))
    b_o, a_o = np.polyfit(x, np.log(original.seconds), 1)
    b_c, a_c = np.polyfit(x, np.log(candidate.seconds), 1)
    log_n = (a_o - a_c) / (b_c - b_o)
    if not x[-1] < log_n < x[-1] + math.log(EXTRAPOLATE_AT_MOST):
        return None  # inside the sizes tried, or too far out to say
    return float(math.exp(log_n))


def stops_winning(original: ScalingCurve, candidate: ScalingCurve, margin: float = 1.0) -> int | None:
    """The smallest size at which the candidate is no faster than the original."""
    for size, t_orig, t_cand in zip(original.sizes, original.seconds, candidate.seconds):
        if t_cand * margin >= t_orig:
            return size
    return None


def measure_scaling(funcs: list[Callable[..., object]], names: list[str], calls: list[Call], fresh_args: bool,
                    budget_s: float) -> Scaling:
    """Time funcs[0] (the original) and the others on scaled copies of *calls*.

    Runs in a sandbox child. Sizes grow until the original gets slow or the
    budget is spent; shrunken sizes come first so small inputs are covered.
    """
    started = time.perf_counter()
    sizes: list[int] = []
    seconds: list[list[float]] = []
    for factor in FACTORS:
        scaled = [scale_call(c, factor) for c in calls]
        size = input_size(scaled[0])
        if sizes and size == sizes[-1]:
            continue
        per_call = time_per_call(funcs, scaled, fresh_args, repeats=3)
        sizes.append(size)
        seconds.append(per_call)
        if per_call[0] > MAX_SECONDS_PER_CALL or time.perf_counter() - started > budget_s:
            break
    return _curves(names, sizes, seconds, size_measure(funcs[0], calls[0]))


def _curves(names: list[str], sizes: list[int], seconds: list[list[float]], measure: str = "") -> Scaling:
    def curve(k: int, name: str) -> ScalingCurve:
        times = tuple(row[k] for row in seconds)
        return ScalingCurve(name, tuple(sizes), times, fit_exponent(sizes, times), fit_r_squared(sizes, times))

    original = curve(0, "original")
    candidates = tuple(curve(k + 1, name) for k, name in enumerate(names))
    return Scaling(original, candidates, {c.name: stops_winning(original, c) for c in candidates}, measure)
