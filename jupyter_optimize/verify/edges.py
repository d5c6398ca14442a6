"""How far a generated counterexample is from the user's data, in words.

`classify` compares each argument of a counterexample with the values the
live calls pass for the same parameter and names every *edge*: an argument
beyond what the user passes (empty where theirs are not, NaN or inf where
theirs have none, a mask that selects nothing, a negative number where
theirs are positive, None where theirs are values, another dtype or number
of dimensions). No edge: the input is "like your data", and the difference
is one the user's own data could meet. Only edges: the user decides whether
the edge matters, and `Likeness.suggestion` is an ``--assume`` expression
over the parameter names that would exclude it.

What is *not* an edge, on purpose: a smaller (non-empty) array than the live
ones, other values of the same sign inside the dtype (a dark pixel where the
live image is bright). The search shrinks every counterexample to a few
elements of simple values, so counting those would make every counterexample
an edge and the classification would say nothing.

A sign edge may be no cause at all (the search shrinks towards small values of
either sign): `without_sign_edges` gives the same input with the live values'
sign, which the caller tries before it names the edge (`check.classified`).

Pure: plain values in, words out. pandas objects are read through their own
methods (`kinds.is_pandas_rows`), so pandas is never imported here.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..model import EDGE, LIKE, LIVE, Call
from .kinds import is_pandas_rows

__all__ = ["EDGE", "LIKE", "LIVE", "Edge", "Likeness", "Names", "argument_edges", "bound", "classify", "names_in",
           "without_sign_edges"]
NEAR_LIMIT = 2.0**-20  # a float within this fraction of its dtype's largest value is "near the limit"
FAR = 1000.0  # floats this many times larger than every live one (and than 1) are "far beyond yours"


@dataclass(frozen=True)
class Edge:
    """One way an argument is beyond the live ones: words, and an assumption that excludes it ("" if none)."""

    words: str
    assume: str = ""
    rank: int = 5  # which edge's assumption to suggest first: the lowest


@dataclass(frozen=True)
class Likeness:
    likeness: str  # LIKE or EDGE
    edges: tuple[str, ...] = ()
    suggestion: str = ""  # an --assume expression that excludes the input, or ""


@dataclass(frozen=True)
class Names:
    """How the function's globals spell numpy and math (None: not there), for the suggested expressions."""

    numpy: str | None = "np"
    math: str | None = None


NUMPY_AS_NP = Names()  # the usual spelling, when the function's globals are not at hand


def classify(call: Call, live: Sequence[Call], params: Sequence[str], names: Names = NUMPY_AS_NP) -> Likeness:
    """'like your data' or 'an edge beyond your data', with the edges named and the --assume that excludes them."""
    found: list[Edge] = []
    for name, value in bound(call, params).items():
        seen = _live_values(name, live, params)
        if seen:
            found += argument_edges(name, value, seen, names)
    if not found:
        return Likeness(LIKE)
    return Likeness(EDGE, tuple(edge.words for edge in found), suggestion(found))


def without_sign_edges(call: Call, live: Sequence[Call], params: Sequence[str]) -> Call | None:
    """*call* with the numbers of each argument whose sign the live values never take turned to the sign they
    do take (``[-5]`` -> ``[5]`` where yours are positive), or None when no argument has such an edge. The
    search shrinks towards small values of either sign, so a difference that does not depend on the sign
    can come out negative: when this call differs too, it is the counterexample, and no edge is named."""
    lifted: dict[str, Any] = {}
    for name, value in bound(call, params).items():
        seen = [v for v in _live_values(name, live, params) if v is not None]
        if _kind(value) not in ("array", "number", "sequence") or not seen or any(_kind(v) != _kind(value) for v in seen):
            continue
        sign = _live_sign(seen)
        flipped = _with_sign(value, sign) if sign else None
        if flipped is not None:
            lifted[name] = flipped
    if not lifted:
        return None
    args = tuple(lifted.get(params[i] if i < len(params) else f"argument {i + 1}", v) for i, v in enumerate(call.args))
    return Call(args, {k: lifted.get(k, v) for k, v in call.kwargs.items()}, call.origin)


def _live_sign(live: Sequence[Any]) -> int:
    """1 when every live number is >= 0, -1 when every one is <= 0, 0 otherwise (or when they are not numbers)."""
    try:
        numbers = np.concatenate([_values(list(v) if isinstance(v, (list, tuple)) else v) for v in live])
    except (TypeError, ValueError):
        return 0
    numbers = numbers[np.isfinite(numbers)]
    if not numbers.size:
        return 0
    return 1 if numbers.min() >= 0 else -1 if numbers.max() <= 0 else 0


def _with_sign(value: Any, sign: int) -> Any:
    """*value*'s numbers of the other sign given *sign* (their magnitude kept, their type too); None when none
    is of the other sign, or one cannot be (the most negative integer of its dtype)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "if" or not np.any(value * sign < 0):
            return None
        if value.dtype.kind == "i" and np.any(value == np.iinfo(value.dtype).min):
            return None
        return (np.abs(value) * sign).astype(value.dtype)
    if type(value) in (list, tuple):  # a plain one: a namedtuple's fields are no list of numbers
        if not all(_kind(item) == "number" for item in value) or not any(item * sign < 0 for item in value):
            return None
        items = [_number_with_sign(item, sign) for item in value]
        return None if any(item is None for item in items) else type(value)(items)
    return _number_with_sign(value, sign) if _kind(value) == "number" and value * sign < 0 else None


def _number_with_sign(x: Any, sign: int) -> Any:
    """*x* with *sign* (its type kept), or None for a numpy integer whose magnitude its type cannot hold."""
    if x * sign >= 0:
        return x
    if isinstance(x, np.integer) and x == np.iinfo(type(x)).min:
        return None
    return type(x)(abs(x) * sign)


def _live_values(name: str, live: Sequence[Call], params: Sequence[str]) -> list[Any]:
    """What the live calls pass for the parameter *name*."""
    return [v for c in live for n, v in bound(c, params).items() if n == name]


def suggestion(found: Sequence[Edge]) -> str:
    """The assumption of the edge most plainly outside the data: excluding any one edge excludes the input."""
    expressible = [edge for edge in found if edge.assume]
    return min(expressible, key=lambda edge: edge.rank).assume if expressible else ""


def names_in(namespace: dict[str, Any]) -> Names:
    """The names numpy and math go by in a function's globals."""
    import math as math_module

    def alias(module: object) -> str | None:
        return next((k for k, v in namespace.items() if v is module and k.isidentifier()), None)

    return Names(alias(np), alias(math_module))


def bound(call: Call, params: Sequence[str]) -> dict[str, Any]:
    """The call's arguments by parameter name (positions past the known names by number)."""
    out = {params[i] if i < len(params) else f"argument {i + 1}": v for i, v in enumerate(call.args)}
    out.update(call.kwargs)
    return out


# -- one argument ----------------------------------------------------------------


def argument_edges(name: str, value: Any, live: Sequence[Any], names: Names = NUMPY_AS_NP) -> list[Edge]:
    """Every edge of *value* against the *live* values of the same parameter."""
    if any(v is None for v in live) and value is None:
        return []
    if value is None:
        return [Edge(f"{name} is None where yours pass a value", f"{name} is not None", 1)]
    live = [v for v in live if v is not None]
    if not live:
        return [Edge(f"{name} is a {type(value).__name__} where yours are None")]
    kind = _kind(live[0])
    if any(_kind(v) != kind for v in live) or _kind(value) != kind:
        return _type_edge(name, value, live)
    return _BY_KIND[kind](name, value, live, names)


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "array"
    if is_pandas_rows(value):
        return "rows"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, (str, bytes)):
        return "text"
    if isinstance(value, (list, tuple)):
        return "sequence"
    return "other"


def _type_edge(name: str, value: Any, live: Sequence[Any]) -> list[Edge]:
    theirs = sorted({type(v).__name__ for v in live})
    mine = type(value).__name__
    assume = f"isinstance({name}, {theirs[0]})" if len(theirs) == 1 and theirs[0] in _BUILTIN_TYPES else ""
    return [Edge(f"{name} is a {mine} where yours are {' or '.join(theirs)}", assume, 3)]


_BUILTIN_TYPES = {"int", "float", "str", "bytes", "list", "tuple", "dict", "set", "bool"}


# -- arrays ------------------------------------------------------------------------


def _array_edges(name: str, value: npt.NDArray[Any], live: Sequence[Any], names: Names) -> list[Edge]:
    ndims = sorted({v.ndim for v in live})
    if value.ndim not in ndims:
        return [Edge(f"{name} has {_count(value.ndim, 'dimension')} where yours have {_alternatives(ndims)}",
                     f"{name}.ndim == {ndims[0]}" if len(ndims) == 1 else "", 3)]
    dtypes = sorted({str(v.dtype) for v in live})
    if str(value.dtype) not in dtypes:
        return [Edge(f"{name} is {value.dtype} where yours are {' or '.join(dtypes)}",
                     f"{name}.dtype == '{dtypes[0]}'" if len(dtypes) == 1 else "", 3)]
    if value.size == 0:
        sizes = [v.size for v in live]
        if min(sizes) == 0:
            return []
        assume = f"len({name}) > 0" if value.ndim == 1 else f"{name}.size > 0"
        return [Edge(f"{name} is empty where yours have {_span(sizes)} elements", assume, 0)]
    if value.dtype.kind == "b":
        return _mask_edges(name, value, live)
    if value.dtype.kind in "iuf":
        return _number_array_edges(name, value, live, names)
    return []


def _mask_edges(name: str, value: npt.NDArray[np.bool_], live: Sequence[Any]) -> list[Edge]:
    shares = [float(v.mean()) for v in live if v.size]
    if not shares:
        return []
    theirs = f"where yours select {_percents(shares)}"
    if not value.any() and min(shares) > 0:
        return [Edge(f"{name} selects nothing {theirs}", f"{name}.any()", 0)]
    if value.all() and max(shares) < 1:
        return [Edge(f"{name} selects everything {theirs}", f"not {name}.all()", 1)]
    return []


def _number_array_edges(name: str, value: npt.NDArray[Any], live: Sequence[Any], names: Names) -> list[Edge]:
    return _number_edges_of(name, _values(value), np.concatenate([_values(v) for v in live]), value.dtype, names, "array")


def _number_edges_of(name: str, mine: npt.NDArray[np.float64], theirs: npt.NDArray[np.float64], dtype: np.dtype[Any],
                     names: Names, form: str) -> list[Edge]:
    """The edges of numbers (*form*: the "array", "list" or "scalar" they come in): NaN, inf, the limit, the sign."""
    edges = _special_edges(name, mine, theirs, dtype, names, form)
    finite, live_finite = mine[np.isfinite(mine)], theirs[np.isfinite(theirs)]
    if finite.size and live_finite.size:
        edges += _sign_edges(name, finite, live_finite, form)
    return edges


def _values(a: Any) -> npt.NDArray[np.float64]:
    return np.asarray(a, dtype=np.float64).ravel()


def _special_edges(name: str, mine: npt.NDArray[np.float64], theirs: npt.NDArray[np.float64],
                   dtype: np.dtype[Any], names: Names, form: str) -> list[Edge]:
    """NaN, inf and values near the dtype's limit that the live values never hold."""
    edges: list[Edge] = []
    subject, none = (f"{name} is", "never are") if form == "scalar" else (f"{name} holds", "have none")
    if np.isnan(mine).any() and not np.isnan(theirs).any():
        edges.append(Edge(f"{subject} NaN where yours {none}", _not_nan(name, names, form), 1))
    if np.isinf(mine).any() and not np.isinf(theirs).any():
        signs = sorted({"inf" if v > 0 else "-inf" for v in mine[np.isinf(mine)]}, reverse=True)
        edges.append(Edge(f"{subject} {' and '.join(signs)} where yours {none}", _finite(name, names, form), 1))
    near = _limit(dtype) * (NEAR_LIMIT if dtype.kind == "f" else 0.5)  # an int overflows once doubled
    finite = np.abs(mine[np.isfinite(mine)])
    if near and finite.size and finite.max() >= near and not (np.abs(theirs) >= near).any():
        edges.append(Edge(f"{subject} values near the {dtype} limit ({_limit(dtype):.3g})",
                          _below(name, finite.max(), theirs, form), 2))
    elif dtype.kind == "f" and finite.size and (reach := _reach(theirs)) is not None and finite.max() > FAR * reach:
        edges.append(Edge(f"{subject} values far beyond yours (up to {finite.max():.3g} where yours reach {reach:.3g})",
                          _below(name, finite.max(), theirs, form), 2))
    return edges


def _reach(theirs: npt.NDArray[np.float64]) -> float | None:
    """The largest magnitude of the live values (at least 1), None when they hold no finite number."""
    finite = np.abs(theirs[np.isfinite(theirs)])
    return max(1.0, float(finite.max())) if finite.size else None


def _limit(dtype: np.dtype[Any]) -> float:
    if dtype.kind == "f":
        return float(np.finfo(dtype).max)
    if dtype.kind in "iu":
        return float(np.iinfo(dtype).max)
    return 0.0


def _below(name: str, mine: float, theirs: npt.NDArray[np.float64], form: str) -> str:
    """abs(x) < the power of ten just below the counterexample's largest value, when every live value is below it."""
    exponent = math.floor(math.log10(mine))
    if (np.abs(theirs[np.isfinite(theirs)]) >= 10.0**exponent).any():
        return ""
    return _every(name, form, lambda v: f"abs({v}) < 1e{exponent}")


def _every(name: str, form: str, condition: Callable[[str], str]) -> str:
    """*condition* of every number: of an array with .all(), of a list with all(), of a scalar as it is."""
    if form == "array":
        return f"({condition(name)}).all()"
    if form == "list":
        return f"all({condition('v')} for v in {name})"
    return condition(name)


def _not_nan(name: str, names: Names, form: str) -> str:
    if names.numpy:
        return f"not {names.numpy}.isnan({name})" + ("" if form == "scalar" else ".any()")
    if names.math and form == "scalar":
        return f"not {names.math}.isnan({name})"
    return _every(name, form, lambda v: f"{v} == {v}")


def _finite(name: str, names: Names, form: str) -> str:
    if names.numpy:
        return f"{names.numpy}.isfinite({name})" + ("" if form == "scalar" else ".all()")
    if names.math and form == "scalar":
        return f"{names.math}.isfinite({name})"
    return _every(name, form, lambda v: f"abs({v}) < float('inf')")


def _sign_edges(name: str, mine: npt.NDArray[np.float64], theirs: npt.NDArray[np.float64], form: str) -> list[Edge]:
    """A sign the live values never take: negative where theirs are >= 0 (or the
    mirror), and for a single number 0 where theirs are all positive. Zeros among
    many numbers are not counted: the search shrinks arrays toward zeros, and a
    dark pixel is not beyond an image."""
    low, high = float(mine.min()), float(mine.max())
    live_low, live_high = float(theirs.min()), float(theirs.max())
    many = form != "scalar"
    verb = f"{name} holds" if many else f"{name} is"
    if low < 0 <= live_low:
        words = f"negative values (down to {_number(low)})" if many else f"negative ({_number(low)})"
        op, theirs_are = (">", "positive") if live_low > 0 else (">=", "at least 0")
        return [Edge(f"{verb} {words} where yours are {theirs_are}", _every(name, form, lambda v: f"{v} {op} 0"), 2)]
    if high > 0 >= live_high:
        words = f"positive values (up to {_number(high)})" if many else f"positive ({_number(high)})"
        op, theirs_are = ("<", "negative") if live_high < 0 else ("<=", "at most 0")
        return [Edge(f"{verb} {words} where yours are {theirs_are}", _every(name, form, lambda v: f"{v} {op} 0"), 2)]
    if not many and low == 0 and (live_low > 0 or live_high < 0):
        sign, op = ("positive", ">") if live_low > 0 else ("negative", "<")
        return [Edge(f"{name} is 0 where yours are {sign}", f"{name} {op} 0", 2)]
    return []


# -- numbers, text, sequences, frames ---------------------------------------------


def _number_edges(name: str, value: Any, live: Sequence[Any], names: Names) -> list[Edge]:
    mine, theirs = np.array([float(value)]), np.array([float(v) for v in live])
    return _number_edges_of(name, mine, theirs, _scalar_dtype(value), names, "scalar")


def _scalar_dtype(value: Any) -> np.dtype[Any]:
    """A numpy scalar's own dtype; a Python float is a float64 and a Python int is counted as an int64."""
    if isinstance(value, np.generic):
        return value.dtype
    return np.dtype(np.float64 if isinstance(value, float) else np.int64)


def _text_edges(name: str, value: str | bytes, live: Sequence[Any], names: Names) -> list[Edge]:
    if len(value) == 0 and all(len(v) for v in live):
        return [Edge(f"{name} is empty where yours are not", f"len({name}) > 0", 0)]
    return []


def _sequence_edges(name: str, value: Sequence[Any], live: Sequence[Any], names: Names) -> list[Edge]:
    lengths = [len(v) for v in live]
    if len(value) == 0 and min(lengths) > 0:
        return [Edge(f"{name} is empty where yours have {_span(lengths)} items", f"len({name}) > 0", 0)]
    items = [item for v in live for item in v]
    if value and items and all(_kind(item) == "number" for item in [*value, *items]):  # a list of numbers: as an array
        dtype = np.dtype(np.float64 if any(isinstance(i, (float, np.floating)) for i in [*value, *items]) else np.int64)
        return _number_edges_of(name, _values(list(value)), _values(items), dtype, names, "list")
    return []


def _rows_edges(name: str, value: Any, live: Sequence[Any], names: Names) -> list[Edge]:
    """A DataFrame or Series: no rows where the live ones have some; NaN (or None, NaT) in a column where theirs have none."""
    lengths = [len(v) for v in live]
    if len(value) == 0:
        if min(lengths) == 0:
            return []
        return [Edge(f"{name} has no rows where yours have {_span(lengths)}", f"len({name}) > 0", 0)]
    if type(value).__name__ == "Series":
        if bool(value.isna().any()) and not any(bool(v.isna().any()) for v in live):
            return [Edge(f"{name} holds missing values (NaN) where yours have none", f"{name}.notna().all()", 1)]
        return []
    live_missing = {c for v in live for c in v.columns[v.isna().any().to_numpy()]}
    holes = [c for c in value.columns[value.isna().any().to_numpy()] if c not in live_missing]
    if not holes:
        return []
    if len(holes) == 1:
        return [Edge(f"{name} holds missing values (NaN) in column {holes[0]!r} where yours have none",
                     f"{name}[{holes[0]!r}].notna().all()", 1)]
    shown = ", ".join(map(repr, holes[:3])) + (f" and {len(holes) - 3} more" if len(holes) > 3 else "")
    assume = f"{name}.notna().all().all()" if not live_missing else f"{name}[{holes!r}].notna().all().all()"
    return [Edge(f"{name} holds missing values (NaN) in columns {shown} where yours have none", assume, 1)]


def _no_edges(name: str, value: Any, live: Sequence[Any], names: Names) -> list[Edge]:
    return []


_BY_KIND: dict[str, Callable[[str, Any, Sequence[Any], Names], list[Edge]]] = {
    "array": _array_edges, "rows": _rows_edges, "number": _number_edges, "text": _text_edges,
    "sequence": _sequence_edges, "bool": _no_edges, "other": _no_edges,
}


# -- words -----------------------------------------------------------------------


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e15 else f"{v:.3g}"


def _span(counts: Sequence[int]) -> str:
    low, high = min(counts), max(counts)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def _percents(shares: Sequence[float]) -> str:
    low, high = min(shares), max(shares)
    return _percent(low) if _percent(low) == _percent(high) else f"{_percent(low)} to {_percent(high)}"


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "under 1%"
    if 0.99 < share < 1:
        return "over 99%"
    return f"{100 * share:.0f}%"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _alternatives(ndims: Sequence[int]) -> str:
    return " or ".join(map(str, ndims))
