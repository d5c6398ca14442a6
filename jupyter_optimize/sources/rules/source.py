"""The "rules" candidate source: probe the function's names, apply the catalogue, offer the versions."""
from __future__ import annotations

import textwrap
import types
from typing import cast

from ...sandbox import limits
from ..protocol import SourceRequest, SourceResult
from .catalogue import RULES, candidate, rewrites
from .engine.combine import Subject, time_share
from .engine.probe import learn_kinds


def source(request: SourceRequest) -> SourceResult:
    """The "rules" candidate source (see jupyter_optimize.sources)."""
    func = cast(types.FunctionType, request.function)  # the target stage passes Python functions only
    if request.source is None:
        return SourceResult([], [f"rules: the source of {func.__name__} is not available, so no rule can rewrite it."])
    if func.__code__.co_freevars:
        return SourceResult([], [f"rules: {func.__name__} uses variables of an enclosing function; "
                                 "rewriting it is not supported."])
    request.progress("Trying rewrite rules")
    seen = learn_kinds(func, request.calls, limits.for_probe(request.options, request.pass_seconds))
    subject = Subject(func.__name__, dict(func.__globals__), seen.kinds)
    text = textwrap.dedent(request.source)
    hot = time_share(text, request.profile, func.__code__.co_firstlineno)
    states = rewrites(text, subject, hot=hot)
    notes = ([seen.note] if seen.note else []) + list(dict.fromkeys(subject.problems))
    if not states:
        notes.append(f"rules: none of the {len(RULES)} rules applies to {func.__name__}.")
    return SourceResult([candidate(s, hot(s)) for s in states], notes)
