"""Value kinds: what sort of value a name held, as much as the rules need to know."""
from __future__ import annotations

import ast
import sys
import types
from dataclasses import dataclass

import numpy

HASHABLE = frozenset({"int", "float", "bool", "str", "bytes", "NoneType", "npscalar", "complex"})
IMMUTABLE = HASHABLE | {"tuple", "frozenset"}
ELEMENTS_SAMPLED = 50  # a container's kind looks at its first elements only
MAX_SCHEMA_COLUMNS = 500  # wider frames get no schema (a guard on them would be a page of code)


@dataclass(frozen=True)
class Kind:
    type: str  # "ndarray", "npscalar", "int", "float", "str", "list", "module", ...
    dtype: str = ""  # numpy dtype name; the module name for modules
    ndim: int = -1
    elems: frozenset[str] = frozenset()  # type names of a container's elements
    schema: tuple[tuple[str, str], ...] = ()  # a frame's (column label as code, dtype); a Series' ("", dtype)


Kinds = frozenset[Kind]  # the kinds one name was seen with


def kind_of(value: object) -> Kind:
    if isinstance(value, numpy.ndarray):
        return Kind("ndarray", value.dtype.name, value.ndim)
    if isinstance(value, numpy.generic):
        return Kind("npscalar", value.dtype.name)
    if isinstance(value, types.ModuleType):
        return Kind("module", value.__name__)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        return Kind(type(value).__name__, schema=_schema(value, pd))
    if isinstance(value, (list, tuple, set, frozenset)):
        sample = list(value[:ELEMENTS_SAMPLED]) if isinstance(value, (list, tuple)) else list(value)[:ELEMENTS_SAMPLED]
        return Kind(type(value).__name__, elems=frozenset(_element_kind(x) for x in sample))
    return Kind(type(value).__name__)


def _schema(value: object, pd: types.ModuleType) -> tuple[tuple[str, str], ...]:
    """The dtypes a frame's columns (or a Series) had, as `dtype_name` writes them; () when a column's label
    cannot be written as a literal (then no guard can say the frame is the same)."""
    if isinstance(value, pd.Series):
        return (("", dtype_name(value.dtype)),)
    if len(value.columns) > MAX_SCHEMA_COLUMNS:  # type: ignore[attr-defined]
        return ()
    labels = [repr(c) for c in value.columns]  # type: ignore[attr-defined]
    if not all(_is_literal(text, c) for text, c in zip(labels, value.columns)):  # type: ignore[attr-defined]
        return ()
    return tuple((text, dtype_name(t)) for text, t in zip(labels, value.dtypes))  # type: ignore[attr-defined]


def dtype_name(dtype: object) -> str:
    """A dtype as the guards compare it: ``str(dtype)``, with a categorical's categories' dtype (``category[str]``)."""
    categories = getattr(dtype, "categories", None)
    if categories is not None and str(dtype) == "category":
        return f"category[{categories.dtype}]"
    return str(dtype)


def _is_literal(text: str, label: object) -> bool:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return type(value) is type(label) and bool(value == label)


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
