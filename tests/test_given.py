"""What optimize() is handed: a bad call is named in one line, by its shape, not by a frame's repr;
a bound method is optimized as its function with the object as the first argument."""
import pandas as pd
import pytest

from jupyter_optimize import UsageProblem, optimize
from jupyter_optimize.study.given import coerce_calls


def test_a_call_given_as_a_bare_argument_tuple_is_named_by_its_shape_on_one_line():
    frame = pd.DataFrame({"city": ["a", "b"] * 50, "sales": range(100)})
    with pytest.raises(UsageProblem) as caught:
        coerce_calls([(frame,)])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("calls[0] is a tuple of 1 (DataFrame); each call must be (args_tuple, kwargs_dict)")
    assert "((df,), {})" in message


def test_calls_in_the_documented_form_are_accepted():
    frame = pd.DataFrame({"x": [1, 2]})
    (call,) = coerce_calls([((frame,), {})])
    assert call.args[0] is frame and call.kwargs == {}


class Ledger:
    def __init__(self, rate):
        self.rate = rate

    def owed(self, amounts):
        total = 0
        for a in amounts:
            total += a * self.rate
        return total

    @classmethod
    def doubled(cls, amounts):
        out = []
        for a in amounts:
            out.append(a * 2)
        return out


QUICK = dict(examples=10, verify_budget=0.3, time_budget=0.2, profile=False)


def test_a_bound_method_is_its_function_with_the_object_as_first_argument():
    ledger = Ledger(3)
    right = "def owed(self, amounts):\n    return sum(amounts) * self.rate\n"
    wrong = "def owed(self, amounts):\n    return sum(amounts) * 3\n"  # right for this ledger only
    report = optimize(ledger.owed, [(([1, 2, 3],), {})], candidates=[right, wrong], **QUICK)
    verdicts = [r.verdict for r in report.results]
    assert verdicts[0] in ("faster", "not_faster") and verdicts[1] == "incorrect", report
    assert ledger.rate == 3


def test_a_classmethod_is_its_function_with_the_class_as_first_argument():
    right = "def doubled(cls, amounts):\n    return [a * 2 for a in amounts]\n"
    wrong = "def doubled(cls, amounts):\n    return [a + a for a in amounts][:2]\n"
    report = optimize(Ledger.doubled, [(([1, 2, 3],), {})], candidates=[right, wrong], **QUICK)
    assert [r.verdict in ("faster", "not_faster") for r in report.results] == [True, False], report
    assert report.results[1].verdict == "incorrect"

