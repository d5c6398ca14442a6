import numpy as np
import pytest

from jupyter_optimize.verify.compare import Tolerance, difference


@pytest.mark.parametrize("a, b", [
    (3, np.int64(3)),
    (2.5, np.float64(2.5)),
    (True, np.bool_(True)),
    (float("nan"), np.nan),
    ([1, (2.0, "x")], [1, (2.0, "x")]),
    ({"a": [1, 2]}, {"a": [1, 2]}),
    (np.array([1.0, np.nan, np.inf]), np.array([1.0, np.nan, np.inf])),
    (1.0, 1.0 + 1e-12),
    (None, None),
    ("text", "text"),
    (np.str_("rome"), "rome"),  # numpy's text scalars and Python's, as its numbers are
    ("rome", np.str_("rome")),
    (np.bytes_(b"ab"), b"ab"),
])
def test_same_values(a, b):
    assert difference(a, b) is None


@pytest.mark.parametrize("a, b, words", [
    (3, 3.0, "became"),
    (True, 1, "True became 1 (an integer)"),
    ([1, 2], (1, 2), "type list became tuple"),
    ([1, 2], [1, 2, 3], "length 2 became 3"),
    ({"a": 1}, {"b": 1}, "keys differ"),
    (np.zeros(3, np.uint8), np.zeros(3, np.int64), "dtype uint8 became int64"),
    (np.zeros((2, 3)), np.zeros((3, 2)), "shape (2, 3) became (3, 2)"),
    (np.array([np.inf]), np.array([-np.inf]), "1 of 1 elements differ"),
    (np.array([np.nan]), np.array([0.0]), "1 of 1 elements differ"),
    (np.arange(5), np.array([0, 1, 2, 3, 5]), "[4]: 4 -> 5"),
    ("abc", "abd", "became"),
    (np.str_("rome"), "oslo", "became"),
    (np.bytes_(b"a"), "a", "type bytes_ became str"),
    (type("Name", (str,), {})("a"), "a", "type Name became str"),  # a str subclass of the user's keeps its type
    ({np.str_("a"): 1}, {"a": 1}, "type numpy.str_ became str"),  # a dict's own key keeps its type, as np.int64's
    (np.bytes_(b"ab"), b"ax", "first differs at byte 1"),
])
def test_different_values_are_explained(a, b, words):
    found = difference(a, b)
    assert found is not None and words in found


def test_float_tolerance_is_adjustable_and_exact_mode_is_strict():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])
    assert difference(a, b) is None
    assert difference(a, b, Tolerance(exact=True)) is not None
    assert difference(1.0, 1.001) is not None
    assert difference(1.0, 1.001, Tolerance(rtol=1e-2)) is None


def test_object_arrays_and_nested_containers_compare_recursively():
    a = np.array([[1, "x"], [2.0, None]], dtype=object)
    b = a.copy()
    assert difference(a, b) is None
    b[1, 0] = 2.5
    assert "[1, 0]" in difference(a, b)
    assert "value[0][0]" in difference([[0, 1]], [[9, 1]])


def test_objects_with_array_valued_equality():
    class Box:
        def __init__(self, v):
            self.v = np.asarray(v)

        def __eq__(self, other):
            return self.v == other.v

    assert difference(Box([1, 2]), Box([1, 2])) is None
    assert difference(Box([1, 2]), Box([1, 3])) is not None


def test_negative_zero_and_small_absolute_differences():
    assert difference(0.0, -0.0) is None
    assert difference(0.0, 1e-11) is None
    assert difference(0.0, 1e-6) is not None
