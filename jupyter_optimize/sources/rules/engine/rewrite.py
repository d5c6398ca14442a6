"""What a rule is, and what it answers: a `Rewrite` of text edits, or `Decline`.

A rule reads the function's syntax tree and answers with edits to the
function's *text* (whole statements, or single expressions) plus what it
knows about the names it introduces. Splicing edits into the original text
keeps the user's formatting and comments everywhere else.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from .context import Context
from .kinds import Kind


class Decline(Exception):
    """A rule's precondition does not hold; the message says which."""


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, col) to (end_line, end_col); lines 1-based, cols in characters."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass
class Rewrite:
    edits: list[Edit]
    facts: dict[str, Kind] = field(default_factory=dict)  # kinds of names the rule introduced


RuleFunction = Callable[[ast.FunctionDef, Context], "Rewrite | None"]


@dataclass(frozen=True)
class Rule:
    """A named rule of a family; its function's docstring says what it rewrites and when."""

    name: str
    apply: RuleFunction
    family: str = ""  # empty: the name of the module the function is in

    def __post_init__(self) -> None:
        if not self.family:
            object.__setattr__(self, "family", self.apply.__module__.rsplit(".", 1)[-1])

    @property
    def summary(self) -> str:
        return (self.apply.__doc__ or self.name).strip().splitlines()[0]
