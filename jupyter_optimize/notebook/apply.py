"""Put an accepted candidate to work in the kernel, and into the notebook.

Verification ran candidates in children and in copies of the namespace; only
here, on Accept, does a candidate touch the user's real namespace:

- a function candidate is bound under the original's name;
- a source candidate is executed in the namespace, as if the user had run it
  as a cell (its text registered in `linecache` so `inspect` and tracebacks
  can read it).

No IPython import: the namespace is a plain dict (an InteractiveShell's
``user_ns`` in the kernel, any dict in tests).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

from ..errors import OptimizeError
from ..model import CandidateResult, Report
from ..sources.candidates import register_source

APPLICABLE = ("faster", "not_faster")  # verified: behaves like the original


class NotApplicable(OptimizeError):
    """The candidate cannot be put in place; the message says why, for the user."""


def bind_candidate(result: CandidateResult, function: str, namespace: dict) -> Callable:
    """Make *function* in *namespace* the candidate's code; return the new function."""
    if result.verdict not in APPLICABLE:
        raise NotApplicable(f"{result.name} is {result.verdict}: only verified candidates can be accepted.")
    func = result.candidate.func if result.candidate is not None else None
    if func is not None:
        namespace[function] = func
        return func
    source = _source_of(result)
    if source is None:
        raise NotApplicable(f"{result.name} has neither code nor a function to put in place.")
    return _execute(source, function, namespace)


def _source_of(result: CandidateResult) -> str | None:
    if result.candidate is not None and result.candidate.source is not None:
        return result.candidate.source
    return result.source


def _execute(source: str, function: str, namespace: dict) -> Callable:
    """Run *source* in *namespace*; on any failure leave *function* as it was."""
    before = namespace.get(function)
    try:
        code = compile(source, register_source(source, function), "exec")
        exec(code, namespace)
    except Exception as exc:
        _restore(namespace, function, before)
        raise NotApplicable(f"running the code raised {type(exc).__name__}: {exc}") from None
    func = namespace.get(function)
    if not inspect.isfunction(func):
        _restore(namespace, function, before)
        raise NotApplicable(f"the code does not define a function named {function}.")
    return func


def _restore(namespace: dict, name: str, value: object) -> None:
    if value is None:
        namespace.pop(name, None)
    else:
        namespace[name] = value


def cell_text(report: Report, result: CandidateResult) -> str:
    """The code a new notebook cell gets for the accepted candidate."""
    code = _source_of(result)
    if code is None:
        raise NotApplicable(f"{result.name} is a function whose source cannot be read, so there is no code to insert; "
                            f"it is bound as {report.function} in this kernel already.")
    code = code.rstrip("\n") + "\n"
    defined = _defined_name(result)
    if defined and defined.isidentifier() and defined != report.function:
        code += f"\n{report.function} = {defined}\n"
    return f"# %optimize: {result.name} accepted for {report.function}, {result.reason}\n{code}"


def _defined_name(result: CandidateResult) -> str | None:
    func = result.candidate.func if result.candidate is not None else None
    return getattr(func, "__name__", None) if func is not None else None
