"""optimize(): the stages in order, nothing else.

study the original (profile, determinism) -> candidates (each source a stage
of its own) -> verify each in a child (`judging`; and, with --repair, the
fixes of the rejected ones) -> benchmark the
survivors together in one child -> decide each verdict -> Report. How long
each child may run is `sandbox.limits`; how a verdict follows from the
evidence is `verdict`.
"""
from __future__ import annotations

import copy
import inspect
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from . import judging, sandbox, warmup
from .errors import OptimizeError, UsageProblem
from .judging import Span
from .measure import timing
from .measure.memory import peak_memory, skipped_note
from .measure.scaling import Scaling, measure_scaling
from .model import Call, Candidate, CandidateResult, Check, Report, Timing
from .options import Options
from .sandbox import SPAWN, ChildLimits, ChildResult, limits, sending
from .sandbox.methods import DESCRIBED
from .sources import AUTO, check_names, repair, repairable, resolve_sources, run_sources
from .sources.candidates import as_candidates, materialize, unique_names
from .sources.protocol import SourceRequest
from .study.assume import Domain, domain_for
from .study.given import function_and_calls
from .study.original import OriginalStudy, study_original
from .verdict import Benchmark, Failure, Verification, decide
from .verify.compare import Tolerance
from .verify.describe import describe_call
from .verify.judge import parameter_names
from .verify.replay import Drawn

Progress = Callable[[str, float], None]
# Where the stages sit on the progress bar (0..1), in the order they run, so it never moves back.
STUDY_AT, CANDIDATES_AT, BENCHMARK_AT, SCALING_AT = 0.05, 0.15, 0.6, 0.85
VERIFY_SPAN: Span = (0.2, 0.6)
# with --repair: the candidates' verification, asking for fixes, the fixes' verification
FIRST_SPAN, REPAIR_AT, FIXES_SPAN = (0.2, 0.45), 0.45, (0.5, 0.6)
# with a first answer: the quick sources' candidates verified and benchmarked, then the later ones'
FIRST_ROUND_SPAN, FIRST_BENCHMARK_AT, LATER_SPAN = (0.2, 0.35), 0.35, (0.45, 0.6)
LATER_SOURCES = ("numba", "llm")  # slow to give their candidates: with a first-answer callback, a second round
FirstAnswer = Callable[[Report, str], None]  # the report so far, and the sources still to come ("numba")
_ORIGINS = {"user": "your own (--candidate)", "rules": "the rules'", "numba": "numba's"}  # whose candidates, in a note


def optimize(func: Callable[..., Any], calls: Iterable[Any], *, candidates: Iterable[Any] = (),
             sources: Sequence[str] | str = AUTO, assume: Any = None, progress: Progress | None = None,
             first_answer: FirstAnswer | None = None, **options: Any) -> Report:
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
    first_answer: called once with the report so far (and the names of the sources still to come) when
        slow sources (numba, llm) run after the others: their candidates are verified and benchmarked
        first. The returned report is as without it, the first round's timings kept.
    options: see `Options` (rtol, atol, exact, timeout, time_budget, min_gain, ...).
    """
    opts = Options.from_kwargs(**options)
    func, live = function_and_calls(func, calls)
    domain = domain_for(func, assume)
    given = _given(candidates)
    names, hint = resolve_sources(sources, bool(given), opts)
    check_names(names)
    method = sandbox.chosen(opts.start_method)  # a mistyped method or $JUPYTER_OPTIMIZE_START_METHOD: one line, now
    run = _Run(func, live, replace(opts, start_method=method), progress or (lambda message, fraction: None), domain)
    run.first_answer = first_answer
    if hint:
        run.notes.append(hint)
    warmup.hold(whole="numba" in names)  # no child is forked while the warm-up imports: it pauses between steps
    try:
        with sandbox.run_scope(method, opts.memory_limit_mb):
            return run.execute(given, names)
    finally:
        warmup.release()


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
        self.first_answer: FirstAnswer | None = None
        self.twin: dict[int, int] = {}  # candidate index -> the candidate with the same code that was timed
        self.drew = False  # the generated inputs, drawn once for every candidate (`judging.draw_once`)
        self.drawn: Drawn | None = None
        self.drawing: Callable[[], ChildResult] | None = None  # the drawing child, started early
        self.stream: str | None = None  # the file it passes its inputs on through
        self.stream_end: threading.Thread | None = None

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
        return self._noted(sandbox.run_within(job, within))

    def start_child(self, job: Callable[[], Any], within: ChildLimits) -> Callable[[], ChildResult]:
        """`child`, started now: the function returned waits for its result."""
        future = sandbox.start_within(job, within)
        return lambda: self._noted(future.result())

    def _noted(self, result: ChildResult) -> ChildResult:
        with self.lock:  # children run from several threads while candidates are verified in parallel
            self.isolation = DESCRIBED.get(result.backend, self.isolation)
            if result.note and result.note not in self.notes:
                self.notes.append(result.note)
        return result

    def execute(self, given_candidates: list[Candidate], sources: tuple[str, ...]) -> Report:
        self.sources = sources
        with self.stage("study", "Profiling the original", STUDY_AT):
            study = self._study()
        try:
            judging.start_drawing(self, study, judging.runnable(self, given_candidates) >= 2 or bool(sources))
            return self._after_study(given_candidates, sources, study)
        finally:
            judging.stop_drawing(self)

    def _after_study(self, given: list[Candidate], sources: tuple[str, ...], study: OriginalStudy) -> Report:
        self.progress("Collecting candidates", CANDIDATES_AT)  # each source's time is a stage of its own
        now = tuple(name for name in sources if name not in LATER_SOURCES or self.first_answer is None)
        later = tuple(name for name in sources if name not in now)
        candidates = unique_names(given + self._from_sources(now, study))
        verified: dict[int, Verification] = {}
        bench = _BenchOut({}, {}, None)
        if later and candidates and self.first_answer is not None:  # the first answer, while the slow sources run
            verified = judging.verify_all(self, candidates, study, 0, FIRST_ROUND_SPAN)
            bench = self._benchmark_new(candidates, verified, study, bench, FIRST_BENCHMARK_AT)
            self.first_answer(self._report(study, self._results(candidates, verified, bench), bench.original_memory,
                                           None), ", ".join(later))
        candidates = unique_names(candidates + self._from_sources(later, study))
        candidates, verified = self._verify_and_repair(candidates, study, verified)
        bench = self._benchmark_new(candidates, verified, study, bench, BENCHMARK_AT)
        results = self._results(candidates, verified, bench)
        scaling = None
        if self.opts.scaling:
            with self.stage("scaling", "Timing growing inputs", SCALING_AT):
                scaling = self._scaling([r for r in results if r.verdict == "faster"], study)
        self.progress("Done", 1.0)
        return self._report(study, results, bench.original_memory, scaling)

    def _benchmark_new(self, candidates: list[Candidate], verified: dict[int, Verification], study: OriginalStudy,
                       before: _BenchOut, fraction: float) -> _BenchOut:
        """*before*, and the verified candidates it has not timed yet (the same code is timed once)."""
        survivors = {i: candidates[i] for i, v in verified.items() if isinstance(v, Check) and v.passed}
        codes = {judging.code_key(candidates[i]) or f"#{i}": i for i in sorted(before.timings, reverse=True)}
        self.twin.update({i: codes.setdefault(judging.code_key(c) or f"#{i}", i) for i, c in survivors.items()})
        timed = {i: c for i, c in survivors.items() if self.twin[i] == i and i not in before.timings}
        if not timed:
            return before
        with self.stage("benchmark", f"Benchmarking {len(timed)} candidate(s)", fraction):
            bench = self._benchmark(timed, study)
        original = before.original_memory if before.original_memory is not None else bench.original_memory
        return _BenchOut({**before.timings, **bench.timings}, {**before.memory, **bench.memory}, original)

    def _results(self, candidates: list[Candidate], verified: dict[int, Verification],
                 bench: _BenchOut) -> list[CandidateResult]:
        twin = self.twin
        return [self._result(c, verified[i], bench.timings.get(twin.get(i, i)), bench.memory.get(twin.get(i, i)))
                for i, c in enumerate(candidates)]

    # -- stages --------------------------------------------------------------

    def _study(self) -> OriginalStudy:
        func, calls, tol, opts, domain = self.func, self.calls, self.tol, self.opts, self.domain
        needed = judging.needed(self, [])
        run_limit = limits.study_run_limit(opts)

        def job() -> OriginalStudy:
            sending.provide(func, needed)
            return study_original(func, calls, tol, opts, domain, run_limit)

        child = self.child(job, limits.for_study(opts, len(calls)))
        if not child.ok:
            if self.spawned:  # the job could not be sent? Then name the value, as the user knows it
                _check_sendable(func, calls)
            if "pickle" in child.error:  # each run copies its inputs (deepcopy pickles what it cannot copy): by name
                _check_copyable(func, calls)
            raise OptimizeError(f"Running the original {func.__name__} on its inputs failed: {child.error}")
        study: OriginalStudy = child.value
        if study.problem is not None:  # outside the domain, raising or too slow: the user's to fix
            raise (UsageProblem if study.problem.kind == "outside" else OptimizeError)(study.problem.message)
        if not study.determinism.deterministic:
            self.notes.append(study.determinism.reason)
        elif study.determinism.seed is not None:
            self.notes.append("The original uses random numbers: every run was seeded the same way.")
        if study.live_lines == frozenset():
            self.notes.append("The share of the original's lines the inputs reached counts the generated "
                              "inputs only: the original is too slow to trace line by line on its live calls.")
        return study

    def _request(self, study: OriginalStudy, fraction: float) -> SourceRequest:
        """What a source sees; its progress messages stay at *fraction* of the bar."""
        return SourceRequest(self.func, _source(self.func), tuple(self.calls), study.profile, self.opts,
                             lambda message: self.progress(message, fraction), study.pass_seconds)

    def _from_sources(self, names: tuple[str, ...], study: OriginalStudy) -> list[Candidate]:
        """Each source's candidates, its time a stage of its own (numba's is its compile)."""
        found: list[Candidate] = []
        request = self._request(study, CANDIDATES_AT)  # the source text read once for every source
        for name in names:
            started = time.perf_counter()
            result = run_sources([name], request)
            self.stage_seconds[name] = time.perf_counter() - started
            self.notes.extend(result.notes)
            found += result.candidates
        return found

    def _verify_and_repair(self, candidates: list[Candidate], study: OriginalStudy,
                           before: dict[int, Verification]) -> tuple[list[Candidate], dict[int, Verification]]:
        """Every candidate verified (those *before* has already); with --repair, the fixes of the rejected
        ones too (appended)."""
        verified = dict(before)
        if not self.opts.repair:
            verified.update(judging.verify_all(self, candidates, study, len(before), LATER_SPAN if before else VERIFY_SPAN))
            return candidates, verified
        verified.update(judging.verify_all(self, candidates, study, len(before), FIRST_SPAN))
        rejected = [(candidates[i], v.counterexample) for i, v in verified.items()
                    if isinstance(v, Check) and v.counterexample is not None]
        unrepairable = sorted({cand.origin for cand, _ in rejected if not repairable(cand)})
        if rejected and len(unrepairable) == len({cand.origin for cand, _ in rejected}):
            whose = ", ".join(_ORIGINS.get(origin, origin) for origin in unrepairable)
            self.notes.append(f"--repair asks a language model to fix the candidates it gave; the rejected ones here "
                              f"are {whose}, so none was repaired.")
        with self.stage("repair", f"Asking for repairs of {len(rejected)} candidate(s)", REPAIR_AT):
            request = self._request(study, REPAIR_AT)
            fixes = [fixed for cand, cx in rejected if (fixed := repair(request, cand, cx)) is not None]
        everyone = unique_names(candidates + fixes)
        verified.update(judging.verify_all(self, everyone, study, len(candidates), FIXES_SPAN))
        return everyone, verified

    def _benchmark(self, survivors: dict[int, Candidate], study: OriginalStudy) -> _BenchOut:
        if not survivors:
            return _BenchOut({}, {}, None)
        func, calls, opts = self.func, self.calls, self.opts
        chosen = list(survivors.values())
        needed = judging.needed(self, chosen)

        def job() -> tuple[timing.Samples, tuple[int | None, ...]]:
            sending.provide(func, needed)
            funcs = [func] + [materialize(c, func) for c in chosen]
            samples = timing.measure(funcs, calls, opts.time_budget, study.mutates_args, opts.seed, opts.confidence,
                                     study.pass_seconds, study.clean_passes, timing.fewest_rounds(opts), opts.min_gain)
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
            note = skipped_note([names[k] for k in skipped], slowest, self.opts.time_budget)
            if note not in self.notes:
                self.notes.append(note)

    def _scaling(self, faster: list[CandidateResult], study: OriginalStudy) -> Scaling | None:
        if not faster:
            self.notes.append("--scaling: no candidate is faster, so there is nothing to scale.")
            return None
        best = [(r.name, r.candidate) for r in sorted(faster, key=lambda r: -(r.speedup or 0))[:3] if r.candidate]
        func, calls, opts = self.func, self.calls, self.opts
        needed = judging.needed(self, [cand for _, cand in best])

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
            notes=tuple(note for note in self.notes if note not in {r.reason for r in results}),  # said once
            original_peak_memory=original_memory,
            scaling=scaling,
            sources=self.sources,
            assumptions=self.domain.texts,
            isolation=self.isolation,
        )


def _given(candidates: Any) -> list[Candidate]:
    """optimize()'s *candidates*: a list of functions or source strings, or a lone one; anything else is one line."""
    if isinstance(candidates, (str, Candidate)) or callable(candidates):
        return as_candidates([candidates])
    if isinstance(candidates, (bytes, bytearray, dict)) or not isinstance(candidates, Iterable):
        raise UsageProblem(f"candidates: a list of functions or source strings, not {type(candidates).__name__}.")
    return as_candidates(list(candidates))


def _check_sendable(func: Callable[..., Any], calls: Sequence[Call]) -> None:
    """Under spawn everything goes to the worker by value: what cannot go is one line. Called once the study's
    child failed (naming the culprit pickles each value apart: never on a run that went well)."""
    problem = sending.culprit({**sending.call_inputs(func, calls), **sending.function_environment(func)})
    if problem:
        raise OptimizeError(f"{problem}: pass what it holds instead (a list, an array, a path), or use "
                            f"start_method='fork' where the platform has fork (Linux).")


def _check_copyable(func: Callable[..., Any], calls: Sequence[Call]) -> None:
    """Every run gets a deep copy of the live inputs (the function may change them): an input that cannot be
    copied is named in one line. Called once the study's child failed."""
    for label, value in sending.call_inputs(func, calls).items():
        try:
            copy.deepcopy(value)
        except Exception as exc:
            raise OptimizeError(f"{label} ({sending.describe_type(value)}) cannot be copied, and every run gets a "
                                f"fresh copy of its inputs ({type(exc).__name__}: {exc}): pass what it holds "
                                "instead (a list, an array, a path).") from None


def _source(func: Callable[..., Any]) -> str | None:
    try:
        return textwrap.dedent(inspect.getsource(func))  # a method's source is indented in its class
    except (OSError, TypeError):
        return None
