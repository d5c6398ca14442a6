"""Turn what the user hands over (source strings, functions) into callables.

A source string is executed in a *copy* of the original's global namespace
(so the user's namespace never changes) and must define a function with the
original's name and a compatible signature. Its text is registered in
`linecache` under a unique name so `inspect`, tracebacks and line_profiler
can read it.
"""
from __future__ import annotations

import ast
import inspect
import itertools
import keyword
import linecache
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..errors import OptimizeError
from ..model import Candidate
from ..study.callee import closure_values

_counter = itertools.count(1)


class CandidateProblem(OptimizeError):
    """The candidate cannot be run; the message is the reason shown to the user."""


def as_candidates(items: Iterable[Any], origin: str = "user") -> list[Candidate]:
    out = []
    for i, item in enumerate(items, 1):
        if isinstance(item, Candidate):
            out.append(item)
        elif isinstance(item, str):
            out.append(Candidate(f"candidate {i}", origin, source=item))
        elif callable(item):
            out.append(Candidate(getattr(item, "__name__", f"candidate {i}"), origin, _source_of(item), item))
        else:
            out.append(Candidate(f"candidate {i}", origin, source=None, func=None,
                                 explanation=f"not a function or source string: {type(item).__name__}"))
    return out


def _source_of(func: Callable[..., object]) -> str | None:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        return None


def materialize(candidate: Candidate, original: Callable[..., object]) -> Callable[..., object]:
    """The candidate as a callable, or CandidateProblem saying why not."""
    if candidate.func is not None:
        func = candidate.func
    elif candidate.source is not None:
        func = _from_source(candidate.source, original)
    else:
        raise CandidateProblem(candidate.explanation or "it has neither code nor a function")
    problem = incompatibility(original, func)
    if problem:
        raise CandidateProblem(f"its signature does not match the original's: {problem}")
    return func


def precheck(candidate: Candidate, original: Callable[..., object]) -> str | None:
    """Why the candidate's code cannot be run, found without running anything (so in the kernel, before
    a child is spent on it): it does not parse, or defines no function of the original's name. None otherwise."""
    if candidate.func is not None or candidate.source is None:
        return None
    try:
        _parsed(candidate.source, original.__name__)
    except CandidateProblem as problem:
        return str(problem)
    return None


def _parsed(source: str, name: str) -> ast.Module:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CandidateProblem(f"syntax error on line {exc.lineno}: {exc.msg}") from None
    if not any(isinstance(n, ast.FunctionDef) and n.name == name for n in tree.body):
        text = source.strip()
        if text.isidentifier() and not keyword.iskeyword(text):  # a name passed where its function was meant
            raise CandidateProblem(f"'{text}' is a name, not code: pass the function {text} itself, or its "
                                   f"source defining {name}")
        defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        others = f" (it defines {', '.join(defined)}; the function optimized is {name})" if defined else ""
        raise CandidateProblem(f"its code does not define a function named {name}{others}")
    return tree


def _from_source(source: str, original: Callable[..., object]) -> Callable[..., object]:
    name = original.__name__
    tree = _parsed(source, name)
    filename = register_source(source, name)
    namespace = {**original.__globals__, **closure_values(original)}  # a closure's free variables, as globals
    try:
        exec(compile(tree, filename, "exec"), namespace)
    except Exception as exc:
        raise CandidateProblem(f"running its code raised {type(exc).__name__}: {exc}") from None
    func = namespace.get(name)
    if not inspect.isfunction(func):
        raise CandidateProblem(f"after running its code, {name} is not a function")
    return func


def register_source(source: str, name: str) -> str:
    """Put *source* in linecache under a new unique name; return that name."""
    filename = f"<jupyter_optimize candidate {next(_counter)} for {name}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    return filename


def incompatibility(original: Callable[..., object], candidate: Callable[..., object]) -> str | None:
    """Why *candidate* cannot stand in for *original* in every call, or None."""
    try:
        expected = list(inspect.signature(original).parameters.values())
        got = list(inspect.signature(candidate).parameters.values())
    except (TypeError, ValueError):
        return None  # builtins and jitted functions may not expose one
    for i, want in enumerate(expected):
        if i >= len(got):
            return f"parameter {want.name!r} is missing"
        have = got[i]
        if have.kind != want.kind or (have.name != want.name and want.kind != want.POSITIONAL_ONLY):
            return f"parameter {i + 1} is {have}, the original has {want}"
    for extra in got[len(expected):]:
        if extra.default is extra.empty and extra.kind not in (extra.VAR_POSITIONAL, extra.VAR_KEYWORD):
            return f"extra parameter {extra.name!r} has no default"
    return None


def unique_names(candidates: list[Candidate]) -> list[Candidate]:
    """Results are looked up by name: a repeated name gets ' (2)', ' (3)', ..., never one already in use."""
    taken = {cand.name for cand in candidates}
    kept: set[str] = set()
    out = []
    for cand in candidates:
        if cand.name not in kept:
            kept.add(cand.name)
            out.append(cand)
            continue
        n = 2
        while f"{cand.name} ({n})" in taken:
            n += 1
        taken.add(f"{cand.name} ({n})")
        out.append(replace(cand, name=f"{cand.name} ({n})"))
    return out
