"""Drawers for records, sets and objects: JSON-like rows and the instances notebooks pass.

* records (a list of dicts): live records, and records with their values
  varied, a key missing, an extra key, a None value, or nothing at all ({});
  the list shrinks toward a single record, the record toward a live one;
* one dict with string keys (a record, or a dict of arrays): the same
  variants; a dict holding arrays or frames keeps its keys and draws each
  value like its live one (arrays in it share shapes as related arguments do);
* sets and frozensets (type kept): subsets of the live items, or items drawn
  like them;
* dataclass instances (rebuilt with `dataclasses.replace`) and plain objects
  (`copy.copy`, then the attributes set): each field either its live value
  or drawn like it. A field that is itself such an object keeps its live value
  (no recursion into object graphs).

The drawer of a field or item comes from the *make* function passed in
(`inputs.drawer_for`), so this module does not import `inputs`.
"""
from __future__ import annotations

import copy
import dataclasses
import types
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from .drawing import FLIP, MAX_COLLECTION, Drawer, MakeDrawer, Relations, constant

MAX_FIELDS = 32  # a dict or object with more entries is a table, not a record
EXTRA_KEY = "extra_key"
LIVE, VARIED, MISSING, EXTRA, NONE, EMPTY, ANY = "live", "varied", "missing", "extra", "none", "empty", "any"


def is_record(value: dict[Any, Any]) -> bool:
    return 0 < len(value) <= MAX_FIELDS and all(isinstance(k, str) for k in value)


def are_records(value: list[Any]) -> bool:
    return bool(value) and all(isinstance(v, dict) for v in value) and any(is_record(v) for v in value)


def is_dataclass_instance(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def is_plain_object(value: object) -> bool:
    """An instance of a user class whose state is its ``__dict__`` (not a function, class or module)."""
    if isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType)):
        return False
    state = getattr(value, "__dict__", None)
    return isinstance(state, dict) and 0 < len(state) <= MAX_FIELDS and type(value).__module__ != "builtins"


def _field_drawer(value: object, make: MakeDrawer) -> Drawer:
    if is_dataclass_instance(value) or is_plain_object(value):
        return constant(value)
    return make(value)


def _holds_data(value: dict[str, Any]) -> bool:
    """A dict of arrays or frames: its keys are a schema, kept as they are."""
    return any(hasattr(v, "shape") for v in value.values())


class RecordDrawer:
    """One dict: live, its values varied, a key missing or extra, a None value, {} (or any dict of the types seen)."""

    def __init__(self, live: dict[str, Any], make: MakeDrawer, any_dict: SearchStrategy[Any] | None = None):
        self.live = live
        self.keys = list(live)
        self.fields = {k: _field_drawer(v, make) for k, v in live.items()}
        self.key = st.sampled_from(self.keys)
        extra = make(next(iter(live.values())))
        self.extra = extra
        self.any_dict = any_dict
        self.data = _holds_data(live)
        modes = [LIVE, VARIED] if self.data else [LIVE, VARIED, MISSING, EXTRA, NONE, EMPTY]
        self.modes = st.sampled_from(modes + ([ANY] if any_dict is not None and not self.data else []))

    def __call__(self, draw: DrawFn, relations: Relations) -> dict[Any, Any]:
        return self.variant(draw, relations, self.live, draw(self.modes))

    def variant(self, draw: DrawFn, relations: Relations, base: dict[str, Any], mode: str) -> dict[Any, Any]:
        if mode == EMPTY:
            return {}
        if mode == ANY and self.any_dict is not None:
            drawn: dict[Any, Any] = draw(self.any_dict)
            return drawn
        out = dict(base)
        if mode == VARIED:  # a dict of arrays varies every array (related arrays keep sharing their shape)
            out = {k: (self.fields[k](draw, relations) if k in self.fields and (self.data or draw(FLIP)) else v)
                   for k, v in out.items()}
        elif mode == MISSING:
            out.pop(draw(self.key), None)
        elif mode == EXTRA:
            out[EXTRA_KEY] = self.extra(draw, relations)
        elif mode == NONE:
            out[draw(self.key)] = None
        return out


class RecordsDrawer:
    """A list of records: a run of live ones, or a list of `RecordDrawer` variants of live ones.

    The variants are drawn as a hypothesis list, which shrinks by dropping
    any record, so a counterexample comes down to the one record it needs."""

    def __init__(self, live: list[dict[str, Any]], make: MakeDrawer):
        self.live = live
        merged: dict[str, Any] = {}
        for record in live:
            for k, v in record.items():
                merged.setdefault(k, v)  # a key's first live value stands for its type
        self.record = RecordDrawer(merged, make)
        self.lengths = st.one_of(st.integers(0, min(len(live) + 2, MAX_COLLECTION)), st.just(len(live)))
        self.which = st.integers(0, len(live) - 1)
        self.modes = st.sampled_from([LIVE, VARIED, MISSING, EXTRA, NONE, EMPTY])
        self.max_size = min(len(live) + 2, MAX_COLLECTION)

    def __call__(self, draw: DrawFn, relations: Relations) -> list[dict[Any, Any]]:
        n = relations.length_for(len(self.live), self.lengths)
        if n <= len(self.live) and (n > MAX_COLLECTION or draw(FLIP)):
            start = draw(st.integers(0, len(self.live) - n))  # real data
            return [dict(r) for r in self.live[start : start + n]]
        inner = Relations(draw)  # arrays inside the records share their shapes
        variants: list[dict[Any, Any]] = draw(st.lists(_record_variant(self, inner), max_size=self.max_size))
        return variants


@st.composite
def _record_variant(draw: DrawFn, records: RecordsDrawer, inner: Relations) -> dict[Any, Any]:
    """One variant of a live record (picked at random) in a drawn list of records."""
    return records.record.variant(draw, inner, records.live[draw(records.which)], draw(records.modes))


class SetDrawer:
    """Sets and frozensets: a subset of the live items, or items drawn like them (type kept)."""

    def __init__(self, live: set[Any] | frozenset[Any], make: MakeDrawer):
        self.live = live
        self.items = sorted(live, key=repr)  # a fixed order: draws repeat under one seed
        examples: dict[type, Any] = {}
        for item in self.items:
            examples.setdefault(type(item), item)
        self.drawers = [make(e) for e in examples.values()]
        self.which = st.integers(0, len(self.drawers) - 1)
        self.sizes = st.integers(0, min(len(live) + 2, MAX_COLLECTION))

    def __call__(self, draw: DrawFn, relations: Relations) -> set[Any] | frozenset[Any]:
        n = draw(self.sizes)
        if draw(FLIP):
            rng_pick = draw(st.lists(st.integers(0, len(self.items) - 1), max_size=n))
            chosen: list[Any] = [self.items[i] for i in rng_pick]
        else:
            chosen = [self.drawers[draw(self.which)](draw, relations) for _ in range(n)]
        try:
            return type(self.live)(chosen)
        except TypeError:  # an unhashable drawn item: the live items only
            return type(self.live)(self.items[:n])


class ObjectDrawer:
    """A dataclass or plain object with each field either live or drawn like its live value."""

    def __init__(self, live: object, make: MakeDrawer):
        self.live = live
        if is_dataclass_instance(live):
            names = [f.name for f in dataclasses.fields(live) if f.init]  # type: ignore[arg-type]  # checked above
        else:
            names = list(vars(live))
        self.fields = {name: _field_drawer(getattr(live, name), make) for name in names if hasattr(live, name)}

    def __call__(self, draw: DrawFn, relations: Relations) -> object:
        changes = {name: d(draw, relations) for name, d in self.fields.items() if draw(FLIP)}
        if not changes:
            return self.live
        try:
            return self._rebuilt(changes)
        except Exception:  # a validating __post_init__ or a read-only attribute: the live object
            return self.live

    def _rebuilt(self, changes: dict[str, object]) -> object:
        if is_dataclass_instance(self.live):
            return dataclasses.replace(self.live, **changes)  # type: ignore[type-var]  # an instance, checked
        out = copy.copy(self.live)
        for name, value in changes.items():
            setattr(out, name, value)
        return out


