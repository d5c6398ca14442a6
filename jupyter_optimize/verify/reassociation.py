"""Floating-point reassociation is not a behaviour change.

A vectorized sum adds pairwise where the loop it replaces adds left to
right; a dot product, a matrix product or a convolution groups its products
as BLAS likes. In exact arithmetic the order does not matter; in floating
point it changes the rounding, and where terms cancel (``1e16 + 1.0 - 1e16``)
the rounding is all that is left. A numerical user does not call that a
different result, so the float tolerance of one call grows with what the
call could have summed:

    allowance = eps * sqrt(n) * (S + C + X) + eps**2 * (sqrt(n) * S)**2

over the call's finite numbers (floats, and integers other than a bare
integer argument, in arrays, scalars, sequences, dicts and pandas columns):
*n* their count, *S* the sum of their magnitudes; *C* the sum of their
squared deviations from the mean of the array (or list, or column) they are
in; *X* the products across arguments, the sum over pairs of distinct
arguments of one's largest magnitude times the other's *S*; *eps* the
machine epsilon of the original result's float dtype, applied where values
are compared (`Tolerance.atol_for`). The factor is ``sqrt(n)``, the typical
size of the rounding of a reordered sum of *n* terms (its worst case, *n*,
would forgive far too much on large inputs: for 1,000 timestamps near 1.7e9
it is 0.4 absolute, more than the gaps between them). Each term bounds the
rounding of one kind of reordered sum: ``S`` any order of summing the numbers
(a sum, a mean, a cumulative sum, a convolution with a small kernel);
``C`` a sum of squared deviations (a two-pass variance);
``X`` a sum of products of two arguments (a dot product, a matrix
product); the second-order term a quantity computed from a rounded mean
(the variance of a constant array, 0 in one order and tiny in another).
What is not forgiven is cancellation the user's numbers do not explain:
the textbook variance ``mean(x*x) - mean(x)**2`` loses everything on
``[1e8, 1e8 + 1, 1e8 + 2]`` (an error near 1 where *C* is 2), and that is a
real difference, not a reordering. For numbers above 1 the rule is still
generous to plain sums, yet a term dropped from a sum shows on the small
inputs the generator draws.

The inputs' half of the rule is `large_float`: the generator's large
float edge is one that a sum of the live size (and, in float64, the square
of that sum) holds without overflow, since which order a sum overflows in
is not behaviour either.

What stays a difference: NaN against a number, and an infinity against
anything but the same infinity (NaN and infinity handling is not rounding);
a result that lost precision (float32 accumulation rounds at ``2**29`` times
float64's epsilon, far beyond the allowance); a dropped or extra term.
``--exact`` turns the allowance off, and a tolerance built outside a call
(the public `difference`) has none.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..model import Call
from .compare import Tolerance
from .kinds import is_pandas

MAX_DEPTH = 4  # containers inside containers walked for numbers (records of lists, dicts of arrays)
_FLOAT64_MAX = float(np.finfo(np.float64).max)
_EPS = float(np.finfo(np.float64).eps)  # the second-order term's own epsilon


def large_float(dtype: np.dtype[Any], n: int) -> float:
    """The large finite edge for floats of *dtype* in collections of up to *n*:
    a power of ten of which *n* sum without overflow in *dtype* (and, below
    float64's square root, whose sums square without overflow in float64).
    A wider range would only show which order a sum overflows in."""
    room = min(float(np.finfo(dtype).max), math.sqrt(_FLOAT64_MAX)) / max(n, 1)
    return float(dtype.type(10.0 ** max(0, math.floor(math.log10(room)))))


def tolerance_for(tol: Tolerance, call: Call) -> Tolerance:
    """*tol* with the reassociation allowance of *call* (unchanged under ``exact``)."""
    if tol.exact:
        return tol
    return replace(tol, rounding=rounding_allowance(call))


def rounding_allowance(call: Call) -> float:
    """``sqrt(n) * (S + C + X) + eps * (sqrt(n) * S)**2`` over the call's finite numbers, in units of eps
    (see the module docstring); 0 when it has none."""
    per_argument = []
    for argument in (*call.args, *call.kwargs.values()):
        tally = _Tally()
        tally.walk(argument, MAX_DEPTH, top=True)
        per_argument.append(tally.totals())
    count = sum(m.count for m in per_argument)
    total = sum(m.total for m in per_argument)
    spread = sum(m.spread for m in per_argument)
    across = sum(a.largest * b.total for i, a in enumerate(per_argument) for j, b in enumerate(per_argument) if i != j)
    spread_of_rounding = math.sqrt(count)  # the typical rounding of a reordered sum, not its worst case (count)
    summed = spread_of_rounding * total
    allowance = spread_of_rounding * (total + spread + across) + _EPS * summed * summed  # overflows to inf, no error
    return allowance if math.isfinite(allowance) else _FLOAT64_MAX  # beyond float64: anything finite is rounding


@dataclass(frozen=True)
class Magnitudes:
    """Of some numbers: how many, the sum of their magnitudes, of their squared deviations
    from their own mean, and the largest magnitude."""

    count: int = 0
    total: float = 0.0
    spread: float = 0.0
    largest: float = 0.0


NONE = Magnitudes()


class _Tally:
    """The magnitudes of the numbers found so far: arrays summed as met, lone floats gathered
    and summed once at the end (a list of records holds thousands)."""

    def __init__(self) -> None:
        self.parts: list[Magnitudes] = []
        self.floats: list[float] = []

    def walk(self, value: Any, depth: int, top: bool = False) -> None:
        if type(value) is float:  # the common case first: a float in a record or a list
            self.floats.append(value)
        elif isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
            return
        elif isinstance(value, (int, np.integer)):
            if not top:  # an integer argument is a size, an index or a count far more often than a summed value
                self.parts.append(_of_scalar(value))
        elif isinstance(value, (float, complex, np.number)):
            self.parts.append(_of_scalar(value))
        elif isinstance(value, np.ndarray):
            self.parts.append(_of_array(value))
        elif isinstance(value, (list, tuple)) and (numbers := _as_numbers(value)) is not None:
            self.parts.append(_of_array(numbers))
        elif depth > 0 and isinstance(value, (list, tuple, set, frozenset, dict)):
            for item in value.values() if isinstance(value, dict) else value:
                self.walk(item, depth - 1)
        elif is_pandas(value):
            self.parts.extend(_of_pandas(value))

    def totals(self) -> Magnitudes:
        parts = [*self.parts, _of_array(np.array(self.floats, dtype=np.float64))]
        return Magnitudes(sum(p.count for p in parts), sum(p.total for p in parts), sum(p.spread for p in parts),
                          max(p.largest for p in parts))


def _as_numbers(items: list[Any] | tuple[Any, ...]) -> np.ndarray[Any, Any] | None:
    """A sequence of plain numbers as one array (one pass in C, not one per item), else None."""
    if not items or not isinstance(items[0], (float, int, complex, np.number, np.ndarray, list, tuple)):
        return None  # records, strings, objects: walked item by item (or not at all)
    try:
        array = np.asarray(items)
    except (ValueError, TypeError, OverflowError):  # ragged, or items numpy cannot take
        return None
    return array if array.dtype.kind in "iufc" else None


def _of_scalar(value: int | float | complex | np.number[Any]) -> Magnitudes:
    try:
        size = abs(complex(value))
    except OverflowError:  # an integer beyond float64's range
        size = math.inf
    return Magnitudes(1, size, 0.0, size) if math.isfinite(size) else NONE


def _of_array(array: np.ndarray[Any, Any]) -> Magnitudes:
    if array.dtype.kind not in "iufc" or not array.size:
        return NONE
    with np.errstate(all="ignore"):
        values = array.astype(np.complex128 if array.dtype.kind == "c" else np.float64, copy=False).ravel()
        finite = values[np.isfinite(values)]
        if not finite.size:
            return NONE
        sizes = np.abs(finite)
        spread = float(np.square(np.abs(finite - finite.mean())).sum())
        return Magnitudes(int(finite.size), float(sizes.sum()), spread, float(sizes.max()))


def _of_pandas(value: Any) -> Iterator[Magnitudes]:
    """The numeric columns of a DataFrame, or a Series' values (missing values skipped)."""
    columns = (column for _, column in value.items()) if hasattr(value, "columns") else (value,)
    for column in columns:
        kind = getattr(getattr(column, "dtype", None), "kind", "")
        if kind and kind in "iufc":
            try:
                values = column.to_numpy(dtype=complex if kind == "c" else float, na_value=np.nan)
            except (TypeError, ValueError):  # a column pandas cannot give as floats: it adds nothing
                continue
            yield _of_array(values)
