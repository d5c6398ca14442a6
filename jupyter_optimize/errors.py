"""One small hierarchy of errors.

`UsageProblem` is a mistake the user can fix; its message says how, in one
line. The magic turns it into IPython's `UsageError` so no traceback from
inside the package reaches the cell.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class OptimizeError(Exception):
    """Base class of every error raised on purpose by jupyter_optimize."""


class UsageProblem(OptimizeError, ValueError):
    """Bad input from the user: the message carries the fix."""


def close_matches(word: str, choices: Iterable[str]) -> str:
    """' Did you mean: a, b?' for the names near *word*, or ''."""
    near = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=0.6)
    return f" Did you mean: {', '.join(near)}?" if near else ""
