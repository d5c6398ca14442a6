"""Sameness of pandas values: DataFrame, Series, Index (and MultiIndex),
Categorical, extension arrays and pandas scalars.

pandas' own testing semantics (`pandas.testing.assert_frame_equal` with its
defaults) are the reference: the same type, column labels in the same order,
the same index (values, dtype, names; a RangeIndex stands for the int64
Index of the same values), the same dtypes (for categoricals: categories and
order) and Series name; values equal with missing values (NaN, None, NaT,
pd.NA) equal to each other where both sides are missing; floating-point
values (and float index labels) within the run's tolerance (with the call's
reassociation allowance, in the column dtype's epsilon), the rest exact.
The work is vectorized per column, so two frames of a million rows compare
in a fraction of a second; only object cells that ``==`` cannot judge
(arrays in cells, say) go one by one through the general rules, the *recurse*
callback (so this module does not import `compare`).

This module imports pandas only when a value is a pandas object, and then
pandas is already loaded; the rest of the package never imports pandas.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from .compare import Tolerance

Recurse = Callable[[Any, Any, str], "str | None"]  # the general rules, for cells that hold lists, arrays, ...
Mask = npt.NDArray[np.bool_]

MAX_SHOWN = 3  # differing cells (or labels) named in the one-line explanation


def pandas_difference(a: Any, b: Any, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    """None when *a* (the original's) and *b* count as the same pandas value, else how they differ."""
    import pandas as pd

    if isinstance(a, pd.Index) and isinstance(b, pd.Index):
        return _index_difference(a, b, tol, here)
    if type(a) is not type(b):
        return f"{here}: {type(a).__name__} became {type(b).__name__}"
    if isinstance(a, pd.DataFrame):
        return _frame_difference(a, b, tol, here, recurse)
    if isinstance(a, pd.Series):
        return _series_difference(a, b, tol, here, recurse)
    if isinstance(a, pd.api.extensions.ExtensionArray):
        return _array_difference(a, b, tol, here, recurse)
    return _scalar_difference(a, b, here)


def _frame_difference(a: pd.DataFrame, b: pd.DataFrame, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    found = _labels_difference(a.columns, b.columns, f"{here}: columns")
    found = found or _index_difference(a.index, b.index, tol, f"{here}: index")
    if found:
        return found
    for position, label in enumerate(a.columns):  # by position: labels may repeat
        found = _values_difference(a.iloc[:, position], b.iloc[:, position], tol, f"{here}: column {label!r}", recurse)
        if found:
            return found
    return None


def _series_difference(a: pd.Series, b: pd.Series, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    if not _same_label(a.name, b.name):
        return f"{here}: Series name {a.name!r} became {b.name!r}"
    found = _index_difference(a.index, b.index, tol, f"{here}: index")
    return found or _values_difference(a, b, tol, here, recurse)


def _array_difference(a: Any, b: Any, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    """An extension array (Categorical, IntegerArray, ...) judged as the values of a Series."""
    import pandas as pd

    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    return _values_difference(pd.Series(a, copy=False), pd.Series(b, copy=False), tol, here, recurse)


def _scalar_difference(a: Any, b: Any, here: str) -> str | None:
    """Timestamp, Timedelta, Period, Interval, NaT, NA...: missing equals missing, else == (and the time zone)."""
    import pandas as pd

    both_scalars = pd.api.types.is_scalar(a) and pd.api.types.is_scalar(b)
    if both_scalars and pd.isna(a) and pd.isna(b):
        return None
    if both_scalars and (pd.isna(a) or pd.isna(b)):
        return f"{here}: {_cell(a)} became {_cell(b)}"
    if bool(a == b) and getattr(a, "tz", None) == getattr(b, "tz", None):
        return None
    return f"{here}: {_cell(a)} became {_cell(b)}"


def _same_label(x: object, y: object) -> bool:
    if x is None or y is None:
        return x is y
    try:
        return bool(x == y) or (x != x and y != y)  # NaN labels equal each other
    except (TypeError, ValueError):
        return repr(x) == repr(y)


def _labels_difference(a: pd.Index, b: pd.Index, here: str) -> str | None:
    """Column labels: the same labels in the same order, with the same dtype and names."""
    if not a.equals(b):
        labels_a, labels_b = set(a), set(b)
        if len(a) == len(b) and labels_a == labels_b:
            return f"{here}: order changed from {list(a)!r:.80} to {list(b)!r:.80}"
        missing, extra = [x for x in a if x not in labels_b], [x for x in b if x not in labels_a]
        return f"{here}: " + "; ".join(filter(None, [_listing("missing", missing), _listing("extra", extra)]))
    return _index_meta_difference(a, b, here)


def _listing(word: str, labels: list[object]) -> str:
    if not labels:
        return ""
    shown = ", ".join(repr(x) for x in labels[:MAX_SHOWN])
    more = f" and {len(labels) - MAX_SHOWN} more" if len(labels) > MAX_SHOWN else ""
    return f"{word} {shown}{more}"


def _index_difference(a: pd.Index, b: pd.Index, tol: Tolerance, here: str) -> str | None:
    """An index: its dtype, names, type (RangeIndex ~ int64 Index) and length, then its labels."""
    import pandas as pd

    found = _index_meta_difference(a, b, here)  # first: a dtype that changed explains a changed type too
    if found:
        return found
    if type(a) is not type(b) and not _equivalent_types(a, b):
        return f"{here}: {type(a).__name__} became {type(b).__name__}"
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    if a.equals(b):
        return None
    if isinstance(a, pd.MultiIndex):
        return _levels_difference(a, b, tol, here)
    values_a, values_b = pd.Series(a, copy=False), pd.Series(b, copy=False)
    unequal = ~_equal_mask(values_a, values_b, tol, lambda x, y, where: None if x == y else "differs")
    if not unequal.any():
        return None
    shown = ", ".join(f"position {i}: {_cell(a[i])} -> {_cell(b[i])}" for i in np.flatnonzero(unequal)[:MAX_SHOWN])
    return f"{here}: {int(unequal.sum())} of {len(a)} labels differ, e.g. {shown}"


def _levels_difference(a: pd.MultiIndex, b: pd.MultiIndex, tol: Tolerance, here: str) -> str | None:
    if a.nlevels != b.nlevels:
        return f"{here}: {a.nlevels} levels became {b.nlevels}"
    for level in range(a.nlevels):
        found = _index_difference(a.get_level_values(level), b.get_level_values(level), tol, f"{here} level {level}")
        if found:
            return found
    return None


def _equivalent_types(a: pd.Index, b: pd.Index) -> bool:
    """A RangeIndex stands for the int64 Index of the same values (pandas' "equiv")."""
    import pandas as pd

    plain = (pd.RangeIndex, pd.Index)
    return type(a) in plain and type(b) in plain and a.dtype == b.dtype == np.dtype("int64")


def _index_meta_difference(a: pd.Index, b: pd.Index, here: str) -> str | None:
    found = _dtype_difference(a.dtype, b.dtype, here)
    if found:
        return found
    if list(a.names) != list(b.names):
        return f"{here}: names {list(a.names)!r} became {list(b.names)!r}"
    return None


def _dtype_difference(a: Any, b: Any, here: str) -> str | None:
    """Two dtypes; for two categoricals, what about them changed."""
    import pandas as pd

    if a == b:
        return None
    if isinstance(a, pd.CategoricalDtype) and isinstance(b, pd.CategoricalDtype):
        if a.ordered != b.ordered:
            return f"{here}: ordered={a.ordered} became ordered={b.ordered}"
        return f"{here}: categories {list(a.categories)!r:.80} became {list(b.categories)!r:.80}"
    return f"{here}: dtype {a} became {b}"


def _values_difference(a: pd.Series, b: pd.Series, tol: Tolerance, here: str, recurse: Recurse) -> str | None:
    """One column (or a Series' values, index already judged): dtype, then values, missing equal to missing."""
    found = _dtype_difference(a.dtype, b.dtype, here)
    if found:
        return found
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    unequal = ~_equal_mask(a, b, tol, recurse)
    if not unequal.any():
        return None
    return f"{here}: {int(unequal.sum())} of {len(a)} values differ, {_first_cells(a, b, unequal)}"


def _equal_mask(a: pd.Series, b: pd.Series, tol: Tolerance, recurse: Recurse) -> Mask:
    import pandas as pd

    missing_a, missing_b = np.asarray(a.isna()), np.asarray(b.isna())
    present = ~missing_a & ~missing_b
    if isinstance(a.dtype, pd.CategoricalDtype):  # same categories (checked): the codes say it all
        same_values: Mask = np.asarray(a.cat.codes) == np.asarray(b.cat.codes)
    elif pd.api.types.is_float_dtype(a.dtype) or pd.api.types.is_complex_dtype(a.dtype):
        same_values = _close_mask(_floats(a), _floats(b), tol, tol.atol_for(a.dtype))
    else:
        same_values = _exact_mask(_plain_values(a), _plain_values(b), present, recurse)
    equal: Mask = (missing_a & missing_b) | (present & same_values)
    return equal


def _close_mask(left: npt.NDArray[Any], right: npt.NDArray[Any], tol: Tolerance, atol: float) -> Mask:
    with np.errstate(all="ignore"):
        if tol.exact:
            return np.asarray(left == right, dtype=bool)
        close: Mask = np.isclose(right, left, rtol=tol.rtol, atol=atol) & (~np.isinf(left) | (left == right))
    return close


def _floats(s: pd.Series) -> npt.NDArray[Any]:
    values: npt.NDArray[Any] = s.to_numpy(dtype=complex if s.dtype.kind == "c" else float, na_value=np.nan)
    return values


def _plain_values(s: pd.Series) -> npt.NDArray[Any]:
    """The values as a numpy array, without boxing each one where pandas allows (masked ints, tz-aware times)."""
    import pandas as pd

    dtype = s.dtype
    numpy_dtype = getattr(dtype, "numpy_dtype", None)  # nullable Int64, boolean: missing cells are masked anyway
    values: npt.NDArray[Any]
    if isinstance(dtype, np.dtype):
        values = s.to_numpy()
    elif isinstance(numpy_dtype, np.dtype):
        values = s.to_numpy(dtype=numpy_dtype, na_value=np.zeros(1, numpy_dtype)[0])
    elif isinstance(dtype, pd.DatetimeTZDtype):
        values = s.to_numpy(dtype=f"datetime64[{dtype.unit}]")  # as UTC: the zone itself is in the dtype
    else:
        values = s.to_numpy()
    return values


def _exact_mask(left: npt.NDArray[Any], right: npt.NDArray[Any], present: Mask, recurse: Recurse) -> Mask:
    """Element-wise equality where both sides hold a value (object cells one by one only if == fails)."""
    try:
        with np.errstate(all="ignore"):
            eq = np.asarray(left == right)
        if eq.shape == left.shape and eq.dtype == bool:
            return eq
    except (TypeError, ValueError):
        pass
    out = np.ones(len(left), dtype=bool)
    for i in np.flatnonzero(present):
        out[i] = recurse(left[i], right[i], "cell") is None
    return out


def _first_cells(a: pd.Series, b: pd.Series, unequal: Mask) -> str:
    positions = np.flatnonzero(unequal)[:MAX_SHOWN]
    cells = [f"row {_cell(a.index[i])}: {_cell(a.iloc[i])} -> {_cell(b.iloc[i])}" for i in positions]
    return "e.g. " + ", ".join(cells)


def _cell(value: object) -> str:
    text = repr(value.item() if isinstance(value, np.generic) and value.dtype.kind not in "mM" else value)
    return text if len(text) <= 40 else text[:39] + "…"
