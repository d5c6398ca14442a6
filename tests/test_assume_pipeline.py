"""optimize(..., assume=...) end to end, and live calls that raise: what a user of the Python API sees."""
from __future__ import annotations

import numpy as np
import pytest

from jupyter_optimize import optimize
from jupyter_optimize.errors import OptimizeError, UsageProblem

pytestmark = pytest.mark.slow  # forked children and generated inputs

QUICK = dict(time_budget=0.3, profile=False)
CONVOLVE = "import numpy as np\ndef moving_average(x, w):\n    return np.convolve(x, np.ones(w), 'valid') / w\n"


def moving_average(x, w):
    out = []
    for i in range(len(x) - w + 1):
        s = 0.0
        for j in range(w):
            s += x[i + j]
        out.append(s / w)
    return np.array(out)


X = np.random.default_rng(0).random(7)


def test_np_convolve_is_incorrect_outside_the_domain_and_verified_inside_it():
    (bare,) = optimize(moving_average, [((X, 3), {})], candidates=[CONVOLVE], **QUICK).results
    assert bare.verdict == "incorrect"
    w = bare.counterexample.inputs.args[1]
    assert w < 1 or len(bare.counterexample.inputs.args[0]) < w  # an input no user of a moving average passes

    report = optimize(moving_average, [((X, 3), {})], candidates=[CONVOLVE], assume="w >= 1 and len(x) >= w", **QUICK)
    (assumed,) = report.results
    assert assumed.verdict in ("faster", "not_faster"), assumed.reason
    assert assumed.check.generated_passed > 10
    assert report.assumptions == ("w >= 1 and len(x) >= w",)
    assert "Assumed: w >= 1 and len(x) >= w" in repr(report)


def test_a_callable_assumption_and_a_wrong_rewrite_inside_the_domain():
    nan_as_zero = CONVOLVE.replace("np.convolve(x,", "np.convolve(np.nan_to_num(x),")
    report = optimize(moving_average, [((X, 3), {})], candidates=[nan_as_zero],
                      assume=["w >= 1", lambda x, w: len(x) >= w], **QUICK)
    (wrong,) = report.results
    assert wrong.verdict == "incorrect"
    assert not np.isfinite(wrong.counterexample.inputs.args[0]).all()  # nan_to_num changes NaN and inf alike
    assert report.assumptions == ("w >= 1", "lambda x, w: len(x) >= w")


def test_a_live_call_outside_the_assumption_quotes_the_call_and_the_expression():
    with pytest.raises(UsageProblem) as caught:
        optimize(moving_average, [((X, 3), {}), ((X[:2], 3), {})], candidates=[CONVOLVE], assume="len(x) >= w", **QUICK)
    assert str(caught.value).startswith("The live call moving_average(x=")
    assert "w=3) is outside the assumption 'len(x) >= w'" in str(caught.value)


def test_when_no_generated_input_satisfies_the_assumption_a_plain_note_says_so():
    (result,) = optimize(moving_average, [((X, 3), {})], candidates=[CONVOLVE],
                         assume="w == 3 and np.array_equal(x, X)", examples=30, **QUICK).results
    assert "satisfied the assumptions" in " ".join(result.check.notes)
    assert not any("Unsatisfiable" in note or "hypothesis" in note.lower() for note in result.check.notes)


def square(x):
    return x * x


def test_a_live_call_that_raises_is_one_line_naming_the_call_and_the_exception():
    with pytest.raises(OptimizeError) as caught:
        optimize(square, [((3,), {}), ((3, 4), {})], candidates=["def square(x):\n    return x ** 2\n"], **QUICK)
    assert str(caught.value) == "square(3, 4) raises TypeError: square() takes 1 positional argument but 2 were given"


def test_an_original_that_is_not_deterministic_on_some_generated_inputs_is_one_note():
    import time

    def scaled(xs):
        if len(xs) > 3:  # a branch no live call takes, and that depends on the clock
            return [time.perf_counter_ns()]
        return [v * 2 for v in xs]

    candidate = "def scaled(xs):\n    import time\n    if len(xs) > 3:\n        return [time.perf_counter_ns()]\n    return [2 * v for v in xs]\n"
    (result,) = optimize(scaled, [(([1, 2],), {})], candidates=[candidate], **QUICK).results
    assert result.verdict != "incorrect", result.reason
    notes = " ".join(result.check.notes)
    assert "the original is not deterministic on scaled(xs=" in notes
    assert "Flaky" not in notes and "hypothesis" not in notes.lower()
