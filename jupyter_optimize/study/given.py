"""What `optimize()` is handed, checked up front: a plain Python function and its live calls.

Mistakes come out as one `UsageProblem` line that echoes the bad value.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from ..errors import UsageProblem
from ..model import Call


def function_and_calls(func: Any, calls: Iterable[Any]) -> tuple[Any, list[Call]]:
    """The function to optimize and its calls: a bound method (``obj.method``, ``Cls.a_classmethod``)
    becomes its function, with the object (or class) as every call's first argument, as ``%optimize
    obj.method(...)`` does; candidates are then written as the method (``def method(self, ...)``)."""
    live = coerce_calls(calls)
    if inspect.ismethod(func):
        owner, func = func.__self__, func.__func__
        live = [Call((owner, *call.args), call.kwargs, origin=call.origin) for call in live]
    check_function(func)
    return func, live


def check_function(func: Any) -> None:
    if not inspect.isfunction(func):
        raise UsageProblem(f"optimize() needs a Python function defined with def, got {type(func).__name__}.")
    if inspect.iscoroutinefunction(func):
        raise UsageProblem(f"{func.__name__} is an async function; only plain functions can be optimized.")
    if inspect.isgeneratorfunction(func):
        raise UsageProblem(f"{func.__name__} is a generator; wrap it in a function that returns a list.")


def coerce_calls(calls: Iterable[Any]) -> list[Call]:
    out = []
    for i, item in enumerate(calls):
        if not isinstance(item, Call) and not (
            isinstance(item, (tuple, list)) and len(item) == 2
            and isinstance(item[0], (tuple, list)) and isinstance(item[1], dict)
        ):
            raise UsageProblem(f"calls[{i}] is {_shape_of(item)}; each call must be (args_tuple, kwargs_dict), "
                               f"e.g. ((img, mask), {{}}), or a 1-argument call ((df,), {{}}).")
        out.append(Call.coerce(item))
    if not out:
        raise UsageProblem("No calls to verify with: pass calls=[((x,), {})] with the inputs you use.")
    return out


def _shape_of(item: Any) -> str:
    """What a bad call looks like, on one line: the types inside it, not a frame's many-line repr."""
    if isinstance(item, (tuple, list)):
        inside = ", ".join(type(x).__name__ for x in item[:4]) + (", ..." if len(item) > 4 else "")
        return f"a {type(item).__name__} of {len(item)} ({inside})"
    text = repr(item).splitlines()[0] if repr(item) else ""
    return f"a {type(item).__name__} ({text:.40})"
