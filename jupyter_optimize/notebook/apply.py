"""Put an accepted candidate to work in the kernel, and into the notebook.

Verification ran candidates in children and in copies of the namespace; only
here, on Accept, does a candidate touch the user's real namespace:

- a function candidate is bound under the original's name;
- a source candidate is executed in the namespace, as if the user had run it
  as a cell (its text registered in `linecache` so `inspect` and tracebacks
  can read it).

Where it is bound follows the Report's `Home` (set by `%optimize CALL`): the
kernel's names, the attribute of the module the function came from (its file
is never edited), the class attribute for a method, the kernel names holding
a closure (its maker still makes the original).

No IPython import: the namespace is a plain dict (an InteractiveShell's
``user_ns`` in the kernel, any dict in tests).
"""
from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from ..errors import OptimizeError
from ..model import VERIFIED, CandidateResult, Home, Report
from ..sources.candidates import register_source
from ..study.callee import closure_values

APPLICABLE = VERIFIED  # behaves like the original


class NotApplicable(OptimizeError):
    """The candidate cannot be put in place; the message says why, for the user."""


def bind_candidate(result: CandidateResult, function: str, namespace: dict, home: Home | None = None) -> Callable:
    """Make *function* (where *home* says it lives; by default the name in *namespace*) the candidate's code."""
    if result.verdict not in APPLICABLE:
        raise NotApplicable(f"{result.name} is {result.verdict}: only verified candidates can be accepted.")
    if home is None or home.kind == "kernel" and not home.kernel_names:
        return _bind_in(result, function, namespace)
    if not home.rebindable:
        raise NotApplicable(closure_reason(home))
    if home.kind == "module":
        new = _bind_in(result, function, vars(_module(home)))
    elif home.kind == "class":
        new = _bind_in(result, function, _globals_of(home, namespace), keep=True)
        wrap = {"staticmethod": staticmethod, "classmethod": classmethod}.get(home.wrapper)
        setattr(_owner_class(home, namespace), home.attribute, wrap(new) if wrap else new)
    elif home.kind == "closure":
        new = _bind_in(result, function, {**_globals_of(home, namespace), **closure_values(home.original)}, keep=True)
    else:
        new = _bind_in(result, function, namespace)
    for name in home.kernel_names:
        namespace[name] = new
    return new


def closure_reason(home: Home) -> str:
    maker = home.original.__qualname__.split(".<locals>")[0] if home.original is not None else "another function"
    return (f"{home.expression} is a closure made inside {maker}: it cannot be rebound from outside "
            f"(no kernel name holds it). Put the accepted code into {maker} by hand.")


def _bind_in(result: CandidateResult, function: str, namespace: dict, keep: bool = False) -> Callable:
    """The candidate bound as *function* in *namespace* (with *keep*, the name there is left as it was)."""
    func = result.candidate.func if result.candidate is not None else None
    if func is None:
        source = _source_of(result)
        if source is None:
            raise NotApplicable(f"{result.name} has neither code nor a function to put in place.")
        before = namespace.get(function)
        func = _execute(source, function, namespace)
        if keep:
            _restore(namespace, function, before)
    elif not keep:
        namespace[function] = func
    return func


def _module(home: Home) -> ModuleType:
    module = sys.modules.get(home.module)
    if module is None:
        raise NotApplicable(f"the module {home.module} is no longer imported, so {home.expression} cannot be rebound.")
    return module


def _globals_of(home: Home, namespace: dict) -> dict:
    globals_ = getattr(home.original, "__globals__", None)
    return globals_ if isinstance(globals_, dict) else namespace


def _owner_class(home: Home, namespace: dict) -> type:
    parts = home.owner.split(".")
    module = sys.modules.get(home.module)
    value: Any = namespace.get(parts[0]) if home.module == "__main__" or module is None else getattr(module, parts[0], None)
    for part in parts[1:]:
        value = getattr(value, part, None)
    if not isinstance(value, type):
        raise NotApplicable(f"the class {home.owner} of {home.expression} cannot be found any more.")
    return value


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
    """The code a new notebook cell gets for the accepted candidate: the code, then the rebinding."""
    if result.verdict not in APPLICABLE:  # a Report's choices set by hand: what goes into the notebook is verified
        raise NotApplicable(f"{result.name} is {result.verdict}: only verified candidates can be inserted.")
    code = _source_of(result)
    home = report.home
    subject = home.expression if home is not None else report.function
    if code is None:
        raise NotApplicable(f"{result.name} is a function whose source cannot be read, so there is no code to insert; "
                            f"it is bound as {subject} in this kernel already.")
    code = code.rstrip("\n") + "\n"
    defined = _defined_name(result) or report.function
    defined = defined if defined.isidentifier() else report.function
    header = f"# %optimize: {result.name} accepted for {subject}, {result.reason}\n"
    if home is not None and home.kind == "module":  # run where Accept ran it: among the module's own globals
        return header + _where_comment(home) + _imports(home) + _in_module(code, home) + _aliases(home, defined)
    return header + _where_comment(home) + _imports(home) + code + _rebinding(report.function, defined, home)


def _in_module(code: str, home: Home) -> str:
    """The code run in the module's namespace, as Accept ran it: the globals it reads (a constant of
    the module's) are the module's, and no name of the kernel's is touched."""
    plain = '"""' not in code and "\\" not in code and not code.endswith('"')
    literal = f'"""\\\n{code}"""' if plain else repr(code)
    module = home.owner_expression
    return (f"_optimized = {literal}\n"
            f"exec(_optimized, vars({module}))  # defines {module}.{home.attribute} among the module's globals\n"
            "del _optimized\n")


def _aliases(home: Home, defined: str) -> str:
    """The kernel names that held the module's function, pointed at the new one."""
    module = home.owner_expression
    renamed = f"{module}.{home.attribute} = {module}.{defined}\n" if defined != home.attribute else ""
    return renamed + "".join(f"{name} = {module}.{home.attribute}\n" for name in home.kernel_names)


def _where_comment(home: Home | None) -> str:
    if home is None or not home.file or home.lines is None:
        return ""
    name = os.path.basename(home.file)
    return (f"# {home.expression} comes from {home.file}, lines {home.lines[0]}-{home.lines[1]}.\n"
            f"# This cell rebinds it in this kernel only; to keep the change, put the code into {name}\n"
            "# there yourself (jupyter_optimize never edits files).\n")


def _imports(home: Home | None) -> str:
    if home is None or home.kind != "module":
        return ""
    alias = home.owner_expression
    return f"import {home.module}\n\n" if alias == home.module else f"import {home.module} as {alias}\n\n"


def _rebinding(function: str, defined: str, home: Home | None) -> str:
    """The assignments after the code: where the function lives, then the kernel names that hold it."""
    targets: list[str] = []
    if home is not None and home.kind == "module":
        targets.append(f"{home.owner_expression}.{home.attribute}")
    elif home is not None and home.kind == "class":
        if not home.owner_expression:
            raise NotApplicable(f"the class of {home.expression} has no name in the kernel to assign the method to.")
        targets.append(f"{home.owner_expression}.{home.attribute}")
        if home.wrapper:
            return f"\n{targets[0]} = {home.wrapper}({defined})\n"
    if home is None or home.kind in ("kernel", "module", "closure"):
        names = home.kernel_names if home is not None and home.kernel_names else (function,)
        targets += [name for name in names if name != defined]
    if not targets:
        return ""
    comment = ""
    if home is not None and home.kind == "closure":
        free = ", ".join(closure_values(home.original)) or "none"
        comment = f"# a closure: its free variables ({free}) must exist where this cell runs\n"
    return "\n" + comment + "".join(f"{target} = {defined}\n" for target in targets)


def _defined_name(result: CandidateResult) -> str | None:
    func = result.candidate.func if result.candidate is not None else None
    return getattr(func, "__name__", None) if func is not None else None
