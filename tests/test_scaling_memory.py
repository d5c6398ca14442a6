"""Scaling inputs, fitting exponents, peak memory, quick mode, stage times."""
import math

import numpy as np
import pytest

from jupyter_optimize import optimize
from jupyter_optimize.measure.scaling import (
    ScalingCurve,
    crossover,
    fit_exponent,
    input_size,
    scale_call,
    scale_value,
    stops_winning,
)
from jupyter_optimize.model import Call
from jupyter_optimize.options import Options

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing


def test_arrays_scale_by_element_count_with_live_data_and_related_shapes_stay_equal():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    mask = img % 2 == 0
    call = scale_call(Call((img, mask, 7), {"name": "abc"}), 4.0)
    big, big_mask, n = call.args
    assert big.shape == (6, 8) and big.dtype == np.uint8 and big_mask.shape == big.shape
    assert (big[:3, :4] == img).all() and (big[3:, 4:] == img).all()  # tiled real data
    assert n == 7 and call.kwargs == {"name": "abcabcabcabc"}
    small = scale_value(img, 0.25)
    assert small.shape == (2, 2) and (small == img[:2, :2]).all()
    assert scale_value([1, 2, 3], 2.0) == [1, 2, 3, 1, 2, 3]
    assert scale_value((1, 2), 0.5) == (1,)
    assert input_size(call) == 48


def test_exponent_fit_and_where_a_candidate_stops_winning():
    sizes = [100, 200, 400, 800]
    quadratic = [1e-9 * n**2 for n in sizes]
    linear = [4e-8 * n for n in sizes]
    assert fit_exponent(sizes, quadratic) == pytest.approx(2.0)
    assert fit_exponent(sizes, linear) == pytest.approx(1.0)
    original = ScalingCurve("original", tuple(sizes), tuple(linear), 1.0)
    candidate = ScalingCurve("c", tuple(sizes), tuple(quadratic), 2.0)
    assert stops_winning(original, candidate) == 100  # slower from the start here
    later = ScalingCurve("c", tuple(sizes), tuple(t / 100 for t in quadratic), 2.0)
    assert stops_winning(original, later) is None
    assert crossover(original, later) == pytest.approx(4000, rel=1e-6)
    far = ScalingCurve("c", tuple(sizes), tuple(t / 1e6 for t in quadratic), 2.0)
    assert crossover(original, far) is None  # 4e7: too far beyond the sizes tried to say
    assert math.isnan(fit_exponent([5, 5], [1.0, 2.0]))


def test_report_has_peak_memory_and_scaling_curves():
    def pairwise_sum(xs):
        total = 0.0
        for x in xs:
            for y in xs:
                total += x * y
        return total

    def via_outer(xs):
        a = np.asarray(xs, dtype=float)
        return float(np.outer(a, a).sum())  # fast, but allocates n*n floats

    calls = [(([float(i % 13) for i in range(300)],), {})]
    report = optimize(pairwise_sum, calls, candidates=[via_outer], scaling=True, time_budget=1.0, rtol=1e-9)
    (r,) = report.results
    assert r.verdict == "faster", r.reason
    assert r.peak_memory >= 300 * 300 * 8 > report.original_peak_memory
    curves = report.scaling
    assert curves is not None and len(curves.original.sizes) >= 3
    assert list(curves.original.sizes) == sorted(curves.original.sizes)
    assert curves.candidates[0].name == "via_outer" and "original ~n^" in curves.summary()
    assert "Scaling with input size" in repr(report)
    assert "peak memory" in repr(report)


def test_quick_mode_lowers_budgets_unless_set_explicitly():
    quick = Options.from_kwargs(quick=True)
    assert quick.examples < Options().examples and quick.time_budget < Options().time_budget
    assert Options.from_kwargs(quick=True, examples=300).examples == 300


def test_scaling_without_a_faster_candidate_says_so():
    def f(x):
        return x + 1

    report = optimize(f, [((1,), {})], candidates=[f], scaling=True, time_budget=0.3)
    assert report.scaling is None and any("nothing to scale" in note for note in report.notes)
