"""What the function's names hold when it runs on the live calls.

The rules need facts that the text alone does not give: that `img` is a
uint8 array, that `hist` is 1-D, that `stopwords` is a list of strings. The
probe runs the original once per live call in an isolated child (never in the
kernel) with a trace hook that, when the function returns, notes the kind
of every local name and of the return value. The hook follows only the
function's own frames, and only their returns (no line events), so it costs
little, unlike line tracing.
"""
from __future__ import annotations

import copy
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .... import sandbox
from ....model import Call
from ....options import Options
from ....sandbox import ChildLimits, limits
from .kinds import Kind, Kinds, kind_of

TraceFunction = Callable[[types.FrameType, str, Any], Any]
RETURN = "<return>"
MAX_RECORDED_FRAMES = 50  # recursive functions return many times: sample, plus the outermost


@dataclass(frozen=True)
class Probe:
    kinds: dict[str, Kinds] = field(default_factory=dict)  # name -> kinds seen; RETURN for the result
    note: str = ""


def learn_kinds(func: types.FunctionType, calls: Sequence[Call], within: ChildLimits | None = None) -> Probe:
    """Kinds of the function's locals on the live calls, learnt in a child process
    (*within* the limits of `sandbox.limits.for_probe`; by default those of default options)."""
    child = sandbox.run_within(lambda: observe(func, calls), within or limits.for_probe(Options()))
    if not child.ok:
        return Probe(note=f"rules: could not learn the types of {func.__name__}'s variables: {child.error}")
    kinds: dict[str, Kinds] = child.value
    return Probe(kinds)


def observe(func: types.FunctionType, calls: Sequence[Call]) -> dict[str, Kinds]:
    """Run *func* on copies of the calls and collect the kinds (runs in the caller's process)."""
    seen: dict[str, set[Kind]] = {}
    code = func.__code__
    depth = [0]
    recorded = [0]

    home = func.__globals__

    def on_call(frame: types.FrameType, event: str, arg: Any) -> TraceFunction | None:
        # Called for every Python frame that starts. f_globals first: reading f_code raises an audit
        # event, which the child's containment hook handles in Python (pandas starts a million frames).
        if frame.f_globals is not home or frame.f_code is not code:
            return None  # not traced further
        frame.f_trace_lines = False  # only its return matters
        depth[0] += 1
        if depth[0] == 1:  # frames and Series as they came in: a loop may run before the function adds columns
            _note_frames(seen, frame.f_locals)
        return on_event

    def on_event(frame: types.FrameType, event: str, arg: Any) -> TraceFunction:
        if event == "return":  # arg is the value returned (None when it raises)
            depth[0] -= 1
            if depth[0] == 0 or recorded[0] < MAX_RECORDED_FRAMES:
                recorded[0] += 1
                _note(seen, frame.f_locals, arg)
        return on_event

    for call in calls:
        args, kwargs = copy.deepcopy((call.args, call.kwargs))
        depth[0] = recorded[0] = 0
        previous = sys.gettrace()
        sys.settrace(on_call)
        try:
            func(*args, **kwargs)
        except Exception:  # raising is the function's own behaviour
            pass
        finally:
            sys.settrace(previous)
    return {name: frozenset(kinds) for name, kinds in seen.items()}


def _note_frames(seen: dict[str, set[Kind]], arguments: dict[str, object]) -> None:
    for name, value in arguments.items():
        kind = kind_of(value)
        if kind.schema:
            seen.setdefault(name, set()).add(kind)


def _note(seen: dict[str, set[Kind]], local_values: dict[str, object], returned: object) -> None:
    for name, value in local_values.items():
        seen.setdefault(name, set()).add(kind_of(value))
    seen.setdefault(RETURN, set()).add(kind_of(returned))
