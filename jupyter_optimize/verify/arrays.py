"""Sameness of numpy values: arrays of every dtype and the datetime scalars.

Two arrays are the same when they have the same type, dtype and shape and
equal values: inexact values within ``|a - b| <= atol + eps * rounding + rtol * |a|``
(*a* the original's, *eps* its dtype's machine epsilon, *rounding* the call's
reassociation allowance; NaN equals NaN, an infinity only the same infinity), datetime64
and timedelta64 values exactly with NaT equal to NaT, structured arrays field
by field, object arrays element by element under the general rules (the
*recurse* callback, so this module does not import `compare`), masked arrays
by their mask and the values it leaves visible, everything else exactly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .describe import describe

if TYPE_CHECKING:
    from .compare import Tolerance

Recurse = Callable[[Any, Any, str], "str | None"]  # the general rules, for elements of object arrays
Mask = npt.NDArray[np.bool_]
MAX_SHOWN = 3  # differing elements named in the one-line explanation


def array_difference(a: Any, b: Any, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    """None when arrays *a* (the original's) and *b* count as the same, else how they differ."""
    if type(a) is not type(b):
        return f"{here}: {describe(a)} became {describe(b)}"
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    if a.shape != b.shape:
        return f"{here}: shape {a.shape} became {b.shape}"
    if isinstance(a, np.ma.MaskedArray):
        return _masked_difference(a, b, tol, here, recurse)
    if a.dtype.names:
        return _structured_difference(a, b, tol, here, recurse)
    if a.dtype == object:
        return _object_difference(a, b, here, recurse)
    return explain_unequal(a, b, ~equal_mask(a, b, tol), here)


def equal_mask(a: npt.NDArray[Any], b: npt.NDArray[Any], tol: Tolerance) -> Mask:
    """Element by element: is the candidate's value the same as the original's?"""
    mask: Mask  # numpy's stubs type == between arrays as Any
    if a.dtype.kind in "mM":
        mask = (a == b) | (np.isnat(a) & np.isnat(b))
    elif a.dtype.kind not in "fc":
        mask = np.asarray(a == b, dtype=bool)
    elif tol.exact:
        mask = (a == b) | (np.isnan(a) & np.isnan(b))
    else:
        with np.errstate(all="ignore"):
            mask = np.isclose(b, a, rtol=tol.rtol, atol=tol.atol_for(a.dtype), equal_nan=True) & _same_infs(a, b)
    return mask


def _same_infs(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> Mask:
    with np.errstate(all="ignore"):
        mask: Mask = ~(np.isinf(a) | np.isinf(b)) | (a == b)
    return mask


def explain_unequal(a: npt.NDArray[Any], b: npt.NDArray[Any], unequal: Mask, here: str) -> str | None:
    """The count of differing elements and the first few, or None when *unequal* is all False."""
    if not unequal.any():
        return None
    positions = np.argwhere(unequal)[:MAX_SHOWN]
    shown = ", ".join(f"[{index_text(tuple(p))}]: {_item(a[tuple(p)])} -> {_item(b[tuple(p)])}" for p in positions)
    return f"{here}: {int(unequal.sum())} of {a.size} elements differ, e.g. {shown}"


def _item(value: Any) -> str:
    return repr(value.item() if isinstance(value, np.generic) and value.dtype.kind not in "mM" else value)


def index_text(index: tuple[int | np.integer[Any], ...]) -> str:
    return ", ".join(str(int(i)) for i in index)


def _structured_difference(a: npt.NDArray[Any], b: npt.NDArray[Any], tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    for name in a.dtype.names or ():
        found = array_difference(a[name], b[name], tol, f"{here}[{name!r}]", recurse)
        if found:
            return found
    return None


def _object_difference(a: npt.NDArray[Any], b: npt.NDArray[Any], here: str, recurse: Recurse) -> str | None:
    for index in np.ndindex(a.shape):
        found = recurse(a[index], b[index], f"{here}[{index_text(index)}]")
        if found:
            return found
    return None


def _masked_difference(a: np.ma.MaskedArray[Any, Any], b: np.ma.MaskedArray[Any, Any], tol: Tolerance, here: str,
                       recurse: Recurse) -> str | None:
    hidden_a, hidden_b = np.ma.getmaskarray(a), np.ma.getmaskarray(b)
    if not np.array_equal(hidden_a, hidden_b):
        return explain_unequal(hidden_a, hidden_b, hidden_a != hidden_b, f"{here} (mask)")
    visible = ~hidden_a
    return array_difference(np.asarray(a)[visible], np.asarray(b)[visible], tol, f"{here} (unmasked values)", recurse)


def datetime_scalar_difference(a: np.datetime64 | np.timedelta64, b: np.datetime64 | np.timedelta64, here: str) -> str | None:
    """numpy datetime64/timedelta64 scalars: the same unit and value, NaT equal to NaT."""
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    if (np.isnat(a) and np.isnat(b)) or a == b:
        return None
    return f"{here}: {a!r} became {b!r}"
