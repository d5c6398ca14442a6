"""jupyter-optimize: verified, benchmarked speedups for notebook functions.

    report = jupyter_optimize.optimize(func, calls, candidates=[...])

In a notebook: ``%load_ext jupyter_optimize`` then ``%%optimize f(x) --candidate g``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import OptimizeError, UsageProblem
from .model import Call, CandidateResult, Counterexample, LineProfile, Report
from .pipeline import optimize

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__version__ = "0.1.0"
__all__ = [
    "optimize", "Report", "CandidateResult", "Counterexample", "LineProfile", "Call",
    "OptimizeError", "UsageProblem", "load_ipython_extension", "__version__",
]


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """`%load_ext jupyter_optimize`: registers %%optimize (IPython imported only here)."""
    from .notebook.magic import register

    register(ipython)
