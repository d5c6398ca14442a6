"""Value kinds: what sort of value a name held, as much as the rules need to know."""
from __future__ import annotations

import types
from dataclasses import dataclass

import numpy

HASHABLE = frozenset({"int", "float", "bool", "str", "bytes", "NoneType", "npscalar", "complex"})
IMMUTABLE = HASHABLE | {"tuple", "frozenset"}
ELEMENTS_SAMPLED = 50  # a container's kind looks at its first elements only


@dataclass(frozen=True)
class Kind:
    type: str  # "ndarray", "npscalar", "int", "float", "str", "list", "module", ...
    dtype: str = ""  # numpy dtype name; the module name for modules
    ndim: int = -1
    elems: frozenset[str] = frozenset()  # type names of a container's elements


Kinds = frozenset[Kind]  # the kinds one name was seen with


def kind_of(value: object) -> Kind:
    if isinstance(value, numpy.ndarray):
        return Kind("ndarray", value.dtype.name, value.ndim)
    if isinstance(value, numpy.generic):
        return Kind("npscalar", value.dtype.name)
    if isinstance(value, types.ModuleType):
        return Kind("module", value.__name__)
    if isinstance(value, (list, tuple, set, frozenset)):
        sample = list(value[:ELEMENTS_SAMPLED]) if isinstance(value, (list, tuple)) else list(value)[:ELEMENTS_SAMPLED]
        return Kind(type(value).__name__, elems=frozenset(_element_kind(x) for x in sample))
    return Kind(type(value).__name__)


def _element_kind(value: object) -> str:
    if isinstance(value, tuple) and all(kind_of(x).type in HASHABLE for x in value[:10]):
        return "tuple"
    if isinstance(value, tuple):
        return "tuple-of-mutable"
    return kind_of(value).type


def hashable(kind: Kind | None) -> bool:
    if kind is None:
        return False
    if kind.type in HASHABLE:
        return True
    return kind.type in ("tuple", "frozenset") and kind.elems <= HASHABLE | {"tuple"}
