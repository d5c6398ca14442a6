"""What the spawn backend sends to a fresh interpreter, and one line on what it cannot send.

A job is sent by value with cloudpickle: a function defined in the notebook
lives in ``__main__``, which a fresh interpreter cannot import, so plain
pickle would send a name the worker cannot find. Some values cannot be sent
at all (an open file, a generator, a lock, a database connection); `culprit`
finds the first such value in a job and names it as the user knows it: the
argument of a live call, a global or a closed-over variable of the function,
never cloudpickle's traceback. Under the fork backend nothing is sent, so the
same values keep working there.
"""
from __future__ import annotations

import inspect
import io
import linecache
import pickle
import sys
import types
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Call
from . import nans

WHY = "cannot be sent to the fresh interpreter the spawn backend runs candidates in"
_KINDS = {  # type name -> what a user calls it
    "TextIOWrapper": "an open file", "BufferedReader": "an open file", "BufferedWriter": "an open file",
    "FileIO": "an open file", "generator": "a generator", "lock": "a lock", "RLock": "a lock",
    "Connection": "a connection", "Cursor": "a database cursor", "socket": "a socket", "coroutine": "a coroutine",
}
_MAX_DEPTH = 6


class Unsendable(Exception):
    """A job that cannot be sent; the message is one line naming what and why."""


@dataclass(frozen=True)
class Parcel:
    """A job as the worker gets it: its pickle, and the source lines of the code in it
    that exists only in memory (a notebook cell, a candidate: `linecache` entries)."""

    payload: bytes
    lines: dict[str, tuple[Any, ...]]


def dumps(job: Callable[[], Any]) -> Parcel:
    filenames: set[str] = set()
    buffer = io.BytesIO()
    try:
        _pickler(buffer, filenames).dump(job)
    except Exception as exc:
        found = culprit({"the job": job})
        raise Unsendable(found or f"the job {WHY} ({type(exc).__name__}: {_first_line(exc)})") from None
    return Parcel(buffer.getvalue(), {name: linecache.cache[name] for name in filenames if _in_memory_only(name)})


def _in_memory_only(filename: str) -> bool:
    entry: tuple[Any, ...] = tuple(linecache.cache.get(filename, ()))
    return len(entry) == 4 and entry[1] is None  # (size, mtime None, lines, name): no file behind it


def _pickler(buffer: io.BytesIO, filenames: set[str]) -> Any:
    """cloudpickle's pickler, keeping each code object's file name (cloudpickle 3 writes
    '<dynamic-code>'): the line profile, tracebacks and `inspect` in the worker need it."""
    import cloudpickle
    from cloudpickle import cloudpickle as internals

    def reduce_code(code: types.CodeType) -> Any:
        rebuild, args = internals._code_reduce(code)
        filenames.add(code.co_filename)
        return rebuild, tuple(code.co_filename if arg == "<dynamic-code>" else arg for arg in args)

    class Pickler(cloudpickle.Pickler):  # type: ignore[misc]
        dispatch_table = ChainMap({types.CodeType: reduce_code}, cloudpickle.Pickler.dispatch_table)
        persistent_id = nans.Pickler.persistent_id  # np.nan arrives as itself (`nans`)

    return Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)


def sendable(value: Any) -> bool:
    import cloudpickle

    try:
        cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return False
    return True


def culprit(named: Mapping[str, Any]) -> str | None:
    """One line naming the first value among *named* (label -> value) that cannot be sent, or None."""
    for label, value in named.items():
        if not sendable(value):
            inner = _innermost(value, label, 0)
            return f"{inner[0]} ({describe_type(inner[1])}) {WHY}"
    return None


def call_inputs(func: Callable[..., Any], calls: Sequence[Call]) -> dict[str, Any]:
    """The live calls' arguments by the names the user knows ("argument `f` of call 2")."""
    named: dict[str, Any] = {}
    for n, call in enumerate(calls, 1):
        where = f" of call {n}" if len(calls) > 1 else " of the live call"
        for name, value in _bound(func, call):
            named[f"the argument `{name}`{where}"] = value
    return named


def function_environment(func: Callable[..., Any], label: str = "") -> dict[str, Any]:
    """The globals *func* reads and the variables it closes over, by the names the user knows."""
    code = getattr(func, "__code__", None)
    if code is None:
        return {}
    owner = f" of {label}" if label else ""
    named: dict[str, Any] = {}
    glob = getattr(func, "__globals__", {})
    for name in sorted(_global_names(code)):
        if name in glob and not isinstance(glob[name], types.ModuleType):
            named[f"the global `{name}`{owner}"] = glob[name]
    for name, cell in zip(code.co_freevars, getattr(func, "__closure__", None) or ()):
        try:
            named[f"the variable `{name}` it closes over{owner}"] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return named


def describe_type(value: Any) -> str:
    kind = type(value)
    qualified = f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__
    what = _KINDS.get(kind.__name__)
    return f"{what}, {qualified}" if what else qualified


def _innermost(value: Any, label: str, depth: int) -> tuple[str, Any]:
    """The deepest part of *value* that still cannot be sent, with its label."""
    if depth >= _MAX_DEPTH:
        return label, value
    for sub_label, part in _parts(value, label):
        if not sendable(part):
            return _innermost(part, sub_label, depth + 1)
    return label, value


def _parts(value: Any, label: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, types.FunctionType):
        yield from function_environment(value, f"`{value.__name__}`").items()
    elif isinstance(value, Call):
        for i, arg in enumerate(value.args):
            yield f"argument {i + 1} of a call", arg
        for key, arg in value.kwargs.items():
            yield f"the argument `{key}` of a call", arg
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield f"item {i} of {label}", item
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{label}[{key!r}]", item
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for key, item in vars(value).items():
            yield f"{label}.{key}", item


def _bound(func: Callable[..., Any], call: Call) -> list[tuple[str, Any]]:
    try:
        bound = inspect.signature(func).bind(*call.args, **call.kwargs)
    except (TypeError, ValueError):
        return [(str(i + 1), a) for i, a in enumerate(call.args)] + list(call.kwargs.items())
    return list(bound.arguments.items())


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


def globals_needed(original: Callable[..., Any], sources: Iterable[str], expressions: Iterable[str] = ()) -> dict[str, Any]:
    """The globals of *original*'s module that the worker must be given as the kernel has them:
    those that code run beside it reads and it does not (a candidate's ``np`` when the original uses
    no numpy; a name in an ``--assume``), since cloudpickle sends a function with the globals its own
    code names; and, for a function of a module file (sent by reference, so the worker imports the
    module from its file), the data it reads, which the kernel may have changed since (``m.SCALE = 2``)."""
    glob = getattr(original, "__globals__", None)
    code = getattr(original, "__code__", None)
    if glob is None or code is None:
        return {}
    own = _global_names(code)
    wanted: set[str] = set()
    for text, mode in [*((s, "exec") for s in sources), *((e, "eval") for e in expressions)]:
        try:
            wanted |= _global_names(compile(text, "<sent>", mode))
        except (SyntaxError, ValueError):  # its own check reports it, in the worker
            continue
    needed = {name: glob[name] for name in sorted(wanted - own) if name in glob}
    if _by_reference(original):
        needed.update({name: glob[name] for name in sorted(own) if name in glob and _is_data(glob[name])})
    return needed


def provide(original: Callable[..., Any], needed: Mapping[str, Any]) -> None:
    """In the worker: *original*'s namespace as the kernel has it for these names (under fork it is
    the kernel's own; nothing is given)."""
    glob = getattr(original, "__globals__", None)
    if glob is not None:
        glob.update(needed)


def _by_reference(func: Callable[..., Any]) -> bool:
    """Whether cloudpickle sends *func* by name: importable from its module, not defined in the notebook."""
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    if module is None or module.__name__ == "__main__":
        return False
    target: Any = module
    for part in getattr(func, "__qualname__", "").split("."):
        target = getattr(target, part, None)
    return target is func


def _is_data(value: Any) -> bool:
    return not isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType))
