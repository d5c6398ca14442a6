"""What the model is told: enough to do the job, never the user's data."""
import re

import numpy as np
import pytest

from jupyter_optimize import demo
from jupyter_optimize.model import Call, Counterexample, LineProfile, LineStat
from jupyter_optimize.options import Options
from jupyter_optimize.sources.llm import prompt
from jupyter_optimize.sources.protocol import SourceRequest
from jupyter_optimize.study.profile import line_profile

SECRET = 123456789.0
SECRET_INT = 987654321


def make_request(func, calls, profile=None, **options):
    import inspect

    calls = tuple(Call.coerce(c) for c in calls)
    return SourceRequest(func, inspect.getsource(func), calls, profile, Options(**options))


@pytest.fixture(scope="module")
def equalize():
    return demo.define()


@pytest.fixture(scope="module")
def demo_request(equalize):
    calls = [Call.coerce(c) for c in demo.live_calls(32)]
    return make_request(equalize, calls, line_profile(equalize, calls))


def test_user_message_has_source_profile_arguments_rules_and_task(demo_request):
    (system, user) = prompt.build_messages(demo_request, 0)
    assert system["role"] == "system" and user["role"] == "user"
    text = user["content"]
    assert demo.ORIGINAL.strip() in text
    assert "np (numpy)" in text
    assert re.search(r"^>> +17 +256 .*lut\[level\] = min", text, re.MULTILINE)  # the hot loop, marked
    assert "img: numpy.ndarray, dtype uint8, shape (32, 32), values within [90, 200]" in text
    assert "mask: numpy.ndarray, dtype bool, shape (32, 32), all False" in text
    assert "same type, dtype and shape" in text and "rtol=1e-07, atol=1e-10" in text
    assert "do not modify them in place" in text and "same exception type" in text
    assert "```python" in text and "one or two sentences" in text


def test_each_request_asks_for_a_different_approach(demo_request):
    shared = prompt.shared_part(demo_request)
    users = [prompt.build_messages(demo_request, i, shared)[1]["content"] for i in range(len(prompt.APPROACHES))]
    assert len(set(users)) == len(prompt.APPROACHES)
    assert all(u.startswith(shared) for u in users)
    assert users[0] == prompt.build_messages(demo_request, len(prompt.APPROACHES))[1]["content"]  # cycles


def test_profile_table_per_run_and_relative_line_numbers():
    lines = (LineStat(10, "def f(x):", 0, 0.0, 0.0), LineStat(11, "    y = g(x)", 4, 0.002, 0.2),
             LineStat(12, "    return h(y)", 4, 0.008, 0.8))
    text = prompt.profile_section(LineProfile("f", "<cell>", lines, 0.010, rounds=2))
    assert "(5 ms in total; hits and time per run" in text
    assert text.splitlines()[-1] == ">>    3        2      4 ms  80.0%      return h(y)"
    assert text.splitlines()[-2] == ">>    2        2      1 ms  20.0%      y = g(x)"
    assert "No line profile" in prompt.profile_section(None)
    failed = LineProfile("f", "<cell>", (), 0.0, 0, note="line_profiler could not attach: busy")
    assert prompt.profile_section(failed) == "No line profile is available: line_profiler could not attach: busy."


@pytest.mark.parametrize("value, expected", [
    (np.array([0.5, SECRET, -3.0]), "numpy.ndarray, dtype float64, shape (3,), values within [-3, 2e+08]"),
    (np.array([1.0, np.nan, np.inf]), "numpy.ndarray, dtype float64, shape (3,), values within [1, 1], contains NaN and inf"),
    (np.zeros((0, 4), np.int16), "numpy.ndarray, dtype int16, shape (0, 4), empty"),
    (np.ones((3, 3), bool), "numpy.ndarray, dtype bool, shape (3, 3), all True"),
    (np.arange(12, dtype=np.uint8).reshape(3, 4).T, "numpy.ndarray, dtype uint8, shape (4, 3), not C-contiguous, values within [0, 20]"),
    (np.array(["ab", "c"]), "numpy.ndarray, dtype <U2, shape (2,)"),
    (SECRET_INT, "int (positive, magnitude below 1e+09)"),
    (-0.25, "float (negative, magnitude below 1e+00)"),
    (np.float32(SECRET), "numpy.float32 scalar (positive, magnitude below 1e+09)"),
    (True, "bool"),
    (None, "None"),
    ("a secret string", "str of length 15"),
    ([3, SECRET_INT, 7], "list of 3 int (values within [3, 1e+09])"),
    ((np.zeros(2), np.ones(2)), "tuple of 2 items, the first: numpy.ndarray, dtype float64, shape (2,), values within [0, 0]"),
    ({"alpha": SECRET}, "dict of 1 items (str -> float)"),
    ([], "empty list"),
    (object(), "object"),
])
def test_describe_value_gives_kind_and_scale_never_the_value(value, expected):
    text = prompt.describe_value(value)
    assert text == expected
    assert "12345678" not in text and "98765432" not in text and "secret" not in text


def test_round_outward_keeps_the_range_around_the_data():
    for x in (0.3, 7, 90, 166, 255, 1e-5, 123456789.0, -42.5):
        assert prompt.round_outward(x, up=False) <= x <= prompt.round_outward(x, up=True)


def test_context_lists_modules_helpers_and_other_globals_without_values():
    namespace = {"np": np, "size": SECRET_INT, "WEIGHTS": np.full(4, SECRET)}
    source = ("def clip01(v):\n    return np.minimum(np.maximum(v, 0), 1)\n\n"
              "def score(x):\n    return clip01(x * WEIGHTS).sum() + x.size\n")
    exec(compile(source, "<cell>", "exec"), namespace)
    import linecache

    linecache.cache["<cell>"] = (len(source), None, source.splitlines(True), "<cell>")
    text = prompt.context_section(namespace["score"])
    assert "Modules it uses (already imported in its namespace): np (numpy)." in text
    assert "def clip01(v):\n    return np.minimum" in text
    assert "- WEIGHTS: numpy.ndarray, dtype float64, shape (4,), values within [1e+08, 2e+08]" in text
    assert "size" not in text  # x.size is an attribute, not the global `size`


def test_arguments_are_named_deduplicated_and_private(equalize):
    img = np.full((8, 8), 7, np.uint8)
    img[0, :6] = [17, 203, 91, 58, 149, 222]
    mask = np.ones((8, 8), bool)
    calls = [((img, mask), {}), ((img,), {"mask": mask}), ((img,), {})]
    text = prompt.arguments_section(equalize, [Call.coerce(c) for c in calls])
    assert text.count("- call") == 2  # the first two describe the same way
    assert "- call 2: img: numpy.ndarray, dtype uint8, shape (8, 8), values within [7, 255]" in text
    assert not re.search(r"17\D{1,3}203", text)


def test_rules_follow_the_options():
    assert "exactly equal (no tolerance)" in prompt.rules_section(Options(exact=True))
    assert "rtol=0.001, atol=0" in prompt.rules_section(Options(rtol=1e-3, atol=0))


def test_counterexample_text_keeps_live_data_out(equalize):
    img = np.full((8, 8), 201, np.uint8)
    call = Call((img, np.zeros((8, 8), bool)))
    cx = Counterexample(call="equalize(img=<uint8 array (8, 8), all 201>, mask=<...>)",
                        original="returned <uint8 array (8, 8), all 255>",
                        candidate="returned <uint8 array (8, 8), all 0>",
                        difference="return value: 64 of 64 elements differ, e.g. [0, 0]: 201 -> 0",
                        origin="live", inputs=call)
    text = prompt.counterexample_text(equalize, cx)
    assert text == ("It differs on a live input with img: numpy.ndarray, dtype uint8, shape (8, 8), values within "
                    "[200, 255]; mask: numpy.ndarray, dtype bool, shape (8, 8), all False.\n"
                    "Difference: return value: 64 of 64 elements differ.")
    generated = prompt.counterexample_text(equalize, Counterexample("f(x=[5])", "returned 0", "raised IndexError",
                                                                    "the candidate raised IndexError", "generated"))
    assert generated == ("It differs on one of the generated inputs.\n"
                         "Difference: the candidate raised IndexError.")


def test_repair_messages_continue_the_conversation(demo_request):
    messages = prompt.repair_messages(demo_request, 1, demo.ARGMAX, "Uses argmax.", "Difference: all 255 vs all 0.")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert demo.ARGMAX.strip() in messages[2]["content"] and "Uses argmax." in messages[2]["content"]
    assert "was rejected" in messages[3]["content"] and "all 255 vs all 0" in messages[3]["content"]


@pytest.mark.parametrize("difference, sent", [
    ("return value: 123456789.0 became 123456790.0", "return value: the values differ"),
    ("return value: 1024 of 1024 elements differ, e.g. [0, 0]: 201 -> 0", "return value: 1024 of 1024 elements differ"),
    ("return value: dtype uint8 became int64", "return value: dtype uint8 became int64"),
    ("return value[1]: shape (3,) became (4,)", "return value[1]: shape (3,) became (4,)"),
    ("the candidate raised IndexError where the original returned",
     "the candidate raised IndexError where the original returned"),
    ("xs after the call: [987654321] became [0] (the function changes its argument differently)",
     "xs after the call: the values differ (the function changes its argument differently)"),
])
def test_live_differences_are_sent_without_values(difference, sent):
    assert prompt.safe_difference(difference) == sent
