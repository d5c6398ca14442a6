"""pandas values under the comparison rules: what differs is named, what pandas calls equal passes."""
import pickle

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import pandas as hpd  # noqa: E402

from jupyter_optimize import difference  # noqa: E402


def frame():
    return pd.DataFrame({"x": [1.0, np.nan, 3.0], "n": [1, 2, 3], "s": ["a", None, "c"],
                         "t": pd.to_datetime(["2020-01-01", None, "2020-01-03"])}, index=[10, 11, 12])


def test_missing_values_equal_each_other_where_both_sides_miss():
    assert difference(frame(), frame()) is None
    assert difference(frame(), pickle.loads(pickle.dumps(frame()))) is None


def test_a_changed_cell_names_column_row_and_both_values():
    b = frame()
    b.loc[12, "x"] = 3.5
    assert difference(frame(), b) == "value: column 'x': 1 of 3 values differ, e.g. row 12: 3.0 -> 3.5"


def test_a_value_where_the_original_had_a_missing_one_differs():
    b = frame()
    b.loc[11, "s"] = "b"
    assert "column 's'" in difference(frame(), b) and "row 11" in difference(frame(), b)


@pytest.mark.parametrize("change, words", [
    (lambda f: f.astype({"n": "float64"}), "column 'n': dtype int64 became float64"),
    (lambda f: f.set_axis(f.index.astype("float64")), "index: dtype int64 became float64"),
    (lambda f: f.astype({"s": "category"}), "column 's': dtype"),
    (lambda f: f[["n", "x", "s", "t"]], "columns: order changed"),
    (lambda f: f.drop(columns="t"), "columns: missing 't'"),
    (lambda f: f.rename(columns={"t": "u"}), "missing 't'; extra 'u'"),
    (lambda f: f.set_axis([10, 11, 13]), "index: 1 of 3 labels differ, e.g. position 2: 12 -> 13"),
    (lambda f: f.rename_axis("id"), "index: names [None] became ['id']"),
    (lambda f: f.iloc[:2], "index: length 3 became 2"),
    (lambda f: f.reset_index(drop=True), "index: 3 of 3 labels differ"),
])
def test_frame_changes_pandas_would_reject_are_named(change, words):
    found = difference(frame(), change(frame()))
    assert found is not None and words in found, found


def test_series_name_dtype_and_values():
    s = pd.Series([1, 2, 3], name="total")
    assert difference(s, s.rename("sum")) == "value: Series name 'total' became 'sum'"
    assert "dtype int64 became float64" in difference(s, s.astype(float))
    assert "row 1: 2 -> 5" in difference(s, pd.Series([1, 5, 3], name="total"))
    assert difference(s, s.to_frame()) == "value: Series became DataFrame"


def test_object_column_that_became_categorical_differs():
    s = pd.Series(["a", "b", "a"], dtype=object)
    assert difference(s, s.astype("category")) == "value: dtype object became category"


def test_categoricals_compare_categories_order_and_values():
    a = pd.Categorical(["x", "y", None], categories=["x", "y", "z"])
    assert difference(a, pd.Categorical(["x", "y", None], categories=["x", "y", "z"])) is None
    assert "categories" in difference(a, pd.Categorical(["x", "y", None], categories=["x", "y"]))
    assert "ordered=False became ordered=True" in difference(a, pd.Categorical(a, ordered=True))
    assert "row 1: 'y' -> 'x'" in difference(a, pd.Categorical(["x", "x", None], categories=["x", "y", "z"]))


def test_float_tolerance_applies_to_frames():
    df = pd.DataFrame({"k": list("aabbc"), "v": [0.1, 0.2, 0.3, 0.4, 0.5]})
    summary = df.groupby("k")["v"].sum()
    nudged = summary + 7e-12  # the groupby summary, off by a rounding
    assert difference(summary, nudged) is None
    assert difference(summary, nudged, exact=True) is not None
    assert difference(summary, summary * 1.001) is not None
    assert difference(summary, summary * 1.001, rtol=1e-2) is None


def test_infinities_only_equal_the_same_infinity():
    a = pd.Series([np.inf, -np.inf, 1.0])
    assert difference(a, a.copy()) is None
    assert difference(a, pd.Series([np.inf, np.inf, 1.0])) is not None


def test_range_index_stands_for_the_int64_index_of_the_same_values():
    a = pd.DataFrame({"x": [1, 2]})
    b = pd.DataFrame({"x": [1, 2]}, index=pd.Index([0, 1], dtype="int64"))
    assert difference(a, b) is None
    assert difference(pd.RangeIndex(3), pd.Index([0, 1, 2])) is None
    assert "dtype int64 became float64" in difference(pd.RangeIndex(3), pd.Index([0.0, 1.0, 2.0]))


def test_multiindex_levels_are_judged_each():
    a = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"])
    assert difference(a, a.copy()) is None
    b = pd.MultiIndex.from_tuples([("a", 1), ("b", 3)], names=["k", "n"])
    assert "level 1" in difference(a, b) and "2 -> 3" in difference(a, b)
    assert "names" in difference(a, a.set_names(["k", "m"]))


def test_nullable_and_time_zone_dtypes():
    a = pd.Series([1, None, 3], dtype="Int64")
    assert difference(a, a.copy()) is None
    assert "row 2: 3 -> 4" in difference(a, pd.Series([1, None, 4], dtype="Int64"))
    t = pd.Series(pd.date_range("2020-01-01", periods=3, tz="UTC"))
    assert difference(t, t.copy()) is None
    assert "dtype" in difference(t, t.dt.tz_convert("Europe/Paris"))


def test_object_cells_holding_arrays_are_judged_by_the_general_rules():
    a = pd.Series([np.array([1.0, 2.0]), np.array([3.0])])
    assert difference(a, a.copy(deep=True)) is None
    b = pd.Series([np.array([1.0, 2.0]), np.array([4.0])])
    assert "row 1" in difference(a, b)


def test_pandas_scalars():
    assert difference(pd.NaT, pd.NaT) is None
    assert difference(pd.NA, pd.NA) is None
    assert difference(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-01")) is None
    assert difference(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-02")) is not None
    assert difference(pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-01 01:00", tz="Europe/Paris")) is not None


def test_extension_arrays_compare_as_values():
    assert difference(pd.array([1, None]), pd.array([1, None])) is None
    assert difference(pd.array([1, None]), pd.array([2, None])) is not None


@settings(max_examples=40, deadline=None)
@given(hpd.data_frames([hpd.column("f", dtype=float), hpd.column("i", dtype=int), hpd.column("s", elements=st.text())],
                       index=hpd.range_indexes(max_size=8)))
def test_any_frame_equals_its_copy_and_differs_from_a_changed_one(df):
    assert difference(df, df.copy()) is None
    assert difference(df, pickle.loads(pickle.dumps(df))) is None
    if len(df):
        changed = df.copy()
        changed.iloc[-1, 1] = int(changed.iloc[-1, 1]) ^ 1  # another int64, even at its limit
        assert "column 'i'" in difference(df, changed)


def test_a_million_rows_find_the_one_differing_cell():
    # how fast this is, benchmarks/pandas_speed.py measures; here: the right cell among a million
    n = 1_000_000
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"f": rng.random(n), "i": rng.integers(0, 100, n), "s": rng.choice(["ab", "cd"], n).astype(object)})
    assert difference(a, a.copy()) is None
    b = a.copy()
    b.iloc[765_432, 2] = "zz"
    assert "column 's': 1 of 1000000 values differ, e.g. row 765432" in difference(a, b)
