"""What `judge` watches while it runs the two functions: which lines of the
original ran (`LineCoverage`, for the evidence in the report) and which
module-level globals the original and the candidate change (`GlobalsWatch`,
`globals_difference`)."""
from __future__ import annotations

import copy
import inspect
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..sandbox import containment
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


@dataclass
class Snapshot:
    """The watched globals before a run: a copy of each value, and the identity of the object bound."""

    values: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


class GlobalsWatch:
    """The data globals the original or the candidate refers to, watched over one input.

    A name is watched when the original's namespace binds it to data and either
    function refers to it: the candidate's namespace stands for the user's (a
    candidate from source runs in a shallow copy of the original's globals; a
    function from elsewhere gets the watched values bound in its own). Per input the judge takes a `snapshot`, runs the
    original, notes what it `changed`, `restore`s the snapshot in both
    namespaces for the candidate, compares, and finally `bind`s the
    original's after-state in both, so a stateful function goes on as it
    would have without the candidate.
    """

    def __init__(self, original: Callable[..., object], candidate: Callable[..., object]):
        self.original_space: dict[str, Any] = getattr(original, "__globals__", {})
        self.candidate_space: dict[str, Any] = getattr(candidate, "__globals__", {})
        mine = self.original_space
        wanted = referenced_names(original) | referenced_names(candidate)
        # every data global of the original's namespace either refers to; `restore` binds the same copy in
        # both namespaces, so a candidate from another namespace (or whose code rebinds the name) is judged too
        self.names = sorted(n for n in wanted if n in mine and _is_data(mine[n]))
        if self.candidate_space is not mine and containment.current() is not None:  # in a child only: never the kernel's
            for name in self.names:
                self.candidate_space[name] = mine[name]  # both start from the user's value, as after Accept

    def snapshot(self) -> Snapshot:
        """Copies of the watched values, made with one memo: two names of one object stay one object."""
        shot = Snapshot()
        memo: dict[int, Any] = {}
        for name in self.names:
            value = self.original_space.get(name, _MISSING)
            try:
                shot.values[name] = value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value, memo)
            except Exception:  # uncopyable objects are not watched
                continue
            shot.ids[name] = id(value)
        return shot

    def changed(self, shot: Snapshot, space: dict[str, Any], tol: Tolerance,
                notes: ComparisonNotes | None = None) -> dict[str, Any]:
        """The names of *space* rebound or now different from *shot* (under the comparison rules), with their values now."""
        found = {}
        for name, before in shot.values.items():
            now = space.get(name, _MISSING)
            if id(now) != shot.ids[name] or difference(before, now, tol, name, notes) is not None:
                found[name] = now
        return found

    def restore(self, shot: Snapshot, names: Iterable[str]) -> None:
        """Bind fresh copies of *names*' snapshot values in both namespaces (one memo: shared parts stay shared)."""
        memo: dict[int, Any] = {}
        restored = {name: copy.deepcopy(shot.values[name], memo) for name in names}
        self.bind(restored)
        shot.ids.update({name: id(value) for name, value in restored.items()})

    def bind(self, values: dict[str, Any]) -> None:
        for space in (self.original_space, self.candidate_space):
            for name, value in values.items():
                if value is _MISSING:
                    space.pop(name, None)
                else:
                    space[name] = value


def globals_difference(original: dict[str, Any], candidate: dict[str, Any], tol: Tolerance,
                       notes: ComparisonNotes | None = None) -> str | None:
    """How the candidate's changes to globals differ from the original's (name -> value after the run)."""
    for name in sorted(set(original) | set(candidate)):
        if name not in candidate:
            return f"leaves out the original's change to the global {name}"
        if name not in original:
            return f"changes the global {name}, which the original leaves alone"
        found = difference(original[name], candidate[name], tol, name, notes)
        if found:
            return f"changes the global {name} differently from the original: {found}"
    return None


class _Missing:
    def __repr__(self) -> str:
        return "<not bound>"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self  # one marker, so `is _MISSING` holds for copies too


_MISSING: Any = _Missing()  # a global the function deleted


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
