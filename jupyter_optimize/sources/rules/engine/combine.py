"""Rules applied to a function's text, alone and combined into candidate versions.

The candidates are each rule alone, all rules applied in catalogue order
until none fires any more, and that again without each one of the rules it
used (so one bad rule does not spoil the rest).
"""
from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from ....model import LineProfile
from .context import Context
from .edits import splice
from .kinds import Kind, Kinds
from .rewrite import Decline, Rule

MAX_CANDIDATES = 6
MAX_ROUNDS = 4
MAX_USES = 2  # how often one rule may fire in a fixpoint


@dataclass(frozen=True)
class State:
    """A version of the function's text and the rules that made it."""

    text: str
    facts: dict[str, Kind] = field(default_factory=dict)
    applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    """What stays the same while rules rewrite: the function's name, globals, and probed kinds."""

    name: str
    globals: dict[str, object]
    kinds: dict[str, Kinds]
    problems: list[str] = field(default_factory=list)  # rules that broke (a bug): skipped, and said in a note


Hotness = Callable[[State], float]


def all_cold(state: State) -> float:
    """No profile: every rewrite touches none of the time."""
    return 0.0


def function_def(tree: ast.Module, fname: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == fname:
            return node
    raise Decline(f"no function named {fname}")


def apply_rule(state: State, rule: Rule, subject: Subject, declined: list[str] | None = None) -> State | None:
    """*state* rewritten by *rule*, or None when the rule does not apply (then *declined*, if given, gets why)."""
    ctx: Context | None = None
    try:
        fn = function_def(ast.parse(state.text), subject.name)
        kinds = {**subject.kinds, **{k: frozenset({v}) for k, v in state.facts.items()}}
        ctx = Context(state.text, kinds, subject.globals)
        rewrite = rule.apply(fn, ctx)
        if rewrite is None or not rewrite.edits:
            if declined is not None:
                declined += list(dict.fromkeys(ctx.declined)) or ["nothing in the function has the rule's shape"]
            return None
        text = with_imports(splice(state.text, rewrite.edits), ctx.imports)
        function_def(ast.parse(text), subject.name)
    except (Decline, SyntaxError, RecursionError) as exc:
        if declined is not None:
            declined += [*(ctx.declined if ctx else []), str(exc)]
        return None
    except Exception as exc:  # a bug in one rule must not cost the user the others
        subject.problems.append(f"rules: {rule.name} broke on {subject.name} ({type(exc).__name__}: {exc}) and was skipped.")
        return None
    if text == state.text:
        return None
    return State(text, {**state.facts, **rewrite.facts}, state.applied + (rule.name,))


def with_imports(text: str, imports: dict[str, str]) -> str:
    """*text* with the imports a rule asked for (alias -> module) on top, unless already there."""
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
            if state.applied.count(rule.name) >= MAX_USES:
                continue
            new = apply_rule(state, rule, subject)
            if new is not None:
                state, changed = new, True
        if not changed:
            break
    return state


def rewrites(text: str, subject: Subject, rules: tuple[Rule, ...], limit: int = MAX_CANDIDATES,
             hot: Hotness = all_cold) -> list[State]:
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


def time_share(original: str, profile: LineProfile | None, first_line: int) -> Hotness:
    """The share of the original's time spent on the lines a rewrite changed (from the line profile)."""
    shares = {line.lineno: line.share for line in (profile.lines if profile is not None else ())}
    before = original.splitlines()

    def share(state: State) -> float:
        after = state.text.splitlines()
        changed: set[int] = set()
        for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            if tag != "equal":
                changed.update(range(i1, i2))
        return sum(shares.get(first_line + i, 0.0) for i in changed)

    return share
