"""optimize(): the stages in order, nothing else.

study the original (profile, determinism) -> candidates -> verify each in a
child (and, with --repair, the fixes of the rejected ones) -> benchmark the
survivors together in one child -> decide each verdict -> Report. How long
each child may run is `sandbox.limits`; how a verdict follows from the
evidence is `verdict`.
"""
from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from . import sandbox, warmup
from .errors import OptimizeError, UsageProblem
from .measure import timing
from .measure.memory import peak_memory, skipped_note
from .measure.scaling import Scaling, measure_scaling
from .model import Call, Candidate, CandidateResult, Check, Report, Timing
from .options import Options
from .sandbox import SPAWN, ChildLimits, ChildResult, limits, sending
from .sandbox.methods import DESCRIBED
from .schedule import run_all
from .sources import AUTO, check_names, repair, resolve_sources, run_sources
from .sources.candidates import CandidateProblem, as_candidates, materialize, precheck, unique_names
from .sources.protocol import SourceRequest
from .study.assume import Domain, domain_for
from .study.given import check_function, coerce_calls
from .study.original import OriginalStudy, study_original
from .verdict import Benchmark, Failure, Unverifiable, Verification, decide
from .verify.check import check_candidate
from .verify.compare import Tolerance
from .verify.describe import describe_call
from .verify.judge import parameter_names

Progress = Callable[[str, float], None]
ARRIVED = "Verified "  # starts the progress message of a candidate's verdict: "Verified 2/6: NAME, verified"
Span = tuple[float, float]
# Where the stages sit on the progress bar (0..1), in the order they run, so it never moves back.
STUDY_AT, CANDIDATES_AT, BENCHMARK_AT, SCALING_AT = 0.05, 0.15, 0.6, 0.85
VERIFY_SPAN: Span = (0.2, 0.6)
# with --repair: the candidates' verification, asking for fixes, the fixes' verification
FIRST_SPAN, REPAIR_AT, FIXES_SPAN = (0.2, 0.45), 0.45, (0.5, 0.6)


def optimize(func: Callable[..., Any], calls: Iterable[Any], *, candidates: Iterable[Any] = (),
             sources: Sequence[str] | str = AUTO, assume: Any = None, progress: Progress | None = None,
             **options: Any) -> Report:
    """Verify and benchmark *candidates* (and those from *sources*) against *func*.

    calls: list of ``(args_tuple, kwargs_dict)`` the function is called with.
    candidates: source strings defining a function with func's name, or functions.
    sources: names of candidate sources to run ("rules", "numba", "llm"), "none", or
        "auto" (the default, as in ``%%optimize``): no source when candidates are
        given, else the offline sources plus "llm" when a model is configured.
    assume: the function's domain: an expression over its parameter names
        ("w >= 1 and len(x) >= w"), a callable taking its arguments and returning
        a bool, or a list of them; generated inputs outside it are discarded, and
        a live call outside it is a UsageProblem.
    options: see `Options` (rtol, atol, exact, timeout, time_budget, min_gain, ...).
    """
    opts = Options.from_kwargs(**options)
    check_function(func)
    live = coerce_calls(calls)
    domain = domain_for(func, assume)
    given = list(candidates)
    names, hint = resolve_sources(sources, bool(given), opts)
    check_names(names)
    method = sandbox.chosen(opts.start_method)  # a mistyped method or $JUPYTER_OPTIMIZE_START_METHOD: one line, now
    if method == SPAWN:
        _check_sendable(func, live)
    run = _Run(func, live, replace(opts, start_method=method), progress or (lambda message, fraction: None), domain)
    if hint:
        run.notes.append(hint)
    warmup.wait()  # no child is forked while the warm-up imports
    with sandbox.run_scope(method, opts.memory_limit_mb):
        return run.execute(given, names)


@dataclass(frozen=True)
class _BenchOut:
    timings: dict[int, Timing | Failure]  # by candidate index
    memory: dict[int, int | None]  # candidate index -> peak bytes (None: not measured)
    original_memory: int | None


class _Run:
    def __init__(self, func: Callable[..., Any], calls: list[Call], opts: Options, progress: Progress,
                 domain: Domain | None = None):
        self.func, self.calls, self.opts, self.progress = func, calls, opts, progress
        self.domain = domain or Domain()
        self.tol = Tolerance(opts.rtol, opts.atol, opts.exact)
        self.stage_seconds: dict[str, float] = {}
        self.notes: list[str] = []
        self.sources: tuple[str, ...] = ()  # the candidate sources that ran
        self.spawned = opts.start_method == SPAWN
        self.isolation = ""  # how the children ran (the report's evidence)
        self.lock = threading.Lock()

    @contextmanager
    def stage(self, name: str, message: str, fraction: float) -> Iterator[None]:
        self.progress(message, fraction)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + time.perf_counter() - started

    def child(self, job: Callable[[], Any], within: ChildLimits) -> ChildResult:
        """Run *job* in a sandbox child; a note on how it ran reaches the report once."""
        result = sandbox.run_within(job, within)
        with self.lock:  # children run from several threads while candidates are verified in parallel
            self.isolation = DESCRIBED.get(result.backend, self.isolation)
            if result.note and result.note not in self.notes:
                self.notes.append(result.note)
        return result

    def execute(self, given: list[Any], sources: tuple[str, ...]) -> Report:
        self.sources = sources
        with self.stage("study", "Profiling the original", STUDY_AT):
            study = self._study()
        with self.stage("candidates", "Collecting candidates", CANDIDATES_AT):
            candidates = unique_names(as_candidates(given) + self._from_sources(sources, study))
        candidates, verified = self._verify_and_repair(candidates, study)
        survivors = {i: candidates[i] for i, v in verified.items() if isinstance(v, Check) and v.passed}
        codes: dict[str, int] = {}
        twin = {i: codes.setdefault(_code_key(c) or f"#{i}", i) for i, c in survivors.items()}  # same code: timed once
        timed = {i: c for i, c in survivors.items() if twin[i] == i}
        with self.stage("benchmark", f"Benchmarking {len(timed)} candidate(s)", BENCHMARK_AT):
            bench = self._benchmark(timed, study)
        results = [self._result(c, verified[i], bench.timings.get(twin.get(i, i)), bench.memory.get(twin.get(i, i)))
                   for i, c in enumerate(candidates)]
        scaling = None
        if self.opts.scaling:
            with self.stage("scaling", "Timing growing inputs", SCALING_AT):
                scaling = self._scaling([r for r in results if r.verdict == "faster"], study)
        self.progress("Done", 1.0)
        return self._report(study, results, bench.original_memory, scaling)

    # -- stages --------------------------------------------------------------

    def _study(self) -> OriginalStudy:
        func, calls, tol, opts, domain = self.func, self.calls, self.tol, self.opts, self.domain
        needed = self._needed([])
        run_limit = limits.study_run_limit(opts)

        def job() -> OriginalStudy:
            sending.provide(func, needed)
            return study_original(func, calls, tol, opts, domain, run_limit)

        child = self.child(job, limits.for_study(opts, len(calls)))
        if not child.ok:
            raise OptimizeError(f"Running the original {func.__name__} on its inputs failed: {child.error}")
        study: OriginalStudy = child.value
        if study.problem is not None:  # outside the domain, raising or too slow: the user's to fix
            raise (UsageProblem if study.problem.kind == "outside" else OptimizeError)(study.problem.message)
        if not study.determinism.deterministic:
            self.notes.append(study.determinism.reason)
        elif study.determinism.seed is not None:
            self.notes.append("The original uses random numbers: every run was seeded the same way.")
        if study.live_lines == frozenset():
            self.notes.append("Lines of the original reached count generated inputs only: the original is too "
                              "slow to trace line by line on its live calls.")
        return study

    def _request(self, study: OriginalStudy, fraction: float) -> SourceRequest:
        """What a source sees; its progress messages stay at *fraction* of the bar."""
        return SourceRequest(self.func, _source(self.func), tuple(self.calls), study.profile, self.opts,
                             lambda message: self.progress(message, fraction))

    def _from_sources(self, names: tuple[str, ...], study: OriginalStudy) -> list[Candidate]:
        if not names:
            return []
        found = run_sources(names, self._request(study, CANDIDATES_AT))
        self.notes.extend(found.notes)
        return found.candidates

    def _verify_and_repair(self, candidates: list[Candidate],
                           study: OriginalStudy) -> tuple[list[Candidate], dict[int, Verification]]:
        """Every candidate verified; with --repair, the fixes of the rejected ones too (appended)."""
        if not self.opts.repair:
            return candidates, self._verify_all(candidates, study, 0, VERIFY_SPAN)
        verified = self._verify_all(candidates, study, 0, FIRST_SPAN)
        rejected = [(candidates[i], v.counterexample) for i, v in verified.items()
                    if isinstance(v, Check) and v.counterexample is not None]
        with self.stage("repair", f"Asking for repairs of {len(rejected)} candidate(s)", REPAIR_AT):
            request = self._request(study, REPAIR_AT)
            fixes = [fixed for cand, cx in rejected if (fixed := repair(request, cand, cx)) is not None]
        everyone = unique_names(candidates + fixes)
        verified.update(self._verify_all(everyone, study, len(candidates), FIXES_SPAN))
        return everyone, verified

    def _verify_all(self, candidates: list[Candidate], study: OriginalStudy, first: int,
                    span: Span) -> dict[int, Verification]:
        """Verify candidates[first:], up to --jobs at once, moving the progress bar across *span* as
        each verdict arrives. A candidate whose code is the same as an earlier one's is judged once."""
        start, end = span
        batch = candidates[first:]
        firsts: dict[str, int] = {}  # code -> the first candidate in the batch with it
        same_as = {k: firsts.setdefault(_code_key(c) or f"#{k}", k) for k, c in enumerate(batch)}
        judged = sorted(set(same_as.values()))
        count = 0

        def arrived(j: int, verification: Verification) -> None:
            nonlocal count
            count += 1
            cand = batch[judged[j]]
            self.progress(f"{ARRIVED}{count}/{len(judged)}: {cand.name}, {_briefly(verification)}",
                          start + (end - start) * count / len(judged))

        with self.stage("verify", f"Verifying {len(judged)} candidate(s)", start):
            tasks = [functools.partial(self._verify, batch[k], study) for k in judged]
            results = dict(zip(judged, run_all(tasks, self.opts.parallel, arrived)))
        return {first + k: results[same_as[k]] for k in range(len(batch))}

    def _verify(self, cand: Candidate, study: OriginalStudy) -> Verification:
        if not study.determinism.deterministic:
            return Unverifiable(study.determinism.reason)
        func, calls, tol, seed, opts, domain = self.func, self.calls, self.tol, study.determinism.seed, self.opts, self.domain
        unparsed = precheck(cand, func)
        if unparsed:  # no child is spent on code that cannot run
            return Failure(unparsed)
        needed = self._needed([cand])
        unsendable = sending.culprit({f"the global `{name}`": value for name, value in needed.items()})
        if unsendable:
            return Failure(unsendable)
        live_lines = study.live_lines  # a slow original's live calls are not traced again

        def job() -> Check | Failure:
            sending.provide(func, needed)
            try:
                candidate = materialize(cand, func)
            except CandidateProblem as problem:
                return Failure(str(problem))
            return check_candidate(func, candidate, calls, tol, seed, opts.examples, opts.verify_budget, opts.seed,
                                   admits=domain.predicate(func), output=not opts.ignore_output,
                                   live_lines=live_lines)

        child = self.child(job, limits.for_verify(opts, study.pass_seconds))
        outcome: Check | Failure = child.value if child.ok else Failure(child.error)
        return outcome

    def _needed(self, cands: Iterable[Candidate]) -> dict[str, Any]:
        """The globals *cands* (and the assumptions) read that the original does not: the spawn worker
        gets the original with its own globals only (under fork, the child has them all)."""
        if not self.spawned:
            return {}
        expressions = [a.text for a in self.domain.assumptions if a.predicate is None]
        return sending.globals_needed(self.func, [c.source for c in cands if c.func is None and c.source], expressions)

    def _benchmark(self, survivors: dict[int, Candidate], study: OriginalStudy) -> _BenchOut:
        if not survivors:
            return _BenchOut({}, {}, None)
        func, calls, opts = self.func, self.calls, self.opts
        chosen = list(survivors.values())
        needed = self._needed(chosen)

        def job() -> tuple[timing.Samples, tuple[int | None, ...]]:
            sending.provide(func, needed)
            funcs = [func] + [materialize(c, func) for c in chosen]
            samples = timing.measure(funcs, calls, opts.time_budget, study.mutates_args, opts.seed, opts.confidence,
                                     study.pass_seconds)
            return samples, peak_memory(funcs, calls, samples.pass_seconds, opts.time_budget)

        child = self.child(job, limits.for_benchmark(opts, study.pass_seconds, 1 + len(chosen)))
        if not child.ok:
            failure = Failure(f"could not be benchmarked: {child.error}")
            return _BenchOut({i: failure for i in survivors}, {}, None)
        samples, peaks = child.value
        self._memory_note(["the original"] + [c.name for c in chosen], samples, peaks)
        timings: dict[int, Timing | Failure] = {
            i: timing.summarize(samples, k + 1, cand.name, len(calls), opts) for k, (i, cand) in enumerate(survivors.items())}
        memory = {i: peaks[k + 1] for k, i in enumerate(survivors)}
        return _BenchOut(timings, memory, peaks[0])

    def _memory_note(self, names: list[str], samples: timing.Samples, peaks: tuple[int | None, ...]) -> None:
        skipped = [k for k, peak in enumerate(peaks) if peak is None]
        if skipped:
            slowest = max(samples.pass_seconds[k] for k in skipped)
            self.notes.append(skipped_note([names[k] for k in skipped], slowest, self.opts.time_budget))

    def _scaling(self, faster: list[CandidateResult], study: OriginalStudy) -> Scaling | None:
        if not faster:
            self.notes.append("--scaling: no candidate is faster, so there is nothing to scale.")
            return None
        best = [(r.name, r.candidate) for r in sorted(faster, key=lambda r: -(r.speedup or 0))[:3] if r.candidate]
        func, calls, opts = self.func, self.calls, self.opts
        needed = self._needed([cand for _, cand in best])

        def job() -> Scaling:
            sending.provide(func, needed)
            funcs = [func] + [materialize(cand, func) for _, cand in best]
            return measure_scaling(funcs, [name for name, _ in best], calls, study.mutates_args, opts.time_budget)

        child = self.child(job, limits.for_scaling(opts))
        if not child.ok:
            self.notes.append(f"--scaling could not finish: {child.error}")
            return None
        scaling: Scaling = child.value
        return scaling

    # -- the report ------------------------------------------------------------

    def _result(self, cand: Candidate, verification: Verification, benchmark: Benchmark,
                memory: int | None) -> CandidateResult:
        verdict, reason = decide(verification, benchmark)
        return CandidateResult(
            cand.name, cand.origin, cand.source, verdict, reason,
            check=verification if isinstance(verification, Check) else None,
            timing=benchmark if isinstance(benchmark, Timing) else None,
            explanation=cand.explanation, candidate=cand, peak_memory=memory,
        )

    def _report(self, study: OriginalStudy, results: list[CandidateResult], original_memory: int | None,
                scaling: Scaling | None) -> Report:
        params = parameter_names(self.func)
        return Report(
            function=self.func.__name__,
            original_source=_source(self.func),
            calls=tuple(describe_call(self.func.__name__, c.args, c.kwargs, params) for c in self.calls),
            profile=study.profile,
            results=tuple(results),
            options=self.opts,
            stage_seconds=dict(self.stage_seconds),
            notes=tuple(self.notes),
            original_peak_memory=original_memory,
            scaling=scaling,
            sources=self.sources,
            assumptions=self.domain.texts,
            isolation=self.isolation,
        )


def _code_key(cand: Candidate) -> str | None:
    """The candidate's code as its syntax tree (formatting and comments aside), or None without code."""
    if cand.func is not None or not cand.source:
        return None
    try:
        return ast.dump(ast.parse(cand.source))
    except (SyntaxError, ValueError):
        return cand.source


def _briefly(verification: Verification) -> str:
    """A verdict as it arrives, for the progress line: 'verified' or 'rejected: <why>'."""
    if isinstance(verification, Check):
        if verification.passed:
            return "verified"
        cx = verification.counterexample
        return f"rejected: {cx.difference}" if cx is not None else "rejected"
    return f"not verified: {getattr(verification, 'reason', '')}".rstrip(": ")


def _check_sendable(func: Callable[..., Any], calls: Sequence[Call]) -> None:
    """Under spawn everything goes to the worker by value: what cannot go is one line, before anything runs."""
    if sending.sendable((func, list(calls))):  # one pickling; naming the culprit takes one per value
        return
    problem = sending.culprit({**sending.call_inputs(func, calls), **sending.function_environment(func)})
    if problem:
        raise OptimizeError(f"{problem}: pass what it holds instead (a list, an array, a path), or use "
                            f"start_method='fork' where the platform has fork (Linux).")


def _source(func: Callable[..., Any]) -> str | None:
    try:
        return textwrap.dedent(inspect.getsource(func))  # a method's source is indented in its class
    except (OSError, TypeError):
        return None
