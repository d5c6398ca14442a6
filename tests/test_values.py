"""The values notebooks hold besides pandas, and the rules' use by the verifier:
determinism, argument state, the evidence on types judged by ==, values that cannot be judged."""
import collections
import dataclasses
import datetime as dt
import decimal

import numpy as np
import pytest

import jupyter_optimize
from jupyter_optimize import difference
from jupyter_optimize.model import Call
from jupyter_optimize.verify.check import check_candidate
from jupyter_optimize.verify.compare import Tolerance
from jupyter_optimize.verify.determinism import check_determinism

TOL = Tolerance()


def test_difference_is_public():
    assert jupyter_optimize.difference is difference
    assert "difference" in jupyter_optimize.__all__
    assert difference(1.0, 1.0 + 1e-12) is None
    assert difference(1.0, 1.0 + 1e-12, exact=True) is not None
    assert difference(1.0, 1.01, rtol=0.1) is None and difference(0.0, 0.5, atol=1.0) is None


def test_datetime64_arrays_with_nat_compare_equal():
    a = np.array(["2020-01-01", "NaT"], dtype="datetime64[s]")
    assert difference(a, a.copy()) is None
    assert difference(np.array([1, "NaT"], dtype="timedelta64[ms]"), np.array([1, "NaT"], dtype="timedelta64[ms]")) is None
    assert "dtype datetime64[s] became datetime64[ms]" in difference(a, a.astype("datetime64[ms]"))
    assert "1 of 2 elements differ" in difference(a, np.array(["2020-01-02", "NaT"], dtype="datetime64[s]"))
    assert difference(np.datetime64("NaT"), np.datetime64("NaT")) is None


def test_structured_arrays_compare_field_by_field():
    kind = np.dtype([("id", "i4"), ("w", "f8")])
    a = np.array([(1, 0.5), (2, np.nan)], dtype=kind)
    assert difference(a, a.copy()) is None
    b = a.copy()
    b["w"][0] = 0.75
    assert difference(a, b) == "value['w']: 1 of 2 elements differ, e.g. [0]: 0.5 -> 0.75"


def test_masked_arrays_compare_mask_and_visible_values():
    a = np.ma.array([1.0, 2.0, 3.0], mask=[False, True, False])
    b = np.ma.array([1.0, 99.0, 3.0], mask=[False, True, False])
    assert difference(a, b) is None
    assert "mask" in difference(a, np.ma.array([1.0, 2.0, 3.0], mask=[False, False, False]))


def test_sparse_results_compare_type_shape_dtype_and_values():
    sparse = pytest.importorskip("scipy.sparse")
    a = sparse.csr_matrix(np.array([[0.0, 1.0], [np.nan, 0.0]]))
    assert difference(a, a.copy()) is None
    assert difference(a, a + sparse.csr_matrix(np.array([[0.0, 1e-12], [0.0, 0.0]]))) is None
    b = sparse.csr_matrix(np.array([[0.0, 2.0], [np.nan, 0.0]]))
    assert difference(a, b) == "value: 1 of 4 elements differ, e.g. [0, 1]: 1.0 -> 2.0"
    assert "csr_matrix became csc_matrix" in difference(a, a.tocsc())
    assert "dtype float64 became float32" in difference(a, a.astype(np.float32))
    assert "shape" in difference(a, sparse.csr_matrix((3, 2)))
    assert difference(sparse.csr_array(np.eye(2)), sparse.csr_array(np.eye(2) * 2)) is not None


@dataclasses.dataclass
class Summary:
    mean: float
    counts: dict


class Result:  # no __eq__: compared by attributes
    def __init__(self, total, items):
        self.total, self.items = total, items


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b=None):
        self.a = a
        if b is not None:
            self.b = b


def test_small_result_objects_without_eq_compare_by_attributes():
    assert difference(Result(1.0, [1, 2]), Result(1.0 + 1e-12, [1, 2])) is None
    assert difference(Result(1.0, [1, 2]), Result(1.0, [1, 3])) == "value.items[1]: 2 became 3"
    assert difference(Slotted(1, 2), Slotted(1, 2)) is None
    assert "attributes differ (missing b)" in difference(Slotted(1, 2), Slotted(1))
    assert difference(Summary(float("nan"), {"a": 1}), Summary(float("nan"), {"a": 1})) is None
    assert difference(Summary(0.5, {"a": 1}), Summary(0.5, {"a": 2})) == "value.counts['a']: 1 became 2"


def test_attrs_classes_compare_by_their_attributes():
    attr = pytest.importorskip("attrs")

    @attr.define
    class Point:
        x: float
        y: float = attr.field(eq=False)

    assert difference(Point(float("nan"), 1.0), Point(float("nan"), 2.0)) is None  # y takes no part in equality
    assert difference(Point(1.0, 0.0), Point(2.0, 0.0)) == "value.x: 1.0 became 2.0"


def test_cycles_are_handled():
    a, b = Result(1, None), Result(1, None)
    a.items, b.items = a, b
    assert difference(a, b) is None
    b.total = 2
    assert difference(a, b) == "value.total: 1 became 2"
    x, y = [1], [1]
    x.append(x)
    y.append(y)
    assert difference(x, y) is None


def test_namedtuples_name_their_fields():
    Pair = collections.namedtuple("Pair", "lo hi")
    assert difference(Pair(1, 2), Pair(1, 3)) == "value.hi: 2 became 3"
    assert "type Pair became tuple" in difference(Pair(1, 2), (1, 2))


@pytest.mark.parametrize("a, b, words", [
    ({1, 2}, frozenset({1, 2}), "type set became frozenset"),
    ({1, 2}, {1, 3}, "set elements differ (missing 2; extra 3)"),
    (b"abc", bytearray(b"abc"), "type bytes became bytearray"),
    (b"abc", b"abd", "first differs at byte 2"),
    (decimal.Decimal("1.5"), decimal.Decimal("1.6"), "Decimal('1.5') became Decimal('1.6')"),
    (dt.date(2020, 1, 1), dt.datetime(2020, 1, 1), "type date became datetime"),
    (dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
     dt.datetime(2020, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), "UTC offset"),
    (dt.timedelta(1), dt.timedelta(2), "became"),
    (ValueError("x"), ValueError("y"), "value.args[0]"),
])
def test_standard_library_values_differ_with_their_type_kept(a, b, words):
    found = difference(a, b)
    assert found is not None and words in found, found


@pytest.mark.parametrize("a, b", [
    ({1, 2}, {2, 1}), (b"x", b"x"), (bytearray(b"x"), bytearray(b"x")),
    (decimal.Decimal("NaN"), decimal.Decimal("NaN")), (dt.time(1, 2), dt.time(1, 2)),
    (ValueError("x"), ValueError("x")),
])
def test_standard_library_values_that_are_the_same(a, b):
    assert difference(a, b) is None


class Money:  # its own ==: no rule knows it, so == decides and the evidence says so
    def __init__(self, cents):
        self.cents = cents

    def __eq__(self, other):
        return self.cents == other.cents


def money(n):
    return Money(n)


def money_copy(n):
    return Money(int(n))


def test_types_judged_by_eq_alone_are_named_in_the_notes():
    check = check_candidate(money, money_copy, [Call((3,))], TOL, None)
    assert check.passed
    assert "compared with ==: Money" in check.notes


class Opaque:  # == and repr both raise: nothing can judge it
    def __eq__(self, other):
        raise TypeError("no comparison")

    def __repr__(self):
        raise RuntimeError("no repr")

    __hash__ = object.__hash__


def opaque(n):
    return Opaque()


def test_a_value_that_cannot_be_judged_is_reported_in_one_line_on_the_candidate():
    assert check_determinism(opaque, [Call((1,))], TOL, 0).deterministic
    check = check_candidate(opaque, opaque, [Call((1,))], TOL, None)
    assert not check.passed
    line = check.counterexample.difference
    assert line == "return value: a Opaque that cannot be compared (its == and its repr both raise)"
    assert "Opaque" in check.counterexample.candidate


def frame_with_gaps(n):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"x": [1.0, np.nan] * n, "when": pd.to_datetime(["2020-01-01", None] * n)})


def test_a_nan_in_a_returned_frame_is_not_nondeterminism():
    assert check_determinism(frame_with_gaps, [Call((3,))], TOL, 0).deterministic


class Counter:
    def __init__(self):
        self.seen = [1, 2]

    def total(self):
        return sum(self.seen)


def test_a_method_of_a_plain_object_is_deterministic():
    assert check_determinism(Counter.total, [Call((Counter(),))], TOL, 0).deterministic


def append_one(items):
    items.append(1.0)


def append_other(items):
    items.append(2.0)


def test_argument_state_after_the_call_uses_the_same_rules():
    pd = pytest.importorskip("pandas")

    def add_column(df):
        df["y"] = df["x"] * 2

    def add_int_column(df):
        df["y"] = (df["x"] * 2).astype("int64")

    live = [Call((pd.DataFrame({"x": [1.0, 2.0]}),))]
    check = check_candidate(add_column, add_int_column, live, TOL, None)
    assert not check.passed and "df after the call: column 'y': dtype float64 became int64" in check.counterexample.difference
    assert not check_candidate(append_one, append_other, [Call(([0.0],))], TOL, None).passed


def test_polars_frames():
    pl = pytest.importorskip("polars")
    a = pl.DataFrame({"x": [1.0, None], "s": ["a", None]})
    assert difference(a, a.clone()) is None
    assert "column 'x'" in difference(a, pl.DataFrame({"x": [1.5, None], "s": ["a", None]}))
    assert "dtype" in difference(a, a.with_columns(pl.col("x").cast(pl.Float32)))


def test_torch_tensors():
    torch = pytest.importorskip("torch")
    a = torch.tensor([1.0, float("nan")])
    assert difference(a, a.clone()) is None
    assert "dtype" in difference(a, a.double())
    assert "1 of 2 elements differ" in difference(a, torch.tensor([2.0, float("nan")]))
