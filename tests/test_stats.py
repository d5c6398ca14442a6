import numpy as np

from jupyter_optimize.measure import stats


def test_identical_samples_give_ratio_one_with_interval_around_it():
    rng = np.random.default_rng(1)
    base = 1e-3 * (1 + 0.05 * rng.standard_normal(200))
    other = 1e-3 * (1 + 0.05 * rng.standard_normal(200))
    ratio = stats.speedup_interval(base, other)
    assert ratio.low < 1.0 < ratio.high
    assert not stats.is_faster(ratio.low, 0.05)


def test_twice_as_fast_is_measured_as_two():
    rng = np.random.default_rng(2)
    noise = np.exp(0.1 * rng.standard_normal((2, 100)))
    ratio = stats.speedup_interval(2e-3 * noise[0], 1e-3 * noise[1])
    assert 1.9 < ratio.speedup < 2.1
    assert ratio.low < ratio.speedup < ratio.high
    assert stats.is_faster(ratio.low, 0.05)


def test_a_burst_of_load_in_a_few_rounds_does_not_move_the_estimate():
    original = np.full(60, 2e-3)
    candidate = np.full(60, 1e-3)
    original[:5] *= 10  # five rounds hit by another process
    ratio = stats.speedup_interval(original, candidate)
    assert abs(ratio.speedup - 2.0) < 0.05


def test_interval_narrows_with_more_samples():
    rng = np.random.default_rng(3)
    def width(n):
        noise = np.exp(0.1 * rng.standard_normal((2, n)))
        return stats.relative_halfwidth(stats.speedup_interval(noise[0], noise[1]))
    assert width(400) < width(20)


def test_microsecond_functions_need_a_larger_gain():
    assert stats.required_gain(0.05, 2e-6) == stats.MICRO_MIN_GAIN
    assert stats.required_gain(0.05, 1e-3) == 0.05


def test_spread_warnings():
    steady = [1.0] * 20
    assert stats.spread_warnings(steady, 1.0, "f") == []
    noisy = [1.0, 1.5] * 10
    assert "spread" in stats.spread_warnings(noisy, 1.0, "f")[0]
    assert "first call" in stats.spread_warnings(steady, 10.0, "f")[0]
