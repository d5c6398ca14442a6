"""Inputs "like" the live ones, as hypothesis strategies.

Most wrong rewrites are wrong only on inputs the user did not pass: an empty
mask, an all-zero array, a negative number, a dtype's limit, a NaN. For each
live call this builds a strategy of calls whose arguments resemble the live
arguments (same types, dtypes, number of dimensions) but range over the edges:

* arrays: shapes from empty up to the live size; constant arrays (0, the
  dtype's limits, a live value); small arrays of edge and live-range values;
  windows of the live array itself (real data), sometimes with edge values
  sprinkled in; arrays that share a live shape keep sharing their drawn shape;
* scalars around the live value plus 0, negatives and (for floats) NaN, inf
  and -0.0; strings of every kind; lists, tuples and dicts of the element
  types seen, with sequences of equal live length kept equal;
* None wherever the parameter's default is None.

Hypothesis shrinks toward the simplest draw, so a counterexample comes out
small: constant modes come first and shapes shrink toward empty.
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from .model import Call

SMALL_ELEMENTS = 64  # arrays up to this size get element-wise generated values
MAX_COLLECTION = 12


def calls_like(func: Callable, calls: list[Call]) -> st.SearchStrategy[Call]:
    """A strategy of generated calls resembling any of the live *calls*."""
    defaults_none = _parameters_defaulting_to_none(func)
    params = _positional_names(func)
    return st.one_of(*[_call_like(call, params, defaults_none) for call in calls])


def _positional_names(func: Callable) -> list[str]:
    code = func.__code__
    return list(code.co_varnames[: code.co_argcount])


def _parameters_defaulting_to_none(func: Callable) -> set[str]:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params if p.default is None}


# Composites are defined once at module level: building one costs reflection,
# drawing from an instance is cheap.

def _call_like(call: Call, params: list[str], defaults_none: set[str]) -> st.SearchStrategy[Call]:
    return _draw_call(call, params, defaults_none)


@st.composite
def _draw_call(draw, call: Call, params: list[str], defaults_none: set[str]) -> Call:
    relations = _Relations(draw)
    args = tuple(
        _maybe_none(_like(value, relations), i < len(params) and params[i] in defaults_none, draw)
        for i, value in enumerate(call.args)
    )
    kwargs = {k: _maybe_none(_like(v, relations), k in defaults_none, draw) for k, v in call.kwargs.items()}
    return Call(args, kwargs, origin="generated")


def _maybe_none(strategy: Any, allow_none: bool, draw) -> Any:
    if allow_none:
        return draw(st.one_of(strategy, st.none()))
    return draw(strategy)


class _Relations:
    """Keeps related live arguments related: equal shapes, equal lengths."""

    def __init__(self, draw):
        self.draw = draw
        self.shapes: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.lengths: dict[int, int] = {}

    def shape_for(self, live: tuple[int, ...]) -> tuple[int, ...]:
        if live not in self.shapes:
            self.shapes[live] = tuple(self.draw(st.integers(0, d)) for d in live)
        return self.shapes[live]

    def length_for(self, live: int) -> int:
        if live not in self.lengths:
            self.lengths[live] = self.draw(st.one_of(st.integers(0, min(live + 2, MAX_COLLECTION)), st.just(live)))
        return self.lengths[live]


def _like(value: Any, relations: _Relations) -> st.SearchStrategy:
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return _array_like(value, relations)
    if isinstance(value, (bool, np.bool_)):
        return st.booleans().map(type(value))
    if isinstance(value, (int, np.integer)):
        return _int_like(value)
    if isinstance(value, (float, np.floating)):
        return _float_like(value)
    if isinstance(value, str):
        return _str_like(value)
    if isinstance(value, (list, tuple)) and value:
        return _sequence_like(value, relations)
    if isinstance(value, dict) and value:
        return _dict_like(value)
    return st.just(value)  # unknown types: the live value itself (deep-copied per run)


# ---------------------------------------------------------------- arrays

def _array_like(live: np.ndarray, relations: _Relations) -> st.SearchStrategy[np.ndarray]:
    return _draw_array(live, relations)


@st.composite
def _draw_array(draw, live: np.ndarray, relations: _Relations) -> np.ndarray:
    shape = relations.shape_for(live.shape)
    modes = [_constant_array, _live_window, _live_window_with_edges, _random_array]
    if math.prod(shape) <= SMALL_ELEMENTS:
        modes.insert(1, _small_array)
    mode = draw(st.sampled_from(modes))
    return mode(draw, live, shape)


def _edges(dtype: np.dtype, live: np.ndarray) -> list:
    if dtype.kind == "b":
        return [False, True]
    values = [0]
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        values += [info.min, info.max, 1]
        if dtype.kind == "i":
            values.append(-1)
    else:
        values += [-0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, float(np.finfo(dtype).max)]
    if live.size:
        finite = live[np.isfinite(live)] if dtype.kind == "f" else live
        if finite.size:
            values += [finite.min().item(), finite.max().item()]
    return values


def _constant_array(draw, live: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    value = draw(st.sampled_from(_edges(live.dtype, live)))
    return np.full(shape, value, dtype=live.dtype)


def _small_array(draw, live: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    values = _edges(live.dtype, live)
    low, high = _live_range(live)
    if live.dtype.kind in "iu":
        element = st.one_of(st.sampled_from(values), st.integers(low, high))
    elif live.dtype.kind == "f":
        element = st.one_of(st.sampled_from(values), st.floats(low, high))
    else:
        element = st.booleans()
    flat = draw(st.lists(element, min_size=math.prod(shape), max_size=math.prod(shape)))
    return np.array(flat, dtype=live.dtype).reshape(shape)


def _live_range(live: np.ndarray) -> tuple:
    if live.dtype.kind == "b" or not live.size:
        return (0, 1)
    finite = live[np.isfinite(live)] if live.dtype.kind == "f" else live
    if not finite.size:
        return (-1.0, 1.0)
    return finite.min().item(), finite.max().item()


def _live_window(draw, live: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    starts = tuple(draw(st.integers(0, full - part)) for full, part in zip(live.shape, shape))
    window = tuple(slice(s, s + n) for s, n in zip(starts, shape))
    return live[window].copy()


def _live_window_with_edges(draw, live: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = _live_window(draw, live, shape)
    if out.size:
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        values = np.array(_edges(live.dtype, live), dtype=object)
        picks = rng.integers(0, out.size, size=max(1, out.size // 20))
        out.flat[picks] = values[rng.integers(0, len(values), size=len(picks))].astype(live.dtype)
    return out


def _random_array(draw, live: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if live.dtype.kind == "b":
        return rng.random(shape) < draw(st.sampled_from([0.0, 0.5, 1.0, 0.05]))
    low, high = _live_range(live)
    if live.dtype.kind in "iu":
        return rng.integers(low, high, size=shape, endpoint=True).astype(live.dtype)
    return rng.uniform(low, high, size=shape).astype(live.dtype)


# ---------------------------------------------------------------- scalars and containers

def _int_like(value: int) -> st.SearchStrategy:
    v = int(value)
    span = 2 * abs(v) + 2
    ints = st.one_of(st.sampled_from(sorted({0, 1, -1, v, -v, v + 1, v - 1})), st.integers(-span, span))
    return ints.map(type(value)) if isinstance(value, np.integer) else ints


def _float_like(value: float) -> st.SearchStrategy:
    v = float(value)
    span = 2 * abs(v) + 2 if math.isfinite(v) else 1e6
    edges = [0.0, -0.0, 1.0, -1.0, v, -v, math.nan, math.inf, -math.inf]
    floats = st.one_of(st.sampled_from(edges), st.floats(-span, span))
    return floats.map(type(value)) if isinstance(value, np.floating) else floats


def _str_like(value: str) -> st.SearchStrategy[str]:
    edges = ["", value, value.upper(), value.lower(), value[::-1], " ", "é", "ß", "İ", "\u00e9\u0301", "a\nb"]
    return st.one_of(st.sampled_from(edges), st.text(max_size=max(len(value), 8)))


def _sequence_like(value: list | tuple, relations: _Relations) -> st.SearchStrategy:
    kinds: dict[type, Any] = {}
    for item in value:
        kinds.setdefault(type(item), item)
    return _draw_sequence(value, relations, tuple(kinds.values()))


@st.composite
def _draw_sequence(draw, value: list | tuple, relations: _Relations, examples: tuple) -> list | tuple:
    n = relations.length_for(len(value))
    if n <= len(value) and (n > MAX_COLLECTION or draw(st.booleans())):
        start = draw(st.integers(0, len(value) - n))  # a run of the live items: real data
        items = list(value[start : start + n])
    else:
        element = st.one_of(*[_like(example, _Relations(draw)) for example in examples])
        items = draw(st.lists(element, min_size=n, max_size=n))
    return items if isinstance(value, list) else _rebuild(value, items)


def _rebuild(value: tuple, items: list) -> tuple:
    try:
        return type(value)(items)
    except TypeError:  # namedtuples take fields, not an iterable
        return type(value)(*items)


def _dict_like(value: dict) -> st.SearchStrategy[dict]:
    key, item = next(iter(value.items()))
    return st.dictionaries(_plain_like(key), _plain_like(item), max_size=max(len(value), 4))


def _plain_like(value: Any) -> st.SearchStrategy:
    """Like `_like`, for values with no relations to keep (dict keys and values)."""
    if isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return _like(value, _Relations(None))
    return st.just(value)
