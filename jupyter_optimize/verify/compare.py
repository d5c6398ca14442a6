"""What "the same value" means: the rule by which a candidate's result is judged.

`difference(a, b, tol)` returns None when *a* (the original's) and *b* (the
candidate's) count as the same value, else one line that says where and how
they differ. The rules, by kind of value:

* numpy arrays and datetime scalars (`arrays`), pandas objects (`frames`),
  scipy.sparse, polars and torch values (`libraries`), dataclasses, attrs
  classes, exceptions and plain objects by their attributes (`objects`);
* Python and numpy scalars compare by kind (bool, integer, float, complex, text)
  and value, so ``3 == np.int64(3)`` but ``3 != 3.0`` and ``True != 1``;
  floats within ``|a - b| <= atol + eps * rounding + rtol * |a|``, NaN equal
  to NaN, an infinity only to the same infinity (*eps* the machine epsilon of
  the original's float dtype; *rounding* the reassociation allowance of the
  call being judged, `reassociation.tolerance_for`, 0 for a bare comparison);
* lists, tuples (namedtuples by field) and dicts element by element, with
  their type (and a dict's key order, and each key's type: ``{np.int64(1): x}``
  is not ``{1: x}``; a NaN key matches a NaN key); sets, frozensets, bytes and
  bytearrays with their type (numpy's ``np.bytes_`` and ``np.str_`` as bytes and str);
  ``Decimal`` by value (NaN equal to NaN); datetimes by value
  and UTC offset;
* anything else with ``==``, by repr when ``==`` fails; `ComparisonNotes`
  records the types judged that way, and values that cannot be judged at all.

Containers that hold themselves are handled: a pair already being compared
further up counts as the same. Nothing the values do (an ``==`` that raises,
a broken repr) escapes as an exception: it becomes the one line.
"""
from __future__ import annotations

import datetime as dt
import enum
import math
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from .arrays import array_difference, datetime_scalar_difference
from .describe import describe
from .frames import pandas_difference
from .kinds import is_pandas
from .libraries import library_difference, library_of
from .objects import object_state, state_difference

MAX_SHOWN = 3  # set elements named in one line


@dataclass(frozen=True)
class Tolerance:
    """How far floats may differ: ``|a - b| <= atol + eps * rounding + rtol * |a|`` (*a* the original's).

    *rounding* is the reassociation allowance of one call (`reassociation.tolerance_for`),
    in units of the machine epsilon of the original value's float dtype; 0 outside a call.
    """

    rtol: float = 1e-7
    atol: float = 1e-10
    exact: bool = False
    rounding: float = 0.0

    def atol_for(self, dtype: Any) -> float:
        """The absolute allowance for a float of the original's *dtype* (numpy, pandas or a Python type)."""
        if not self.rounding:
            return self.atol
        return min(self.atol + machine_epsilon(dtype) * self.rounding, _FLOAT64_MAX)


_FLOAT64_MAX = float(np.finfo(np.float64).max)


def machine_epsilon(dtype: Any) -> float:
    """The spacing of floats near 1 in *dtype* (float64's for Python floats and anything unknown)."""
    try:
        return float(np.finfo(np.dtype(getattr(dtype, "numpy_dtype", dtype))).eps)
    except (TypeError, ValueError):  # not a float dtype numpy knows (an object or pandas-only dtype)
        return float(np.finfo(np.float64).eps)


@dataclass
class ComparisonNotes:
    """What comparisons learned besides their verdicts (type names, for the evidence)."""

    compared_with_eq: set[str] = field(default_factory=set)  # no rule of their own: judged by == (or repr)
    unjudgeable: set[str] = field(default_factory=set)  # == and repr both raise


def difference(a: Any, b: Any, tol: Tolerance = Tolerance(), where: str = "", notes: ComparisonNotes | None = None) -> str | None:
    """None if *a* (the original's) and *b* (the candidate's) are the same, else one line naming *where*."""
    here = where or "value"
    try:
        return _Comparison(tol, notes if notes is not None else ComparisonNotes())(a, b, here)
    except RecursionError:
        return f"{here}: nested too deeply to compare"
    except Exception as exc:  # a value whose own methods fail under comparison: a difference, not a crash
        message = str(exc).splitlines()[0][:80] if str(exc) else ""
        return f"{here}: could not be compared ({type(exc).__name__}{': ' + message if message else ''})"


class _Comparison:
    """One top-level comparison: the tolerance, the notes, and the pairs being compared (for cycles)."""

    def __init__(self, tol: Tolerance, notes: ComparisonNotes):
        self.tol, self.notes = tol, notes
        self.active: set[tuple[int, int]] = set()

    def __call__(self, a: Any, b: Any, here: str) -> str | None:
        pair = (id(a), id(b))
        if pair in self.active:
            return None  # a cycle: this pair is already being compared further up, any difference shows there
        self.active.add(pair)
        try:
            return self._dispatch(a, b, here)
        finally:
            self.active.discard(pair)

    def _dispatch(self, a: Any, b: Any, here: str) -> str | None:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return array_difference(a, b, self.tol, here, self)
        if is_pandas(a) or is_pandas(b):
            return pandas_difference(a, b, self.tol, here, self)
        kind_a, kind_b = _scalar_kind(a), _scalar_kind(b)
        if kind_a or kind_b:
            return _scalar_difference(a, b, kind_a, kind_b, self.tol, here)
        if frozenset((type(a), type(b))) in _TEXT_PAIRS:
            return _text_difference(a, b, here)  # a numpy str_ or bytes_ and its Python type: by value
        if type(a) is not type(b):
            return f"{here}: type {type(a).__name__} became {type(b).__name__}"
        return self._same_type(a, b, here)

    def _same_type(self, a: Any, b: Any, here: str) -> str | None:
        if isinstance(a, (list, tuple)):
            return _sequence_difference(a, b, here, self)
        if isinstance(a, dict):
            return _dict_difference(a, b, here, self)
        if isinstance(a, _EXACT):
            return None if a == b else f"{here}: {describe(a)} became {describe(b)}"
        plain = _plain_difference(a, b, here)
        if plain is not _NO_RULE:
            return plain
        library = library_of(a)
        if library:
            return library_difference(library, a, b, self.tol, here)
        state = object_state(a)
        if state is not None:
            return state_difference(state, object_state(b) or {}, here, self)
        return _by_equality(a, b, here, self.notes)


_TEXT_PAIRS = (frozenset((str, np.str_)), frozenset((bytes, np.bytes_)))  # numpy's text scalars and Python's
_EXACT = (str, type(None), enum.Enum, type, range, slice, type(Ellipsis))  # equal is exactly ==, nothing to note
_NO_RULE = "no rule"  # a sentinel: _plain_difference has no rule for the type


def _plain_difference(a: Any, b: Any, here: str) -> str | None:
    """Values of the standard library and numpy scalars with a rule of their own (else _NO_RULE)."""
    if isinstance(a, (set, frozenset)):
        return _set_difference(a, b, here)
    if isinstance(a, (bytes, bytearray)):
        return _bytes_difference(a, b, here)
    if isinstance(a, Decimal):
        return None if (a.is_nan() and b.is_nan()) or a == b else f"{here}: {a!r} became {b!r}"
    if isinstance(a, (dt.date, dt.time, dt.timedelta)):
        return _datetime_difference(a, b, here)
    if isinstance(a, (np.datetime64, np.timedelta64)):
        return datetime_scalar_difference(a, b, here)
    if isinstance(a, np.generic):
        return None if bool(a == b) else f"{here}: {describe(a)} became {describe(b)}"
    return _NO_RULE


def _scalar_kind(x: Any) -> str | None:
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)) and not isinstance(x, enum.Enum):
        return "integer"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, (complex, np.complexfloating)):
        return "complex"
    return None


def _text_difference(a: str | bytes, b: str | bytes, here: str) -> str | None:
    """A numpy text scalar (``np.str_``, ``np.bytes_``) and the Python type it derives from, by value, as
    ``np.int64(3)`` and ``3`` are (a dict key keeps its type: `_dict_difference`)."""
    if isinstance(a, bytes) and isinstance(b, bytes):
        return _bytes_difference(bytes(a), bytes(b), here)
    return None if a == b else f"{here}: {describe(a)} became {describe(b)}"  # str's == (np.str_ derives from it)


def _scalar_difference(a: Any, b: Any, kind_a: str | None, kind_b: str | None, tol: Tolerance, here: str) -> str | None:
    if kind_a != kind_b:
        other = kind_b or type(b).__name__
        return f"{here}: {describe(a)} became {describe(b)} ({'an' if other[0] in 'aeiou' else 'a'} {other})"
    if kind_a in ("bool", "integer"):
        return None if int(a) == int(b) else f"{here}: {a!r} became {b!r}"
    if _close(complex(a), complex(b), tol.atol_for(type(a)), tol):
        return None
    return f"{here}: {a!r} became {b!r}"


def _close(a: complex, b: complex, atol: float, tol: Tolerance) -> bool:
    return all(_close_real(x, y, atol, tol) for x, y in ((a.real, b.real), (a.imag, b.imag)))


def _close_real(x: float, y: float, atol: float, tol: Tolerance) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y) or tol.exact:
        return x == y
    return abs(x - y) <= atol + tol.rtol * abs(x)  # relative to the original's value


def _sequence_difference(a: Sequence[Any], b: Sequence[Any], here: str, compare: _Comparison) -> str | None:
    if len(a) != len(b):
        return f"{here}: length {len(a)} became {len(b)}"
    fields = getattr(type(a), "_fields", None)  # a namedtuple: name its fields
    for i, (x, y) in enumerate(zip(a, b)):
        found = compare(x, y, f"{here}.{fields[i]}" if fields and i < len(fields) else f"{here}[{i}]")
        if found:
            return found
    return None


def _dict_difference(a: dict[Any, Any], b: dict[Any, Any], here: str, compare: _Comparison) -> str | None:
    """Keys pair up in order: equal (a NaN or NaT with its like, also inside a tuple key: two runs make
    two NaN objects) and of the same type, since a key's type shows as a value's does (``np.int64(3)``
    and ``3`` are equal keys, ``True`` and ``1`` too)."""
    tokens_a, tokens_b = [_key_token(k) for k in a], [_key_token(k) for k in b]
    if not _same_tokens(tokens_a, tokens_b):
        return f"{here}: {_keys_differ(tokens_a, list(a), tokens_b, list(b))}"
    pairs = list(zip(a, b))
    for x, y in pairs:
        if type(x) is not type(y):
            return f"{here}: key {x!r} became {y!r} (type {_type_name(x)} became {_type_name(y)})"
    for x, y in pairs:
        found = compare(a[x], b[y], f"{here}[{x!r}]")
        if found:
            return found
    return None


class _Missing:
    """A NaN or NaT key as the comparison sees it: equal to any of its kind (dict lookups need the very object)."""
    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Missing) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)

    def __repr__(self) -> str:
        return self.kind


def _key_token(key: Any) -> Any:
    if type(key) is tuple or (isinstance(key, tuple) and hasattr(type(key), "_fields")):
        return tuple(_key_token(part) for part in key)
    if _scalar_kind(key) in ("float", "complex") and key != key:
        return _Missing("nan")
    if isinstance(key, (np.datetime64, np.timedelta64)) and np.isnat(key):
        return _Missing(f"{type(key).__name__}('NaT')")
    return key


def _same_tokens(a: list[Any], b: list[Any]) -> bool:
    try:
        return len(a) == len(b) and all(x is y or bool(x == y) for x, y in zip(a, b))
    except Exception:  # a key whose == does not give one truth value
        return False


def _keys_differ(tokens_a: list[Any], keys_a: list[Any], tokens_b: list[Any], keys_b: list[Any]) -> str:
    """'key order changed', or which keys are missing and extra (a few named; a NaN key the loop made
    twice counts twice)."""
    try:
        counts_a, counts_b = Counter(tokens_a), Counter(tokens_b)
        missing, extra = counts_a - counts_b, counts_b - counts_a
        key_a, key_b = dict(zip(tokens_a, keys_a)), dict(zip(tokens_b, keys_b))
    except Exception:  # a key whose == does not give one truth value
        return "keys differ"
    if not missing and not extra:
        return "key order changed"
    parts = [f"{word} {_some_keys(keys)}" for word, keys in (
        ("missing", [key_a[t] for t in missing.elements()]), ("extra", [key_b[t] for t in extra.elements()])) if keys]
    return f"keys differ ({', '.join(parts)})"


def _some_keys(keys: list[Any]) -> str:
    """A few keys as Python writes them: ``[nan, 'nan']`` (a float NaN is no string)."""
    shown = [repr(k) for k in keys]  # in the dict's order
    more = f" and {len(shown) - MAX_SHOWN} more" if len(shown) > MAX_SHOWN else ""
    return f"[{', '.join(shown[:MAX_SHOWN])}]{more}"


def _type_name(x: Any) -> str:
    kind = type(x)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _set_difference(a: Set[Any], b: Set[Any], here: str) -> str | None:
    if a == b:
        return None
    parts = [f"{word} {_elements(items)}" for word, items in (("missing", a - b), ("extra", b - a)) if items]
    return f"{here}: {type(a).__name__} elements differ ({'; '.join(parts)})"


def _elements(items: Set[Any]) -> str:
    shown = sorted(describe(x) for x in items)
    more = f" and {len(shown) - MAX_SHOWN} more" if len(shown) > MAX_SHOWN else ""
    return ", ".join(shown[:MAX_SHOWN]) + more


def _bytes_difference(a: bytes | bytearray, b: bytes | bytearray, here: str) -> str | None:
    if a == b:
        return None
    common = min(len(a), len(b))
    unequal = np.flatnonzero(np.frombuffer(a, np.uint8, common) != np.frombuffer(b, np.uint8, common))
    first = int(unequal[0]) if unequal.size else common
    sizes = f"length {len(a)} became {len(b)}, " if len(a) != len(b) else ""
    return f"{here}: {sizes}first differs at byte {first}: {describe(a)} became {describe(b)}"


def _datetime_difference(a: dt.date | dt.time | dt.timedelta, b: Any, here: str) -> str | None:
    """Equal instants (or durations), and for datetimes and times the same UTC offset."""
    if a != b:
        return f"{here}: {a!r} became {b!r}"
    offset_a, offset_b = _utc_offset(a), _utc_offset(b)
    if offset_a != offset_b:
        return f"{here}: UTC offset {offset_a} became {offset_b} ({a!r} became {b!r})"
    return None


def _utc_offset(value: object) -> dt.timedelta | None:
    offset = getattr(value, "utcoffset", None)
    return offset() if callable(offset) else None


def _by_equality(a: Any, b: Any, here: str, notes: ComparisonNotes) -> str | None:
    """The fallback for types without a rule: ``==``, else repr; the type is noted as judged that way."""
    name = type(a).__qualname__
    try:
        same = a == b
        same = same if isinstance(same, bool) else bool(np.all(same))
    except Exception:  # objects whose == is broken: fall back to their repr
        return _by_repr(a, b, here, notes)
    notes.compared_with_eq.add(name)
    return None if same else f"{here}: {describe(a)} became {describe(b)}"


def _by_repr(a: Any, b: Any, here: str, notes: ComparisonNotes) -> str | None:
    name = type(a).__qualname__
    try:
        same = repr(a) == repr(b)
    except Exception:
        notes.unjudgeable.add(name)
        return f"{here}: a {name} that cannot be compared (its == and its repr both raise)"
    notes.compared_with_eq.add(f"{name} (by repr: its == raises)")
    return None if same else f"{here}: {describe(a)} became {describe(b)}"
