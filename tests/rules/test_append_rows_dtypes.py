"""append-rows keeps the frame that growing it row by row gives, whatever the rows hold.

`out.loc[len(out)] = row` infers each row's dtype on its own (a row of an int
and a float is a float64 Series; a NaN in a text column, a NaT or small ints
give other dtypes than one frame of all the rows). The rewrite builds one
frame and keeps it only where the two agree; elsewhere it adds the collected
rows one at a time. Checked here on many random row lists against the loop.
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from rule_cases import Case
from test_rule_catalogue import define, rewrite

from jupyter_optimize.verify.compare import Tolerance, difference

SOURCE = '''
def grow(rows):
    out = pd.DataFrame(columns=["a", "b"])
    for x, y in rows:
        out.loc[len(out)] = [x, y]
    return out
'''
LIVE = [("tea", 1.5), ("jam", 2.0), ("oil", 0.5)]
VALUES = {  # the kinds of values a column may hold
    "text": lambda r: r.choice(["a", "bb", ""]),
    "int": lambda r: r.randint(-5, 5),
    "np.int64": lambda r: np.int64(r.randint(-5, 5)),
    "float": lambda r: r.uniform(-2, 2),
    "nan": lambda r: float("nan"),
    "None": lambda r: None,
    "bool": lambda r: r.random() < 0.5,
    "np.int8": lambda r: np.int8(r.randint(-5, 5)),
    "big int": lambda r: 2 ** 63 + r.randint(0, 5),
    "timestamp": lambda r: pd.Timestamp("2024-01-01") + pd.Timedelta(hours=r.randint(0, 9)),
    "NaT": lambda r: pd.NaT,
}


def random_rows(r: random.Random) -> list[tuple]:
    kinds = [[r.choice(list(VALUES)) for _ in range(r.randint(1, 2))] for _ in range(2)]  # 1-2 kinds a column
    return [tuple(VALUES[r.choice(column)](r) for column in kinds) for _ in range(r.randint(1, 5))]


def test_the_live_rows_take_the_one_frame_path():
    text = rewrite(Case("append-rows", "grow", SOURCE, lambda: [((LIVE,), {})]))
    assert text is not None and "pd.DataFrame(out_rows, columns=out.columns)" in text


@pytest.mark.parametrize("seed", range(4))
def test_any_rows_give_the_loops_frame(seed: int):
    text = rewrite(Case("append-rows", "grow", SOURCE, lambda: [((LIVE,), {})]))
    original, rewritten = define(SOURCE), define(text)
    r = random.Random(seed)
    for _ in range(60):
        rows = random_rows(r)
        found = difference(outcome(original, rows), outcome(rewritten, rows), Tolerance(exact=True))
        assert found is None, f"{rows}: {found}"


def outcome(func, rows):
    try:
        return func(rows)
    except Exception as exc:  # the same exception type counts as the same behaviour
        return ("raised", type(exc).__name__)
