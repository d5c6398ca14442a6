"""Inputs "like" the live ones, as hypothesis strategies.

Most wrong rewrites are wrong only on inputs the user did not pass: an empty
mask, an all-zero array, a negative number, a dtype's limit, a NaN. For each
live call this builds a strategy of calls whose arguments resemble the live
arguments (same types, dtypes, number of dimensions) but range over the edges:

* arrays: shapes from empty up to the live size; constant arrays (0, the
  dtype's limits, a live value); small arrays of edge and live-range values
  (for floats NaN, +-inf, -0.0 and a large finite value, no larger than
  a sum of the live size can hold: see `reassociation.large_float`);
  windows of the live array itself (real data), sometimes with edge values
  sprinkled in; random arrays in the live range; arrays that share a live
  shape keep sharing their drawn shape;
* scalars around the live value plus 0, negatives and (for floats) NaN, inf
  and -0.0; strings of every kind; lists, tuples and dicts of the element
  types seen, with sequences of equal live length kept equal;
* pandas DataFrames and Series (`inputs_frames`, imported only when a live
  value is a pandas object); records, dicts of arrays, sets, dataclass and
  plain objects (`inputs_records`); bytes and dates (`inputs_values`);
* None wherever the parameter's default is None.

A value of a type none of these knows is passed as it is live.

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
from . import inputs_records as records
from . import inputs_values as values
from .drawing import FLIP, MAX_COLLECTION, SEED, Drawer, Relations, constant
from .judge import parameter_names
from .kinds import is_pandas
from .reassociation import large_float

SMALL_ELEMENTS = 64  # arrays up to this size also get element-wise generated values
_FRACTION_TRUE = st.sampled_from([0.0, 1.0, 0.5, 0.05])

Scalar = bool | int | float  # the edge values of an array dtype
# (draw, shape, relations) -> an array; every mode takes relations so one type fits all (only _constant reads them)
ArrayMode = Callable[[DrawFn, tuple[int, ...], Relations], npt.NDArray[Any]]


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
    relations = Relations(draw)
    args = tuple(d(draw, relations) for d in positional)
    kwargs = {k: d(draw, relations) for k, d in keywords.items()}
    return Call(args, kwargs, origin="generated")


def _or_none(drawer: Drawer, allow_none: bool) -> Drawer:
    if not allow_none:
        return drawer
    return lambda draw, relations: None if draw(FLIP) else drawer(draw, relations)


def drawer_for(value: Any) -> Drawer:
    """The drawer of inputs like *value*; the live value itself for a type it does not know."""
    if is_pandas(value):  # pandas is imported only when the user holds it
        from .inputs_frames import pandas_drawer

        found = pandas_drawer(value)
        if found is not None:
            return found
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return _ArrayDrawer(value)
    return _container_drawer(value) or _scalar_drawer(value)


def _container_drawer(value: Any) -> Drawer | None:
    if isinstance(value, list) and records.are_records(value):
        return records.RecordsDrawer(value, drawer_for)
    if isinstance(value, (list, tuple)) and value:
        return _SequenceDrawer(value)
    if isinstance(value, (set, frozenset)) and value:
        return records.SetDrawer(value, drawer_for)
    if isinstance(value, dict) and records.is_record(value):
        return records.RecordDrawer(value, drawer_for, _scalar_like(value))  # also: any dict of the types seen
    if records.is_dataclass_instance(value) or records.is_plain_object(value):
        return records.ObjectDrawer(value, drawer_for)
    return None


def _scalar_drawer(value: Any) -> Drawer:
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return _IntDrawer(value)
    strategy = values.strategy_like(value)
    if strategy is None:
        strategy = _scalar_like(value)
    if strategy is None:
        return constant(value)
    found = strategy
    return lambda draw, relations: draw(found)


def _scalar_like(value: Any) -> SearchStrategy[object] | None:
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
        return st.dictionaries(_like_or_just(key), _like_or_just(item), max_size=max(len(value), 4))
    return None  # unknown types: the live value itself (deep-copied per run)


def _like_or_just(value: Any) -> SearchStrategy[object]:
    strategy = _scalar_like(value)
    return st.just(value) if strategy is None else strategy


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

    def __call__(self, draw: DrawFn, relations: Relations) -> npt.NDArray[Any]:
        shape = relations.shape_for(self.live.shape, self.dims)
        modes = self.modes_small if math.prod(shape) <= SMALL_ELEMENTS else self.modes_big
        mode = draw(modes)
        return mode(draw, shape, relations)

    def _constant(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        """One edge value everywhere; often the same one as another constant
        argument of this dtype (two arrays at the dtype's limit overflow together)."""
        key = self.live.dtype.str
        if key in relations.fills and draw(FLIP):
            value = relations.fills[key]
        else:
            value = relations.fills[key] = draw(self.edge)
        return np.full(shape, value, dtype=self.live.dtype)

    def _small(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        n = math.prod(shape)
        flat = draw(st.lists(self.element, min_size=n, max_size=n))
        return np.array(flat, dtype=self.live.dtype).reshape(shape)

    def _window(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        starts = [draw(st.integers(0, full - part)) for full, part in zip(self.live.shape, shape)]
        return self.live[tuple(slice(s, s + n) for s, n in zip(starts, shape))].copy()

    def _window_with_edges(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        out = self._window(draw, shape, relations)
        if out.size:
            rng = np.random.default_rng(draw(SEED))
            picks = rng.integers(0, out.size, size=max(1, out.size // 20))
            values = np.array(self.edges, dtype=object)[rng.integers(0, len(self.edges), size=len(picks))]
            out.flat[picks] = values.astype(self.live.dtype)
        return out

    def _edge_mix(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        """Every element one of a few edge values: extremes side by side (an
        integer maximum next to another, which overflows their sum; -inf next
        to a large float, NaN next to inf)."""
        rng = np.random.default_rng(draw(SEED))
        few = rng.choice(len(self.edges), size=min(len(self.edges), int(rng.integers(1, 4))), replace=False)
        picks = few[rng.integers(0, len(few), size=shape)]
        return np.array(self.edges, dtype=object)[picks].astype(self.live.dtype)

    def _random(self, draw: DrawFn, shape: tuple[int, ...], relations: Relations) -> npt.NDArray[Any]:
        rng = np.random.default_rng(draw(SEED))
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
        # no float at the dtype's limit: sums of it overflow in one order and not another (issue 13)
        values += [-0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, large_float(dtype, live.size)]
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

    def __call__(self, draw: DrawFn, relations: Relations) -> int | np.integer[Any]:
        sizes = relations.sizes()
        if bool(sizes) and draw(FLIP):  # bool(): mypy would infer draw's type from the list
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

    def __call__(self, draw: DrawFn, relations: Relations) -> list[object] | tuple[object, ...]:
        n = relations.length_for(len(self.live), self.lengths)
        if n <= len(self.live) and (n > MAX_COLLECTION or draw(FLIP)):
            start = draw(st.integers(0, len(self.live) - n))  # real data
            items: list[object] = list(self.live[start : start + n])
        else:
            inner = Relations(draw)  # arrays inside one sequence share their shapes
            items = [self.items[draw(self.which)](draw, inner) for _ in range(n)]
        return items if isinstance(self.live, list) else _rebuild(self.live, items)


def _rebuild(value: tuple[Any, ...], items: list[object]) -> tuple[object, ...]:
    rebuild: Callable[..., tuple[object, ...]] = type(value)  # a tuple subclass: its own constructor
    try:
        return rebuild(items)
    except TypeError:  # namedtuples take fields, not an iterable
        return rebuild(*items)
