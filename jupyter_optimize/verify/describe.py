"""Describe a value, or a call, in one short line for the report.

Small values appear whole; an array by its dtype, shape and range of values;
long strings and containers are cut (`reprlib`). Counterexamples and
verdict reasons quote values this way.
"""
from __future__ import annotations

import reprlib
from typing import Any

import numpy as np
import numpy.typing as npt

_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxstring = 60
_SHORT_REPR.maxother = 60
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxdict = _SHORT_REPR.maxset = 6


def describe(value: Any) -> str:
    """One line for *value*: the whole value when small, else what it is (type, dtype, shape, range)."""
    if isinstance(value, np.ndarray):
        return _describe_array(value)
    if isinstance(value, np.generic):
        return f"{value.item()!r} ({value.dtype})"
    if isinstance(value, BaseException):
        return f"raised {type(value).__name__}: {_SHORT_REPR.repr(str(value))[1:-1]}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(describe(v) for v in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"({inner}{more})" if isinstance(value, tuple) else f"[{inner}{more}]"
    return _SHORT_REPR.repr(value)


def _describe_array(a: npt.NDArray[Any]) -> str:
    if a.size <= 8 and a.ndim <= 1:
        return f"array({np.array2string(a, separator=', ')}, dtype={a.dtype})"
    head = f"{a.dtype} array {a.shape}"
    if a.size == 0 or a.dtype.kind not in "biuf":
        return f"<{head}>"
    if a.dtype.kind == "b":
        return f"<{head}, {int(a.sum())} True>"
    with np.errstate(all="ignore"):
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        span = f"{finite.min()}..{finite.max()}" if finite.size else "no finite values"
    if np.all(a == a.flat[0]):
        return f"<{head}, all {a.flat[0].item()!r}>"
    return f"<{head}, {span}>"


def describe_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], params: list[str] | None = None) -> str:
    """'f(img=<uint8 array (4, 4), 0..9>, mask=None)'; names come from *params*."""
    parts = []
    for i, value in enumerate(args):
        label = f"{params[i]}=" if params and i < len(params) else ""
        parts.append(label + describe(value))
    parts += [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
