"""`difference` on dicts: a key's type counts as a value's does, and a NaN key matches a NaN key."""
from __future__ import annotations

import numpy as np
import pytest

from jupyter_optimize.verify.compare import difference


@pytest.mark.parametrize("a, b, words", [
    ({np.int64(3): 1}, {3: 1}, "key np.int64(3) became 3 (type numpy.int64 became int)"),
    ({1: "x"}, {True: "x"}, "(type int became bool)"),
    ({2: 0}, {2.0: 0}, "(type int became float)"),
    ({"a": 1, np.float64(1.5): 2}, {"a": 1, 1.5: 2}, "(type numpy.float64 became float)"),
    ({np.True_: 1}, {True: 1}, "(type numpy.bool became bool)"),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, "key order changed"),
    ({"a": 1}, {"b": 1}, "keys differ"),
])
def test_keys_of_another_type_or_order_are_a_difference(a, b, words):
    found = difference(a, b)
    assert found is not None and words in found, found


def test_the_same_keys_of_the_same_types_are_no_difference():
    assert difference({np.int64(3): 1.0, np.int64(1): 2.0}, {np.int64(3): 1.0, np.int64(1): np.float64(2.0)}) is None
    assert difference({(1, "a"): [1]}, {(1, "a"): [1]}) is None


def test_nan_keys_made_twice_are_the_same_key():
    """Two runs of a loop over unique() make two NaN objects: equal keys for the comparison, not for dict."""
    first, second = {np.float64("nan"): 0.0, np.float64(1.5): 2.0}, {np.float64("nan"): 0.0, np.float64(1.5): 2.0}
    assert first.keys() != second.keys()
    assert difference(first, second) is None
    assert difference(first, {np.float64("nan"): 1.0, np.float64(1.5): 2.0}) is not None
    assert difference({float("nan"): 1}, {np.float64("nan"): 1}) is not None  # a float became an np.float64


def test_nat_keys_and_nan_inside_tuple_keys_made_twice_are_the_same_key():
    def by_day(s):
        return dict(zip(s.to_numpy(), range(len(s))))

    def pair_counts(rows):
        counts = {}
        for a, b in rows:
            counts[(a, b)] = counts.get((a, b), 0) + 1
        return counts

    import pandas as pd

    days = pd.Series(pd.to_datetime(["2020-01-01", None]))
    spans = pd.Series(pd.to_timedelta([1, None], unit="D"))
    rows = list(zip(pd.Series([1.0, np.nan, np.nan]), ["x", "y", "y"]))
    for run in (lambda: by_day(days), lambda: by_day(spans), lambda: pair_counts(rows)):
        assert difference(run(), run()) is None
    assert difference(by_day(days), by_day(spans)) is not None  # a datetime NaT is not a timedelta NaT
    found = difference(pair_counts(rows), pair_counts(list(zip([1.0, np.nan], ["x", "z"]))))
    assert found == "value: keys differ (missing [(nan, 'y'), (nan, 'y')], extra [(nan, 'z')])"


def test_a_nan_key_made_twice_counts_twice_and_long_key_lists_are_cut():
    assert difference({float("nan"): 1, float("nan"): 2, 1: 3}, {float("nan"): 1, 1: 3}) == \
        "value: keys differ (missing [nan])"  # a float NaN, not the text 'nan'; nothing extra: not said
    assert difference({float("nan"): 1}, {"nan": 1}) == "value: keys differ (missing [nan], extra ['nan'])"
    found = difference(dict.fromkeys(range(50), 1), dict.fromkeys(range(50, 100), 1))
    assert found == "value: keys differ (missing [0, 1, 2] and 47 more, extra [50, 51, 52] and 47 more)"
