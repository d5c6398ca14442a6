import pytest

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.study.target import choose_target, functions_in


def test_the_only_function_is_the_target():
    assert choose_target("import numpy as np\n\ndef f(x):\n    return x\n\nf(1)\n") == "f"


def test_several_functions_need_f_and_unknown_names_get_suggestions():
    cell = "def helper(x):\n    return x\n\ndef equalize(img):\n    return helper(img)\n"
    with pytest.raises(UsageProblem, match="several functions.*-f NAME"):
        choose_target(cell)
    assert choose_target(cell, "equalize") == "equalize"
    with pytest.raises(UsageProblem, match="Did you mean: equalize"):
        choose_target(cell, "equalise")


@pytest.mark.parametrize("cell, message", [
    ("x = 1\n", "defines no function"),
    ("def f(x)\n    return x\n", "syntax error"),
    ("async def f(x):\n    return x\n", "async function"),
    ("def f(x):\n    yield x\n", "generator"),
    ("def f(x):\n    yield from x\n", "generator"),
])
def test_cells_that_cannot_be_optimized_say_why(cell, message):
    with pytest.raises(UsageProblem, match=message):
        choose_target(cell)


def test_yield_in_a_nested_function_does_not_make_a_generator():
    cell = "def f(x):\n    def inner():\n        yield x\n    return list(inner())\n"
    (found,) = functions_in(cell)
    assert not found.is_generator and choose_target(cell) == "f"


def test_a_method_in_the_cell_points_to_the_line_magic():
    cell = "class Stats:\n    def __init__(self, v):\n        self.v = v\n\n    def variance(self):\n        return 0\n"
    with pytest.raises(UsageProblem, match=r"^variance is a method of Stats: .*`%optimize obj\.variance\(\.\.\.\)`"):
        choose_target(cell, "variance")
    with pytest.raises(UsageProblem, match="variance is a method of Stats"):
        choose_target(cell)
    assert choose_target(cell + "\ndef helper(x):\n    return x\n") == "helper"
