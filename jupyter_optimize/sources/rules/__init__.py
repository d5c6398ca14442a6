"""The "rules" source: a catalogue of general rewrite rules over the syntax tree.

Each rule is a small function ``(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None``
in a module of its family; its docstring says what it rewrites and its
preconditions, and it answers None (or raises `Decline`) wherever they do not
hold. A rule edits the function's text only where it rewrites, so the user's
formatting and comments stay everywhere else.

Rules combine: the candidates are each rule alone, all rules applied in
catalogue order until none fires any more, and that again without each one of
the rules it used (so one bad rule does not spoil the rest). Every candidate
is then verified and benchmarked by the pipeline like any other.
"""
from __future__ import annotations

import ast
import difflib
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import Candidate

if TYPE_CHECKING:
    from ..protocol import SourceRequest, SourceResult
from . import containers, hoisting, recursion, reductions, search, tables, vectorize
from .base import Context, Decline, Kind, Rewrite, function_def, splice
from .probe import learn_kinds

MAX_CANDIDATES = 6
MAX_ROUNDS = 4


@dataclass(frozen=True)
class Rule:
    name: str
    apply: Callable[[ast.FunctionDef, Context], Rewrite | None]

    @property
    def summary(self) -> str:
        return (self.apply.__doc__ or self.name).strip().splitlines()[0]

    @property
    def family(self) -> str:
        return self.apply.__module__.rsplit(".", 1)[-1]


# Catalogue order is the order in which combinations apply them: rules that
# prepare a loop (hoisting, running sums, inner reductions) come before the
# rules that vectorize what is left.
RULES: tuple[Rule, ...] = (
    Rule("memoize", recursion.memoize),
    Rule("hoist-invariant", hoisting.hoist_invariant),
    Rule("membership-set", containers.membership_set),
    Rule("dict-count", containers.dict_count),
    Rule("string-join", containers.string_join),
    Rule("append-comprehension", containers.append_comprehension),
    Rule("first-index", search.first_index),
    Rule("first-match", search.first_match),
    Rule("running-sum", reductions.running_sum),
    Rule("reduction-loop", reductions.reduction_loop),
    Rule("elementwise-loop", vectorize.elementwise_loop),
    Rule("sliding-window", vectorize.sliding_window),
    Rule("row-broadcast", vectorize.row_broadcast),
    Rule("lookup-table", tables.lookup_table),
)
BY_NAME = {rule.name: rule for rule in RULES}


@dataclass(frozen=True)
class State:
    """A version of the function's text and the rules that made it."""

    text: str
    facts: dict = field(default_factory=dict)
    applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    """What stays the same while rules rewrite: the function's name, globals, and probed kinds."""

    name: str
    globals: dict
    kinds: dict
    problems: list = field(default_factory=list)  # rules that broke (a bug): skipped, and said in a note


def apply_rule(state: State, rule: Rule, subject: Subject) -> State | None:
    """*state* rewritten by *rule*, or None when the rule does not apply."""
    try:
        fn = function_def(ast.parse(state.text), subject.name)
        kinds = {**subject.kinds, **{k: frozenset({v}) for k, v in state.facts.items()}}
        ctx = Context(state.text, kinds, subject.globals)
        rewrite = rule.apply(fn, ctx)
        if rewrite is None or not rewrite.edits:
            return None
        text = with_imports(splice(state.text, rewrite.edits), ctx.imports)
        function_def(ast.parse(text), subject.name)
    except (Decline, SyntaxError, RecursionError):
        return None
    except Exception as exc:  # a bug in one rule must not cost the user the others
        subject.problems.append(f"rules: {rule.name} broke on {subject.name} ({type(exc).__name__}: {exc}) and was skipped.")
        return None
    if text == state.text:
        return None
    return State(text, {**state.facts, **rewrite.facts}, state.applied + (rule.name,))


def with_imports(text: str, imports: dict[str, str]) -> str:
    lines = [f"import {module}" if alias == module else f"import {module} as {alias}"
             for alias, module in imports.items()]
    missing = [line for line in lines if line not in text.splitlines()]
    if not missing:
        return text
    gap = "" if text.startswith("import ") or text.startswith("\n") else "\n\n"
    return "".join(line + "\n" for line in missing) + gap + text


def fixpoint(state: State, rules: tuple[Rule, ...], subject: Subject) -> State:
    """Apply *rules* in order, round after round, until none fires."""
    for _ in range(MAX_ROUNDS):
        changed = False
        for rule in rules:
            if state.applied.count(rule.name) >= 2:
                continue
            new = apply_rule(state, rule, subject)
            if new is not None:
                state, changed = new, True
        if not changed:
            break
    return state


def rewrites(text: str, subject: Subject, rules: tuple[Rule, ...] = RULES, limit: int = MAX_CANDIDATES,
             hot: Callable[[State], float] = lambda state: 0.0) -> list[State]:
    """Candidate versions of the function: all rules combined, then every rule alone and the
    combinations without one rule, hottest rewrites first (*hot*: the share of time they touch)."""
    original = State(text)
    singles = [s for s in (apply_rule(original, rule, subject) for rule in rules) if s is not None]
    if not singles:
        return []
    full = fixpoint(original, rules, subject)
    without_one = [fixpoint(original, tuple(r for r in rules if r.name != used), subject)
                   for used in dict.fromkeys(full.applied)] if len(set(full.applied)) > 1 else []
    found: dict[str, State] = {}
    for state in [full, *sorted(singles + without_one, key=hot, reverse=True)]:
        if state.applied and state.text not in found:
            found[state.text] = state
    return list(found.values())[:limit]


def time_share(original: str, profile: object, first_line: int) -> Callable[[State], float]:
    """The share of the original's time spent on the lines a rewrite changed (from the line profile)."""
    shares = {line.lineno: line.share for line in getattr(profile, "lines", ())}
    before = original.splitlines()

    def share(state: State) -> float:
        after = state.text.splitlines()
        changed = set()
        for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            if tag != "equal":
                changed.update(range(i1, i2))
        return sum(shares.get(first_line + i, 0.0) for i in changed)

    return share


def candidate(state: State, share: float = 0.0) -> Candidate:
    used = list(dict.fromkeys(state.applied))
    explanation = "; ".join(f"{n}: {BY_NAME[n].summary}" for n in used)
    if share > 0:
        explanation += f" (the rewritten lines took {100 * share:.0f}% of the original's time)"
    return Candidate(f"rules: {'+'.join(used)}", "rules", source=state.text, explanation=explanation)


def child_limits(options: object) -> tuple[float, int]:
    """The timeout and memory cap the user set for child processes."""
    timeout = getattr(options, "child_timeout", None) or getattr(options, "timeout", None)
    return float(timeout or 60.0), int(getattr(options, "memory_limit_mb", 4096))


def source(request: SourceRequest) -> SourceResult:
    """The "rules" candidate source (see jupyter_optimize.sources)."""
    from ..protocol import SourceResult

    func = request.function
    if request.source is None:
        return SourceResult([], [f"rules: the source of {func.__name__} is not available, so no rule can rewrite it."])
    if func.__code__.co_freevars:
        return SourceResult([], [f"rules: {func.__name__} uses variables of an enclosing function; rewriting it is not supported."])
    request.progress("Trying rewrite rules")
    timeout, memory_limit_mb = child_limits(request.options)
    seen = learn_kinds(func, request.calls, timeout, memory_limit_mb)
    subject = Subject(func.__name__, dict(func.__globals__), seen.kinds)
    text = textwrap.dedent(request.source)
    hot = time_share(text, request.profile, func.__code__.co_firstlineno)
    states = rewrites(text, subject, hot=hot)
    notes = ([seen.note] if seen.note else []) + list(dict.fromkeys(subject.problems))
    if not states:
        notes.append(f"rules: none of the {len(RULES)} rules applies to {func.__name__}.")
    return SourceResult([candidate(s, hot(s)) for s in states], notes)


__all__ = ["RULES", "Rule", "State", "Subject", "apply_rule", "fixpoint", "rewrites", "candidate", "source", "Kind"]
