"""--scaling says what its n counts and flags a fit that one power of n does not describe."""
from __future__ import annotations

import numpy as np

from jupyter_optimize.measure.scaling import (
    Scaling,
    ScalingCurve,
    _curves,
    fit_r_squared,
    size_measure,
)
from jupyter_optimize.model import Call


def smooth(x, window, weights=None):
    return x


def test_n_is_named_by_the_largest_arguments_parameter():
    assert size_measure(smooth, Call((np.zeros((4, 5)), 3))) == "n = elements of x, the largest argument"
    assert size_measure(smooth, Call(([1.0], 2), {"weights": [1, 2, 3]})) == "n = items of weights, the largest argument"
    assert size_measure(smooth, Call((3, 4))) == "n = 1 (no argument has a size)"


def test_a_power_law_fits_and_a_step_does_not():
    sizes = [100, 200, 400, 800, 1600, 3200]
    assert fit_r_squared(sizes, [1e-6 * n ** 2 for n in sizes]) > 0.999
    step = [1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 5e-1]  # flat, then a cliff (a cache, a fallback path)
    assert fit_r_squared(sizes, step) < 0.9


def test_the_summary_says_what_n_is_and_flags_the_poor_fit():
    sizes = [100, 200, 400, 800, 1600, 3200]
    seconds = [[1e-6 * n, 1e-3 if n < 3200 else 5e-1] for n in sizes]
    scaling = _curves(["stepped"], sizes, seconds, "n = elements of x, the largest argument")
    summary = scaling.summary()
    assert scaling.measure == "n = elements of x, the largest argument"
    assert summary.startswith("original ~n^1.0; stepped ~n^")
    assert "stepped ~n^" in summary and "(poor fit, R² " in summary.split("stepped")[1]
    assert "poor fit" not in summary.split("stepped")[0]


def test_a_curve_made_before_r_squared_existed_is_not_flagged():
    curve = ScalingCurve("original", (1, 2), (1.0, 2.0), 1.0)
    assert not curve.poor_fit and "poor" not in Scaling(curve, (), {}).summary()
