import numpy as np
import pytest

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.study.livecalls import CallRecorder, calls_from_variables, evaluate_calls


def test_call_expressions_are_evaluated_in_the_namespace_without_calling():
    called = []
    ns = {"img": np.ones(3), "f": lambda *a, **k: called.append(a)}
    (call,) = evaluate_calls(["f(img, scale=2 * 3)"], "f", ns)
    assert call.args[0] is ns["img"] and call.kwargs == {"scale": 6}
    assert called == []
    assert "__jupyter_optimize_capture__" not in ns


@pytest.mark.parametrize("expr, message", [
    ("f(", "not a call expression"),
    ("img", "not a call"),
    ("g(img)", "calls g, but the function to optimize is f"),
    ("f(missing)", "NameError"),
])
def test_bad_call_expressions(expr, message):
    with pytest.raises(UsageProblem, match=message):
        evaluate_calls([expr], "f", {"img": 1})


def test_variables_named_like_parameters():
    def f(img, mask=None, *, bins=256):
        return img

    ns = {"img": np.zeros(2), "bins": 10}
    (call,) = calls_from_variables(f, ns)
    assert call.args == (ns["img"],) and call.kwargs == {"bins": 10}
    assert calls_from_variables(f, {"mask": 1}) == []
    assert calls_from_variables(f, {"img": np.sum}) == []  # a function is not an input


def test_recorder_keeps_copies_of_the_calls_to_the_final_function_only():
    ns = {}
    source = (
        "def f(x, *rest, scale=1, **extra):\n    x.append(0)\n    return x\n"
        "data = [1]\nf(data, 2, 3, scale=2, flag=True)\nf(data)\n"
    )
    with CallRecorder("f") as recorder:
        exec(compile(source, "<cell>", "exec"), ns)
    calls = recorder.calls_to(ns["f"])
    assert [c.args for c in calls] == [([1], 2, 3), ([1, 0],)]  # copied before f mutated them
    assert calls[0].kwargs == {"scale": 2, "flag": True}

    def f(x):  # same name, other code object: not recorded for ns["f"]
        return x

    with CallRecorder("f") as other:
        f(1)
    assert other.calls_to(ns["f"]) == []


def test_recorder_stops_after_its_limit():
    ns = {}
    with CallRecorder("g", limit=3) as recorder:
        exec("def g(i):\n    return i\nfor i in range(10):\n    g(i)\n", ns)
    assert [c.args for c in recorder.calls_to(ns["g"])] == [(0,), (1,), (2,)]
