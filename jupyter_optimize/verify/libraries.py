"""Sameness of values from optional libraries: scipy.sparse, polars and torch.

Each is recognised by its type's module, so the library is never imported
here: the value's own methods do the work (and a value of that kind means
the library is loaded already).

* scipy.sparse matrices and arrays: the same type, shape and dtype, and the
  same values (stored or not) under the array rules;
* polars DataFrame/Series: the same column names and order, dtypes, Series
  names and length; values equal with null equal to null, floats within
  the tolerance;
* torch tensors: the same dtype, shape, device and ``requires_grad``, values
  under the array rules.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .arrays import equal_mask, explain_unequal
from .kinds import library

if TYPE_CHECKING:
    from .compare import Tolerance


def library_of(value: object) -> str:
    """'sparse', 'polars', 'torch' for those libraries' values, else ''."""
    if type(value).__module__.startswith("scipy.sparse"):
        return "sparse"
    top = library(value)
    if top == "polars" and type(value).__name__ in ("DataFrame", "Series"):
        return "polars"
    if top == "torch" and hasattr(value, "is_floating_point"):
        return "torch"
    return ""


def library_difference(kind: str, a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    if type(a) is not type(b):
        return f"{here}: {type(a).__name__} became {type(b).__name__}"
    judge = {"sparse": sparse_difference, "polars": polars_difference, "torch": tensor_difference}[kind]
    return judge(a, b, tol, here)


def sparse_difference(a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    found = _layout_difference(a, b, here, ("shape", "dtype"))
    if found:
        return found
    if a.ndim != 2:
        dense_a, dense_b = a.toarray(), b.toarray()
        return explain_unequal(dense_a, dense_b, ~equal_mask(dense_a, dense_b, tol), here)
    rows, cols = (a != b).nonzero()  # candidates only: NaN and tiny float differences are judged below
    at_a, at_b = _values_at(a, rows, cols), _values_at(b, rows, cols)
    unequal = ~equal_mask(at_a, at_b, tol)
    if not unequal.any():
        return None
    shown = ", ".join(f"[{rows[i]}, {cols[i]}]: {at_a[i].item()!r} -> {at_b[i].item()!r}" for i in np.flatnonzero(unequal)[:3])
    return f"{here}: {int(unequal.sum())} of {a.shape[0] * a.shape[1]} elements differ, e.g. {shown}"


def _values_at(m: Any, rows: npt.NDArray[Any], cols: npt.NDArray[Any]) -> npt.NDArray[Any]:
    values: npt.NDArray[Any] = np.asarray(m.tocsr()[rows, cols]).ravel()
    return values


def _layout_difference(a: Any, b: Any, here: str, attributes: tuple[str, ...]) -> str | None:
    for name in attributes:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            return f"{here}: {name} {x} became {y}"
    return None


def tensor_difference(a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    found = _layout_difference(a, b, here, ("dtype", "device", "requires_grad"))
    if found:
        return found
    if tuple(a.shape) != tuple(b.shape):
        return f"{here}: shape {tuple(a.shape)} became {tuple(b.shape)}"
    dense_a, dense_b = _tensor_values(a), _tensor_values(b)
    return explain_unequal(dense_a, dense_b, ~equal_mask(dense_a, dense_b, tol), here)


def _tensor_values(t: Any) -> npt.NDArray[Any]:
    plain = t.detach().cpu()
    if plain.is_floating_point():
        plain = plain.double()  # bfloat16 and float16 have no numpy twin the tolerance can use directly
    values: npt.NDArray[Any] = plain.resolve_conj().numpy() if plain.is_complex() else plain.numpy()
    return values


def polars_difference(a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    if type(a).__name__ == "Series":
        return _polars_series_difference(a, b, tol, here)
    if list(a.columns) != list(b.columns):
        return f"{here}: columns {list(a.columns)!r:.80} became {list(b.columns)!r:.80}"
    if a.height != b.height:
        return f"{here}: {a.height} rows became {b.height}"
    for name in a.columns:
        found = _polars_series_difference(a.get_column(name), b.get_column(name), tol, f"{here}: column {name!r}")
        if found:
            return found
    return None


def _polars_series_difference(a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    if a.name != b.name:
        return f"{here}: name {a.name!r} became {b.name!r}"
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    if a.dtype.is_float():
        left, right = a.to_numpy(), b.to_numpy()  # nulls become NaN, which equals NaN
        unequal = ~equal_mask(left, right, tol)
    else:
        left, right = a.to_numpy(), b.to_numpy()
        unequal = ~np.asarray(a.eq_missing(b).to_numpy(), dtype=bool)
    return explain_unequal(np.asarray(left), np.asarray(right), unequal, here)
