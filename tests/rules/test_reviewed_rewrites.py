"""The reviewed wrong rewrites: each is now exactly the loop on the inputs that showed it, or declined.

Max/min with NaN (max(nan, 1) is nan, max(1, nan) is 1), str() of float32
fields, running totals of Python ints past int64 and of narrow dtypes, a
conditional that gives an int in some rows and a float in others, int() of a
mixed object column, one-row frames with a None in a text field, ``in`` over
missing values, bool + bool, and a helper that reads a temporary set on one
branch only. The cases run as in `test_exact_rewrites`: kinds from the live
calls, then the original and the rewrite on the tried arguments, with the
element types compared too (in a Python-scalar loop: itertuples, a column's
values; an ``iterrows`` loop's list holds np.float64 where the rewrite's holds
float, which `difference` counts as the same).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_exact_rewrites import Exact, assert_exact, objects
from test_rule_catalogue import rewrite

AB = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, 4.0, 2.0]})
AB_NAN = AB.assign(b=[np.nan, 4.0, np.inf], a=[1.0, np.nan, 0.0])  # nan * x, 0 * inf: NaN products
INTS = pd.DataFrame({"n": [1, 2, 3]})
BOOLS = pd.DataFrame({"p": [True, False, True], "q": [True, True, False]})
TEXT = pd.DataFrame({"name": ["a", "b", "c"], "n": [1, 2, 3]})
CODES = pd.DataFrame({"c": objects("a", "b", "c")})
GAPS = pd.DataFrame({"c": objects("a", None, np.nan, float("nan"))})
F32 = pd.DataFrame({"x": np.array([0.1, 2.5, 1 / 3], dtype="float32")})

RUNNING_MAX = '''
def peak(df):
    best = 0
    for x in df["a"]:
        best = max(best, x)
    return best
'''
NEAREST = '''
def nearest(a):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = max(0.0, a[i] - 1.0)
    return out
'''
TOTAL = '''
def total(df):
    t = 0
    for v in df["n"]:
        t += v
    return t
'''
RUNNING = '''
def running(df):
    t = 0
    seen = []
    for v in df["n"]:
        t += v
        seen.append(t)
    return seen, t
'''
PRODUCT = '''
def product(df):
    t = 1
    for v in df["n"]:
        t *= v
    return t
'''
RATIOS = '''
def ratios(df):
    return [a / b if b != 0 else 0 for a, b in zip(df["a"], df["b"])]
'''
RATIO_ROWS = '''
def ratios(df):
    out = []
    for r in df.itertuples():
        if r.b != 0:
            out.append(r.a / r.b)
        else:
            out.append(0)
    return out
'''
CONCAT = '''
def grow(df):
    out = df.iloc[:1]
    for _, r in df.iterrows():
        out = pd.concat([out, pd.DataFrame([{"name": r["name"] if r["n"] > 1 else None, "n": r["n"]}])],
                        ignore_index=True)
    return out
'''
PIECES = '''
def grow(df):
    pieces = []
    for _, r in df.iterrows():
        pieces.append(pd.DataFrame([{"name": r["name"] if r["n"] > 1 else None, "n": r["n"]}]))
    return pd.concat(pieces, ignore_index=True)
'''
MEMBERS = '''
def members(df, known):
    return [c in known for c in df["c"]]
'''

EXACT = [
    Exact("frame-apply", "min_of_a_nan_product", '''
def floor(df):
    return df.apply(lambda r: min(0.0, r["a"] * r["b"]), axis=1)
''', [(AB,)], [(AB,), (AB_NAN,)]),  # min(0.0, nan) is 0.0; np.minimum gives nan
    Exact("frame-row-loop", "max_of_a_nan_difference", '''
def gains(df):
    out = []
    for r in df.itertuples():
        out.append(max(0.0, r.a - r.b))
    return out
''', [(AB,)], [(AB,), (AB_NAN,)]),
    Exact("frame-row-loop", "running_max_from_an_int", RUNNING_MAX, [(AB,)],
          [(AB,), (AB.assign(a=[-1.0, -2.0, -0.5]),)]),  # no x beats 0: the loop keeps the int 0
    Exact("elementwise-loop", "max_of_nan_in_an_array", NEAREST, [(np.array([1.0, 2.5]),)],
          [(np.array([np.nan, 2.0, np.inf]),)]),
    Exact("frame-row-loop", "python_ints_past_int64", TOTAL, [(INTS,)],
          [(INTS,), (INTS.assign(n=[2 ** 62, 2 ** 62, 2 ** 62]),), (INTS.iloc[:0],)]),
    Exact("frame-row-loop", "running_python_ints_past_int64", RUNNING, [(INTS,)],
          [(INTS,), (INTS.assign(n=[2 ** 62, 2 ** 62, -5]),)]),
    Exact("frame-row-loop", "product_past_int64", PRODUCT, [(INTS,)],
          [(INTS,), (INTS.assign(n=[2 ** 40, 2 ** 40, 0]),)]),
    Exact("column-comprehension", "int_zero_beside_ratios", RATIOS, [(AB,)], [(AB,), (AB.assign(b=[2.0, 0.0, 4.0]),)]),
    Exact("frame-row-loop", "int_zero_appended_beside_ratios", RATIO_ROWS, [(AB,)],
          [(AB,), (AB.assign(b=[2.0, 0.0, 4.0]),)]),
    Exact("column-comprehension", "int_of_a_mixed_object_column", '''
def whole(df):
    return [int(x) for x in df["v"]]
''', [(pd.DataFrame({"v": objects(1, 2)}),)],
          [(pd.DataFrame({"v": objects(1, "2", 3.5)}),), (pd.DataFrame({"v": objects("x", 2)}),),
           (pd.DataFrame({"v": objects([1], 2)}),)]),
    Exact("append-rows", "concat_of_rows_with_none", CONCAT, [(TEXT,)], [(TEXT,), (TEXT.iloc[:0],)]),
    Exact("append-rows", "pieces_with_none", PIECES, [(TEXT,)], [(TEXT,)]),
    Exact("column-comprehension", "in_a_set_with_none", MEMBERS, [(CODES, {"a", "c"})],
          [(CODES, {"a"}), (GAPS, {"a", None}), (GAPS, ["a", float("nan")]), (GAPS, {"a", pd.NA})]),
    Exact("column-comprehension", "bool_plus_bool", '''
def votes(df):
    return [p + q for p, q in zip(df["p"], df["q"])]
''', [(BOOLS,)], [(BOOLS,)]),
    Exact("elementwise-loop", "python_bools_added", '''
def gaps(a, b):
    out = np.zeros(len(a), dtype=int)
    for i in range(len(a)):
        out[i] = math.isnan(a[i]) + math.isnan(b[i])
    return out
''', [(np.array([1.0, np.nan]), np.array([np.nan, np.nan]))], [(np.array([np.nan, np.nan]), np.array([np.nan, 1.0]))]),
    Exact("column-comprehension", "str_of_float32_values_of_a_column", '''
def labels(df):
    return [str(x) for x in df["x"]]
''', [(F32,)], [(F32,)]),  # iterating a column gives Python floats: map(str) is right
]


@pytest.mark.parametrize("case", EXACT, ids=lambda c: f"{c.rule}/{c.label}")
def test_the_rewrite_gives_exactly_what_the_loop_gives(case: Exact):
    assert_exact(case)


DECLINED = [
    (Exact("frame-row-loop", "str_of_float32_fields_of_rows", '''
def labels(df):
    out = []
    for _, r in df.iterrows():
        out.append(str(r["x"]))
    return out
''', [(F32,)], []), "str() of a float32 value"),  # str(np.float32(0.1)) is '0.1', map(str) writes 0.10000000149011612
    (Exact("frame-apply", "str_of_float32_cells", '''
def labels(df):
    return df.apply(lambda r: str(r["x"] * 2) + "!", axis=1)
''', [(F32,)], []), "str() of a float32 value"),
    (Exact("frame-row-loop", "int8_totals_wrap_at_127", '''
def total(df):
    t = 0
    for _, r in df.iterrows():
        t += r["n"]
    return t
''', [(INTS.astype("int8"),)], []), "a running total of int8 values"),
    (Exact("frame-row-loop", "float32_totals_round_to_float32", '''
def total(df):
    t = 0.0
    for i in range(len(df)):
        t += df.at[i, "x"]
    return t
''', [(F32,)], []), "a running total of float32 values"),
    (Exact("frame-row-loop", "max_of_an_int_and_a_float", '''
def floor(df):
    out = []
    for r in df.itertuples():
        out.append(max(r.n, 0.5))
    return out
''', [(INTS,)], []), "max() of values that are not both ints or both floats"),
    (Exact("frame-apply", "bools_added_in_rows", '''
def votes(df):
    return df.apply(lambda r: r["p"] + r["q"], axis=1)
''', [(BOOLS,)], []), "arithmetic of two bools"),  # a row of bools holds np.bool_: or; a row of objects: ints
    (Exact("column-comprehension", "helper_with_a_temporary_on_one_branch", '''
def doubled(df):
    return [twice_above_one(x) for x in df["a"]]

def twice_above_one(v):
    if v > 1:
        t = v * 2
    return t + 1
''', [(AB,)], []), "t is read on a path of the helper where it is not set"),  # not the global t
]


@pytest.mark.parametrize(("case", "why"), DECLINED, ids=lambda c: getattr(c, "label", ""))
def test_the_rule_declines_what_it_cannot_do_exactly(case: Exact, why: str):
    declined: list[str] = []
    assert rewrite(case.case(), declined) is None
    assert any(why in reason for reason in declined), declined
