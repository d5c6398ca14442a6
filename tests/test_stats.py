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


def _around(ratio, spread, n=20):
    """The original's samples, and a candidate's whose log ratios to them spread evenly around ln(ratio)."""
    original = [1e-3] * n
    d = np.log(ratio) + spread * np.linspace(-1, 1, n)
    return original, list(1e-3 / np.exp(d))


def _measured_with_noise(monkeypatch, seconds: dict[str, float], noise: float, seed: int):
    """`timing.measure` of functions named as *seconds*' keys, each pass taking its seconds times
    a log-normal factor of spread *noise* (the clock replaced: no real timing in a test)."""
    from jupyter_optimize.measure import timing
    from jupyter_optimize.model import Call

    rng = np.random.default_rng(seed)

    def fake_pass(func, calls, loops, fresh_args):
        return seconds[func.__name__] * float(np.exp(noise * rng.standard_normal()))

    monkeypatch.setattr(timing, "_time_pass", fake_pass)
    funcs = [lambda: None for _ in seconds]
    for func, name in zip(funcs, seconds):
        func.__name__ = name
    return timing.measure(funcs, [Call(())], budget_s=60.0, fresh_args=False, min_gain=0.05)


def test_a_candidate_clearly_below_the_gain_is_settled_and_one_at_its_edge_is_not():
    from jupyter_optimize.measure.timing import settled

    original, same = _around(1.0, 0.1)  # about 0.97-1.03: not narrow, but wholly below 1.05
    _, edge = _around(1.05, 0.1)  # about 1.02-1.08: it could still be called faster
    assert settled([same, edge], original, 0.95, 0.05) == [True, False]


def test_a_faster_candidate_wholly_below_another_is_settled_the_best_is_not_until_narrow():
    from jupyter_optimize.measure.timing import settled

    original, best = _around(8.0, 0.2)
    _, second = _around(4.0, 0.2)
    assert settled([best, second], original, 0.95, 0.05) == [False, True]
    _, steady = _around(8.0, 0.01)  # a narrow interval
    assert settled([steady], original, 0.95, 0.05) == [True]


def test_a_candidate_not_yet_faster_is_timed_on_alone_and_stops_below_one_faster_beyond_doubt():
    from jupyter_optimize.measure.timing import settled

    original, best = _around(8.0, 0.2)
    _, edge = _around(1.1, 0.15)  # about 1.05-1.15: more rounds may still show it faster
    _, near_best = _around(7.0, 0.3)  # not wholly below the best's interval: it may be the best
    assert settled([edge], original, 0.95, 0.05) == [False]
    assert settled([best, edge, near_best], original, 0.95, 0.05) == [False, True, False]


def test_an_outpaced_candidate_near_the_gain_is_timed_no_further_and_its_verdict_says_why(monkeypatch):
    from jupyter_optimize.measure import timing
    from jupyter_optimize.model import Check
    from jupyter_optimize.options import Options
    from jupyter_optimize.verdict import decide

    seconds = {"original": 1e-2, "best": 1e-2 / 6, "edge": 1e-2 / 1.05}  # per pass
    samples = _measured_with_noise(monkeypatch, seconds, 0.1, seed=7)
    assert len(samples.per_function[2]) == timing.MIN_ROUNDS < len(samples.per_function[0])  # at the first look
    assert samples.outpaced == {2}
    verdict, reason = decide(Check(True, 7, live_passed=2, generated_passed=5),
                             timing.summarize(samples, 2, "edge", 1, Options()))
    assert verdict == "not_faster"
    assert reason.endswith(f"its timing stopped after {timing.MIN_ROUNDS} rounds, as another candidate is "
                           "faster beyond doubt"), reason


def test_a_candidate_faster_beyond_doubt_stops_at_about_five_percent_one_near_the_gain_at_two():
    from jupyter_optimize.measure.stats import relative_halfwidth, speedup_interval
    from jupyter_optimize.measure.timing import settled

    original, faster = _around(8.0, 0.07)
    _, near = _around(1.12, 0.07)  # faster, but by less than 5% beyond the gain
    widths = [relative_halfwidth(speedup_interval(original, c)) for c in (faster, near)]
    assert all(0.02 < w < 0.05 for w in widths)  # the same width, between the two targets
    assert settled([faster], original, 0.95, 0.05) == [True]
    assert settled([near], original, 0.95, 0.05) == [False]


def test_a_settled_candidate_is_timed_no_more_and_is_paired_with_the_originals_same_rounds(monkeypatch):
    from jupyter_optimize.measure import timing
    from jupyter_optimize.options import Options

    seconds = {"original": 1e-2, "edge": 1e-2 / 1.05, "slower": 3e-2}  # per pass
    samples = _measured_with_noise(monkeypatch, seconds, 0.2, seed=6)
    rounds = [len(s) for s in samples.per_function]
    assert rounds[2] == timing.MIN_ROUNDS < rounds[1] == rounds[0]  # three times as slow: settled at the first look
    result = timing.summarize(samples, 2, "slower", 1, Options())
    assert len(result.original) == len(result.candidate) == timing.MIN_ROUNDS
    assert result.speedup < 1
