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
