"""Drawers for pandas DataFrames and Series "like" the live ones.

Imported only when a live value is a pandas object (`inputs.drawer_for`
checks the value's module), so pandas loads only for users who hold it.

A drawn frame always has the live frame's columns and dtypes (a function
given other columns fails on every candidate alike, which says nothing).
What varies:

* rows: empty, one row, any count up to the live one; a window of the live
  rows, a random subset (the index becomes non-contiguous), the rows
  reordered, or rows repeated;
* index labels, of the live index's own kind: kept, shuffled among the rows,
  or duplicated;
* values: a few cells per column, or a whole column, set to an edge its
  dtype allows: NaN/None/NaT/NA, 0, -1, the integer dtypes' limits, a large
  float of which a column's sum cannot overflow, the live range,
  empty and unicode strings; categorical columns sometimes gain a category
  no live value has (unused, then sometimes injected: an unseen category),
  the dtype staying categorical.

A Series is drawn as the one column of a frame, with its name kept or
dropped. Frames and Series of one live length share their rows within a call,
so a frame and a mask or column of it stay aligned.

Every row count, mode and seed is a hypothesis draw whose simplest value
comes first (no rows, a window at the start, labels and values as they are
live), so a counterexample shrinks toward an empty or one-row frame. Edges
are prepared once per column; a draw takes rows with one ``iloc`` and writes
the edge cells column by column, a few milliseconds on 100,000 rows.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from .drawing import FLIP, SEED, Drawer, Relations
from .reassociation import large_float

SMALL_ROWS = 64
UNSEEN = "unseen category"
TEXT_EDGES = ["", " ", "é", "e\u0301", "Σς", "日本語", "a\nb"]
WINDOW, SUBSET, REORDERED, REPEATED = "window", "subset", "reordered", "repeated"
KEEP, SHUFFLED, DUPLICATED = "keep", "shuffled", "duplicated"
LIVE_VALUES, MISSING, SPRINKLED, WHOLE_COLUMN = "live", "missing", "sprinkled", "whole column"
SPRINKLE_SHARE = 20  # about one cell in this many, per chosen column


def pandas_drawer(value: object) -> Drawer | None:
    """A drawer for a DataFrame or Series; None for the other pandas types."""
    if isinstance(value, pd.DataFrame):
        return FrameDrawer(value)
    if isinstance(value, pd.Series):
        return SeriesDrawer(value)
    return None


class FrameDrawer:
    def __init__(self, live: pd.DataFrame):
        self.live = live
        self.n = n = len(live)
        small = sorted({k for k in (0, 1, 2, 3, n) if k <= n})
        self.lengths = st.one_of(st.sampled_from(small), st.integers(0, min(n, SMALL_ROWS)), st.integers(0, n))
        self.row_modes = st.sampled_from([WINDOW, SUBSET, REORDERED, REPEATED])
        self.label_modes = st.sampled_from([KEEP, SHUFFLED, DUPLICATED])
        self.value_modes = st.sampled_from([LIVE_VALUES, MISSING, SPRINKLED, WHOLE_COLUMN])
        self.columns = [_ColumnEdges(live.iloc[:, j]) for j in range(live.shape[1])]
        self.categorical = any(c.widened is not None for c in self.columns)

    def __call__(self, draw: DrawFn, relations: Relations) -> pd.DataFrame:
        rows, labels = relations.shared(("rows", self.n), lambda: self._rows(draw, relations))
        frame = self.live.iloc[rows]
        if labels is not None:
            frame.index = self.live.index.take(labels)
        widen = self.categorical and draw(FLIP)
        if widen:
            frame = self._widened(frame)
        mode = draw(self.value_modes)
        if mode != LIVE_VALUES and len(frame) and self.columns:
            frame = self._with_edges(frame, mode, widen, np.random.default_rng(draw(SEED)))
        return frame

    def _rows(self, draw: DrawFn, relations: Relations) -> tuple[Any, npt.NDArray[np.intp] | None]:
        """Row positions (a slice for a window) and, when the labels move, the positions of the labels."""
        k = relations.length_for(self.n, self.lengths)
        mode = draw(self.row_modes)
        if mode == WINDOW:
            start = draw(st.integers(0, self.n - k))
            rows: Any = slice(start, start + k)
        else:
            rng = np.random.default_rng(draw(SEED))
            rows = rng.integers(0, self.n, size=k) if mode == REPEATED else rng.choice(self.n, size=k, replace=False)
            if mode == SUBSET:
                rows.sort()
        return rows, self._labels(draw, rows, k)

    def _labels(self, draw: DrawFn, rows: Any, k: int) -> npt.NDArray[np.intp] | None:
        mode = draw(self.label_modes)
        if mode == KEEP or k == 0:
            return None
        positions = np.arange(self.n)[rows]
        rng = np.random.default_rng(draw(SEED))
        picked = rng.permutation(k) if mode == SHUFFLED else rng.integers(0, k, size=k)
        labels: npt.NDArray[np.intp] = positions[picked]
        return labels

    def _widened(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Categorical columns gain a category no row holds (the dtype stays categorical)."""
        frame = frame.copy(deep=False)
        for j, column in enumerate(self.columns):
            if column.widened is not None:
                frame.isetitem(j, frame.iloc[:, j].astype(column.widened))
        return frame

    def _with_edges(self, frame: pd.DataFrame, mode: str, widened: bool, rng: np.random.Generator) -> pd.DataFrame:
        frame = frame.copy(deep=False)
        k = len(frame)
        chosen: dict[int, tuple[Any, Any]]
        if mode == MISSING:  # the edge pandas code trips on most: a few missing cells in every column that holds one
            picks = max(1, k // SPRINKLE_SHARE)
            chosen = {j: (rng.integers(0, k, size=picks), missing[np.zeros(picks, dtype=np.intp)])
                      for j, c in enumerate(self.columns) if len(missing := c.missing(widened))}
        elif mode == WHOLE_COLUMN:
            j = int(rng.integers(0, len(self.columns)))
            edges = self.columns[j].edges(widened)
            chosen = {j: (slice(None), edges[np.full(k, rng.integers(0, len(edges)))])}
        else:
            picks = max(1, k // SPRINKLE_SHARE)
            chosen = {j: (rng.integers(0, k, size=picks), c.edges(widened)[rng.integers(0, len(c.edges(widened)), size=picks)])
                      for j, c in enumerate(self.columns) if rng.random() < 0.5 or j == 0}
        for j, (cells, values) in chosen.items():
            frame.iloc[cells, j] = values  # of the column's own dtype: nothing is cast
        return frame


class SeriesDrawer:
    """A Series: the one column of a drawn frame, named as live or not named."""

    def __init__(self, live: pd.Series):
        self.frame = FrameDrawer(live.to_frame())
        alternative = None if live.name is not None else "values"
        self.names = st.sampled_from([live.name, alternative])

    def __call__(self, draw: DrawFn, relations: Relations) -> pd.Series:
        series = self.frame(draw, relations).iloc[:, 0]
        series.name = draw(self.names)
        return series


class _ColumnEdges:
    """The edge values one column's dtype can hold, as arrays of that dtype (built once)."""

    def __init__(self, column: pd.Series):
        dtype = column.dtype
        self.widened: pd.CategoricalDtype | None = None
        if isinstance(dtype, pd.CategoricalDtype):
            self.plain = pd.array([np.nan, *dtype.categories[:3]], dtype=dtype)
            unseen = _unseen_category(dtype.categories)
            if unseen is not None:
                self.widened = pd.CategoricalDtype([*dtype.categories, unseen], ordered=dtype.ordered)
                self.wide = pd.array([np.nan, unseen, *dtype.categories[:2]], dtype=self.widened)
            return
        fitting = [c for c in _candidates(column) if _fits(c, dtype)]
        edges = pd.array(fitting, dtype=dtype) if fitting else column.array[:1]
        # iloc assignment takes a numpy column's values as numpy, an extension column's as its own array
        self.plain = edges.to_numpy(dtype=dtype) if isinstance(dtype, np.dtype) else edges

    def edges(self, widened: bool) -> Any:
        return self.wide if widened and self.widened is not None else self.plain

    def missing(self, widened: bool) -> Any:
        """The column's missing value (NaN, None, NaT or NA) as a one-element array; empty when it holds none."""
        edges = self.edges(widened)
        return edges[np.flatnonzero(np.asarray(pd.isna(edges), dtype=bool))[:1]]


def _candidates(column: pd.Series) -> list[Any]:
    """Edge values to try on a column; those its dtype cannot hold exactly are dropped by `_fits`."""
    kind = column.dtype.kind
    present = column.dropna()
    live = [present.iloc[0], present.min(), present.max()] if len(present) and kind in "iufmM" else present.iloc[:1].tolist()
    missing = [None, np.nan, pd.NA, pd.NaT]
    if kind in "iu":
        info = np.iinfo(column.dtype.numpy_dtype if hasattr(column.dtype, "numpy_dtype") else column.dtype)
        return [0, 1, -1, info.min, info.max, *live, *missing]
    if kind == "f":
        numpy_dtype = np.dtype(getattr(column.dtype, "numpy_dtype", column.dtype))
        big = large_float(numpy_dtype, len(column))  # sums of it cannot overflow (issue 13)
        return [np.nan, 0.0, -0.0, -1.0, np.inf, -np.inf, big, *live, None, pd.NA]
    if kind == "b":
        return [False, True, pd.NA]
    if kind == "M":
        tz = getattr(column.dtype, "tz", None)
        return [pd.NaT, pd.Timestamp(0, tz=tz), pd.Timestamp("2024-02-29 23:59:59", tz=tz), *live]
    if kind == "m":
        return [pd.NaT, pd.Timedelta(0), pd.Timedelta(days=-1), *live]
    return [None, np.nan, *TEXT_EDGES, *live, *[str(v).upper() for v in live if isinstance(v, str)]]


def _fits(value: Any, dtype: Any) -> bool:
    """Whether a column of *dtype* holds *value* as it is (no silent cast, no missing value turned into another)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            held = pd.array([value], dtype=dtype)[0]
    except (TypeError, ValueError, OverflowError):
        return False
    if _is_missing(value):
        return _is_missing(held)
    try:
        return bool(held == value) and not _is_missing(held)
    except (TypeError, ValueError):
        return False


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _unseen_category(categories: pd.Index) -> Any:
    if categories.dtype.kind in "iuf" and len(categories):
        top = categories.max()
        return top + 1 if not (isinstance(top, float) and math.isnan(top)) else None
    if len(categories) == 0 or all(isinstance(c, str) for c in categories):
        return UNSEEN
    return None
