"""What "the same value" means: the rule by which a candidate's result is judged.

`difference(a, b, tol)` returns None when *a* and *b* count as the same value,
else one line that says how they differ. The rules:

* numpy arrays: same type, dtype and shape; values equal within
  ``|a - b| <= atol + rtol * |a|`` (*a* the original's) for inexact dtypes (NaN equals NaN, an
  infinity only equals the same infinity), exactly equal otherwise;
* Python and numpy scalars compare by kind (bool, integer, float, complex)
  and value, so ``3 == np.int64(3)`` but ``3 != 3.0`` and ``True != 1``;
* lists, tuples and dicts element by element, with their type (and a
  dict's key order);
* sets and anything else with ``==`` (by repr when ``==`` itself fails).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .describe import describe


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-7
    atol: float = 1e-10
    exact: bool = False


def difference(a: Any, b: Any, tol: Tolerance = Tolerance(), where: str = "") -> str | None:
    """None if *a* (the original's) and *b* (the candidate's) are the same."""
    here = where or "value"
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return _array_difference(a, b, tol, here)
    kind_a, kind_b = _scalar_kind(a), _scalar_kind(b)
    if kind_a or kind_b:
        return _scalar_difference(a, b, kind_a, kind_b, tol, here)
    if type(a) is not type(b):
        return f"{here}: type {type(a).__name__} became {type(b).__name__}"
    if isinstance(a, (list, tuple)):
        return _sequence_difference(a, b, tol, here)
    if isinstance(a, dict):
        return _dict_difference(a, b, tol, here)
    return _generic_difference(a, b, here)


def _scalar_kind(x: Any) -> str | None:
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "integer"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, (complex, np.complexfloating)):
        return "complex"
    return None


def _scalar_difference(a: Any, b: Any, kind_a: str | None, kind_b: str | None, tol: Tolerance, here: str) -> str | None:
    if kind_a != kind_b:
        return f"{here}: {describe(a)} became {describe(b)} (a {kind_b or type(b).__name__})"
    if kind_a in ("bool", "integer"):
        return None if int(a) == int(b) else f"{here}: {a!r} became {b!r}"
    if _close(complex(a), complex(b), tol):
        return None
    return f"{here}: {a!r} became {b!r}"


def _close(a: complex, b: complex, tol: Tolerance) -> bool:
    return all(_close_real(x, y, tol) for x, y in ((a.real, b.real), (a.imag, b.imag)))


def _close_real(x: float, y: float, tol: Tolerance) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y) or tol.exact:
        return x == y
    return abs(x - y) <= tol.atol + tol.rtol * abs(x)  # relative to the original's value


def _array_difference(a: Any, b: Any, tol: Tolerance, here: str) -> str | None:
    if type(a) is not type(b):
        return f"{here}: {describe(a)} became {describe(b)}"
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    if a.shape != b.shape:
        return f"{here}: shape {a.shape} became {b.shape}"
    if a.dtype == object:
        for index in np.ndindex(a.shape):
            found = difference(a[index], b[index], tol, f"{here}[{_index(index)}]")
            if found:
                return found
        return None
    unequal = ~_array_equal_mask(a, b, tol)
    if not unequal.any():
        return None
    return f"{here}: {int(unequal.sum())} of {a.size} elements differ, {_first_diffs(a, b, unequal)}"


def _array_equal_mask(a: npt.NDArray[Any], b: npt.NDArray[Any], tol: Tolerance) -> npt.NDArray[np.bool_]:
    if a.dtype.kind not in "fc":
        return np.asarray(a == b, dtype=bool)
    mask: npt.NDArray[np.bool_]  # numpy's stubs type == between arrays as Any
    if tol.exact:
        mask = (a == b) | (np.isnan(a) & np.isnan(b))
    else:
        with np.errstate(all="ignore"):
            mask = np.isclose(b, a, rtol=tol.rtol, atol=tol.atol, equal_nan=True) & _same_infs(a, b)
    return mask


def _same_infs(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    with np.errstate(all="ignore"):
        mask: npt.NDArray[np.bool_] = ~(np.isinf(a) | np.isinf(b)) | (a == b)
    return mask


def _first_diffs(a: npt.NDArray[Any], b: npt.NDArray[Any], unequal: npt.NDArray[np.bool_], n: int = 3) -> str:
    positions = np.argwhere(unequal)[:n]
    parts = [f"[{_index(tuple(p))}]: {a[tuple(p)].item()!r} -> {b[tuple(p)].item()!r}" for p in positions]
    return "e.g. " + ", ".join(parts)


def _index(index: tuple[int | np.integer[Any], ...]) -> str:
    return ", ".join(str(int(i)) for i in index)


def _sequence_difference(a: Sequence[Any], b: Sequence[Any], tol: Tolerance, here: str) -> str | None:
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        found = difference(x, y, tol, f"{here}[{i}]")
        if found:
            return found
    return None


def _dict_difference(a: dict[Any, Any], b: dict[Any, Any], tol: Tolerance, here: str) -> str | None:
    if a.keys() != b.keys():
        missing, extra = a.keys() - b.keys(), b.keys() - a.keys()
        return f"{here}: keys differ (missing {sorted(map(repr, missing))}, extra {sorted(map(repr, extra))})"
    if list(a) != list(b):
        return f"{here}: key order changed"
    for key in a:
        found = difference(a[key], b[key], tol, f"{here}[{key!r}]")
        if found:
            return found
    return None


def _generic_difference(a: Any, b: Any, here: str) -> str | None:
    try:
        same = a == b
        if not isinstance(same, bool):
            same = bool(np.all(same))
    except Exception:  # objects whose == is broken: fall back to their repr
        same = repr(a) == repr(b)
    return None if same else f"{here}: {describe(a)} became {describe(b)}"
