"""Counterexamples classified by how far they are from the user's data (verify/edges.py),
and the --assume suggested for an edge: it must exclude the counterexample and keep every live call."""
from __future__ import annotations

import collections
import math

import numpy as np
import pandas as pd
import pytest

from jupyter_optimize import demo, optimize
from jupyter_optimize.model import Call, CandidateResult, Check, Counterexample, Report
from jupyter_optimize.options import Options
from jupyter_optimize.render import html, text
from jupyter_optimize.verdict import decide
from jupyter_optimize.verify.edges import EDGE, LIKE, LIVE, Names, bound, classify

RNG = np.random.default_rng(0)
Point = collections.namedtuple("Point", "x y")
NUMPY_AS_NP = Names()
SIGNAL = RNG.uniform(1.0, 5.0, 16_384)  # positive floats, no NaN, no inf


def holds(expression: str, call: Call, params: list[str]) -> bool:
    """The suggested assumption evaluated as --assume would: over the parameter names, numpy as np."""
    return bool(eval(expression, {"np": np, "math": math}, bound(call, params)))


def check(generated: Call, live: list[Call], params: list[str], names: Names = NUMPY_AS_NP):
    found = classify(generated, live, params, names)
    if found.suggestion:
        assert not holds(found.suggestion, generated, params), found  # excludes the counterexample
        assert all(holds(found.suggestion, call, params) for call in live), found  # keeps the user's calls
    return found


# -- like your data ------------------------------------------------------------------


def test_a_smaller_array_of_values_in_the_live_range_is_like_your_data():
    found = check(Call((SIGNAL[:3].copy(), 4)), [Call((SIGNAL, 5))], ["x", "w"])
    assert found.likeness == LIKE and found.edges == () and found.suggestion == ""


def test_a_dark_pixel_in_a_bright_image_is_like_your_data():
    img = np.full((8, 8), 120, np.uint8)
    found = check(Call((np.zeros((1, 1), np.uint8),)), [Call((img,))], ["img"])
    assert found.likeness == LIKE


# -- edges, one by one ----------------------------------------------------------------


def test_an_empty_array_is_an_edge_named_with_the_live_size():
    found = check(Call((np.array([]), 3)), [Call((SIGNAL, 5))], ["x", "w"])
    assert found.likeness == EDGE
    assert found.edges == ("x is empty where yours have 16,384 elements",)
    assert found.suggestion == "len(x) > 0"


def test_a_negative_window_is_an_edge_and_the_assumption_is_its_sign():
    found = check(Call((SIGNAL[:4].copy(), -20)), [Call((SIGNAL, 5)), Call((SIGNAL, 9))], ["x", "w"])
    assert found.edges == ("w is negative (-20) where yours are positive",)
    assert found.suggestion == "w > 0"


def test_zero_is_an_edge_for_a_number_that_is_always_positive():
    found = check(Call((0,)), [Call((30,))], ["n"])
    assert found.edges == ("n is 0 where yours are positive",) and found.suggestion == "n > 0"


def test_a_negative_number_where_zero_occurs_asks_for_at_least_zero():
    found = check(Call((-22,)), [Call((0,)), Call((12,))], ["n"])
    assert found.edges == ("n is negative (-22) where yours are at least 0",) and found.suggestion == "n >= 0"


def test_nan_in_an_array_where_yours_have_none():
    x = SIGNAL[:4].copy()
    x[1] = np.nan
    found = check(Call((x,)), [Call((SIGNAL,))], ["x"])
    assert found.edges == ("x holds NaN where yours have none",)
    assert found.suggestion == "not np.isnan(x).any()"


def test_nan_is_like_your_data_when_yours_hold_nan_too():
    live = SIGNAL.copy()
    live[::7] = np.nan
    assert check(Call((np.array([np.nan, 2.0]),)), [Call((live,))], ["x"]).likeness == LIKE


def test_infinity_and_values_near_the_float64_limit():
    found = check(Call((np.array([np.inf, 1.7e308]),)), [Call((SIGNAL,))], ["x"])
    assert found.edges == ("x holds inf where yours have none", "x holds values near the float64 limit (1.8e+308)")
    assert found.suggestion == "np.isfinite(x).all()"  # the plainer edge first; excluding one excludes the input


def test_values_near_the_limit_alone_suggest_a_bound():
    found = check(Call((np.array([2.0, -1.7e308]),)), [Call((SIGNAL,))], ["x"])
    assert "x holds values near the float64 limit (1.8e+308)" in found.edges
    assert found.suggestion == "(abs(x) < 1e308).all()"


def test_suggestions_are_spelled_with_the_functions_own_numpy_name_or_none():
    x = np.array([np.nan])
    assert classify(Call((x,)), [Call((SIGNAL,))], ["x"], Names("numpy")).suggestion == "not numpy.isnan(x).any()"
    assert check(Call((x,)), [Call((SIGNAL,))], ["x"], Names(None)).suggestion == "(x == x).all()"
    assert check(Call((math.nan,)), [Call((2.5,))], ["t"], Names(None, "math")).suggestion == "not math.isnan(t)"


def test_a_mask_that_selects_nothing_names_the_share_yours_select():
    mask = np.zeros(100, bool)
    mask[:30] = True
    found = check(Call((SIGNAL[:1].copy(), np.zeros(1, bool))), [Call((SIGNAL[:100], mask))], ["x", "mask"])
    assert found.edges == ("mask selects nothing where yours select 30%",)
    assert found.suggestion == "mask.any()"


def test_an_all_false_mask_is_like_your_data_when_one_of_yours_is_all_false():
    mask = np.ones(10, bool)
    live = [Call((mask,)), Call((np.zeros(10, bool),))]
    assert check(Call((np.zeros(2, bool),)), live, ["mask"]).likeness == LIKE


def test_a_mask_that_selects_everything():
    mask = np.arange(10) < 3
    found = check(Call((np.ones(4, bool),)), [Call((mask,))], ["mask"])
    assert found.edges == ("mask selects everything where yours select 30%",) and found.suggestion == "not mask.all()"


def test_another_number_of_dimensions_and_another_dtype():
    found = check(Call((np.zeros(3),)), [Call((np.zeros((2, 2)),))], ["x"])
    assert found.edges == ("x has 1 dimension where yours have 2",) and found.suggestion == "x.ndim == 2"
    found = check(Call((np.zeros(3, np.float32),)), [Call((np.zeros(3),))], ["x"])
    assert found.edges == ("x is float32 where yours are float64",) and found.suggestion == "x.dtype == 'float64'"


def test_an_empty_2d_array_asks_for_a_size():
    found = check(Call((np.zeros((0, 3)),)), [Call((np.ones((4, 3)),))], ["a"])
    assert found.edges == ("a is empty where yours have 12 elements",) and found.suggestion == "a.size > 0"


def test_none_where_yours_pass_a_value_and_keywords_by_name():
    found = check(Call((SIGNAL[:2].copy(),), {"mask": None}), [Call((SIGNAL,), {"mask": SIGNAL > 2})], ["x", "mask"])
    assert found.edges == ("mask is None where yours pass a value",) and found.suggestion == "mask is not None"


def test_an_empty_string_and_an_empty_list():
    found = check(Call(("", [])), [Call(("abc", [1, 2, 3])), Call(("de", [4]))], ["s", "xs"])
    assert found.edges == ("s is empty where yours are not", "xs is empty where yours have 1 to 3 items")
    assert found.suggestion == "len(s) > 0"


def test_an_integer_at_its_dtypes_limit():
    ints = np.arange(0, 200, dtype=np.int64)
    found = check(Call((np.array([np.iinfo(np.int64).max]),)), [Call((ints,))], ["a"])
    assert found.edges == ("a holds values near the int64 limit (9.22e+18)",) and found.suggestion == "(abs(a) < 1e18).all()"
    small = np.array([3000], dtype=np.int32)  # far from 2**31: not near the limit
    assert check(Call((small,)), [Call((ints.astype(np.int32),))], ["a"]).likeness == LIKE


def test_numbers_in_a_list_have_the_edges_of_an_array():
    found = check(Call(([np.inf, 0.0],)), [Call(([1.5, 2.5, 4.0],))], ["values"], Names(None))
    assert found.edges == ("values holds inf where yours have none",)
    assert found.suggestion == "all(abs(v) < float('inf') for v in values)"
    found = check(Call(([3, -1],)), [Call(([1, 2, 3],))], ["xs"])
    assert found.edges == ("xs holds negative values (down to -1) where yours are positive",)
    assert found.suggestion == "all(v > 0 for v in xs)"


def test_a_single_number_is_nan_where_yours_never_are():
    found = check(Call((math.nan,)), [Call((2.5,))], ["t"])
    assert found.edges == ("t is NaN where yours never are",) and found.suggestion == "not np.isnan(t)"


def test_another_type_where_yours_are_all_one_builtin():
    found = check(Call(("3",)), [Call((3,))], ["n"])
    assert found.edges == ("n is a str where yours are int",) and found.suggestion == "isinstance(n, int)"


# -- pandas ---------------------------------------------------------------------------


FRAME = pd.DataFrame({"price": RNG.uniform(1, 9, 50), "city": ["Oslo", "Rome"] * 25})


def test_a_frame_with_no_rows():
    found = check(Call((FRAME.iloc[:0].copy(),)), [Call((FRAME,))], ["df"])
    assert found.edges == ("df has no rows where yours have 50",) and found.suggestion == "len(df) > 0"


def test_nan_in_a_column_of_a_frame_where_yours_have_none():
    holes = FRAME.iloc[:3].copy()
    holes.loc[holes.index[1], "price"] = np.nan
    found = check(Call((holes,)), [Call((FRAME,))], ["df"])
    assert found.edges == ("df holds missing values (NaN) in column 'price' where yours have none",)
    assert found.suggestion == "df['price'].notna().all()"
    assert check(Call((FRAME.iloc[:3].copy(),)), [Call((FRAME,))], ["df"]).likeness == LIKE


def test_missing_values_in_many_columns_are_one_edge():
    live = FRAME.copy()
    live["note"] = [None, "x"] * 25  # a column that misses in your data too
    holes = pd.DataFrame({"price": [np.nan, 2.0], "city": ["Oslo", None]})
    found = check(Call((holes,)), [Call((live,))], ["df"])
    assert found.edges == ("df holds missing values (NaN) in columns 'price', 'city' where yours have none",)
    assert found.suggestion == "df[['price', 'city']].notna().all().all()"
    assert check(Call((holes,)), [Call((FRAME,))], ["df"]).suggestion == "df.notna().all().all()"


def test_a_series_with_a_missing_value():
    found = check(Call((pd.Series([1.0, None]),)), [Call((FRAME["price"],))], ["s"])
    assert found.edges == ("s holds missing values (NaN) where yours have none",) and found.suggestion == "s.notna().all()"


# -- the verdict's reason and the report ----------------------------------------------


EDGE_CX = Counterexample("equalize(img=<uint8 array (1, 1), all 0>, mask=<bool array (1, 1), 0 True>)",
                         "returned <uint8 array (1, 1), all 255>", "returned <uint8 array (1, 1), all 0>",
                         "return value: 1 of 1 elements differ", "generated", likeness=EDGE,
                         edges=("mask selects nothing where yours select 38%",), suggestion="mask.any()")


def test_the_reason_leads_with_the_classification_and_ends_with_the_assumption():
    verdict, reason = decide(Check(False, 3, EDGE_CX), None)
    assert verdict == "incorrect" and "\n" not in reason
    assert reason == ('on an edge beyond your data (mask selects nothing where yours select 38%): '
                      'return value: 1 of 1 elements differ; to exclude it: --assume "mask.any()"')
    like = Counterexample("f(x=[1.0, 2.0])", "returned 3.0", "returned 2.0", "return value: 3.0 -> 2.0", "generated",
                          likeness=LIKE)
    assert decide(Check(False, 3, like), None)[1] == "on an input like your data: return value: 3.0 -> 2.0"
    own = Counterexample("f(x=[1.0])", "returned 1.0", "returned 0.0", "return value: 1.0 -> 0.0", likeness=LIVE)
    assert decide(Check(False, 1, own), None)[1] == "on one of your own calls: return value: 1.0 -> 0.0"


def test_text_and_html_reports_show_the_classification_and_the_suggestion():
    from test_render import visible  # tests/ is on the path (rootdir conftest)

    verdict, reason = decide(Check(False, 3, EDGE_CX), None)
    result = CandidateResult("argmax", "user", demo.ARGMAX, verdict, reason, check=Check(False, 3, EDGE_CX))
    report = Report("equalize", demo.ORIGINAL, ("equalize(...)",), None, (result,), options=Options())
    plain = text.render(report)
    assert "how far:   an edge beyond your data: mask selects nothing where yours select 38%" in plain
    assert 'exclude:   --assume "mask.any()"' in plain
    shown = visible(html.render(report))
    assert 'An edge beyond your data: mask selects nothing where yours select 38%. If such inputs never occur, ' \
           'exclude them with --assume "mask.any()".' in shown


def optimize_report(result: CandidateResult) -> Report:
    return Report("last", None, ("last(...)",), None, (result,), options=Options())


# -- through optimize() ---------------------------------------------------------------


@pytest.mark.slow
def test_the_argmax_rewrites_counterexample_is_the_empty_mask_edge(equalize, photo):
    mask = demo.circle_mask(photo.shape)
    report = optimize(equalize, [((photo, mask), {})], candidates=[demo.ARGMAX], time_budget=0.5)
    (wrong,) = report.results
    cx = wrong.counterexample
    assert wrong.verdict == "incorrect" and cx.origin == "generated"
    assert cx.likeness == EDGE and cx.suggestion == "mask.any()"
    edge = f"mask selects nothing where yours select {100 * mask.mean():.0f}%"
    assert cx.edges == (edge,)  # the shrunk image is all 0, darker than the photograph: not an edge
    assert wrong.reason.startswith(f"on an edge beyond your data ({edge}):")
    assert wrong.reason.endswith('to exclude it: --assume "mask.any()"')


@pytest.mark.slow
def test_a_counterexample_on_ordinary_values_is_like_your_data_and_a_live_one_is_yours():
    def last(xs):
        return max(xs)

    ascending = list(range(-19, 20))  # the rewrite is right on sorted lists only
    (result,) = optimize(last, [((ascending,), {})], candidates=["def last(xs):\n    return xs[-1]\n"],
                         time_budget=0.5).results
    assert result.verdict == "incorrect" and result.counterexample.origin == "generated"
    assert result.counterexample.likeness == LIKE, result.counterexample
    assert result.reason.startswith("on an input like your data: ") and "--assume" not in result.reason
    from test_render import visible

    assert "Like your data: every argument keeps" in visible(html.render(optimize_report(result)))
    (own,) = optimize(last, [((ascending[::-1],), {})], candidates=["def last(xs):\n    return xs[-1]\n"],
                      time_budget=0.5).results
    assert own.counterexample.likeness == LIVE and own.reason.startswith("on one of your own calls: ")


def test_floats_far_beyond_the_live_ones_are_an_edge():
    live = [Call((1.7e9 + np.arange(5.0),), {})]  # timestamps
    found = classify(Call((np.array([1e151, 1.7e9]),), {}, "generated"), live, ["t"])
    assert found.likeness == EDGE
    assert found.edges == ("t holds values far beyond yours (up to 1e+151 where yours reach 1.7e+09)",)
    assert found.suggestion == "(abs(t) < 1e151).all()"
    near = classify(Call((np.array([1.7e9, 1.7e9 + 3]),), {}, "generated"), live, ["t"])
    assert near.likeness == LIKE


@pytest.mark.parametrize("generated, live, lifted", [
    (([-5, 3],), ([1, 2],), ([5, 3],)),  # a list keeps its items' types
    ((np.array([-1.5, 2.0]),), (np.array([0.0, 1.0]),), (np.array([1.5, 2.0]),)),
    ((np.array([3, -4], np.int16),), (np.array([-1, -2], np.int16),), (np.array([-3, -4], np.int16),)),  # the mirror
    ((-2.5,), (1.0,), (2.5,)),
])
def test_without_sign_edges_turns_numbers_to_the_sign_the_live_ones_take(generated, live, lifted):
    from jupyter_optimize.verify.edges import without_sign_edges

    found = without_sign_edges(Call(generated, {}, "generated"), [Call(live, {})], ["x"])
    assert found is not None and found.origin == "generated"
    (value,), (expected,) = found.args, lifted
    assert type(value) is type(expected) and np.array_equal(value, expected)
    if isinstance(value, np.ndarray):
        assert value.dtype == expected.dtype
    else:
        assert [type(v) for v in np.atleast_1d(value).tolist()] == [type(v) for v in np.atleast_1d(expected).tolist()]


@pytest.mark.parametrize("generated, live", [
    (([5, 3],), ([1, 2],)),  # no sign edge
    (([-5, 3],), ([-1, 2],)),  # the live values take both signs
    ((np.array([np.iinfo(np.int8).min], np.int8),), (np.array([1], np.int8),)),  # -128 has no int8 of its size
    ((["a"],), (["b"],)),
    (([np.int8(-128)],), ([np.int8(1)],)),  # a list of numpy integers: the same limit
    ((np.int64(np.iinfo(np.int64).min),), (np.int64(5),)),
    ((Point(-1, 2),), (Point(1, 2),)),  # a namedtuple is not rebuilt from a list of its fields
])
def test_without_sign_edges_leaves_a_call_it_cannot_or_need_not_change(generated, live):
    from jupyter_optimize.verify.edges import without_sign_edges

    assert without_sign_edges(Call(generated, {}, "generated"), [Call(live, {})], ["x"]) is None


def _top_k(xs, k=3):
    ys, out = list(xs), []
    for _ in range(k):
        out.append(max(ys))
        ys.remove(out[-1])
    return out


def _sorted_top_k(xs, k=3):
    return sorted(xs, reverse=True)[:k]


def judged(original, candidate, value, live):
    """A counterexample of *candidate* on *value*, as the search hands it over, classified against *live*;
    and the judge's evidence before and after the classification."""
    from jupyter_optimize.verify.check import classified
    from jupyter_optimize.verify.compare import Tolerance
    from jupyter_optimize.verify.judge import Judge

    judge = Judge(original, candidate, Tolerance(), None)
    call = Call((value,), {}, "generated")
    why, orig, cand = judge.compare(call)
    assert why, "the pair must differ on the input"
    before = judge.evidence()
    found = classified(judge.counterexample(call, orig, cand, why), [Call((v,), {}) for v in live], judge)
    return found, before, judge.evidence()


def test_a_difference_that_does_not_depend_on_the_sign_is_not_blamed_on_one():
    """Shrinking can end on negative numbers though the sign is not the cause (here: fewer than k items):
    the counterexample is then the same input with your data's sign, like your data, with no --assume that
    would not exclude it; the judge's evidence is as it was."""
    found, before, after = judged(_top_k, _sorted_top_k, [-5], [[5, 3, 8, 1, 9, 2]])
    assert found.inputs.args == ([5],) and found.likeness == LIKE and not found.suggestion
    assert before[0] == after[0] and before[1:] == after[1:]


def test_a_difference_the_sign_causes_keeps_its_edge():
    def clipped_sum(xs):
        return sum(max(x, 0) for x in xs)

    found, _, _ = judged(clipped_sum, sum, [-5], [[5, 3, 8]])  # right on positive numbers only
    assert found.inputs.args == ([-5],) and found.likeness == EDGE
    assert found.suggestion == "all(v > 0 for v in xs)"
    assert found.edges == ("xs holds negative values (down to -5) where yours are positive",)


def test_a_number_whose_sign_cannot_be_turned_keeps_its_edges():
    def as_int(x):
        return abs(int(x))

    def numpy_abs(x):
        return int(np.abs(x))

    low = np.int64(np.iinfo(np.int64).min)  # abs() of it overflows in numpy, not in Python
    found, _, _ = judged(as_int, numpy_abs, low, [np.int64(5)])
    assert found.inputs.args == (low,) and found.likeness == EDGE and found.edges
