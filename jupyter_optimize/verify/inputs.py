"""Inputs "like" the live ones, as hypothesis strategies.

Most wrong rewrites are wrong only on inputs the user did not pass: an empty
mask, an all-zero array, a negative number, a dtype's limit, a NaN. For each
live call this builds a strategy of calls whose arguments resemble the live
arguments (same types, dtypes, number of dimensions) but range over the edges:

* arrays: shapes from empty up to the live size; constant arrays (0, the
  dtype's limits, a live value); small arrays of edge and live-range values;
  windows of the live array itself (real data), sometimes with edge values
  sprinkled in; random arrays in the live range; arrays that share a live
  shape keep sharing their drawn shape;
* scalars around the live value plus 0, negatives and (for floats) NaN, inf
  and -0.0; strings of every kind; lists, tuples and dicts of the element
  types seen, with sequences of equal live length kept equal;
* None wherever the parameter's default is None.

Hypothesis shrinks toward the simplest draw, so a counterexample comes out
small: constant modes come first and shapes shrink toward empty.

Every strategy is built once per live value (a "drawer"); a draw only picks
from them, which keeps generation to about a millisecond per input.
"""
from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ..model import Call
from .judge import parameter_names

SMALL_ELEMENTS = 64  # arrays up to this size also get element-wise generated values
MAX_COLLECTION = 12
_FLIP = st.booleans()
_SEED = st.integers(0, 2**16)
_FRACTION_TRUE = st.sampled_from([0.0, 1.0, 0.5, 0.05])

Drawer = Callable[[DrawFn, "_Relations"], object]  # (draw, relations) -> an argument value
Scalar = bool | int | float  # the edge values of an array dtype
# (draw, shape, relations) -> an array; every mode takes relations so one type fits all (only _constant reads them)
ArrayMode = Callable[[DrawFn, tuple[int, ...], "_Relations"], npt.NDArray[Any]]


def calls_like(func: Callable[..., object], calls: list[Call]) -> SearchStrategy[Call]:
    """A strategy of generated calls resembling any of the live *calls*."""
    defaults_none = _parameters_defaulting_to_none(func)
    params = parameter_names(func)
    return st.one_of(*[_call_strategy(call, params, defaults_none) for call in calls])


def _parameters_defaulting_to_none(func: Callable[..., object]) -> set[str]:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params if p.default is None}


def _call_strategy(call: Call, params: list[str], defaults_none: set[str]) -> SearchStrategy[Call]:
    positional = [_or_none(drawer_for(v), i < len(params) and params[i] in defaults_none)
                  for i, v in enumerate(call.args)]
    keywords = {k: _or_none(drawer_for(v), k in defaults_none) for k, v in call.kwargs.items()}
    return _draw_call(positional, keywords)


@st.composite
def _draw_call(draw: DrawFn, positional: list[Drawer], keywords: dict[str, Drawer]) -> Call:
    relations = _Relations(draw)
    args = tuple(d(draw, relations) for d in positional)
    kwargs = {k: d(draw, relations) for k, d in keywords.items()}
    return Call(args, kwargs, origin="generated")


def _or_none(drawer: Drawer, allow_none: bool) -> Drawer:
    if not allow_none:
        return drawer
    return lambda draw, relations: None if draw(_FLIP) else drawer(draw, relations)


class _Relations:
    """Keeps related live arguments related within one call: equal shapes, equal lengths."""

    def __init__(self, draw: DrawFn):
        self.draw = draw
        self.shapes: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.lengths: dict[int, int] = {}
        self.fills: dict[str, Any] = {}  # dtype -> the value a constant array of it was filled with

    def shape_for(self, live: tuple[int, ...], dims: list[SearchStrategy[int]]) -> tuple[int, ...]:
        """Half the time the live shape itself (where sums overflow and sizes
        matter), else any smaller one; shrinks toward small."""
        if live not in self.shapes:
            full = self.draw(_FLIP)
            drawn = tuple(self.draw(d) for d in dims)
            self.shapes[live] = live if full else drawn
        return self.shapes[live]

    def sizes(self) -> list[int]:
        """Lengths and dimensions drawn so far in this call."""
        return list(self.lengths.values()) + [d for shape in self.shapes.values() for d in shape]

    def length_for(self, live: int, lengths: SearchStrategy[int]) -> int:
        if live not in self.lengths:
            self.lengths[live] = self.draw(lengths)
        return self.lengths[live]


def drawer_for(value: Any) -> Drawer:
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return _ArrayDrawer(value)
    if isinstance(value, (list, tuple)) and value:
        return _SequenceDrawer(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return _IntDrawer(value)
    strategy = _scalar_like(value)
    return lambda draw, relations: draw(strategy)


def _scalar_like(value: Any) -> SearchStrategy[object]:
    if isinstance(value, (bool, np.bool_)):
        return st.booleans().map(type(value))
    if isinstance(value, (int, np.integer)):
        return _int_like(value)
    if isinstance(value, (float, np.floating)):
        return _float_like(value)
    if isinstance(value, str):
        return _str_like(value)
    if isinstance(value, dict) and value:
        key, item = next(iter(value.items()))
        return st.dictionaries(_scalar_like(key), _scalar_like(item), max_size=max(len(value), 4))
    return st.just(value)  # unknown types: the live value itself (deep-copied per run)


# ---------------------------------------------------------------- arrays

class _ArrayDrawer:
    def __init__(self, live: npt.NDArray[Any]):
        self.live = live
        self.dims = [st.integers(0, d) for d in live.shape]
        self.edges = _edges(live.dtype, live)
        self.edge = st.sampled_from(self.edges)
        self.low, self.high = _live_range(live)
        self.element = _element_strategy(live.dtype, self.edges, self.low, self.high)
        big: list[ArrayMode] = [self._constant, self._window, self._window_with_edges, self._edge_mix, self._random]
        self.modes_big: SearchStrategy[ArrayMode] = st.sampled_from(big)
        self.modes_small: SearchStrategy[ArrayMode] = st.sampled_from([self._constant, self._small, *big[1:]])

    def __call__(self, draw: DrawFn, relations: _Relations) -> npt.NDArray[Any]:
        shape = relations.shape_for(self.live.shape, self.dims)
        modes = self.modes_small if math.prod(shape) <= SMALL_ELEMENTS else self.modes_big
        mode = draw(modes)
        return mode(draw, shape, relations)

    def _constant(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        """One edge value everywhere; often the same one as another constant
        argument of this dtype (two arrays at the dtype's limit overflow together)."""
        key = self.live.dtype.str
        if key in relations.fills and draw(_FLIP):
            value = relations.fills[key]
        else:
            value = relations.fills[key] = draw(self.edge)
        return np.full(shape, value, dtype=self.live.dtype)

    def _small(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        n = math.prod(shape)
        flat = draw(st.lists(self.element, min_size=n, max_size=n))
        return np.array(flat, dtype=self.live.dtype).reshape(shape)

    def _window(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        starts = [draw(st.integers(0, full - part)) for full, part in zip(self.live.shape, shape)]
        return self.live[tuple(slice(s, s + n) for s, n in zip(starts, shape))].copy()

    def _window_with_edges(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        out = self._window(draw, shape, relations)
        if out.size:
            rng = np.random.default_rng(draw(_SEED))
            picks = rng.integers(0, out.size, size=max(1, out.size // 20))
            values = np.array(self.edges, dtype=object)[rng.integers(0, len(self.edges), size=len(picks))]
            out.flat[picks] = values.astype(self.live.dtype)
        return out

    def _edge_mix(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        """Every element one of a few edge values: extremes side by side (max
        next to max, -inf next to max), which overflows sums and comparisons."""
        rng = np.random.default_rng(draw(_SEED))
        few = rng.choice(len(self.edges), size=min(len(self.edges), int(rng.integers(1, 4))), replace=False)
        picks = few[rng.integers(0, len(few), size=shape)]
        return np.array(self.edges, dtype=object)[picks].astype(self.live.dtype)

    def _random(self, draw: DrawFn, shape: tuple[int, ...], relations: _Relations) -> npt.NDArray[Any]:
        rng = np.random.default_rng(draw(_SEED))
        kind = self.live.dtype.kind
        if kind == "b":
            mask: npt.NDArray[np.bool_] = rng.random(shape) < draw(_FRACTION_TRUE)
            return mask
        if kind in "iu":
            low, high = int(self.low), int(self.high)  # ints already: the live range of an integer dtype
            return rng.integers(low, high, size=shape, endpoint=True).astype(self.live.dtype)
        return rng.uniform(self.low, self.high, size=shape).astype(self.live.dtype)


def _edges(dtype: np.dtype[Any], live: npt.NDArray[Any]) -> list[Scalar]:
    if dtype.kind == "b":
        return [False, True]
    values: list[Scalar] = [0]
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        values += [info.min, info.max, 1] + ([-1] if dtype.kind == "i" else [])
    else:
        values += [-0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, float(np.finfo(dtype).max)]
    low, high = _live_range(live)
    return values + [low, high] if live.size else values


def _element_strategy(dtype: np.dtype[Any], edges: list[Scalar], low: float, high: float) -> SearchStrategy[Scalar]:
    if dtype.kind in "iu":
        return st.one_of(st.sampled_from(edges), st.integers(int(low), int(high)))
    if dtype.kind == "f":
        return st.one_of(st.sampled_from(edges), st.floats(low, high))
    return st.booleans()


def _live_range(live: npt.NDArray[Any]) -> tuple[float, float]:
    if live.dtype.kind == "b" or not live.size:
        return (0, 1)
    finite = live[np.isfinite(live)] if live.dtype.kind == "f" else live
    if not finite.size:
        return (-1.0, 1.0)
    return finite.min().item(), finite.max().item()


# ---------------------------------------------------------------- scalars and containers

class _IntDrawer:
    """Integers around the live value, and often near the sizes of the other
    arguments of the same call (n - 1, n, n + 1, 2n ...): where off-by-one
    bounds and slices past the end show."""

    def __init__(self, live: int | np.integer[Any]):
        self.base = _int_like(live)
        self.cast = type(live) if isinstance(live, np.integer) else int

    def __call__(self, draw: DrawFn, relations: _Relations) -> int | np.integer[Any]:
        sizes = relations.sizes()
        if bool(sizes) and draw(_FLIP):  # bool(): mypy would infer draw's type from the list
            near = sorted({k for n in sizes for k in (n - 1, n, n + 1, 2 * n - 1, 2 * n, 2 * n + 1)})
            return self.cast(draw(st.sampled_from(near)))
        return draw(self.base)


def _int_like(value: int | np.integer[Any]) -> SearchStrategy[int | np.integer[Any]]:
    v = int(value)
    span = 2 * abs(v) + 2
    ints = st.one_of(st.sampled_from(sorted({0, 1, -1, v, -v, v + 1, v - 1})), st.integers(-span, span))
    return ints.map(type(value)) if isinstance(value, np.integer) else ints


def _float_like(value: float | np.floating[Any]) -> SearchStrategy[float | np.floating[Any]]:
    v = float(value)
    span = 2 * abs(v) + 2 if math.isfinite(v) else 1e6
    edges = [0.0, -0.0, 1.0, -1.0, v, -v, math.nan, math.inf, -math.inf]
    floats = st.one_of(st.sampled_from(edges), st.floats(-span, span))
    return floats.map(type(value)) if isinstance(value, np.floating) else floats


def _str_like(value: str) -> SearchStrategy[str]:
    edges = ["", value, value.upper(), value.lower(), value[::-1], " ", "a\nb", "e\u0301",
             "é", "ß", "İ", "ı", "ſ", "K", "ﬀ", "Σς"]  # letters whose case mapping surprises
    return st.one_of(st.sampled_from(edges), st.text(max_size=max(len(value), 8)))


class _SequenceDrawer:
    """Lists and tuples: generated items of the kinds seen, or a run of the live items."""

    def __init__(self, live: list[Any] | tuple[Any, ...]):
        self.live = live
        examples: dict[type, Any] = {}
        for item in live:
            examples.setdefault(type(item), item)
        self.items = [drawer_for(example) for example in examples.values()]
        self.which = st.integers(0, len(self.items) - 1)
        self.lengths = st.one_of(st.integers(0, min(len(live) + 2, MAX_COLLECTION)), st.just(len(live)))

    def __call__(self, draw: DrawFn, relations: _Relations) -> list[object] | tuple[object, ...]:
        n = relations.length_for(len(self.live), self.lengths)
        if n <= len(self.live) and (n > MAX_COLLECTION or draw(_FLIP)):
            start = draw(st.integers(0, len(self.live) - n))  # real data
            items: list[object] = list(self.live[start : start + n])
        else:
            inner = _Relations(draw)  # arrays inside one sequence share their shapes
            items = [self.items[draw(self.which)](draw, inner) for _ in range(n)]
        return items if isinstance(self.live, list) else _rebuild(self.live, items)


def _rebuild(value: tuple[Any, ...], items: list[object]) -> tuple[object, ...]:
    rebuild: Callable[..., tuple[object, ...]] = type(value)  # a tuple subclass: its own constructor
    try:
        return rebuild(items)
    except TypeError:  # namedtuples take fields, not an iterable
        return rebuild(*items)
