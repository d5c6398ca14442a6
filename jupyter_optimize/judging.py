"""Verifying a batch of candidates: each in a sandbox child of its own, up to --jobs at once, the same code
judged once, each verdict reported to the progress callback as it arrives.

The generated inputs are drawn once per run, in a child of their own before the first batch (`draw_once`,
see `verify.replay`; with --jobs 2 or more it starts right after the study, `start_drawing`, while the
kernel collects candidates): each candidate's child then judges it on them instead of searching anew, the
search itself running only for a candidate that differs on one of them. A batch that starts while that
early draw is still going reads the inputs as they are drawn (`verify.stream`), rather than waiting.

The pipeline (`pipeline._Run`) is the `Run` these functions work for: it owns the children, the stage
clock and the progress bar; what is verified, how, and in which child, is here.
"""
from __future__ import annotations

import ast
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from . import sandbox
from .model import Call, Candidate, Check
from .options import Options
from .sandbox import ChildLimits, ChildResult, limits, sending
from .schedule import run_all
from .sources.candidates import CandidateProblem, materialize, precheck
from .study.assume import Domain
from .study.original import OriginalStudy
from .verdict import Failure, Unverifiable, Verification
from .verify import stream
from .verify.check import check_candidate
from .verify.compare import Tolerance
from .verify.replay import Drawn, draw

EARLY_DRAW_PASS_S = 0.05  # an original whose pass over the live calls is quicker than this may be drawn for early
ARRIVED = "Verified "  # starts the progress message of a candidate's verdict: "Verified 2/6: NAME, verified"
Span = tuple[float, float]


class Run(Protocol):
    """What verification needs of a run of the pipeline."""

    func: Callable[..., Any]
    calls: list[Call]
    opts: Options
    tol: Tolerance
    domain: Domain
    spawned: bool
    drew: bool  # whether the run's generated inputs were drawn (or tried to be)
    drawn: Drawn | None  # the run's generated inputs (None: not drawn, or the child drawing them failed)
    drawing: Callable[[], ChildResult] | None  # the drawing child, started early: waits for it (`start_drawing`)
    stream: str | None  # the file the early draw passes its inputs on through (`verify.stream`)
    stream_end: threading.Thread | None  # writes the draw's summary beside it once the drawing child has ended

    def progress(self, message: str, fraction: float) -> None: ...

    def stage(self, name: str, message: str, fraction: float) -> AbstractContextManager[None]: ...

    def child(self, job: Callable[[], Any], within: ChildLimits) -> ChildResult: ...

    def start_child(self, job: Callable[[], Any], within: ChildLimits) -> Callable[[], ChildResult]: ...


def verify_all(run: Run, candidates: list[Candidate], study: OriginalStudy, first: int,
               span: Span) -> dict[int, Verification]:
    """Verify candidates[first:], up to --jobs at once, moving the progress bar across *span* as
    each verdict arrives. A candidate whose code is the same as an earlier one's is judged once."""
    start, end = span
    batch = candidates[first:]
    firsts: dict[str, int] = {}  # code -> the first candidate in the batch with it
    same_as = {k: firsts.setdefault(code_key(c) or f"#{k}", k) for k, c in enumerate(batch)}
    judged = sorted(set(same_as.values()))
    count = 0

    def arrived(j: int, verification: Verification) -> None:
        nonlocal count
        count += 1
        cand = batch[judged[j]]
        run.progress(f"{ARRIVED}{count}/{len(judged)}: {cand.name}, {briefly(verification)}",
                     start + (end - start) * count / len(judged))

    with run.stage("verify", f"Verifying {len(judged)} candidate(s)", start):
        drawn = draw_once(run, study, [batch[k] for k in judged])
        tasks = [functools.partial(verify, run, batch[k], study, drawn) for k in judged]
        results = dict(zip(judged, run_all(tasks, run.opts.parallel, arrived)))
        if isinstance(drawn, stream.Stream) and run.drawing is not None:  # over: later batches take it as it is
            result, run.drawing = run.drawing(), None
            _drawn(run, result)
    return {first + k: results[same_as[k]] for k in range(len(batch))}


def verify(run: Run, cand: Candidate, study: OriginalStudy, drawn: Drawn | stream.Stream | None = None) -> Verification:
    """One candidate's verification: checks in the kernel that need no child (it does not parse, a global
    cannot be sent), then its live calls and generated inputs in a child of its own."""
    if not study.determinism.deterministic:
        return Unverifiable(study.determinism.reason)
    func, calls, tol, seed, opts, domain = run.func, run.calls, run.tol, study.determinism.seed, run.opts, run.domain
    unparsed = precheck(cand, func)
    if unparsed:  # no child is spent on code that cannot run
        return Failure(unparsed)
    wanted = needed(run, [cand])
    unsendable = sending.culprit({f"the global `{name}`": value for name, value in wanted.items()})
    if unsendable:
        return Failure(unsendable)
    live_lines = study.live_lines  # a slow original's live calls are not traced again

    def job() -> Check | Failure:
        sending.provide(func, wanted)
        try:
            candidate = materialize(cand, func)
        except CandidateProblem as problem:
            return Failure(str(problem))
        return check_candidate(func, candidate, calls, tol, seed, opts.examples, opts.verify_budget, opts.seed,
                               admits=domain.predicate(func), output=not opts.ignore_output,
                               live_lines=live_lines, drawn=drawn)

    child = run.child(job, limits.for_verify(opts, study.pass_seconds, reads_a_draw=isinstance(drawn, stream.Stream)))
    outcome: Check | Failure = child.value if child.ok else Failure(child.error)
    return outcome


def start_drawing(run: Run, study: OriginalStudy, candidates_likely: bool) -> None:
    """With --jobs 2 or more, the run's generated inputs start being drawn as soon as the original is studied,
    in a child of their own, while the kernel collects the candidates (`draw_once` takes them, or stops
    them). Only when two or more distinct candidates that will run are given or sources will run
    (*candidates_likely*), and the original is quick. The child passes each input on as it draws it
    (`verify.stream`), except under --timeout (every child then has that limit: none waits for another)."""
    if run.opts.parallel < 2 or not candidates_likely or study.pass_seconds > EARLY_DRAW_PASS_S:
        return
    if run.drew or run.opts.examples <= 0 or not study.determinism.deterministic:
        return
    if run.opts.timeout is not None:
        run.drawing = run.start_child(*_draw_job(run, study))
        return
    path = run.stream = os.path.join(tempfile.mkdtemp(prefix="jupyter-optimize-draw-"), "inputs")
    open(path, "wb").close()
    waiting = run.drawing = run.start_child(*_draw_job(run, study, path))

    def finish() -> None:  # once the child has ended, readers learn what it drew, or that it failed
        try:
            result = waiting()
            drawn = result.value if result.ok and isinstance(result.value, Drawn) else None
        except BaseException:  # the waiting failed: as a failed draw
            drawn = None
        try:
            stream.finish(path, drawn)
        except OSError:  # the run is over and its folder gone: nobody reads it any more
            pass

    run.stream_end = threading.Thread(target=finish, name="jupyter-optimize-draw", daemon=True)
    run.stream_end.start()


def stop_drawing(run: Run) -> None:
    """A child still drawing is stopped (a batch without two candidates to share them; the end of a run
    stopped by an error or Ctrl-C), and waited for, a second Ctrl-C meanwhile too; the stream's file goes
    (every reader of it is done by then)."""
    if run.drawing is None:
        _remove_stream(run)
        return
    sandbox.cancel()
    interrupted = False
    try:
        while True:
            try:
                run.drawing()
                break
            except KeyboardInterrupt:  # the child is being stopped: it is gone within a moment
                interrupted = True
    finally:
        run.drawing = None
        sandbox.resume()
        _remove_stream(run)
    if interrupted:
        raise KeyboardInterrupt


def _remove_stream(run: Run) -> None:
    """The stream's folder goes, once the summary is written (the drawing child has ended by now)."""
    if run.stream_end is not None:
        run.stream_end.join()
        run.stream_end = None
    if run.stream is not None:
        shutil.rmtree(os.path.dirname(run.stream), ignore_errors=True)
        run.stream = None


def draw_once(run: Run, study: OriginalStudy, cands: list[Candidate]) -> Drawn | stream.Stream | None:
    """The run's generated inputs, drawn in a child the first time a batch has two or more candidates that
    will run (a lone one searches as cheaply itself: drawing first would run a slow original twice as
    often); None when not drawn, or the child failed (each candidate's child then searches its own).
    Inputs `start_drawing` started drawing are taken on the same terms (or stopped), as a `Stream` the
    candidates' children read while the draw goes on: the verdicts do not depend on --jobs."""
    if run.drew or run.opts.examples <= 0 or not study.determinism.deterministic:
        return run.drawn
    if runnable(run, cands) < 2:  # nothing to share: one candidate searches itself
        stop_drawing(run)  # (what was drawn early too: the batch is judged as under --jobs 1)
        return None  # the next batch may still want them
    if run.stream is not None and run.drawing is not None:
        return stream.Stream(run.stream)
    if run.drawing is not None:  # drawn early without a stream (under --timeout): waited for
        result, run.drawing = run.drawing(), None
        return _drawn(run, result)
    return _drawn(run, run.child(*_draw_job(run, study)))


def runnable(run: Run, cands: Iterable[Candidate]) -> int:
    """How many distinct codes among *cands* will run in a child (they parse and define the function)."""
    return len({code_key(c) or f"#{i}" for i, c in enumerate(cands) if not precheck(c, run.func)})


def _draw_job(run: Run, study: OriginalStudy, path: str | None = None) -> tuple[Callable[[], Drawn], ChildLimits]:
    """The drawing child's job (passing each input on through the file *path*, when given), and its limits."""
    func, calls, tol, opts, admits = run.func, run.calls, run.tol, run.opts, run.domain.predicate(run.func)
    wanted = needed(run, [])
    seed = study.determinism.seed

    def job() -> Drawn:
        sending.provide(func, wanted)
        return draw(func, calls, tol, seed, opts.examples, opts.verify_budget, opts.seed, admits, path)

    return job, limits.for_verify(opts, study.pass_seconds)


def _drawn(run: Run, result: ChildResult) -> Drawn | None:
    """The drawn inputs, recorded as the run's (None when the child failed)."""
    run.drew, run.drawn = True, result.value if result.ok and isinstance(result.value, Drawn) else None
    return run.drawn


def needed(run: Run, cands: Iterable[Candidate]) -> dict[str, Any]:
    """The globals *cands* (and the assumptions) read that the original does not: the spawn worker
    gets the original with its own globals only (under fork, the child has them all)."""
    if not run.spawned:
        return {}
    expressions = [a.text for a in run.domain.assumptions if a.predicate is None]
    return sending.globals_needed(run.func, [c.source for c in cands if c.func is None and c.source], expressions)


def code_key(cand: Candidate) -> str | None:
    """The candidate's code as its syntax tree (formatting and comments aside), or None without code."""
    if cand.func is not None or not cand.source:
        return None
    return _tree_key(cand.source)


@functools.lru_cache(maxsize=256)
def _tree_key(source: str) -> str:
    """Each source is parsed once, however often its key is asked for (dedupe in verification and timing)."""
    try:
        return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError):
        return source


def briefly(verification: Verification) -> str:
    """A verdict as it arrives, for the progress line: 'verified' or 'rejected: <why>'."""
    if isinstance(verification, Check):
        if verification.passed:
            return "verified"
        cx = verification.counterexample
        return f"rejected: {cx.difference}" if cx is not None else "rejected"
    return f"not verified: {getattr(verification, 'reason', '')}".rstrip(": ")
