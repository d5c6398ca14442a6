"""What optimize() is handed: a bad call is named in one line, by its shape, not by a frame's repr."""
import pandas as pd
import pytest

from jupyter_optimize import UsageProblem
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
