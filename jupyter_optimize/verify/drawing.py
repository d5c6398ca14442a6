"""What every input drawer shares: the drawer type and the relations of one call.

A drawer is built once per live value (its strategies prepared up front) and
called once per generated call with hypothesis's ``draw`` and the call's
`Relations`, which keep related arguments related: arrays of one live shape
share their drawn shape, sequences of one live length their drawn length,
frames of one live row count their drawn rows.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

Drawer = Callable[[DrawFn, "Relations"], object]  # (draw, relations) -> an argument value
MakeDrawer = Callable[[Any], Drawer]  # a live value -> its drawer (inputs.drawer_for, passed in: no import cycle)
MAX_COLLECTION = 12
FLIP = st.booleans()
SEED = st.integers(0, 2**16)
T = TypeVar("T")


class Relations:
    """Keeps related live arguments related within one call: equal shapes, equal lengths, shared rows."""

    def __init__(self, draw: DrawFn):
        self.draw = draw
        self.shapes: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.lengths: dict[int, int] = {}
        self.fills: dict[str, Any] = {}  # dtype -> the value a constant array of it was filled with
        self.memo: dict[object, Any] = {}

    def shape_for(self, live: tuple[int, ...], dims: list[SearchStrategy[int]]) -> tuple[int, ...]:
        """Half the time the live shape itself (where sums overflow and sizes
        matter), else any smaller one; shrinks toward small."""
        if live not in self.shapes:
            full = self.draw(FLIP)
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

    def shared(self, key: object, make: Callable[[], T]) -> T:
        """The value *make* gave the first argument asking with *key* in this call
        (e.g. the row positions of frames with the same live rows, so a frame
        and a mask of it stay aligned)."""
        if key not in self.memo:
            self.memo[key] = make()
        value: T = self.memo[key]
        return value


def constant(value: object) -> Drawer:
    """The live value itself (deep-copied per run by the judge)."""
    return lambda draw, relations: value
