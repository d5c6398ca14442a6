"""pandas rewrites run only on the dtypes they were derived for: any other frame takes the original's path.

Each rewrite here is derived from live calls on an int64 column, then run on
the same frame with that column as bool, float, object, str and Int64: the
result (or the exception's type) is exactly the original's. Without the
dtype guard the first three cases differ (``-x`` of a bool is -1 per row but
~ on the column; an object column's arithmetic gives an object Series; a
str column's values are summed into text where the loop's ``0 + "a"`` raises).
"""
from __future__ import annotations

import ast
import copy

import numpy as np
import pandas as pd
import pytest
from rule_cases import Case
from test_rule_catalogue import define, rewrite

from jupyter_optimize.model import Call
from jupyter_optimize.sources.rules import learn_kinds
from jupyter_optimize.sources.rules.engine.context import Context
from jupyter_optimize.sources.rules.engine.schema import schema_guard
from jupyter_optimize.verify.compare import Tolerance, difference

INTS = pd.DataFrame({"k": [3, 1, 3, 2], "n": [1, 2, 3, 4]}, index=[5, 6, 7, 8])
OTHER_DTYPES = {
    "bool": INTS.assign(n=[True, False, True, True]),
    "float": INTS.assign(n=[1.0, 2.5, 0.0, 4.0]),
    "object": INTS.assign(n=pd.Series([1, 2.5, 3, 4], dtype=object, index=INTS.index)),
    "str": INTS.assign(n=["a", "b", "c", "d"]),
    "Int64": INTS.astype({"n": "Int64"}),
}

REWRITES = [
    Case("column-comprehension", "negated", '''
def negated(df):
    return [-x for x in df["n"]]
''', lambda: [((INTS,), {})]),
    Case("frame-apply", "shifted", '''
def shifted(df):
    return df["n"].apply(lambda x: x * 3 - 1)
''', lambda: [((INTS,), {})]),
    Case("dict-groupby", "sums", '''
def sums(df):
    d = {}
    for k, v in zip(df["k"], df["n"]):
        d[k] = d.get(k, 0) + v
    return d
''', lambda: [((INTS,), {})]),
    Case("frame-row-loop", "doubled_total", '''
def doubled_total(df):
    t = 0
    for _, r in df.iterrows():
        t += r["n"] * 2
    return t
''', lambda: [((INTS,), {})]),
    Case("unique-groupby", "sum_by_key", '''
def sum_by_key(df):
    d = {}
    for k in df["k"].unique():
        d[k] = df[df["k"] == k]["n"].sum()
    return d
''', lambda: [((INTS,), {})]),
]


def outcome(func, frame):
    try:
        return func(copy.deepcopy(frame))
    except Exception as exc:  # the same exception type counts as the same behaviour
        return ("raised", type(exc).__name__)


@pytest.mark.parametrize("case", REWRITES, ids=lambda c: f"{c.rule}/{c.label}")
@pytest.mark.parametrize("dtype", list(OTHER_DTYPES))
def test_another_dtype_gets_exactly_the_originals_result(case: Case, dtype: str):
    text = rewrite(case)
    assert text is not None and "dtype" in text, f"{case.rule} did not rewrite {case.label} under a dtype guard"
    original, rewritten = define(case.source), define(text)
    expected, got = outcome(original, OTHER_DTYPES[dtype]), outcome(rewritten, OTHER_DTYPES[dtype])
    assert difference(expected, got, Tolerance(exact=True)) is None
    assert _types(expected) == _types(got)


def _types(value):
    """The element types too (difference counts np.int64 and int as the same integer)."""
    if isinstance(value, dict):
        return [(type(k), type(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [type(v) for v in value]
    return type(value)


def test_a_frame_is_known_by_its_dtypes_on_entry_and_on_return():
    """A loop that runs before the function adds a column sees the frame as it came in: both are recorded."""
    func = define('''
def with_total(df):
    out = []
    for x in df["n"]:
        out.append(x * 2)
    df["total"] = out
    return df
''')
    kinds = learn_kinds(func, [Call.coerce(((INTS.copy(),), {}))]).kinds
    ctx = Context("", kinds, {})
    assert ctx.kind("df") is not None and ctx.kind("df").type == "DataFrame"
    assert ctx.schemas("df") == [(("'k'", "int64"), ("'n'", "int64")),
                                 (("'k'", "int64"), ("'n'", "int64"), ("'total'", "int64"))]


TEXTS = pd.DataFrame({"s": ["a", "b"], "x": [1.0, 2.0], "n": [1, 2]})


@pytest.mark.parametrize(("live", "tried", "passes"), [
    (TEXTS, TEXTS.iloc[::-1], True),
    (TEXTS, TEXTS.astype({"s": "string"}), False),  # the NA text dtype equals the name "str": told apart by name
    (TEXTS.astype({"s": "string"}), TEXTS, False),
    (TEXTS, TEXTS.astype({"s": object}), False),
    (TEXTS, TEXTS.astype({"s": "category"}), False),
    (TEXTS, TEXTS.astype({"x": "float32"}), False),
    (TEXTS, TEXTS.astype({"n": "Int64"}), False),
    (TEXTS, TEXTS.astype({"n": "int32"}), False),
    (TEXTS, TEXTS[["x", "s", "n"]], False),
    (TEXTS.astype({"s": "category"}), TEXTS.astype({"s": pd.CategoricalDtype([1, 2])}).assign(s=[1, 2]), False),
])
def test_a_frames_guard_passes_only_the_dtypes_and_columns_of_a_live_call(live, tried, passes):
    func = define('''
def ident(df):
    return df
''')
    ctx = Context("", learn_kinds(func, [Call.coerce(((live,), {}))]).kinds, {})
    guard = ast.unparse(schema_guard(ctx, "df"))
    assert eval(guard, {"pd": pd, "pandas": pd, "np": np, "df": tried}) is passes, guard
