"""What the function's names hold when it runs on the live calls.

The rules need facts that the text alone does not give: that `img` is a
uint8 array, that `hist` is 1-D, that `stopwords` is a list of strings. The
probe runs the original once per live call in an isolated child (never in the
kernel) with a profile hook that, when the function returns, notes the kind
of every local name and of the return value. A hook on returns costs little,
unlike line tracing.
"""
from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from ... import sandbox
from ...model import Call
from .base import Kind, kind_of

RETURN = "<return>"
MAX_RECORDED_FRAMES = 50  # recursive functions return many times: sample, plus the outermost


@dataclass(frozen=True)
class Probe:
    kinds: dict[str, frozenset] = field(default_factory=dict)  # name -> kinds seen; RETURN for the result
    note: str = ""


def learn_kinds(func: Callable, calls: tuple[Call, ...] | list[Call], timeout: float = 60.0,
          memory_limit_mb: int = 4096) -> Probe:
    """Kinds of the function's locals on the live calls, learnt in a child process."""
    child = sandbox.run_isolated(lambda: observe(func, calls), timeout=timeout, memory_limit_mb=memory_limit_mb)
    if not child.ok:
        return Probe(note=f"rules: could not learn the types of {func.__name__}'s variables: {child.error}")
    return Probe(child.value)


def observe(func: Callable, calls: tuple[Call, ...] | list[Call]) -> dict[str, frozenset]:
    """Run *func* on copies of the calls and collect the kinds (runs in the caller's process)."""
    seen: dict[str, set[Kind]] = {}
    code = func.__code__
    depth = [0]
    recorded = [0]

    def hook(frame, event, arg):
        if frame.f_code is not code:
            return
        if event == "call":
            depth[0] += 1
        elif event == "return":
            depth[0] -= 1
            if depth[0] == 0 or recorded[0] < MAX_RECORDED_FRAMES:
                recorded[0] += 1
                _note(seen, frame.f_locals, arg)

    for call in calls:
        args, kwargs = copy.deepcopy((call.args, call.kwargs))
        depth[0] = recorded[0] = 0
        previous = sys.getprofile()
        sys.setprofile(hook)
        try:
            func(*args, **kwargs)
        except Exception:  # raising is the function's own behaviour
            pass
        finally:
            sys.setprofile(previous)
    return {name: frozenset(kinds) for name, kinds in seen.items()}


def _note(seen: dict[str, set[Kind]], local_values: dict, returned: object) -> None:
    for name, value in local_values.items():
        seen.setdefault(name, set()).add(kind_of(value))
    seen.setdefault(RETURN, set()).add(kind_of(returned))
