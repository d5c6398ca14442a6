"""The "rules" source: a catalogue of general rewrite rules over the syntax tree.

Each rule is a small function ``(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None``
in the module of its family (`families`); its docstring says what it rewrites
and its preconditions, and it answers None (or raises `Decline`) wherever they
do not hold. A rule edits the function's text only where it rewrites, so the
user's formatting and comments stay everywhere else.

`engine` holds what the families share (value kinds, the rewrite context,
text edits, syntax-tree analysis, the loop translator, the probe and the
combination of rules); `catalogue` names the rules in the order they combine;
`source` is the entry point the pipeline calls. Rules combine: the candidates
are each rule alone, all rules applied until none fires any more, and that
again without each one of the rules it used. Every candidate is then verified
and benchmarked by the pipeline like any other.
"""
from __future__ import annotations

from .catalogue import BY_NAME, RULES, candidate, rewrites
from .engine.combine import State, Subject, apply_rule, fixpoint, time_share
from .engine.kinds import Kind
from .engine.probe import learn_kinds
from .engine.rewrite import Rule
from .source import source

__all__ = ["BY_NAME", "RULES", "Kind", "Rule", "State", "Subject", "apply_rule", "candidate", "fixpoint",
           "learn_kinds", "rewrites", "source", "time_share"]
