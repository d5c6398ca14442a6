"""jupyter-optimize: verified, benchmarked speedups for notebook functions.

    report = jupyter_optimize.optimize(func, calls, candidates=[...])

In a notebook: ``%load_ext jupyter_optimize`` then ``%%optimize f(x) --candidate g``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import OptimizeError, UsageProblem
from .model import Call, CandidateResult, Counterexample, LineProfile, Report
from .pipeline import optimize
from .verify import compare as _compare

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__version__ = "0.1.0"
__all__ = [
    "optimize", "difference", "Report", "CandidateResult", "Counterexample", "LineProfile", "Call",
    "OptimizeError", "UsageProblem", "load_ipython_extension", "__version__",
]


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """`%load_ext jupyter_optimize`: registers %%optimize (IPython imported only here), and prepares in
    the background what the first run would otherwise wait for (`warmup`; under the spawn backend,
    the spare workers)."""
    from .notebook.magic import register

    register(ipython)
    from . import warmup

    warmup.start()
    _prestart_worker()


def _prestart_worker() -> None:
    from .options import Options
    from .sandbox import SPAWN, chosen

    try:
        method = chosen()
    except UsageProblem:  # a bad $JUPYTER_OPTIMIZE_START_METHOD: the first run says so, in one line
        return
    if method == SPAWN:
        from .sandbox import spawn

        spawn.prestart(Options().memory_limit_mb)


def difference(original_value: Any, candidate_value: Any, *, rtol: float = 1e-7, atol: float = 1e-10,
               exact: bool = False) -> str | None:
    """None when *candidate_value* counts as the same as *original_value* under the verifier's rules,
    else one line saying where and how they differ (a column, row and both values; a dtype, a name...).

    Floats match within ``|a - b| <= atol + rtol * |a|`` (*a* the original's), or exactly with
    ``exact=True``; missing values (NaN, None, NaT, pd.NA) equal each other.
    """
    return _compare.difference(original_value, candidate_value, _compare.Tolerance(rtol, atol, exact))
