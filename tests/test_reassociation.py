"""Floating-point reassociation is not a behaviour change (issue 13); NaN, infinities and precision still are."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, seed, settings

import jupyter_optimize
from jupyter_optimize import optimize
from jupyter_optimize.model import Call
from jupyter_optimize.verify.compare import Tolerance, difference
from jupyter_optimize.verify.inputs import calls_like
from jupyter_optimize.verify.reassociation import rounding_allowance, tolerance_for

CANCELLING = np.array([1e16, 1.0, -1e16])
DEFAULT = Tolerance()


def loop_sum(x):
    s = 0.0
    for v in x:
        s += v
    return s


def judged(original, candidate, *args, tol=DEFAULT):
    """The difference between the two results on *args*, under the call's tolerance."""
    return difference(original(*args), candidate(*args), tolerance_for(tol, Call(args, {})))


def test_cancellation_is_forgiven_in_proportion_to_what_was_summed():
    assert loop_sum(CANCELLING) == 0.0 and math.fsum(CANCELLING) == 1.0  # every digit left is rounding
    assert judged(loop_sum, math.fsum, CANCELLING) is None
    assert difference(loop_sum(CANCELLING), math.fsum(CANCELLING)) is not None  # without the call: a difference


def test_exact_turns_the_allowance_off():
    tol = tolerance_for(Tolerance(exact=True), Call((CANCELLING,), {}))
    assert tol == Tolerance(exact=True)
    assert judged(loop_sum, math.fsum, CANCELLING, tol=Tolerance(exact=True)) is not None


def test_the_public_difference_has_no_allowance():
    assert jupyter_optimize.difference(0.0, 1.0) is not None
    assert jupyter_optimize.difference(0.0, 1e-11) is None  # atol, as before


def test_nan_and_infinities_are_not_rounding():
    x = np.array([1e300, np.nan, np.inf])  # an allowance as large as it gets
    tol = tolerance_for(Tolerance(), Call((x,), {}))
    assert difference(math.nan, 0.0, tol) is not None
    assert difference(math.inf, 1e308, tol) is not None
    assert difference(-math.inf, math.nan, tol) is not None
    assert difference(np.array([np.nan, 1.0]), np.array([0.0, 1.0]), tol) is not None
    assert difference(np.array([np.inf]), np.array([np.finfo(np.float64).max]), tol) is not None


@pytest.mark.parametrize("x", [np.array([1.0, 1e-4, -1.0]), np.array([1000.1, -1000.0]),
                               np.array([1.0, 0.1, -1.0])])
def test_float32_and_float16_accumulation_still_differ(x):
    assert judged(loop_sum, lambda v: np.sum(v, dtype=np.float32), x) is not None
    assert judged(loop_sum, lambda v: float(v.astype(np.float32).sum()), x) is not None
    assert judged(loop_sum, lambda v: float(v.astype(np.float16).sum()), x) is not None


def test_a_dropped_or_doubled_term_still_differs():
    x = np.array([3.0, 1.0, 2.0])
    assert judged(loop_sum, lambda v: v[1:].sum(), x) is not None
    assert judged(loop_sum, lambda v: v[:-1].sum(), x) is not None
    assert judged(loop_sum, lambda v: v.sum() + v[0], x) is not None


def test_sums_of_products_are_forgiven_like_sums():
    a = np.array([1e4, 1e-3, 1e4])
    b = np.array([1e4, 1.0, -1e4])

    def loop_dot(a, b):
        return loop_sum(x * y for x, y in zip(a, b))

    assert loop_dot(a, b) != math.fsum(a * b)  # 1e8 + 1e-3 - 1e8: the small product's last digits are lost
    assert judged(loop_dot, lambda a, b: math.fsum(a * b), a, b) is None


def test_arrays_and_frame_columns_use_it_too():
    x = np.array([1e16, 1.0, -1e16, 2.0])
    loop_cumsum = np.array([loop_sum(x[: i + 1]) for i in range(len(x))])
    exact = np.array([math.fsum(x[: i + 1]) for i in range(len(x))])
    tol = tolerance_for(Tolerance(), Call((x,), {}))
    assert difference(loop_cumsum, exact) is not None
    assert difference(loop_cumsum, exact, tol) is None
    frame = pd.DataFrame({"x": x})
    assert difference(pd.DataFrame({"s": loop_cumsum}), pd.DataFrame({"s": exact}),
                      tolerance_for(Tolerance(), Call((frame,), {}))) is None


def test_the_allowance_is_in_the_original_dtypes_epsilon():
    tol = Tolerance(rounding=1.0)
    assert tol.atol_for(np.float64) == pytest.approx(1e-10 + np.finfo(np.float64).eps)
    assert tol.atol_for(np.dtype(np.float32)) == pytest.approx(1e-10 + np.finfo(np.float32).eps)
    assert tol.atol_for(pd.Float32Dtype()) == pytest.approx(1e-10 + np.finfo(np.float32).eps)
    assert tol.atol_for(float) == tol.atol_for(np.float64)
    assert Tolerance().atol_for(np.float16) == 1e-10  # no call: atol alone


def test_what_counts_as_summed():
    # sqrt(n) * (S + C + X), S the magnitudes, C the squared deviations, X the products across arguments
    approx = pytest.approx
    r = math.sqrt
    assert rounding_allowance(Call((np.array([1.0, -2.0]),), {})) == approx(r(2) * (3.0 + 4.5))
    assert rounding_allowance(Call((np.array([3], np.int64), 7), {})) == approx(1 * 3)  # a bare int is a size
    assert rounding_allowance(Call(([1.5, 2],), {"scale": 0.5})) == approx(r(3) * (4 + 0.125 + (2 * 0.5 + 0.5 * 3.5)))
    assert rounding_allowance(Call((np.array([np.nan, np.inf, 2.0]),), {})) == approx(1 * 2)  # finite values only
    frame = pd.DataFrame({"price": [1.0, None], "units": [2, 3], "name": ["a", "b"]})
    assert rounding_allowance(Call((frame,), {})) == approx(r(3) * (1 + 2 + 3 + 0.5))
    assert rounding_allowance(Call(("text", None, {"k": [1.0]}), {})) == approx(1 * 1)
    assert rounding_allowance(Call((np.array([1e200, 1e200]),), {})) == np.finfo(np.float64).max  # beyond float64


def test_cancellation_the_numbers_do_not_explain_is_a_difference():
    # the textbook variance loses everything on a large offset: not a reordering of the two-pass one
    x = np.array([1e8, 1e8 + 1.0, 1e8 + 2.0])
    tol = tolerance_for(Tolerance(), Call((x,), {}))
    two_pass = float(np.var(x))
    textbook = float(np.mean(x * x) - np.mean(x) ** 2)
    assert abs(two_pass - textbook) > 0.1
    assert difference(two_pass, textbook, tol) is not None
    # while the variance of a constant large array, 0.0 in one order and tiny in another, is rounding
    big = np.full(49, 1e151)
    loop_mean = 0.0
    for v in big:
        loop_mean += v
    loop_mean /= len(big)
    loop_var = sum((v - loop_mean) ** 2 for v in big) / len(big)
    assert difference(float(loop_var), float(np.var(big)), tolerance_for(Tolerance(), Call((big,), {}))) is None


def draws(value, n=150):
    got = []

    def f(x):
        return x

    @seed(2)
    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls_like(f, [Call((value,), {})]))
    def collect(call):
        got.append(call.args[0])

    collect()
    return got


def test_generated_floats_keep_nan_and_infinities_but_no_sum_overflows():
    live = np.random.default_rng(0).normal(size=200)
    drawn = draws(live)
    values = np.concatenate([d.ravel() for d in drawn])
    assert np.isnan(values).any() and np.isposinf(values).any() and np.isneginf(values).any()
    assert any(v == 0 and math.copysign(1, v) < 0 for v in values)  # -0.0
    assert values[np.isfinite(values)].max() > 1e100  # large values are still drawn
    for d in drawn:
        finite = np.abs(d[np.isfinite(d)])
        assert np.isfinite(finite.sum() ** 2), "a sum of generated floats (or its square) overflows"


def test_generated_float32_values_still_overflow_float32_squares():
    live = np.random.default_rng(0).normal(size=64).astype(np.float32)
    big = max(float(np.abs(d[np.isfinite(d)]).max(initial=0)) for d in draws(live, 100))
    float32_max = float(np.finfo(np.float32).max)
    assert big * big > float32_max  # a float32 rewrite of a float64 loop shows as inf
    assert big * 64 < float32_max  # and a float32 sum of them does not overflow


def test_generated_integers_still_reach_the_dtype_limits():
    live = np.arange(50, dtype=np.int64)
    values = np.concatenate([d.ravel() for d in draws(live, 100)])
    assert np.iinfo(np.int64).max in values and np.iinfo(np.int64).min in values


# ---------------------------------------------------------------- what the user sees

def nan_total(x):
    s = 0.0
    for v in x:
        if not math.isnan(v):
            s += v
    return s


@pytest.mark.slow  # forked children and timing
def test_optimize_passes_nansum_for_a_nan_skipping_loop_and_rejects_float32():
    live = np.random.default_rng(3).normal(20.0, 5.0, 300)
    report = optimize(nan_total, [((live,), {})], time_budget=0.5,
                      candidates=["def nan_total(x):\n    return np.nansum(x)\n",
                                  "def nan_total(x):\n    return np.nansum(x, dtype=np.float32)\n",
                                  "def nan_total(x):\n    return np.sum(x)\n"])
    right, float32, nan_propagating = report.results
    assert right.verdict in ("faster", "not_faster"), right.reason
    assert float32.verdict == "incorrect"
    assert nan_propagating.verdict == "incorrect" and "nan" in nan_propagating.counterexample.candidate


@pytest.mark.slow
def test_optimize_passes_a_sum_on_live_data_that_cancels():
    live = np.tile(CANCELLING, 100)  # the loop loses every 1.0; numpy's pairwise sum keeps some
    assert loop_sum(live) != float(np.sum(live))
    report = optimize(loop_sum, [((live,), {})], time_budget=0.5,
                      candidates=["def loop_sum(x):\n    return np.sum(x)\n"])
    (result,) = report.results
    assert result.verdict in ("faster", "not_faster"), result.reason
