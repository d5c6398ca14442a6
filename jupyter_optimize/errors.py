"""One small hierarchy of the errors a user can meet.

`OptimizeError` is the base of every error jupyter_optimize raises for the
user to read: `UsageProblem`, a mistake the user can fix (its one-line
message says how; the magic turns it into IPython's `UsageError` so no
traceback from inside the package reaches the cell), and the problems whose
message becomes a reason in the report or the viewer
(`sources.candidates.CandidateProblem`, `notebook.apply.NotApplicable`).

Exceptions that only steer control flow inside the package are not errors
for the user and do not derive from it; the package catches them before
they could reach anyone: the rules' `Decline`, numba's `CompileProblem`,
`verify.search`'s `_Differs` and `_OutOfTime`, and `verify.judge.TooSlow`.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class OptimizeError(Exception):
    """Base class of every error jupyter_optimize raises for the user to read."""


class UsageProblem(OptimizeError, ValueError):
    """Bad input from the user: the message carries the fix."""


def close_matches(word: str, choices: Iterable[str]) -> str:
    """' Did you mean: a, b?' for the names near *word*, or ''."""
    near = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=0.6)
    return f" Did you mean: {', '.join(near)}?" if near else ""
