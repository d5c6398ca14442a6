"""A pandas rewrite is exactly the loop, on values of the dtypes it was derived for (or it declines).

Each case learns the variables' kinds from *live* calls, then runs the
original and the rewrite on *tried* arguments: values the live calls'
dtypes allow but the live calls did not hold (None in an object column, a
group whose Python-int count is 0, a sum past int64). Both must return
the same value, with the same element types, or raise the same exception
with the same message.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from rule_cases import Case
from test_rule_catalogue import define, rewrite

from jupyter_optimize.verify.compare import Tolerance, difference


@dataclass(frozen=True)
class Exact:
    rule: str
    label: str
    source: str
    live: list[tuple]
    tried: list[tuple]

    def case(self) -> Case:
        return Case(self.rule, self.label, self.source, lambda: [(args, {}) for args in self.live])


def objects(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


CODES = pd.DataFrame({"code": objects("a", "b", "a"), "x": [1.0, 2.0, 3.0]})
NAMES = {"a": "apple", "b": "banana"}
LOOKUP = '''
def names_of(df, table):
    return [table[c] for c in df["code"]]
'''
APPLIED_LOOKUP = '''
def names_of(df, table):
    return df["code"].apply(lambda c: table[c])
'''
MISSING_KEYS = [  # an object column may hold None, pd.NA and NaN objects: the loop looks each up as it is
    (CODES.assign(code=objects("a", None, "b")), NAMES | {None: "unknown"}),
    (CODES.assign(code=objects(None, np.nan, "a")), NAMES | {None: "none", np.nan: "nan"}),
    (CODES.assign(code=objects(pd.NA, None, "a")), NAMES | {None: "none", pd.NA: "na"}),
    (CODES.assign(code=objects("a", np.nan, float("nan"))), NAMES | {np.nan: "nan"}),
    (CODES.assign(code=objects("a", "zz", ["l"])), NAMES),  # KeyError 'zz' before the unhashable list
    (CODES.assign(code=objects("a", ["l"], "zz")), NAMES),
]

ITEMS = pd.DataFrame({"item": ["a", "b", "a"], "x": [1.0, 2.0, 3.0]})
INTERVALS = pd.arrays.IntervalArray.from_arrays([0.0, 4.0, np.nan], [4.0, 8.0, np.nan])  # [-1] is NaN
NUMBERED = ITEMS.assign(item=[1, 2, 1])
TIMES = ITEMS.assign(when=pd.to_datetime(["2020-01-01", "2021-03-04", None]), n=pd.array([1, None, 3], dtype="Int64"))


def per_item(value: str, *lines: str) -> str:
    body = "".join(f"        {line}\n" for line in lines)
    return f'''
def per_item(df):
    out = {{}}
    for k in df["item"].unique():
        sub = df[df["item"] == k]
{body}        out[k] = {value}
    return out
'''


SUMS = '''
def sums(df):
    out = {}
    for k, v in zip(df["item"], df["x"]):
        out[k] = out.get(k, 0) + v
    return out
'''
SUMS_IF_SEEN = '''
def sums(df):
    out = {}
    for k, v in zip(df["item"], df["x"]):
        if k in out:
            out[k] += v
        else:
            out[k] = v
    return out
'''
RECEIPT = '''
def receipt(df):
    text = ""
    for r in df.itertuples():
        text = text + r.item.upper() + ":" + str(r.x) + ";" + str(r.n) + "\\n"
    return text
'''
PRICED = ITEMS.assign(n=[1, 2, 3])
ODD_FLOATS = PRICED.assign(x=[0.1 + 0.2, 1e16, -0.0], n=[-(2**62), 0, 7]).set_axis([9, 9, 4])


EXACT = [
    Exact("unique-groupby", "python_int_division", per_item('len(sub) / sub["x"].nunique()'), [(ITEMS,)],
          [(ITEMS,), (ITEMS.assign(x=[1.0, np.nan, 3.0]),)]),  # a group with no values: ZeroDivisionError
    Exact("unique-groupby", "python_ints_grow", per_item("len(sub) * 4611686018427387904 + 1"), [(ITEMS,)],
          [(ITEMS,)]),  # past int64
    Exact("unique-groupby", "index_named_like_the_key", per_item('sub["x"].sum()'), [(NUMBERED,)],
          [(NUMBERED.rename_axis("item"),)]),  # df.groupby("item") is ambiguous there
    Exact("unique-groupby", "nullable_bool_keys", per_item('sub["x"].sum()'),
          [(ITEMS.assign(item=pd.array([True, False, True], dtype="boolean")),)],
          [(ITEMS.assign(item=pd.array([True, None, False], dtype="boolean")),)]),  # "boolean" has NA
    Exact("unique-groupby", "interval_keys", per_item('sub["x"].sum()'), [(ITEMS.assign(item=INTERVALS[[0, 1, 0]]),)],
          [(ITEMS.assign(item=INTERVALS[[0, -1, 1]]),)]),  # "interval[float64, right]" has NaN
    Exact("dict-groupby", "counts_over_range_of_shape", '''
def counts(df):
    out = {}
    for i in range(df.shape[0]):
        out[df.at[i, "item"]] = out.get(df.at[i, "item"], 0) + 1
    return out
''', [(ITEMS,)], [(ITEMS,), (ITEMS.iloc[:0],)]),
    Exact("dict-groupby", "counts_of_a_dict_of_lists", '''
def counts(df):
    out = {}
    for k in df["item"]:
        out[k] = out.get(k, 0) + 1
    return out
''', [(ITEMS,)], [({"item": ["a", "b", "a"]},), (pd.Series({"item": ["a", "b"], "x": 1}),)]),  # not frames
    Exact("column-comprehension", "halves_of_arrays_and_lists", '''
def halves(temps):
    return [t / 2 for t in temps]
''', [(ITEMS["x"],)], [(np.arange(6.0).reshape(3, 2),), ([1.0, 3.0],)]),  # float64, but not a Series
    Exact("dict-groupby", "int_sums_past_int64", SUMS, [(ITEMS.assign(x=[1, 2, 3]),)],
          [(ITEMS.assign(x=[2 ** 62, 2, 2 ** 62]),), (ITEMS.assign(x=[-2 ** 63, 2, -1]),)]),  # the loop's ints grow
    Exact("column-comprehension", "lookup_of_missing_values", LOOKUP, [(CODES, NAMES)], MISSING_KEYS),
    Exact("frame-apply", "applied_lookup_of_missing_values", APPLIED_LOOKUP, [(CODES, NAMES)], MISSING_KEYS),
    Exact("frame-row-loop", "text_joined_from_columns", RECEIPT, [(PRICED,)],  # str() of floats keeps their digits
          [(ODD_FLOATS,), (PRICED.iloc[:0],), (PRICED.iloc[::-1],)]),
]


def outcome(func, args):
    try:
        return ("returned", func(*copy.deepcopy(args)))
    except Exception as exc:
        return ("raised", f"{type(exc).__name__}: {exc}")


def types(value):
    """The element types too (difference counts np.int64 and int as the same integer)."""
    if isinstance(value, dict):
        return [(type(k), type(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [type(v) for v in value]
    if isinstance(value, pd.Series):
        return [type(v) for v in value.tolist()]
    return type(value)


@pytest.mark.parametrize("case", EXACT, ids=lambda c: f"{c.rule}/{c.label}")
def test_the_rewrite_gives_exactly_what_the_loop_gives(case: Exact):
    assert_exact(case)


def assert_exact(case: Exact) -> None:
    """The rule fires on *case*, and its rewrite gives the loop's values and types on every tried input."""
    text = rewrite(case.case())
    assert text is not None, f"{case.rule} did not fire on {case.label}"
    original, rewritten = define(case.source), define(text)
    for args in case.tried:
        expected, got = outcome(original, args), outcome(rewritten, args)
        assert difference(expected, got, Tolerance(exact=True)) is None, (args, expected, got)
        assert types(expected[1]) == types(got[1]), (args, expected, got)


DECLINED = [
    (Exact("unique-groupby", "python_ints_among_numpy_numbers",
           per_item('sub["x"].sum() / (len(sub) - sub["x"].nunique())'), [(ITEMS,)], []),
     "arithmetic of Python numbers"),
    (Exact("unique-groupby", "max_of_timestamps", per_item('sub["when"].max()'), [(TIMES,)], []), "max() of a column"),
    (Exact("unique-groupby", "std_of_nullable_ints", per_item('sub["n"].std()'), [(TIMES,)], []), "std() of a column"),
    (Exact("dict-groupby", "float32_sums", SUMS, [(ITEMS.astype({"x": "float32"}),)], []), "a sum of float32"),
    (Exact("dict-groupby", "bools_kept_by_one_row_groups", SUMS_IF_SEEN, [(ITEMS.assign(x=[True, True, False]),)], []),
     "a sum of bool"),
    (Exact("column-comprehension", "lookup_in_a_branch", '''
def names_of(df, table):
    return [table[c] if c in table else "?" for c in df["code"]]
''', [(CODES, NAMES)], []), "a dict lookup in a branch"),
]


@pytest.mark.parametrize(("case", "why"), DECLINED, ids=lambda c: getattr(c, "label", ""))
def test_the_rule_declines_what_it_cannot_do_exactly(case: Exact, why: str):
    declined: list[str] = []
    assert rewrite(case.case(), declined) is None
    assert any(why in reason for reason in declined), declined
