"""Sameness of objects by their state: dataclasses, attrs classes, exceptions
and plain objects that define no ``__eq__`` of their own.

A dataclass is compared by its fields (those taking part in its equality),
an attrs class by its attributes (told by ``__attrs_attrs__``, so attrs is
never imported), an exception by its ``args``, and a plain object by its
``__dict__`` and ``__slots__``: the same attribute names, each value the same
under the general rules (the *recurse* callback, which also handles cycles;
this module does not import `compare`). Objects with their own ``__eq__``, and
routines, modules, classes and enums, are not compared here.
"""
from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Callable, Iterator
from typing import Any

Recurse = Callable[[Any, Any, str], "str | None"]
MAX_SHOWN = 3  # attribute names listed in one line


def object_state(value: object) -> dict[str, Any] | None:
    """The attributes *value* is compared by, or None when it is not compared by its state."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.compare}
    attrs_fields = getattr(type(value), "__attrs_attrs__", None)
    if attrs_fields is not None:
        return {f.name: getattr(value, f.name) for f in attrs_fields if getattr(f, "eq", True)}
    if isinstance(value, BaseException):
        return {"args": value.args}
    if _has_own_equality(value) or _is_code_like(value):
        return None
    state = dict(getattr(value, "__dict__", {}))
    state.update(_slot_values(value))
    has_layout = hasattr(value, "__dict__") or any(True for _ in _slot_names(type(value)))
    return state if has_layout else None


def _has_own_equality(value: object) -> bool:
    return type(value).__eq__ is not object.__eq__


def _is_code_like(value: object) -> bool:
    """Things whose identity is their meaning: functions, classes, other callables, modules, enum members."""
    return callable(value) or inspect.ismodule(value) or isinstance(value, enum.Enum)


def _slot_names(cls: type) -> Iterator[str]:
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__"):
                yield name


def _slot_values(value: object) -> dict[str, Any]:
    missing = object()
    found = {name: getattr(value, name, missing) for name in _slot_names(type(value))}
    return {name: v for name, v in found.items() if v is not missing}  # an unset slot is an absent attribute


def state_difference(a: dict[str, Any], b: dict[str, Any], here: str, recurse: Recurse) -> str | None:
    """Two objects' states: the same attribute names, then each attribute the same."""
    if a.keys() != b.keys():
        missing, extra = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
        parts = [f"{word} {_names(names)}" for word, names in (("missing", missing), ("extra", extra)) if names]
        return f"{here}: attributes differ ({'; '.join(parts)})"
    for name, x in a.items():
        found = recurse(x, b[name], f"{here}.{name}")
        if found:
            return found
    return None


def _names(names: list[str]) -> str:
    more = f" and {len(names) - MAX_SHOWN} more" if len(names) > MAX_SHOWN else ""
    return ", ".join(names[:MAX_SHOWN]) + more
