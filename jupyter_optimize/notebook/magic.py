"""`%%optimize`: a thin adapter from a notebook cell to `optimize()`.

It runs the cell as a normal cell (recording the calls it makes to the
target), works out the live inputs and the candidates from the kernel's
namespace, runs the pipeline and displays the Report. In a kernel that is a
progress bar while it runs (`progress.py`), then the interactive viewer (`viewer.py`, with
the Report's text/html and text/plain alongside); terminal IPython gets the
text report. User mistakes come out as one `UsageError` line, never a
traceback from inside the package.

`%optimize CALL [options]` is the same run for a function defined anywhere in
the kernel: an earlier cell's, `module.func`, `obj.method`, a closure. The call
names it (`study.callee`); Accept rebinds it where it lives (`apply`).

`%optimize apply [NAME]` puts the accepted candidate's code into the notebook
as a new cell: a front end only takes `set_next_input` during an execution,
so a button click cannot do it by itself.
"""
from __future__ import annotations

import inspect
import keyword
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from ..errors import OptimizeError, UsageProblem, close_matches
from ..model import Call, Candidate, Home, Report
from ..options import Options
from ..pipeline import optimize
from ..sources import AUTO, resolve_sources
from ..sources.candidates import as_candidates
from ..study.livecalls import CallRecorder, calls_from_variables, evaluate_calls, evaluate_line_calls
from ..study.magicline import MagicArgs, help_text, parse_magic_line
from ..study.target import choose_target
from .apply import cell_text
from .config import install, llm_options

APPLY_USAGE = "%optimize apply [NAME]"
LINE_USAGE = "%optimize CALL[; CALL ...] [--candidate NAME ...] [--assume EXPR ...] [-o NAME] [options]"
STOPPED = "%optimize stopped (interrupted); nothing was changed."
KEPT_REPORTS = 32  # what `%optimize apply` can look back on

# What `%%optimize?` shows: every argument and option with its default, from their one definition.
MAGIC_HELP = f"""Verify and benchmark candidate rewrites of the function this cell defines.

{help_text()}

Options given on the line win over %config Optimize, which wins over the defaults.

{LINE_USAGE}
    The same for a function defined elsewhere: in an earlier cell, a module
    (geo.cube(x)), a method (stats.variance(xs)) or a closure. The call names
    it; Accept rebinds it where it lives.

{APPLY_USAGE}
    Insert the code of the candidate accepted in the viewer as a new cell
    below. NAME: the optimized function, or a variable holding a Report
    (default: the latest report with an accepted candidate).
"""


def _documented(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def document(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__doc__ = text
        return func

    return document


@magics_class
class OptimizeMagics(Magics):
    shell: Any  # Magics allows None; a registered magic always has its shell

    def __init__(self, shell: Any = None, **kwargs: Any):
        super().__init__(shell, **kwargs)
        self.reports: deque[Report] = deque(maxlen=KEPT_REPORTS)  # shown by %%optimize, oldest first
        self.hints_shown: set[str] = set()  # e.g. how to configure a model: said once per kernel

    @line_cell_magic  # type: ignore[untyped-decorator]  # IPython's decorators carry no types
    @_documented(MAGIC_HELP)
    def optimize(self, line: str, cell: str | None = None) -> None:
        try:
            if cell is None:
                self._line(line)
            else:
                self._optimize(line, cell)
        except OptimizeError as problem:  # UsageProblem and NotApplicable among them
            raise UsageError(str(problem)) from None
        except KeyboardInterrupt:  # the sandbox has reaped its child; nothing was bound yet
            raise UsageError(STOPPED) from None

    def _line(self, line: str) -> None:
        words = line.split()
        if words and words[0] == "apply":
            if len(words) > 2:
                raise UsageProblem(f"%optimize {line.strip()}: the subcommand is `{APPLY_USAGE}`.")
            self._apply(words[1] if len(words) == 2 else None)
        elif not words:
            raise UsageProblem(f"%optimize needs a call: `{LINE_USAGE}`, or `{APPLY_USAGE}`.")
        else:
            self._optimize_call(line)

    def _apply(self, name: str | None) -> None:
        report = self._accepted_report(name)
        result = report[report.accepted or ""]  # never '': the report has an accepted candidate
        self.shell.set_next_input(cell_text(report, result), replace=False)
        subject = report.home.expression if report.home is not None else report.function
        print(f"The code of {result.name} (accepted for {subject}) is in a new cell below.")

    def _optimize_call(self, line: str) -> None:
        """`%optimize CALL[; CALL] [options]`: the function the call names, wherever it lives."""
        args = parse_magic_line(line, "%optimize", LINE_USAGE)
        _check_output_name(args)
        if args.function is not None:
            raise UsageProblem(f"-f {args.function}: in %optimize the call names the function; "
                               f"write `%optimize {args.function}(...)`.")
        if not args.calls:
            raise UsageProblem(f"%optimize {line.strip()}: no call to take the inputs from. Usage: {LINE_USAGE}")
        resolved, calls = evaluate_line_calls(args.calls, self.shell.user_ns, self._visible())
        candidates = [self._candidate(cand_name) for cand_name in args.candidates]
        report = self._run_pipeline(resolved.func, calls, candidates, args, resolved.home)
        self._keep(report, args)

    def _keep(self, report: Report, args: MagicArgs) -> None:
        self.reports.append(report)
        if args.output:
            self.shell.user_ns[args.output] = report

    def _visible(self) -> list[str]:
        hidden = getattr(self.shell, "user_ns_hidden", {})
        return [k for k in self.shell.user_ns if not k.startswith("_") and k not in hidden]

    def _accepted_report(self, name: str | None) -> Report:
        given = self.shell.user_ns.get(name) if name else None
        if isinstance(given, Report):
            reports = [given]
        else:
            reports = [r for r in self.reports
                       if name is None or name in (r.function, r.home.expression if r.home else None)]
        accepted = [r for r in reports if r.accepted is not None]
        if accepted:
            return accepted[-1]
        subject = f" for {name}" if name else ""
        raise UsageProblem(f"Nothing accepted yet{subject}: click Accept on a verified candidate in the "
                           f"%%optimize output, then run `{APPLY_USAGE}`.")

    def _optimize(self, line: str, cell: str) -> None:
        args = parse_magic_line(line)
        _check_output_name(args)
        name = choose_target(self.shell.transform_cell(cell), args.function)
        recorder = self._run_cell(cell, name)
        func = self.shell.user_ns.get(name)
        if not inspect.isfunction(func):
            raise UsageProblem(f"After the cell ran, {name} is not a function in the kernel; did the cell rebind it?")
        calls = self._live_calls(args, name, func, recorder)
        candidates = [self._candidate(cand_name) for cand_name in args.candidates]
        report = self._run_pipeline(func, calls, candidates, args)
        self._keep(report, args)

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
            raise UsageProblem(f"--candidate {var}: no variable {var!r} in the kernel.{close_matches(var, self._visible())}")
        value = ns[var]
        if not (isinstance(value, str) or callable(value)):
            raise UsageProblem(f"--candidate {var}: expected a function or a string of code, got {type(value).__name__}.")
        (candidate,) = as_candidates([value])
        return Candidate(var, "user", candidate.source, candidate.func)

    def _settings(self, args: MagicArgs) -> tuple[tuple[str, ...], dict[str, Any], str]:
        """The sources to run (see `resolve_sources`), the options (the line's, then %config's), and a hint
        about the sources ('' for none)."""
        options = llm_options(self.shell, args.options)
        sources, hint = resolve_sources(args.sources or AUTO, bool(args.candidates), Options.from_kwargs(**options))
        return sources, options, hint

    def _run_pipeline(self, func: Callable, calls: list[Call], candidates: list[Candidate], args: MagicArgs,
                      home: Home | None = None) -> Report:
        sources, options, hint = self._settings(args)
        options["assume"] = args.assumptions  # optimize()'s keyword; not an option of %config
        if getattr(self.shell, "kernel", None) is None:  # terminal IPython: just the final report
            report = replace(optimize(func, calls, candidates=candidates, sources=sources, **options), home=home)
            self._once(hint)
            display(report)
            return report
        report = self._run_with_widgets(func, calls, candidates, sources, options, home)
        self._once(hint)
        return report

    def _once(self, hint: str) -> None:
        """A hint about the sources, once per kernel (after that it is noise), and only after a run that got
        as far as running them (one stopped by a live call that raises did not)."""
        if hint and hint not in self.hints_shown:
            self.hints_shown.add(hint)
            print(hint)

    def _run_with_widgets(self, func: Callable, calls: list[Call], candidates: list[Candidate],
                          sources: tuple[str, ...], options: dict, home: Home | None) -> Report:
        from .viewer import (  # ipywidgets only where a front end shows them
            ProgressView,
            ReportViewer,
        )

        title = f"%optimize {home.expression}" if home is not None else f"%%optimize {func.__name__}"
        progress = ProgressView(title)
        handle = display(progress, display_id=True)
        progress.start()
        shown: Any = None
        first: list[Any] = []  # the first answer's display handle and viewer, once shown

        def first_answer(report: Report, pending: str) -> None:  # in this (the cell's) thread, mid-run
            viewer = ReportViewer(replace(report, home=home), self.shell.user_ns, pending=pending)
            first.extend([display(viewer, display_id=True), viewer])

        try:
            report = replace(optimize(func, calls, candidates=candidates, sources=sources,
                                      progress=progress.update, first_answer=first_answer, **options), home=home)
            shown = ReportViewer(report, self.shell.user_ns)
        finally:
            progress.stop()
            # Through a plain-text step: JupyterLab reuses a widget output's renderer
            # for the next widget, and closing the old view would then hide the new one.
            handle.update(_Status(f"{title}: {progress.message}"
                                  + (" (stopped)" if shown is None else "")))
            progress.close()
            if first:  # the full report takes the first answer's place (at the progress bar's)
                first[0].update(_Status(""))
                first[1].close()
            if shown is not None:
                handle.update(shown)
        return report


def _check_output_name(args: MagicArgs) -> None:
    if args.output is not None and (not args.output.isidentifier() or keyword.iskeyword(args.output)):
        raise UsageProblem(f"-o {args.output}: not a valid variable name.")


class _Status:
    def __init__(self, message: str):
        self.message = message

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": self.message}


def register(ipython: Any) -> None:
    ipython.register_magics(OptimizeMagics)
    install(ipython)  # %config Optimize works right after %load_ext
