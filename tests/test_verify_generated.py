"""Verification on generated inputs: the harder seed story, exceptions,
repeatability, coverage, containment."""
import numpy as np
import pytest

from jupyter_optimize import demo, optimize

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing

QUICK = dict(time_budget=0.5)


def test_seed_story_with_only_a_nonempty_mask(equalize, photo):
    mask = demo.circle_mask(photo.shape)
    assert mask.any()
    report = optimize(equalize, [((photo, mask), {})], candidates=[demo.VECTORIZED, demo.ARGMAX], **QUICK)
    fast, wrong = report.results
    assert fast.verdict == "faster", fast.reason
    assert fast.check.generated_passed >= 50 and fast.check.coverage == 1.0
    assert wrong.verdict == "incorrect"
    cx = wrong.counterexample
    assert cx.origin == "generated"
    img, m = cx.inputs.args
    assert m is not None and m.shape == img.shape and not m.any()  # selects no pixel
    assert img.size <= 4  # shrunk to a tiny image
    assert "all 255" in cx.original and "all 0" in cx.candidate


def test_a_rerun_gives_the_same_verdict_and_counterexample(equalize, photo):
    calls = [((photo, demo.circle_mask(photo.shape)), {})]
    first, second = (optimize(equalize, calls, candidates=[demo.ARGMAX], **QUICK).results[0] for _ in range(2))
    assert first.verdict == second.verdict == "incorrect"
    assert repr(first.counterexample) == repr(second.counterexample)


def test_no_hypothesis_folder_is_left_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def title(s):
        return s.title()

    optimize(title, [(("hello world",), {})], candidates=["def title(s):\n    return s.capitalize()\n"], **QUICK)
    assert not (tmp_path / ".hypothesis").exists()


def test_edge_values_the_live_inputs_miss_are_found():
    def mean(xs):
        return sum(xs) / len(xs) if xs else 0.0

    def total_u8(a):
        return int(a.astype(np.int64).sum())

    no_guard = "def mean(xs):\n    return sum(xs) / len(xs)\n"
    report = optimize(mean, [(([1.0, 2.0, 4.0],), {})], candidates=[no_guard], **QUICK)
    assert report.results[0].verdict == "incorrect"
    assert report.results[0].counterexample.inputs.args == ([],)

    wraps = "def total_u8(a):\n    return int(a.sum(dtype=a.dtype))\n"
    calls = [((np.array([1, 2, 3], dtype=np.uint8),), {})]
    assert optimize(total_u8, calls, candidates=[wraps], **QUICK).results[0].verdict == "incorrect"


def test_exceptions_on_generated_inputs_follow_the_domain_rule():
    def root(x):
        if x < 0:
            raise ValueError("negative")
        return x ** 0.5

    other_error = "def root(x):\n    if x < 0:\n        raise ArithmeticError('neg')\n    return x ** 0.5\n"
    silent = "def root(x):\n    return abs(x) ** 0.5\n"
    report = optimize(root, [((4.0,), {})], candidates=[other_error, silent], **QUICK)
    tolerated, wrong = report.results
    assert tolerated.verdict in ("faster", "not_faster")
    assert any("raises ArithmeticError" in note for note in tolerated.check.notes)
    assert wrong.verdict == "incorrect" and "returned where the original raised ValueError" in wrong.reason


def test_unreached_lines_are_reported():
    def classify(x):
        if x > 10**9:
            return "huge"
        return "small"

    report = optimize(classify, [((3,), {})], candidates=[classify], **QUICK)
    check = report.results[0].check
    assert check.coverage < 1.0 and len(check.lines_missed) == 1


COUNTER = {"calls": 0}


def test_a_candidate_that_changes_a_global_is_incorrect_and_the_kernel_keeps_its_state():
    def double(x):
        return 2 * x

    def double_counting(x):
        COUNTER["calls"] += 1
        return 2 * x

    report = optimize(double, [((3,), {})], candidates=[double_counting], **QUICK)
    r = report.results[0]
    assert r.verdict == "incorrect" and "changes the global COUNTER" in r.reason
    assert COUNTER == {"calls": 0}


def test_hanging_on_a_generated_input_is_failed_not_a_hung_kernel():
    def countdown(n):
        out = []
        while n > 0:
            out.append(n)
            n -= 1
        return out

    loops_on_negative = "def countdown(n):\n    out = []\n    while n != 0:\n        out.append(n)\n        n -= 1\n        if n < -10**7:\n            n = -1\n    return out\n"
    report = optimize(countdown, [((5,), {})], candidates=[loops_on_negative], timeout=3, **QUICK)
    assert report.results[0].verdict == "failed" and "timed out" in report.results[0].reason
