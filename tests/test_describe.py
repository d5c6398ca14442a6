"""One-line descriptions of the values notebooks hold, over real pandas and scipy objects."""
from __future__ import annotations

import collections
import dataclasses
import datetime
import re
from html import escape

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sparse

from jupyter_optimize.model import Call, CandidateResult, Check, Counterexample, Report
from jupyter_optimize.options import Options
from jupyter_optimize.render import html, text
from jupyter_optimize.verify.describe import LINE, describe, describe_call
from jupyter_optimize.verify.judge import Outcome, counterexample


def prices() -> pd.DataFrame:
    return pd.DataFrame({"price": [1.5, 2.5, np.nan], "qty": [3, 4, 5]}, index=[10, 20, 30])


def long_frame(rows: int = 100_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"price": rng.random(rows), "qty": np.arange(rows), "city": rng.choice(["Oslo", "Bergen"], rows)})


# -- frames --------------------------------------------------------------------------


def test_a_small_frame_shows_its_shape_dtypes_and_every_row_with_its_label():
    assert describe(prices()) == "<DataFrame 3×2: price float64, qty int64; rows 10: (1.5, 3), 20: (2.5, 4), 30: (nan, 5)>"


def test_a_one_row_frame_shows_its_row_by_column_name():
    assert describe(prices().iloc[1:2]) == "<DataFrame 1×2: price float64, qty int64; row 20: price=2.5, qty=4>"


def test_a_long_frame_is_summarized_by_shape_columns_index_and_missing_values():
    frame = long_frame()
    frame.loc[7, "price"] = np.nan
    assert describe(frame) == "<DataFrame 100000×3: price float64, qty int64, city str; index 0..99999; missing: price 1>"


def test_a_row_subset_shows_the_index_is_no_longer_contiguous():
    assert "index 0..99990 step 10" in describe(long_frame().iloc[::10])
    shuffled = describe(long_frame().sample(frac=1.0, random_state=1))
    assert "(100000 labels, unsorted)" in shuffled
    duplicated = long_frame(20).set_index(pd.Index([1, 1] * 10))
    assert "with duplicates" in describe(duplicated)


def test_two_frames_that_differ_in_one_small_cell_read_differently():
    changed = prices()
    changed.loc[30, "qty"] = 6
    assert describe(prices()) != describe(changed)
    assert "30: (nan, 6)" in describe(changed)


def test_a_frame_with_a_long_cell_is_summarized_rather_than_cut():
    frame = pd.DataFrame({"note": ["a sentence far too long to be a readable cell of a one-line summary"]})
    assert describe(frame) == "<DataFrame 1×1: note str; index 0..0>"


def test_many_columns_are_counted_not_all_listed():
    shown = describe(pd.DataFrame(np.zeros((2, 20))))
    assert shown.startswith("<DataFrame 2×20: 0 float64, 1 float64") and "+ 12 more" in shown


def test_categorical_and_datetime_columns_show_their_dtypes_and_missing_values():
    frame = pd.DataFrame({"kind": pd.Categorical(["a", "b"]), "when": pd.to_datetime(["2024-01-02", None])})
    shown = describe(frame)
    assert "kind category, when datetime64" in shown
    assert "0: ('a', 2024-01-02 00:00:00), 1: ('b', NaT)" in shown


# -- series, indexes, categoricals ---------------------------------------------------


def test_a_short_series_shows_name_dtype_and_labelled_values():
    series = pd.Series([1.5, np.nan], index=["a", "b"], name="price")
    assert describe(series) == "<Series 'price' float64, length 2: 'a': 1.5, 'b': nan>"
    assert describe(series.rename(None)) == "<Series float64, length 2: 'a': 1.5, 'b': nan>"


def test_a_long_series_shows_its_first_values_whole_and_the_missing_count():
    series = pd.Series(np.arange(1000) / 4, name="q")
    series[5] = np.nan
    assert describe(series) == "<Series 'q' float64, length 1000: 0.0, 0.25, 0.5, ...; 1 missing; index 0..999>"


def test_indexes_multiindexes_and_categoricals():
    assert describe(pd.Index([10, 20, 30])) == "<Index [10, 20, 30]>"
    assert describe(pd.RangeIndex(0, 10, 2)) == "<RangeIndex 0..8 step 2>"
    multi = pd.MultiIndex.from_product([["a", "b"], [1, 2, 3]], names=["city", "year"])
    assert describe(multi) == "<MultiIndex ('city', 'year') ('a', 1)..('b', 3) (6 labels)>"
    categorical = pd.Categorical(["a", "b", "a"], categories=["a", "b", "c"], ordered=True)
    assert describe(categorical) == "<Categorical of 3, ordered categories ['a', 'b', 'c']: 'a', 'b', 'a'>"


# -- scipy.sparse ----------------------------------------------------------------------


def test_a_sparse_matrix_shows_format_shape_dtype_and_stored_entries():
    assert describe(sparse.csr_array(np.eye(2))) == "<csr_array 2×2 float64, 2 stored: (0, 0) 1.0, (1, 1) 1.0>"
    assert describe(sparse.coo_matrix(np.eye(300, dtype=np.int32))) == "<coo_matrix 300×300 int32, 300 stored>"


# -- Python values ---------------------------------------------------------------------


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Account:
    def __init__(self) -> None:
        self.owner = "ann"
        self.balance = 3
        self.myself = self  # a cycle


class Slotted:
    __slots__ = ("u", "v")

    def __init__(self) -> None:
        self.u, self.v = 1, [1, 2]


Pair = collections.namedtuple("Pair", "left right")


@pytest.mark.parametrize(("value", "expected"), [
    (Point(1, 2.5), "Point(x=1, y=2.5)"),
    (Slotted(), "<Slotted u=1, v=[1, 2]>"),
    (Pair(1, "z"), "Pair(left=1, right='z')"),
    (b"abc", "b'abc'"),
    (bytes(range(100)), r"<bytes of 100, starting b'\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b'>"),
    (set(range(40)), "{0, 1, 2, 3, 4, 5, ...} (40 items)"),
    (frozenset({2}), "frozenset({2})"),
    (datetime.datetime(2024, 1, 2, 3, 4, 5), "datetime(2024-01-02 03:04:05)"),
    (datetime.timedelta(days=1), "timedelta(1 day, 0:00:00)"),
    (np.datetime64("2024-01-02T00:00", "ns"), "2024-01-02T00:00:00.000000000 (datetime64[ns])"),
    (np.zeros(2, dtype=[("x", "i8"), ("y", "f8")]), "array([(0, 0.), (0, 0.)], fields x int64, y float64)"),
    (np.zeros(30, dtype=[("x", "i8"), ("y", "f8")]), "<structured array (30,): x int64, y float64>"),
    (np.array([{"a": 1}, "s", 3] * 10, dtype=object), "<object array (30,) of dict, str, int>"),
    (np.array(["2024-01-01", "NaT"] * 10, dtype="datetime64[D]"),
     "<datetime64[D] array (20,), 2024-01-01..2024-01-01, 10 NaT>"),
])
def test_python_and_numpy_values(value, expected):
    assert describe(value) == expected


def test_an_attrs_instance_shows_its_fields_like_a_dataclass():
    attrs = pytest.importorskip("attrs")  # not a dependency of the package or its test extra

    @attrs.define
    class Order:
        item: str
        qty: int

    assert describe(Order("tea", 2)) == "Order(item='tea', qty=2)"


def test_a_plain_object_shows_its_fields_and_a_cycle_ends():
    shown = describe(Account())
    assert shown.startswith("<Account owner='ann', balance=3, myself=<Account owner='ann'")
    assert len(shown) <= LINE


def test_fields_too_long_to_show_are_named_not_cut():
    account = Account()
    account.history = long_frame(10)
    account.notes = ["x" * 50] * 3
    shown = describe(account)
    assert "not shown:" in shown and "notes" in shown


def test_records_are_whole_when_short_else_counted_with_their_keys():
    assert describe([{"a": 1}, {"a": 2, "b": None}]) == "[{'a': 1}, {'a': 2, 'b': None}]"
    records = [{"id": i, "name": "x", **({"price": 1.0} if i % 10 else {})} for i in range(100)]
    assert describe(records) == "<list of 100 records, keys id, name, price (in 90)>"


def test_containers_describe_the_frames_and_arrays_inside_them():
    shown = describe({"frame": long_frame(), "ids": np.arange(1000)})
    assert shown == ("{'frame': <DataFrame 100000×3: price float64, qty int64, city str; index 0..99999>, "
                     "'ids': <int64 array (1000,), 0..999>}")


def test_a_value_whose_repr_raises_is_still_named():
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

        @property
        def __dict__(self):  # type: ignore[override]
            raise RuntimeError("no attributes either")

    assert describe(Broken()) == "<Broken (describing it raised RuntimeError)>"


# -- nothing cut inside a value --------------------------------------------------------


VALUES = [
    prices(), long_frame(), long_frame().iloc[::3], long_frame()["city"], long_frame().set_index("city"),
    pd.DataFrame({"when": pd.date_range("2024-01-01", periods=4, freq="h"), "n": pd.array([1, None, 3, 4], dtype="Int64")}),
    pd.DataFrame({"t": ["a very long string that will not fit in a single cell, anywhere"] * 2}),
    pd.DataFrame(np.arange(40.0).reshape(2, 20) / 3), pd.Series(np.arange(5) / 7, name=("a", 1)),
    pd.MultiIndex.from_arrays([list("abcdefg"), range(7)]), pd.date_range("2024-01-01", periods=100),
    sparse.csr_matrix(np.eye(4)), np.linspace(0, 1, 8) / 3, Account(), [prices(), np.arange(3)],
    pd.DataFrame(), pd.Series([], dtype=float), long_frame().groupby("city"),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_descriptions_are_one_line_and_never_end_inside_a_value(value):
    shown = describe(value)
    assert "\n" not in shown
    assert "..." not in shown.replace(", ...", "") or shown.startswith("<"), shown  # reprlib's mid-value cut
    assert not re.search(r"\w\.\.\.\w", shown), shown  # e.g. '0.70...94' in a cut repr
    assert len(shown) <= 2 * LINE


def test_a_frame_in_a_call_line_reads_as_its_summary():
    call = describe_call("total", (long_frame(),), {"by": "city"}, ["frame"])
    assert call == "total(frame=<DataFrame 100000×3: price float64, qty int64, city str; index 0..99999>, by='city')"


# -- the same lines in every report --------------------------------------------------


def frame_counterexample() -> Counterexample:
    frame = prices().iloc[[0, 2]]
    original, changed = frame.assign(total=[4.5, 0.0]), frame.assign(total=[4.5, np.nan])
    return counterexample("total", Call((frame,), {}, origin="generated"), Outcome(value=original),
                          Outcome(value=changed), "column 'total', row 30: 0.0 became nan", ["frame"])


def test_text_and_html_show_the_same_lines_of_a_frame_counterexample():
    cx = frame_counterexample()
    check = Check(False, 3, counterexample=cx, live_passed=1)
    result = CandidateResult("fast", "user", "def total(frame):\n    ...\n", "incorrect", "differs", check=check)
    report = Report("total", "def total(frame):\n    ...\n", (cx.call,), None, (result,), options=Options())
    lines = repr(cx).splitlines()
    assert lines[1] == ("  input:     total(frame=<DataFrame 2×2: price float64, qty int64; "
                        "rows 10: (1.5, 3), 30: (nan, 5)>)")
    assert "row 30" in lines[-1]
    plain, page = text.render(report), html.render(report)
    for line in lines:
        assert line in plain
        assert escape(line) in page


def test_a_float_arrays_span_is_six_digits_unless_rounding_would_hide_it():
    values = np.random.default_rng(0).normal(size=1000)
    assert describe(values) == "<float64 array (1000,), -3.89942..3.06604>"
    assert describe(values.astype(np.float32)) == "<float32 array (1000,), -3.89942..3.06604>"
    close = np.full(200, 1.0000001)
    close[-1] = 1.0000002
    assert describe(close) == "<float64 array (200,), 1.0000001..1.0000002>"
    assert describe(np.arange(90, 167)) == "<int64 array (77,), 90..166>"
