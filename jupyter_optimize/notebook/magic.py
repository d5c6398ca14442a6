"""`%%optimize`: a thin adapter from a notebook cell to `optimize()`.

It runs the cell as a normal cell (recording the calls it makes to the
target), works out the live inputs and the candidates from the kernel's
namespace, runs the pipeline and displays the Report. User mistakes come out
as one `UsageError` line, never a traceback from inside the package.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.display import display

from ..candidates import as_candidates
from ..errors import OptimizeError, UsageProblem, close_matches
from ..livecalls import CallRecorder, calls_from_variables, evaluate_calls
from ..magicline import MagicArgs, parse_magic_line
from ..model import Call, Candidate, Report
from ..pipeline import optimize
from ..target import choose_target


@magics_class
class OptimizeMagics(Magics):
    @cell_magic
    def optimize(self, line: str, cell: str) -> None:
        """Verify and benchmark candidate rewrites of the function this cell defines.

        %%optimize [CALL[; CALL...]] [-f NAME] [--candidate NAME ...] [-o NAME]
                   [--rtol X] [--atol X] [--exact] [--timeout S] [--time-budget S]
                   [--min-gain X] [--memory-limit MB] [--seed N] [--no-profile]
        """
        try:
            self._optimize(line, cell)
        except (UsageProblem, OptimizeError) as problem:
            raise UsageError(str(problem)) from None

    def _optimize(self, line: str, cell: str) -> None:
        args = parse_magic_line(line)
        if args.output is not None and not args.output.isidentifier():
            raise UsageProblem(f"-o {args.output}: not a valid variable name.")
        name = choose_target(self.shell.transform_cell(cell), args.function)
        recorder = self._run_cell(cell, name)
        func = self.shell.user_ns.get(name)
        if not inspect.isfunction(func):
            raise UsageProblem(f"After the cell ran, {name} is not a function in the kernel; did the cell rebind it?")
        calls = self._live_calls(args, name, func, recorder)
        candidates = [self._candidate(cand_name) for cand_name in args.candidates]
        report = self._run_pipeline(func, calls, candidates, args)
        if args.output:
            self.shell.user_ns[args.output] = report

    def _run_cell(self, cell: str, name: str) -> CallRecorder:
        with CallRecorder(name) as recorder:
            result = self.shell.run_cell(cell, store_history=False)
        if not result.success:
            raise UsageProblem("The cell raised an error (shown above); fix it, then %%optimize runs.")
        return recorder

    def _live_calls(self, args: MagicArgs, name: str, func: Callable, recorder: CallRecorder) -> list[Call]:
        if args.calls:
            return evaluate_calls(args.calls, name, self.shell.user_ns)
        calls = recorder.calls_to(func) or calls_from_variables(func, self.shell.user_ns)
        if not calls:
            params = ", ".join(inspect.signature(func).parameters)
            raise UsageProblem(
                f"No inputs for {name}: add a call to the magic line, e.g. `%%optimize {name}({params})`."
            )
        return calls

    def _candidate(self, var: str) -> Candidate:
        ns = self.shell.user_ns
        if var not in ns:
            visible = [k for k in ns if not k.startswith("_")]
            raise UsageProblem(f"--candidate {var}: no variable {var!r} in the kernel.{close_matches(var, visible)}")
        value = ns[var]
        if not (isinstance(value, str) or callable(value)):
            raise UsageProblem(f"--candidate {var}: expected a function or a string of code, got {type(value).__name__}.")
        (candidate,) = as_candidates([value])
        return Candidate(var, "user", candidate.source, candidate.func)

    def _run_pipeline(self, func: Callable, calls: list[Call], candidates: list[Candidate], args: MagicArgs) -> Report:
        handle = self._progress_display()
        report = optimize(func, calls, candidates=candidates, sources=args.sources,
                          progress=_progress_printer(handle), **args.options)
        if handle is not None:
            handle.update(report)
        else:
            display(report)
        return report

    def _progress_display(self) -> Any:
        if getattr(self.shell, "kernel", None) is None:
            return None  # terminal IPython: just the final report
        return display(_Status("Starting %%optimize"), display_id=True)


class _Status:
    def __init__(self, message: str):
        self.message = message

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": self.message}


def _progress_printer(handle: Any) -> Callable[[str, float], None]:
    def show(message: str, fraction: float) -> None:
        if handle is not None:
            handle.update(_Status(f"%%optimize: {message} ... {100 * fraction:.0f}%"))

    return show


def register(ipython: Any) -> None:
    ipython.register_magics(OptimizeMagics)
