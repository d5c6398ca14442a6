"""What `judge` watches while it runs the two functions: which lines of the
original ran (`LineCoverage`, for the evidence in the report) and which
module-level globals a function changed (`GlobalsWatch`)."""
from __future__ import annotations

import copy
import inspect
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .compare import ComparisonNotes, Tolerance, difference

if TYPE_CHECKING:
    from _typeshed import TraceFunction


class LineCoverage:
    """Lines of one code object executed while the block runs (sys.settrace).

    Only frames of the watched code are traced line by line; tracing stops
    altogether once every executable line has been seen.
    """

    def __init__(self, func: Callable[..., object]):
        self.code = func.__code__
        self.executable = frozenset(executable_lines(self.code))
        self.reached: set[int] = set()
        self._previous: TraceFunction | None = None

    def __enter__(self) -> LineCoverage:
        if self.reached < self.executable:
            self._previous = sys.gettrace()
            sys.settrace(self._global)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self._previous)

    def _global(self, frame: types.FrameType, event: str, arg: object) -> TraceFunction | None:
        return self._local if frame.f_code is self.code else None

    def _local(self, frame: types.FrameType, event: str, arg: object) -> TraceFunction | None:
        if event == "line":
            self.reached.add(frame.f_lineno)
            if self.reached >= self.executable:
                sys.settrace(None)
                frame.f_trace = None
                return None
        return self._local


def executable_lines(code: types.CodeType) -> set[int]:
    """Lines of *code*'s own body that hold instructions (not the def line)."""
    lines = {line for _, _, line in code.co_lines() if line is not None}
    lines.discard(code.co_firstlineno)
    return lines


_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), frozenset, tuple)


class GlobalsWatch:
    """Snapshots the data globals *func* refers to, to tell what a call changed."""

    def __init__(self, func: Callable[..., object]):
        self.namespace = getattr(func, "__globals__", {})
        self.names = sorted(
            n for n in referenced_names(func) if n in self.namespace and _is_data(self.namespace[n])
        )

    def snapshot(self) -> dict[str, tuple[int, Any]]:
        shot = {}
        for name in self.names:
            value = self.namespace.get(name)
            try:
                shot[name] = (id(value), value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value))
            except Exception:  # uncopyable objects are not watched
                continue
        return shot

    def changed_since(self, shot: dict[str, tuple[int, Any]], tol: Tolerance, notes: ComparisonNotes | None = None) -> set[str]:
        """Names whose value was rebound, or now differs from the snapshot under the comparison rules."""
        changed = set()
        for name, (ident, before) in shot.items():
            now = self.namespace.get(name)
            if id(now) != ident or difference(before, now, tol, name, notes) is not None:
                changed.add(name)
        return changed


def referenced_names(func: Callable[..., object]) -> set[str]:
    names: set[str] = set()
    stack = [getattr(func, "__code__", None)]
    while stack:
        code = stack.pop()
        if code is None:
            continue
        names.update(code.co_names)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names


def _is_data(value: Any) -> bool:
    return not (inspect.ismodule(value) or inspect.isroutine(value) or inspect.isclass(value))
