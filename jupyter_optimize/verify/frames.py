"""Sameness of pandas values: DataFrame, Series, Index (and MultiIndex), Categorical.

pandas' own testing semantics (`pandas.testing.assert_frame_equal`) are the
reference: the same type, shape, column labels in the same order, the same
index (values, dtype, names), the same dtypes and Series name; values equal
with missing values (NaN, None, NaT, pd.NA) equal to each other where both
sides are missing; floating-point values within the run's tolerance, the
rest exact. The work is vectorized per column, so two frames of a million
rows compare in a fraction of a second.

This module is imported only when a value is a pandas object, and then
pandas is already loaded; the rest of the package never imports pandas.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from .compare import Tolerance

Cells = Callable[[Any, Any], "str | None"]  # the general rules, for cells that hold lists, arrays, ...

MAX_SHOWN = 3  # differing cells named in the one-line explanation


def is_pandas(value: object) -> bool:
    """A pandas object, told without importing pandas."""
    return type(value).__module__.split(".", 1)[0] == "pandas"


def pandas_difference(a: Any, b: Any, tol: Tolerance, here: str, cells: Cells) -> str | None:
    """None when *a* (the original's) and *b* count as the same pandas value, else how they differ.

    *cells* judges single cells of object columns that `==` cannot (lists, arrays, dicts).
    """
    import pandas as pd

    if type(a) is not type(b):
        return f"{here}: {type(a).__name__} became {type(b).__name__}"
    if isinstance(a, pd.DataFrame):
        return _frame_difference(a, b, tol, here, cells)
    if isinstance(a, pd.Series):
        return _series_difference(a, b, tol, here, cells)
    if isinstance(a, pd.Index):
        return _index_difference(a, b, f"{here} (index)")
    if isinstance(a, pd.Categorical):
        return _categorical_difference(a, b, here)
    return None if a == b else f"{here}: {a!r} became {b!r}"


def _frame_difference(a: pd.DataFrame, b: pd.DataFrame, tol: Tolerance, here: str, cells: Cells) -> str | None:
    if a.shape != b.shape:
        return f"{here}: shape {a.shape} became {b.shape}"
    found = _labels_difference(a.columns, b.columns, f"{here}: columns")
    found = found or _index_difference(a.index, b.index, f"{here}: index")
    if found:
        return found
    for position, label in enumerate(a.columns):
        found = _column_difference(a.iloc[:, position], b.iloc[:, position], tol, f"{here}: column {label!r}", cells)
        if found:
            return found
    return None


def _series_difference(a: pd.Series, b: pd.Series, tol: Tolerance, here: str, cells: Cells) -> str | None:
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    if not _same_label(a.name, b.name):
        return f"{here}: Series name {a.name!r} became {b.name!r}"
    return _index_difference(a.index, b.index, f"{here}: index") or _column_difference(a, b, tol, here, cells)


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
        if len(a) == len(b) and set(a) == set(b):
            return f"{here}: order changed from {list(a)!r:.80} to {list(b)!r:.80}"
        missing, extra = [x for x in a if x not in set(b)], [x for x in b if x not in set(a)]
        return f"{here}: " + "; ".join(filter(None, [_listing("missing", missing), _listing("extra", extra)]))
    return _index_meta_difference(a, b, here)


def _listing(word: str, labels: list[object]) -> str:
    if not labels:
        return ""
    shown = ", ".join(repr(x) for x in labels[:MAX_SHOWN])
    more = f" and {len(labels) - MAX_SHOWN} more" if len(labels) > MAX_SHOWN else ""
    return f"{word} {shown}{more}"


def _index_difference(a: pd.Index, b: pd.Index, here: str) -> str | None:
    if type(a) is not type(b) and not _equivalent_types(a, b):
        return f"{here}: {type(a).__name__} became {type(b).__name__}"
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    found = _index_meta_difference(a, b, here)
    if found:
        return found
    if a.equals(b):
        return None
    unequal = ~_same_labels_mask(a, b)
    first = int(np.flatnonzero(unequal)[0])
    return (f"{here}: {int(unequal.sum())} of {len(a)} labels differ, "
            f"e.g. at position {first}: {_cell(a[first])} -> {_cell(b[first])}")


def _equivalent_types(a: pd.Index, b: pd.Index) -> bool:
    """A RangeIndex stands for the int64 Index of the same values (pandas' "equiv")."""
    import pandas as pd

    plain = (pd.RangeIndex, pd.Index)
    return type(a) in plain and type(b) in plain and a.dtype == b.dtype == np.dtype("int64")


def _index_meta_difference(a: pd.Index, b: pd.Index, here: str) -> str | None:
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    if list(a.names) != list(b.names):
        return f"{here}: names {list(a.names)!r} became {list(b.names)!r}"
    return None


def _same_labels_mask(a: pd.Index, b: pd.Index) -> np.ndarray:
    import pandas as pd

    left, right = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    both_missing = np.asarray(pd.isna(left) & pd.isna(right)) if a.nlevels == 1 else np.zeros(len(a), bool)
    return np.asarray([x == y for x, y in zip(left, right)], dtype=bool) | both_missing


def _categorical_difference(a: pd.Categorical, b: pd.Categorical, here: str) -> str | None:
    if a.ordered != b.ordered:
        return f"{here}: ordered={a.ordered} became ordered={b.ordered}"
    if not a.categories.equals(b.categories) or a.categories.dtype != b.categories.dtype:
        return f"{here}: categories {list(a.categories)!r:.80} became {list(b.categories)!r:.80}"
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    unequal = np.asarray(a.codes) != np.asarray(b.codes)
    if not unequal.any():
        return None
    first = int(np.flatnonzero(unequal)[0])
    return f"{here}: {int(unequal.sum())} of {len(a)} values differ, e.g. [{first}]: {_cell(a[first])} -> {_cell(b[first])}"


def _column_difference(a: pd.Series, b: pd.Series, tol: Tolerance, here: str, cells: Cells) -> str | None:
    """One column (or a Series' values): dtype, then values, missing equal to missing."""
    if isinstance(a.dtype, _categorical_dtype()) and isinstance(b.dtype, _categorical_dtype()):
        return _categorical_difference(a.array, b.array, here)  # type: ignore[arg-type]
    if a.dtype != b.dtype:
        return f"{here}: dtype {a.dtype} became {b.dtype}"
    unequal = ~_equal_mask(a, b, tol, cells)
    if not unequal.any():
        return None
    return f"{here}: {int(unequal.sum())} of {len(a)} values differ, {_first_cells(a, b, unequal)}"


def _categorical_dtype() -> type:
    import pandas as pd

    return pd.CategoricalDtype


def _equal_mask(a: pd.Series, b: pd.Series, tol: Tolerance, cells: Cells) -> np.ndarray:
    import pandas as pd

    missing_a, missing_b = np.asarray(a.isna()), np.asarray(b.isna())
    same = missing_a & missing_b
    present = ~missing_a & ~missing_b
    if pd.api.types.is_float_dtype(a.dtype) or pd.api.types.is_complex_dtype(a.dtype):
        left, right = _floats(a), _floats(b)
        with np.errstate(all="ignore"):
            if tol.exact:
                close = left == right
            else:
                close = np.isclose(right, left, rtol=tol.rtol, atol=tol.atol) & (~np.isinf(left) | (left == right))
        return same | (present & close)
    return same | (present & _exact_mask(a, b, present, cells))


def _floats(s: pd.Series) -> np.ndarray:
    values: np.ndarray = s.to_numpy(dtype=complex if s.dtype.kind == "c" else float, na_value=np.nan)
    return values


def _exact_mask(a: pd.Series, b: pd.Series, present: np.ndarray, cells: Cells) -> np.ndarray:
    """Element-wise equality where both sides hold a value (object cells one by one only if == fails)."""
    left, right = a.to_numpy(), b.to_numpy()
    try:
        with np.errstate(all="ignore"):
            eq = np.asarray(left == right)
        if eq.shape == left.shape and eq.dtype == bool:
            return eq
    except (TypeError, ValueError):
        pass
    out = np.ones(len(left), dtype=bool)
    for i in np.flatnonzero(present):
        out[i] = cells(left[i], right[i]) is None
    return out


def _first_cells(a: pd.Series, b: pd.Series, unequal: np.ndarray) -> str:
    positions = np.flatnonzero(unequal)[:MAX_SHOWN]
    cells = [f"row {_cell(a.index[i])}: {_cell(a.iloc[i])} -> {_cell(b.iloc[i])}" for i in positions]
    return "e.g. " + ", ".join(cells)


def _cell(value: object) -> str:
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 40 else text[:39] + "…"
