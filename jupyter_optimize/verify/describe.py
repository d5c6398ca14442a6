"""Describe a value, or a call, in one short line for the report.

Small values appear whole; a large one by what it is, never by a repr cut in
the middle of a value: an array by its dtype, shape and range of values; a
pandas DataFrame by its shape, columns with their dtypes and index (its rows
too when they fit); a Series, Index or Categorical likewise; a scipy.sparse
matrix by its format, shape, dtype and stored entries; dataclasses, attrs
classes, namedtuples and plain objects by their class and fields; a list of
dict records by how many there are and their keys. Builtin strings and
containers are cut at element boundaries (`reprlib`), their elements
described by the same rules. Counterexamples and verdict reasons quote
values this way, so the line must not raise, whatever the value.

pandas and scipy are never imported here: their objects are recognised by
the module their type comes from, and described through their own methods.
"""
from __future__ import annotations

import dataclasses
import datetime
import reprlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from .kinds import is_pandas, library

LINE = 160  # the longest description of a frame, series or object with its values shown
MAX_ROWS = 5  # rows of a frame (values of a series) shown whole
MAX_COLUMNS = 8  # columns listed with their dtypes before "+ N more"
MAX_FIELDS = 6  # fields of an object shown before "+ N more"
MAX_CELL = 40  # a cell longer than this means the rows do not fit


class _ShortRepr(reprlib.Repr):
    """reprlib for builtins; anything else inside a container is described by `describe`'s rules."""

    def repr_instance(self, x: Any, level: int) -> str:
        if type(x) in _PLAIN:  # float, None, ...: reprlib has no method of their own
            return super().repr_instance(x, level)
        return _describe(x, level)


_SHORT_REPR = _ShortRepr()
_SHORT_REPR.maxstring = 60
_SHORT_REPR.maxother = 60
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxdict = _SHORT_REPR.maxset = 6
_SHORT_REPR.maxfrozenset = 6
_DEFAULT_REPR: object = object.__repr__
_PLAIN = (type(None), bool, int, float, complex, str, list, tuple, dict, set, frozenset)


def describe(value: Any) -> str:
    """One line for *value*: the whole value when small, else what it is (type, dtype, shape, range)."""
    return _describe(value, _SHORT_REPR.maxlevel)


def describe_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], params: list[str] | None = None) -> str:
    """'f(img=<uint8 array (4, 4), 0..9>, mask=None)'; names come from *params*."""
    parts = []
    named = bool(params) and len(args) <= len(params or [])  # more arguments than parameters: as written, unnamed
    for i, value in enumerate(args):
        label = f"{params[i]}=" if named and params else ""
        parts.append(label + describe(value))
    parts += [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _describe(value: Any, level: int) -> str:
    """*level* counts down with nesting (as reprlib's does), so cycles and deep objects end."""
    try:
        return _dispatch(value, level)
    except Exception as problem:  # a value whose repr or attributes raise is still named
        return f"<{type(value).__name__} (describing it raised {type(problem).__name__})>"


def _dispatch(value: Any, level: int) -> str:
    if isinstance(value, BaseException):
        return f"raised {type(value).__name__}: {_SHORT_REPR.repr(str(value))[1:-1]}"
    source = library(value)
    if source == "pandas":
        return _describe_pandas(value, level)
    if source == "scipy" and hasattr(value, "nnz") and hasattr(value, "format"):
        return _describe_sparse(value)
    if isinstance(value, np.ndarray):
        return _describe_array(value)
    if isinstance(value, np.generic):
        return _describe_numpy_scalar(value)
    for kind, describer in _BY_KIND:
        if isinstance(value, kind):
            return describer(value, level)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return _with_fields(type(value).__name__, list(zip(value._fields, value)), level, constructor=True)
    if _is_records(value):
        return _describe_records(value)
    if type(value) in _PLAIN:
        return _SHORT_REPR.repr1(value, level)
    return _describe_object(value, level)


# -- numpy ---------------------------------------------------------------------------


def _describe_numpy_scalar(value: np.generic) -> str:
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return f"{value} ({value.dtype})"  # .item() of a nanosecond datetime64 is a bare int
    return f"{value.item()!r} ({value.dtype})"


def _describe_array(a: npt.NDArray[Any]) -> str:
    if a.dtype.names:
        return _describe_structured(a)
    if a.size <= 8 and a.ndim <= 1:
        return f"array({_array_values(a)}, dtype={a.dtype})"
    head = f"{a.dtype} array {a.shape}"
    if a.size == 0:
        return f"<{head}>"
    if a.dtype.kind in "Mm":
        return f"<{head}, {_time_span(a)}>"
    if a.dtype.kind == "O":
        return f"<{head} of {_type_names(a.flat[:100])}>"
    if a.dtype.kind not in "biuf":
        return f"<{head}>"
    return f"<{head}, {_number_span(a)}>"


def _array_values(a: npt.NDArray[Any]) -> str:
    # one line whatever the values: numpy wraps at 75 characters by default
    return np.array2string(a, separator=", ", max_line_width=10**6)


def _number_span(a: npt.NDArray[Any]) -> str:
    if a.dtype.kind == "b":
        return f"{int(a.sum())} True"
    if np.all(a == a.flat[0]):
        return f"all {a.flat[0].item()!r}"
    with np.errstate(all="ignore"):
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
    if not finite.size:
        return "no finite values"
    low, high = finite.min().item(), finite.max().item()
    short = f"{low:.6g}..{high:.6g}" if isinstance(low, float) else f"{low}..{high}"
    ends = short.split("..")
    return short if ends[0] != ends[1] else f"{low!r}..{high!r}"  # a summary, unless rounding hides the span


def _time_span(a: npt.NDArray[Any]) -> str:
    missing = np.isnat(a)
    known = a[~missing]
    span = f"{known.min()}..{known.max()}" if known.size else "all NaT"
    return f"{span}, {int(missing.sum())} NaT" if missing.any() and known.size else span


def _describe_structured(a: npt.NDArray[Any]) -> str:
    names = a.dtype.names or ()
    fields = ", ".join(f"{name} {a.dtype.fields[name][0]}" for name in names) if a.dtype.fields else ""
    if a.size <= 4 and a.ndim <= 1:
        return f"array({_array_values(a)}, fields {fields})"
    return f"<structured array {a.shape}: {fields}>"


def _type_names(values: Iterable[Any]) -> str:
    return ", ".join(dict.fromkeys(type(v).__name__ for v in values))


# -- pandas --------------------------------------------------------------------------


def _describe_pandas(value: Any, level: int) -> str:
    kind = type(value).__name__
    if kind == "DataFrame":
        return _describe_frame(value, level)
    if kind == "Series":
        return _describe_series(value, level)
    if kind == "Categorical":
        return _describe_categorical(value, level)
    if kind.endswith("Index"):
        return f"<{kind} {_index_summary(value, level)}>"
    return _own_repr(value) or f"<{kind}{_shape_of(value)}>"


def _describe_frame(frame: Any, level: int) -> str:
    rows, width = frame.shape
    head = f"DataFrame {rows}×{width}: {_column_dtypes(frame)}"
    shown = _frame_rows(frame, level) if 0 < rows <= MAX_ROWS and width <= MAX_COLUMNS else None
    if shown is not None and len(head) + len(shown) + 4 <= LINE:
        return f"<{head}; {shown}>"
    return f"<{head}; index {_index_summary(frame.index, level)}{_missing_counts(frame)}>"


def _column_dtypes(frame: Any) -> str:
    listed = [f"{_label(name)} {dtype}" for name, dtype in list(frame.dtypes.items())[:MAX_COLUMNS]]
    more = frame.shape[1] - len(listed)
    return ", ".join(listed + ([f"+ {more} more"] if more else [])) or "no columns"


def _frame_rows(frame: Any, level: int) -> str | None:
    """'row 10: price=1.5, qty=3' for one row, else 'rows 10: (1.5, 3), 20: (2.5, 4)'; None if a cell is long."""
    columns = [_whole_cells(frame.iloc[:, j].tolist(), level) for j in range(frame.shape[1])]
    labels = _whole_cells(list(frame.index), level)
    if labels is None or any(column is None for column in columns):
        return None
    cells = [column for column in columns if column is not None]
    if len(labels) == 1:
        named = ", ".join(f"{_label(name)}={column[0]}" for name, column in zip(frame.columns, cells))
        return f"row {labels[0]}: {named}"
    rows = [", ".join(column[i] for column in cells) for i in range(len(labels))]
    return "rows " + ", ".join(f"{label}: ({row})" for label, row in zip(labels, rows))


def _whole_cells(values: list[Any], level: int) -> list[str] | None:
    cells = [_cell(v, level) for v in values]
    return None if any(len(c) > MAX_CELL for c in cells) else cells


def _missing_counts(frame: Any) -> str:
    counts = frame.isna().sum()
    missing = [f"{_label(name)} {int(n)}" for name, n in counts.items() if n][:MAX_COLUMNS]
    return f"; missing: {', '.join(missing)}" if missing else ""


def _describe_series(series: Any, level: int) -> str:
    name = "" if series.name is None else f" {_cell(series.name, level)}"
    head = f"Series{name} {series.dtype}, length {len(series)}"
    values = _whole_cells(series.tolist(), level) if 0 < len(series) <= MAX_ROWS else None
    labels = _whole_cells(list(series.index), level) if values is not None else None
    if values is not None and labels is not None:
        pairs = ", ".join(f"{label}: {value}" for label, value in zip(labels, values))
        if len(head) + len(pairs) <= LINE:
            return f"<{head}: {pairs}>"
    first = _whole_cells(series.iloc[:3].tolist(), level)
    shown = f": {', '.join(first)}, ..." if first and len(series) > 3 else ""
    missing = int(series.isna().sum())
    counted = f"; {missing} missing" if missing else ""
    return f"<{head}{shown}{counted}; index {_index_summary(series.index, level)}>"


def _describe_categorical(values: Any, level: int) -> str:
    order = "ordered " if values.ordered else ""
    categories = _bounded(values.categories.tolist(), level)
    first = _bounded(list(values[:MAX_ROWS]), level) if len(values) else "none"
    return f"<Categorical of {len(values)}, {order}categories [{categories}]: {first}>"


def _index_summary(index: Any, level: int) -> str:
    """'0..99', '[10, 20, 30]', "'id' 3..998, unsorted, with duplicates", ..."""
    name = "" if all(n is None for n in index.names) else f"{_names(index)} "
    if type(index).__name__ == "RangeIndex":
        step = f" step {index.step}" if index.step != 1 else ""
        return f"{name}{index.start}..{index.start + index.step * (len(index) - 1)}{step}" if len(index) else f"{name}empty"
    dtype = "" if str(index.dtype) in ("int64", "object", "str") else f"{index.dtype} "
    if len(index) <= MAX_ROWS:
        return f"{name}{dtype}[{', '.join(_cell(v, level) for v in index)}]"
    span = f"{_cell(index[0], level)}..{_cell(index[-1], level)}"
    order = "" if index.is_monotonic_increasing else ", unsorted"
    repeats = "" if index.is_unique else ", with duplicates"
    return f"{name}{dtype}{span} ({len(index)} labels{order}{repeats})"


def _names(index: Any) -> str:
    names = [repr(n) if isinstance(n, str) else str(n) for n in index.names]
    return names[0] if len(names) == 1 else f"({', '.join(names)})"


def _cell(value: Any, level: int) -> str:
    """A cell or label, whole: numbers and strings as Python writes them, timestamps as pandas prints them."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, np.generic):
        return str(value) if isinstance(value, (np.datetime64, np.timedelta64)) else repr(value.item())
    if is_pandas(value) and not hasattr(value, "shape"):
        return str(value)  # Timestamp, Timedelta, Period, NaT, NA: '2024-01-02 00:00:00', 'NaT', '<NA>'
    if isinstance(value, tuple):
        return f"({', '.join(_cell(v, level) for v in value)})"
    return _describe(value, level - 1)


def _label(name: Any) -> str:
    return name if isinstance(name, str) else _cell(name, 1)


def _bounded(values: list[Any], level: int, most: int = MAX_ROWS) -> str:
    shown = ", ".join(_cell(v, level) for v in values[:most])
    return shown + (f", ... ({len(values)} in all)" if len(values) > most else "")


# -- scipy.sparse --------------------------------------------------------------------


def _describe_sparse(matrix: Any) -> str:
    shape = "×".join(str(n) for n in matrix.shape)
    head = f"{type(matrix).__name__} {shape} {matrix.dtype}, {matrix.nnz} stored"
    if not 0 < matrix.nnz <= 4 or len(matrix.shape) != 2:
        return f"<{head}>"
    coo = matrix.tocoo()
    entries = ", ".join(f"({r}, {c}) {v.item()!r}" for r, c, v in zip(coo.row, coo.col, coo.data))
    return f"<{head}: {entries}>"


# -- Python values -------------------------------------------------------------------


def _describe_bytes(value: bytes | bytearray, level: int) -> str:
    if len(value) <= 32:
        return repr(value)
    return f"<{type(value).__name__} of {len(value)}, starting {bytes(value[:12])!r}>"


def _describe_set(value: set[Any] | frozenset[Any], level: int) -> str:
    shown = _SHORT_REPR.repr1(value, level)
    return f"{shown} ({len(value)} items)" if len(value) > _SHORT_REPR.maxset else shown


def _describe_time(value: datetime.date | datetime.time | datetime.timedelta, level: int) -> str:
    return f"{type(value).__name__}({value})"  # 'datetime(2024-01-02 03:04:05)', 'timedelta(1 day, 0:00:01)'


_BY_KIND: list[tuple[type | tuple[type, ...], Callable[[Any, int], str]]] = [
    ((bytes, bytearray), _describe_bytes),
    ((set, frozenset), _describe_set),
    ((datetime.date, datetime.time, datetime.timedelta), _describe_time),
]


def _is_records(value: Any) -> bool:
    return type(value) is list and len(value) > 1 and all(type(v) is dict for v in value)


def _describe_records(records: list[dict[Any, Any]]) -> str:
    """Whole when it fits; else '<list of 1000 records, keys id, name, price (price in 997)>'."""
    whole = repr(records) if len(records) <= MAX_ROWS else ""
    if whole and len(whole) <= LINE and "\n" not in whole:
        return whole
    counts: dict[Any, int] = {}
    for record in records:
        for key in record:
            counts[key] = counts.get(key, 0) + 1
    keys = [_label(k) + ("" if n == len(records) else f" (in {n})") for k, n in counts.items()]
    listed = ", ".join(keys[:MAX_COLUMNS]) + (f", + {len(keys) - MAX_COLUMNS} more" if len(keys) > MAX_COLUMNS else "")
    return f"<list of {len(records)} records, keys {listed or 'none'}>"


def _describe_object(value: Any, level: int) -> str:
    """Its own repr when short; else its class and fields (dataclass, attrs, __dict__ or __slots__)."""
    own = None if dataclasses.is_dataclass(value) else _own_repr(value)
    if own is not None:
        return own
    fields = _fields(value)
    name = type(value).__name__
    if fields is None:
        return f"<{name}{_shape_of(value)}>"
    if level <= 0:
        return f"<{name} ...>"
    constructor = dataclasses.is_dataclass(value) or hasattr(type(value), "__attrs_attrs__")
    return _with_fields(name, fields, level, constructor)


def _own_repr(value: Any) -> str | None:
    """The value's own repr if it has one, short and on one line."""
    if getattr(type(value), "__repr__", None) is _DEFAULT_REPR:
        return None
    own = repr(value)
    return own if len(own) <= _SHORT_REPR.maxother and "\n" not in own else None


def _fields(value: Any) -> list[tuple[str, Any]] | None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr]
    attrs_fields = getattr(type(value), "__attrs_attrs__", None)  # attrs, without importing it
    if attrs_fields is not None:
        return [(a.name, getattr(value, a.name)) for a in attrs_fields if a.repr]
    slots = [s for klass in type(value).__mro__ for s in getattr(klass, "__slots__", ()) if hasattr(value, s)]
    attributes = getattr(value, "__dict__", None)
    if not slots and not isinstance(attributes, dict):
        return None
    return [(s, getattr(value, s)) for s in slots if s != "__dict__"] + list((attributes or {}).items())


def _with_fields(name: str, fields: list[tuple[str, Any]], level: int, constructor: bool) -> str:
    """'Point(x=1, y=2)' or "<Account owner='a'; not shown: history>": fields too long are named, never cut."""
    parts: list[str] = []
    hidden: list[str] = []
    for field, value in fields:
        part = f"{field}={_describe(value, level - 2)}"  # objects nest faster than containers: 3 levels
        fits = len(parts) < MAX_FIELDS and len(name) + len(", ".join([*parts, part])) <= LINE
        (parts if fits else hidden).append(part if fits else field)
    inner = ", ".join(parts) + (f"; not shown: {', '.join(hidden[:MAX_FIELDS])}" if hidden else "")
    inner += f", + {len(hidden) - MAX_FIELDS} more" if len(hidden) > MAX_FIELDS else ""
    if constructor:
        return f"{name}({inner})"
    return f"<{name} {inner}>" if inner else f"<{name} object>"


def _shape_of(value: Any) -> str:
    """What an object without fields still tells: dtype, shape, device (a polars frame, a torch tensor), or length."""
    facts = [f"{attr} {getattr(value, attr)}" for attr in ("dtype", "shape", "device") if hasattr(value, attr)]
    if not facts and hasattr(value, "__len__"):
        facts = [f"length {len(value)}"]
    return f" {', '.join(facts)}" if facts else ""
